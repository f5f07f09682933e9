import {
  InteractionContextType,
  SlashCommandBuilder,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type SlashCommandStringOption,
  type SlashCommandUserOption,
} from 'discord.js';

/** A command name or description in English and French (Discord shows the one matching the user's client). */
type Words = { en: string; fr: string };

function command(name: Words, description: Words): SlashCommandBuilder {
  return new SlashCommandBuilder()
    .setName(name.en)
    .setNameLocalizations({ fr: name.fr })
    .setDescription(description.en)
    .setDescriptionLocalizations({ fr: description.fr })
    .setContexts(InteractionContextType.Guild);
}

function named<T extends SlashCommandStringOption | SlashCommandUserOption>(option: T, name: Words, description: Words): T {
  return option.setName(name.en).setNameLocalizations({ fr: name.fr }).setDescription(description.en).setDescriptionLocalizations({ fr: description.fr }) as T;
}

const ticketOption = (o: SlashCommandStringOption) =>
  named(o, { en: 'ticket', fr: 'ticket' }, { en: 'Ticket number (e.g. CS-0042); not needed inside the ticket thread', fr: 'Numéro du ticket (ex. CS-0042) ; inutile dans le fil du ticket' })
    .setMaxLength(40)
    .setAutocomplete(true);

const reasonOption = (o: SlashCommandStringOption, required = false) =>
  named(o, { en: 'reason', fr: 'raison' }, { en: 'Why, in a few words', fr: 'Pourquoi, en quelques mots' }).setMaxLength(500).setRequired(required);

/** Every slash command, as registered by `npm run deploy-commands`. */
export function slashCommands(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const builders = [
    command({ en: 'ticket', fr: 'ticket' }, { en: 'Open a support ticket', fr: 'Ouvrir un ticket de support' }).addStringOption((o) =>
      named(o, { en: 'category', fr: 'categorie' }, { en: 'What it is about', fr: 'Le sujet de votre demande' }).setAutocomplete(true).setMaxLength(40),
    ),
    command({ en: 'close', fr: 'fermer' }, { en: 'Close a ticket, with a reason', fr: 'Fermer un ticket, avec une raison' })
      .addStringOption((o) => reasonOption(o))
      .addStringOption(ticketOption),
    command({ en: 'reopen', fr: 'rouvrir' }, { en: 'Reopen a closed ticket, with a reason', fr: 'Rouvrir un ticket fermé, avec une raison' })
      .addStringOption((o) => reasonOption(o))
      .addStringOption(ticketOption),
    command({ en: 'claim', fr: 'prendre' }, { en: 'Take charge of a ticket', fr: 'Prendre un ticket en charge' }).addStringOption(ticketOption),
    command({ en: 'assign', fr: 'assigner' }, { en: 'Assign a ticket to a member of staff', fr: "Assigner un ticket à quelqu'un du support" })
      .addUserOption((o) => named(o, { en: 'member', fr: 'membre' }, { en: 'Who takes it', fr: 'Qui le prend' }).setRequired(true))
      .addStringOption(ticketOption),
    command({ en: 'priority', fr: 'priorite' }, { en: "Set a ticket's priority", fr: "Changer la priorité d'un ticket" })
      .addStringOption((o) =>
        named(o, { en: 'level', fr: 'niveau' }, { en: 'The new priority', fr: 'La nouvelle priorité' })
          .setRequired(true)
          .addChoices(
            { name: 'Low', name_localizations: { fr: 'Basse' }, value: 'low' },
            { name: 'Normal', name_localizations: { fr: 'Normale' }, value: 'normal' },
            { name: 'High', name_localizations: { fr: 'Haute' }, value: 'high' },
            { name: 'Urgent', name_localizations: { fr: 'Urgente' }, value: 'urgent' },
          ),
      )
      .addStringOption(ticketOption),
    command({ en: 'resolve', fr: 'resoudre' }, { en: 'Mark a ticket as resolved', fr: 'Marquer un ticket comme résolu' }).addStringOption(ticketOption),
    command({ en: 'note', fr: 'note' }, { en: 'Add an internal note the requester never sees', fr: 'Ajouter une note interne que le demandeur ne voit jamais' })
      .addStringOption((o) => named(o, { en: 'text', fr: 'texte' }, { en: 'The note', fr: 'La note' }).setRequired(true).setMaxLength(4000))
      .addStringOption(ticketOption),
    command({ en: 'add', fr: 'ajouter' }, { en: 'Add someone to a ticket', fr: "Ajouter quelqu'un à un ticket" })
      .addUserOption((o) => named(o, { en: 'member', fr: 'membre' }, { en: 'Who to add', fr: 'Qui ajouter' }).setRequired(true))
      .addStringOption(ticketOption),
    command({ en: 'remove', fr: 'retirer' }, { en: 'Remove someone from a ticket', fr: "Retirer quelqu'un d'un ticket" })
      .addUserOption((o) => named(o, { en: 'member', fr: 'membre' }, { en: 'Who to remove', fr: 'Qui retirer' }).setRequired(true))
      .addStringOption(ticketOption),
    command({ en: 'move', fr: 'deplacer' }, { en: 'Move a ticket to another category', fr: 'Déplacer un ticket vers une autre catégorie' })
      .addStringOption((o) =>
        named(o, { en: 'category', fr: 'categorie' }, { en: 'The new category', fr: 'La nouvelle catégorie' }).setRequired(true).setAutocomplete(true).setMaxLength(40),
      )
      .addStringOption(ticketOption),
    command({ en: 'tickets', fr: 'tickets' }, { en: 'List and search tickets, or see support figures', fr: 'Lister et chercher des tickets, ou voir les chiffres du support' })
      .addSubcommand((sub) =>
        sub
          .setName('list')
          .setNameLocalizations({ fr: 'liste' })
          .setDescription('List and search tickets (members see their own)')
          .setDescriptionLocalizations({ fr: 'Lister et chercher des tickets (chacun voit les siens)' })
          .addStringOption((o) =>
            named(o, { en: 'status', fr: 'statut' }, { en: 'Which tickets (default: not closed)', fr: 'Quels tickets (par défaut : non fermés)' }).addChoices(
              { name: 'Not closed', name_localizations: { fr: 'Non fermés' }, value: 'active' },
              { name: 'Open', name_localizations: { fr: 'Ouverts' }, value: 'open' },
              { name: 'Pending', name_localizations: { fr: 'En attente' }, value: 'pending' },
              { name: 'Resolved', name_localizations: { fr: 'Résolus' }, value: 'resolved' },
              { name: 'Closed', name_localizations: { fr: 'Fermés' }, value: 'closed' },
              { name: 'All', name_localizations: { fr: 'Tous' }, value: 'all' },
            ),
          )
          .addStringOption((o) =>
            named(o, { en: 'category', fr: 'categorie' }, { en: 'Only this category', fr: 'Seulement cette catégorie' }).setAutocomplete(true).setMaxLength(40),
          )
          .addUserOption((o) => named(o, { en: 'requester', fr: 'demandeur' }, { en: 'Opened by', fr: 'Ouverts par' }))
          .addUserOption((o) => named(o, { en: 'assignee', fr: 'assigne' }, { en: 'Assigned to', fr: 'Assignés à' }))
          .addStringOption((o) => named(o, { en: 'search', fr: 'recherche' }, { en: 'Words in the subject or description', fr: "Mots de l'objet ou de la description" }).setMaxLength(100)),
      )
      .addSubcommand((sub) =>
        sub
          .setName('stats')
          .setNameLocalizations({ fr: 'stats' })
          .setDescription('Support figures over a period (staff)')
          .setDescriptionLocalizations({ fr: 'Chiffres du support sur une période (support)' })
          .addIntegerOption((o) =>
            o
              .setName('days')
              .setNameLocalizations({ fr: 'jours' })
              .setDescription('How many days back (default 30)')
              .setDescriptionLocalizations({ fr: 'Combien de jours en arrière (30 par défaut)' })
              .setMinValue(1)
              .setMaxValue(366),
          ),
      ),
    command({ en: 'transcript', fr: 'transcription' }, { en: "Get a ticket's transcript", fr: "Obtenir la transcription d'un ticket" })
      .addStringOption(ticketOption)
      .addStringOption((o) =>
        named(o, { en: 'format', fr: 'format' }, { en: 'A web page (default) or a JSON export', fr: 'Une page web (par défaut) ou un export JSON' }).addChoices(
          { name: 'Web page (HTML)', name_localizations: { fr: 'Page web (HTML)' }, value: 'html' },
          { name: 'JSON export', name_localizations: { fr: 'Export JSON' }, value: 'json' },
        ),
      ),
  ];
  return builders.map((b) => b.toJSON());
}
