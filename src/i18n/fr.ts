import type { FieldProblem, Priority, Refusal, TicketAction, TicketStatus } from '../core/index.js';
import { formatBytes, type Catalog } from './en.js';

const STATUS: Record<TicketStatus, string> = { open: 'Ouvert', pending: 'En attente de votre réponse', resolved: 'Résolu', closed: 'Fermé' };
const STAFF_STATUS: Record<TicketStatus, string> = { open: 'Ouvert', pending: 'En attente (du demandeur)', resolved: 'Résolu', closed: 'Fermé' };
const PRIORITY: Record<Priority, string> = { low: 'Basse', normal: 'Normale', high: 'Haute', urgent: 'Urgente' };
const VERB: Record<TicketAction, string> = {
  open: 'ouvrir',
  reply: 'écrire dans',
  note: 'ajouter des notes internes à',
  claim: 'prendre en charge',
  assign: 'assigner',
  set_priority: 'changer la priorité de',
  move: 'déplacer',
  add_participant: 'ajouter des personnes à',
  remove_participant: 'retirer des personnes de',
  resolve: 'résoudre',
  close: 'fermer',
  reopen: 'rouvrir',
  view: 'voir',
  list: 'lister',
  rate: 'noter',
  stats: 'voir les statistiques de',
};
const bytes = (n: number) => formatBytes(n, ['octets', 'Ko', 'Mo', 'Go']).replace('.', ',');
const list = (items: readonly string[]) => items.join(', ');

export const fr: Catalog = {
  language: 'fr',
  status: (s) => STATUS[s],
  staffStatus: (s) => STAFF_STATUS[s],
  priority: (p) => PRIORITY[p],

  field(field, questionLabel) {
    if (field.startsWith('answer:')) return questionLabel ?? field.slice('answer:'.length);
    return { category: 'Catégorie', subject: 'Objet', description: 'Description', attachments: 'Pièces jointes' }[field as 'category'] ?? field;
  },

  fieldProblem(p: FieldProblem, fieldName: string): string {
    switch (p.problem) {
      case 'required':
        return `${fieldName} : ce champ est obligatoire.`;
      case 'too_short':
        return `${fieldName} est trop court : écrivez au moins ${p.min} caractères.`;
      case 'too_long':
        return `${fieldName} est trop long : ${p.max} caractères au maximum.`;
      case 'unknown_category':
        return 'Choisissez une catégorie dans la liste.';
      case 'too_many':
        return `Trop de fichiers : ${p.max} au maximum.`;
      case 'too_large':
        return `« ${p.fileName} » est trop volumineux : ${bytes(p.maxBytes)} au maximum par fichier.`;
      case 'type_not_allowed':
        return `« ${p.fileName} » (${p.contentType}) n'est pas un type de fichier accepté. Acceptés : ${list(p.allowed)}.`;
      case 'empty_file':
        return `« ${p.fileName} » est vide.`;
      case 'content_mismatch':
        return `« ${p.fileName} » n'est pas ce qu'il prétend être (${p.contentType}) : son contenu est ${p.actualType}. Envoyez le fichier d'origine.`;
    }
  },

  refusal(r: Refusal, fieldName = (f) => fr.field(f)): string {
    switch (r.code) {
      case 'invalid_form':
        return ['Merci de corriger le formulaire et de le renvoyer :', ...r.problems.map((p) => `• ${fr.fieldProblem(p, fieldName(p.field))}`)].join('\n');
      case 'desk_not_configured':
        return "Le support n'est pas encore configuré ici. Demandez à un administrateur d'ajouter ce serveur ou cet espace de travail à la configuration du bot.";
      case 'unknown_category':
        return `La catégorie « ${r.categoryKey} » n'existe pas (ou plus). Choisissez-en une dans la liste.`;
      case 'too_many_open_tickets':
        return r.open.length === 1
          ? `Vous avez déjà un ticket ouvert (${list(r.open)}) ; la limite est de ${r.max}. Continuez dans celui-ci, ou fermez-le d'abord.`
          : `Vous avez déjà ${r.open.length} tickets ouverts (${list(r.open)}) ; la limite est de ${r.max}. Continuez dans l'un d'eux, ou fermez-en un d'abord.`;
      case 'cooldown':
        return `Vous venez d'ouvrir un ticket. Merci d'attendre ${r.retryAfterSeconds} secondes avant d'en ouvrir un autre.`;
      case 'duplicate_ticket':
        return `Vous avez déjà un ticket ouvert avec cet objet : ${r.existing}. Merci de continuer dans celui-ci plutôt que d'en ouvrir un nouveau.`;
      case 'ticket_not_found':
        return `Aucun ticket « ${r.reference} » ici. Vérifiez le numéro (par exemple CS-0042).`;
      case 'not_allowed':
        return r.action === 'reply'
          ? "Seuls le demandeur, les personnes ajoutées au ticket et l'équipe de support peuvent écrire dans ce ticket."
          : `Vous n'avez pas le droit de ${VERB[r.action]} ce ticket.`;
      case 'invalid_status':
        if (r.action === 'close' && r.status === 'closed') return 'Ce ticket est déjà fermé.';
        if (r.action === 'resolve' && r.status === 'resolved') return 'Ce ticket est déjà résolu.';
        if (r.action === 'reopen') return "Ce ticket n'est pas fermé : il n'y a rien à rouvrir.";
        return `Ce ticket est ${STATUS[r.status].toLowerCase()} : impossible de le ${VERB[r.action]} maintenant.`;
      case 'reopen_window_passed':
        return `Ce ticket a été fermé il y a plus de ${r.days} jours et ne peut plus être rouvert. Merci d'ouvrir un nouveau ticket.`;
      case 'reason_required':
        return 'Merci d\'expliquer brièvement pourquoi vous voulez le rouvrir.';
      case 'reason_too_long':
        return `La raison est trop longue : ${r.max} caractères au maximum.`;
      case 'already_claimed':
        return `${r.by} a déjà pris ce ticket en charge.`;
      case 'already_assigned':
        return r.to ? `Ce ticket est déjà assigné à ${r.to}.` : "Ce ticket n'est assigné à personne.";
      case 'assignee_not_agent':
        return `${r.assignee} ne fait pas partie du support de cette catégorie.`;
      case 'same_priority':
        return `La priorité est déjà ${PRIORITY[r.priority as Priority]?.toLowerCase() ?? r.priority}.`;
      case 'same_category':
        return 'Le ticket est déjà dans cette catégorie.';
      case 'already_participant':
        return `${r.user} fait déjà partie de ce ticket.`;
      case 'not_participant':
        return `${r.user} n'a pas été ajouté à ce ticket.`;
      case 'cannot_add_requester':
        return 'Le demandeur fait déjà partie de ce ticket.';
      case 'message_too_long':
        return `C'est trop long : ${r.max} caractères au maximum.`;
      case 'invalid_priority':
        return `« ${r.priority} » n'est pas une priorité. Utilisez low, normal, high ou urgent.`;
      case 'invalid_rating':
        return 'Une note va de 1 à 5.';
      case 'already_rated':
        return `Vous avez déjà noté ce ticket (${r.score}/5). Merci !`;
      case 'number_taken':
        return `Le numéro ${r.number} est déjà pris par un ticket de ce support.`;
      case 'rating_not_found':
        return "Notez d'abord le ticket, puis ajoutez un commentaire.";
    }
  },

  notInUse: "Cette commande, ce bouton ou ce formulaire n'est plus utilisé (il vient peut-être d'une ancienne version du bot). Utilisez /ticket pour ouvrir un ticket, ou demandez à l'équipe de support.",
  internalError: (ref) => `Un problème est survenu de notre côté. Réessayez ; si cela persiste, donnez cette référence à un administrateur : ${ref}.`,
  missingPermission: (what, ref) =>
    `Je ne peux pas le faire ici : il me manque la permission « ${what} » dans ce salon. Un administrateur peut corriger les permissions du bot (référence ${ref}).`,

  form: {
    title: 'Ouvrir un ticket de support',
    titleFor: (category) => `Ticket : ${category}`,
    category: 'Catégorie',
    categoryPlaceholder: 'De quoi s\'agit-il ?',
    subject: 'Objet',
    subjectPlaceholder: 'Un court résumé du problème',
    description: 'Description',
    descriptionPlaceholder: 'Ce qui se passe, ce que vous avez essayé, ce que vous attendiez',
    files: 'Fichiers',
    filesHelp: (max, size) => `Captures, journaux ou documents : ${max} au maximum, ${bytes(size)} chacun`,
    chooseCategory: 'De quel type de problème s\'agit-il ? Choisissez une catégorie pour ouvrir le formulaire.',
    opening: 'Ouverture de votre ticket…',
    shortTitle: 'Nouveau ticket',
    submit: 'Ouvrir le ticket',
    send: 'Envoyer',
  },

  opened: (label) => `Votre ticket ${label} est ouvert. L'équipe de support est prévenue ; vous serez averti ici et par message privé dès qu'on vous répond.`,
  ticketReady: (label) => `Votre ticket ${label} est prêt. Désolé pour l'attente : son ouverture a été interrompue.`,
  openFailed: (ref) => `Votre ticket n'a pas pu être ouvert à cause d'un problème de notre côté (référence ${ref}). Rien de ce que vous avez écrit n'est perdu ; réessayez dans un instant.`,
  alreadyOpened: (label) => `Ce formulaire a déjà ouvert le ticket ${label}.`,
  openTicketButton: 'Aller au ticket',
  outsideHours: (when) => `Le support est fermé pour le moment ; attendez une réponse à partir de ${when}.`,

  card: {
    title: (label, subject) => `${label} · ${subject}`,
    category: 'Catégorie',
    status: 'Statut',
    priority: 'Priorité',
    requester: 'Demandeur',
    assignee: 'Assigné à',
    nobody: 'Personne pour le moment',
    opened: 'Ouvert le',
    description: 'Description',
    attachments: 'Pièces jointes',
    welcome: (requester) => `${requester}, merci de nous avoir contactés. Ajoutez ici tout ce qui peut aider ; l'équipe de support répondra dans ce fil.`,
    staffNotice: (label, category) => `Nouveau ticket ${label} dans ${category}.`,
  },

  buttons: {
    claim: 'Prendre en charge',
    resolve: 'Résoudre',
    close: 'Fermer',
    reopen: 'Rouvrir',
    join: 'Rejoindre le ticket',
    confirmClose: 'Oui, le fermer',
    cancel: 'Annuler',
    transcript: 'Transcription',
    older: 'Tickets plus anciens',
  },

  notices: {
    claimed: (agent) => `${agent} a pris ce ticket en charge.`,
    assigned: (agent, by) => `${by} a assigné ce ticket à ${agent}.`,
    unassigned: (by) => `${by} a retiré l'assignation de ce ticket.`,
    priority: (priority, by) => `${by} a mis la priorité à ${PRIORITY[priority].toLowerCase()}.`,
    moved: (category, by) => `${by} a déplacé ce ticket vers ${category}.`,
    participantAdded: (user, by) => `${by} a ajouté ${user} à ce ticket.`,
    participantRemoved: (user, by) => `${by} a retiré ${user} de ce ticket.`,
    resolved: (by) => `${by} a marqué ce ticket comme résolu. Si quelque chose ne va toujours pas, écrivez ici et il sera rouvert.`,
    closed: (by, reason) => `${by} a fermé ce ticket${reason ? ` : ${reason}` : '.'}`,
    reopened: (by, reason) => `${by} a rouvert ce ticket${reason ? ` : ${reason}` : '.'}`,
    joined: (agent) => `${agent} a rejoint le ticket.`,
    noteSaved: (label) => `Note interne enregistrée sur ${label}. Le demandeur ne la voit pas.`,
    noteTitle: (label, author) => `Note interne sur ${label} par ${author}`,
    dmClosed: "Le demandeur n'accepte pas les messages privés ; il verra les réponses dans le fil du ticket.",
  },

  dm: {
    reply: (label, agent) => `${agent} a répondu à votre ticket ${label} :`,
    replyFooter: 'Répondez dans le fil du ticket, pas ici.',
    resolved: (label) => `Votre ticket ${label} a été marqué comme résolu. Si le problème n'est pas réglé, écrivez dans le ticket et il sera rouvert.`,
    closed: (label, reason) => `Votre ticket ${label} a été fermé${reason ? ` : ${reason}` : '.'}`,
    closedReopen: (days) => `Si vous avez encore besoin d'aide, vous pouvez le rouvrir dans les ${days} jours.`,
    reopened: (label, by) => `${by} a rouvert votre ticket ${label}.`,
  },

  close: {
    confirm: (label) => `Fermer le ticket ${label} ? Le fil sera archivé et verrouillé.`,
    confirmWithReason: (label, reason) => `Fermer le ticket ${label} avec la raison « ${reason} » ? Le fil sera archivé et verrouillé.`,
    cancelled: "Rien n'a été fermé.",
    done: (label) => `Le ticket ${label} est fermé.`,
    modalTitle: (label) => `Fermer ${label}`,
    reason: 'Raison',
    reasonPlaceholder: 'Facultatif : pourquoi le fermer ?',
    expired: 'Cette confirmation a expiré. Relancez la commande.',
  },

  reopen: {
    modalTitle: (label) => `Rouvrir ${label}`,
    reason: 'Pourquoi le rouvrir ?',
    reasonPlaceholder: 'Ce qui ne va toujours pas',
    done: (label) => `Le ticket ${label} est de nouveau ouvert.`,
  },

  done: {
    claimed: (label) => `Vous avez pris ${label} en charge.`,
    assigned: (label, agent) => `${label} est maintenant assigné à ${agent}.`,
    priority: (label, priority) => `${label} est maintenant en priorité ${PRIORITY[priority].toLowerCase()}.`,
    moved: (label, category) => `${label} a été déplacé vers ${category}.`,
    added: (user, label) => `${user} a été ajouté à ${label}.`,
    removed: (user, label) => `${user} a été retiré de ${label}.`,
    resolved: (label) => `${label} est marqué comme résolu.`,
    joined: (label) => `Vous avez rejoint ${label}.`,
  },

  notInTicket: 'Utilisez cette commande dans le fil d\'un ticket, ou indiquez le numéro du ticket dans l\'option « ticket ».',
  noLogChannel: "Ce support n'a pas de salon de journal : la note est seulement enregistrée.",

  list: {
    title: (count, status) => `${count} ticket${count > 1 ? 's' : ''} (${status})`,
    empty: 'Aucun ticket ne correspond.',
    statusFilter: { active: 'non fermés', all: 'tous', open: 'ouverts', pending: 'en attente', resolved: 'résolus', closed: 'fermés' },
    line: (label, status, category, subject) => `${label} · ${status} · ${category} · ${subject}`,
    unassigned: 'non assigné',
    more: 'Les tickets plus anciens sont sur la page suivante.',
  },

  transcript: {
    title: (label) => `Transcription de ${label}`,
    ready: (label) => `Voici la transcription de ${label}.`,
  },

  autoClose: {
    warning: (label, when) => `Votre ticket ${label} sera fermé automatiquement ${when} sans réponse de votre part. Si vous avez encore besoin d'aide, écrivez simplement ici.`,
    staffWarning: (label, when) => `${label} sera fermé automatiquement ${when} sans réponse du demandeur.`,
    reason: (kind) => (kind === 'pending' ? 'fermé automatiquement : pas de réponse du demandeur' : 'fermé automatiquement : résolu, sans nouveau message'),
  },

  firstResponse: {
    overdue: (label, category, due) => `⚠️ ${label} (${category}) n'a pas eu de réponse dans le délai de première réponse (échéance ${due}).`,
  },

  rating: {
    prompt: (label) => `Comment avons-nous géré ${label} ? Notez l'aide de 1 (mauvaise) à 5 (excellente).`,
    thanks: (score) => `Merci ! Vous avez noté l'aide ${score}/5.`,
    commentTitle: 'Quelque chose à ajouter ?',
    comment: 'Commentaire (facultatif)',
    commentPlaceholder: 'Ce qui a bien marché, ce qui pourrait être mieux',
    commentThanks: 'Merci pour votre commentaire.',
  },

  suggestions: {
    intro: "Avant d'ouvrir un ticket : ces articles répondent peut-être déjà à votre question.",
    openAnyway: 'Ouvrir mon ticket quand même',
    solved: "Cela a répondu à ma question",
    solvedShort: "C'est réglé",
    read: 'Lire',
    dropped: "Tant mieux ! Aucun ticket n'a été ouvert.",
    expired: 'Ce formulaire a expiré. Utilisez /ticket à nouveau.',
  },

  stats: {
    title: (from, to) => `Chiffres du support du ${from} au ${to}`,
    opened: (n) => `${n} ticket${n > 1 ? 's' : ''} ouvert${n > 1 ? 's' : ''}`,
    byStatus: 'Par statut',
    byCategory: 'Par catégorie',
    firstResponse: 'Première réponse (heures ouvrées)',
    resolution: 'Résolution (heures ouvrées)',
    durations: (median, p90, count) => `médiane ${median.toFixed(1).replace('.', ',')} h · 90 % en moins de ${p90.toFixed(1).replace('.', ',')} h (${count} tickets)`,
    satisfaction: 'Satisfaction',
    rated: (average, count) => `${average.toFixed(1).replace('.', ',')}/5 sur ${count} note${count > 1 ? 's' : ''}`,
    perAgent: 'Tickets par agent',
    agentLine: (name, assigned, closed) => `${name} : ${assigned} assigné${assigned > 1 ? 's' : ''}, ${closed} fermé${closed > 1 ? 's' : ''}`,
    missed: (n) => `${n} au-delà du délai de première réponse`,
    none: 'aucun',
    usage: 'Indiquez un nombre de jours, par exemple `/ticket stats 30`.',
  },

  deskName: 'Le support',

  transcriptAttached: 'La transcription de la conversation est jointe.',

  slack: {
    staffHint: (prefix) => `Répondez dans ce fil pour écrire au demandeur. Un message qui commence par « ${prefix} » reste interne.`,
    requesterHint: "Répondez dans ce fil pour écrire à l'équipe de support.",
    requesterClosedHint: "Ce ticket est fermé. Appuyez sur Rouvrir si vous avez encore besoin d'aide.",
    filesFrom: (name, count) => `${name} a envoyé ${count} fichier${count > 1 ? 's' : ''}.`,
    internalNote: "Note interne : conservée avec le ticket, elle n'est pas envoyée au demandeur.",
    notStaffHere: "Vous ne faites pas partie du support de cette catégorie : votre message reste interne et n'a pas été envoyé au demandeur.",
    closedKept: (label) => `${label} est fermé : votre message est conservé mais personne n'est prévenu. Appuyez sur Rouvrir sur le ticket si vous avez encore besoin d'aide.`,
    outsideThread: 'Pour écrire à propos d\'un ticket, répondez dans son fil. Pour ouvrir un nouveau ticket, utilisez /ticket.',
    usage: [
      '`/ticket` : ouvrir un ticket de support',
      '`/ticket list [open|pending|resolved|closed|all]` : vos tickets, ou ceux de vos catégories pour le support',
      '`/ticket close 42 raison` : fermer un ticket',
      '`/ticket reopen 42 raison` : rouvrir un ticket fermé',
      '`/ticket claim 42` : prendre un ticket en charge (support)',
      '`/ticket transcript 42`, `/ticket export 42` : la conversation en page web, ou en JSON',
      '`/ticket stats [jours]` : chiffres du support (support)',
    ].join('\n'),
    unknownCommand: (word) => `« ${word} » n'est pas une action de /ticket.`,
    numberNeeded: 'Indiquez le numéro du ticket, par exemple `/ticket close 42 Réglé par le remboursement`.',
    closing: (label) => `Fermeture de ${label}…`,
  },
};
