import { DiscordAPIError, MessageFlags, type Interaction, type RepliableInteraction } from 'discord.js';
import { isRefusal, refuse, type FieldProblem } from '../../src/core/index.js';
import { referenceId } from '../../src/logger.js';
import { DISCORD_ERRORS, MissingPermissionsError, UserFacingError, type DiscordDesk } from './discord-desk.js';
import type { StaffCommands } from './staff-commands.js';
import { settleAnswer } from './timely-answer.js';
import { onCategoryAutocomplete, onCategoryPicked, onOpenConfirmed, onOpenDropped, onTicketCommand, onTicketForm } from './ticket-form.js';

/** The ticket id a custom id carries; anything but a positive whole number is a ticket that does not exist. */
function ticketIdOf(value: string | undefined): number {
  const id = Number(value);
  if (!value || !/^\d+$/.test(value) || !Number.isSafeInteger(id) || id <= 0) refuse({ code: 'ticket_not_found', reference: String(value ?? '').slice(0, 20) });
  return id;
}

/** What a command, button or form this version does not know gets: an answer saying so, never silence. */
function notInUse(): never {
  throw new UserFacingError((t) => t.notInUse);
}

/**
 * Routes every interaction to its handler, by command name or custom id prefix, inside the adapter's one
 * error boundary: refusals become a clear ephemeral message in the user's language; a missing permission
 * says which; anything else is logged with a short reference the user also sees.
 */
export class InteractionRouter {
  constructor(
    private readonly dd: DiscordDesk,
    private readonly staff: StaffCommands,
  ) {}

  async handle(interaction: Interaction): Promise<void> {
    try {
      await this.route(interaction);
    } catch (error) {
      await this.fail(interaction, error);
    }
  }

  private async route(interaction: Interaction): Promise<void> {
    const staff = this.staff;
    if (interaction.isChatInputCommand()) {
      const commands: Record<string, () => Promise<void>> = {
        ticket: () => onTicketCommand(this.dd, interaction),
        close: () => staff.onClose(interaction),
        reopen: () => staff.onReopen(interaction),
        claim: () => staff.onClaim(interaction),
        assign: () => staff.onAssign(interaction),
        priority: () => staff.onPriority(interaction),
        resolve: () => staff.onResolve(interaction),
        note: () => staff.onNote(interaction),
        add: () => staff.onAdd(interaction),
        remove: () => staff.onRemove(interaction),
        move: () => staff.onMove(interaction),
        tickets: () => (interaction.options.getSubcommand(false) === 'stats' ? staff.onStats(interaction) : staff.onTickets(interaction)),
        transcript: () => staff.onTranscript(interaction),
      };
      // A command this version does not have (registered by an older one, say) still gets an answer.
      await (commands[interaction.commandName] ?? notInUse)();
      return;
    }
    if (interaction.isAutocomplete()) {
      const focused = interaction.options.getFocused(true).name;
      if (focused === 'category') await onCategoryAutocomplete(this.dd, interaction);
      else if (focused === 'ticket') await staff.onTicketAutocomplete(interaction);
      else await interaction.respond([]);
      return;
    }
    const [prefix, action, arg] = 'customId' in interaction ? interaction.customId.split(':') : [];
    if (interaction.isModalSubmit()) {
      if (prefix === 'ticket-form') await onTicketForm(this.dd, interaction);
      else if (prefix === 'ticket-close') await staff.onCloseModal(interaction, ticketIdOf(action));
      else if (prefix === 'ticket-reopen') await staff.onReopenModal(interaction, ticketIdOf(action));
      else if (prefix === 'rate-comment') await staff.onRateComment(interaction, ticketIdOf(action));
      else notInUse();
      return;
    }
    if (interaction.isStringSelectMenu() && prefix === 'ticket-category') {
      await onCategoryPicked(this.dd, interaction);
      return;
    }
    if (interaction.isButton()) {
      if (prefix === 'close-confirm') await staff.onConfirmClose(interaction);
      else if (prefix === 'close-cancel') await staff.onCancelClose(interaction);
      else if (prefix === 'ticket-list') await staff.onListPage(interaction);
      else if (prefix === 'rate') await staff.onRate(interaction, ticketIdOf(action), Number(arg));
      else if (prefix === 'ticket-confirm') await onOpenConfirmed(this.dd, interaction);
      else if (prefix === 'ticket-drop') await onOpenDropped(this.dd, interaction);
      else if (prefix === 'ticket') {
        const buttons: Record<string, (ticketId: number) => Promise<void>> = {
          claim: (id) => staff.onClaim(interaction, id),
          resolve: (id) => staff.onResolve(interaction, id),
          close: (id) => staff.onCloseButton(interaction, id),
          reopen: (id) => staff.onReopenButton(interaction, id),
          join: (id) => staff.onJoin(interaction, id),
        };
        const press = buttons[action ?? ''];
        if (!press) notInUse();
        await press(ticketIdOf(arg));
      } else notInUse();
      return;
    }
    if (interaction.isRepliable()) notInUse();
  }

  private async fail(interaction: Interaction, error: unknown): Promise<void> {
    if (interaction.isAutocomplete()) {
      this.dd.log.warn({ err: error }, 'autocomplete failed');
      await interaction.respond([]).catch(() => undefined);
      return;
    }
    if (!interaction.isRepliable()) return;
    const desk = this.dd.deskForGuild(interaction.guildId);
    const t = this.dd.words(interaction.locale, desk);
    let text: string;
    if (isRefusal(error)) {
      text = t.refusal(error.refusal, (field: FieldProblem['field']) => {
        if (!field.startsWith('answer:') || !desk) return t.field(field);
        const key = field.slice('answer:'.length);
        const label = desk.categories.flatMap((c) => c.questions).find((q) => q.key === key)?.label;
        return t.field(field, label);
      });
      this.dd.log.debug({ refusal: error.refusal, user: interaction.user.id }, 'refused');
    } else if (error instanceof UserFacingError) {
      text = error.words(t);
    } else if (error instanceof MissingPermissionsError || (error instanceof DiscordAPIError && error.code === DISCORD_ERRORS.missingPermissions)) {
      const ref = referenceId();
      const missing = error instanceof MissingPermissionsError ? error.missing : this.dd.missingIn(interaction.channelId);
      this.dd.log.error({ err: error, ref, channelId: interaction.channelId, missing }, 'missing Discord permissions');
      text = t.missingPermission(missing.join(', ') || 'Manage Threads', ref);
    } else {
      const ref = referenceId();
      this.dd.log.error({ err: error, ref, interaction: describe(interaction) }, 'interaction failed');
      text = t.internalError(ref);
    }
    await this.tell(interaction, text);
  }

  private async tell(interaction: RepliableInteraction, content: string): Promise<void> {
    try {
      // A defer already sent is waited for: it decides whether the message is a reply or an edit.
      await settleAnswer(interaction);
      if (interaction.deferred && !interaction.replied) await interaction.editReply({ content, components: [], embeds: [] });
      else if (interaction.replied) await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
      else await interaction.reply({ content, flags: MessageFlags.Ephemeral });
    } catch (error) {
      this.dd.log.warn({ err: error }, 'could not tell the user about a failure');
    }
  }
}

function describe(interaction: Interaction) {
  return {
    id: interaction.id,
    type: interaction.type,
    user: interaction.user.id,
    guild: interaction.guildId,
    channel: interaction.channelId,
    command: interaction.isCommand() ? interaction.commandName : undefined,
    customId: 'customId' in interaction ? interaction.customId : undefined,
  };
}

