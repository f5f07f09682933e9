import type { AuthorRole, Language, Priority, TicketStatus } from '../core/index.js';

/** Everything a transcript says in a given language; names and reasons come in as plain text. */
export interface TranscriptWords {
  /** The BCP 47 locale used for dates and numbers. */
  locale: string;
  title: (label: string, subject: string) => string;
  kicker: string;
  staffCopy: (withInternalNotes: boolean) => string;
  requesterCopy: string;
  category: string;
  status: string;
  priority: string;
  requester: string;
  assignee: string;
  nobody: string;
  opened: string;
  closed: string;
  closeReason: string;
  answers: string;
  messages: (count: number) => string;
  noMessages: string;
  timeline: string;
  noEvents: string;
  statusName: Record<TicketStatus, string>;
  priorityName: Record<Priority, string>;
  role: Record<AuthorRole, string>;
  internalNote: string;
  edited: (when: string) => string;
  deleted: (when: string) => string;
  earlierVersions: string;
  versionUntil: (when: string) => string;
  attachments: string;
  notEmbedded: string;
  unavailable: string;
  sizeUnits: readonly [string, string, string, string];
  reason: (reason: string) => string;
  events: EventWords;
  generated: (when: string, timeZone: string) => string;
}

/** One sentence per kind of ticket event; `actor` is who did it. */
export interface EventWords {
  opened: (actor: string) => string;
  statusChanged: (actor: string, from: string, to: string) => string;
  claimed: (actor: string) => string;
  assigned: (actor: string, assignee: string) => string;
  unassigned: (actor: string) => string;
  priorityChanged: (actor: string, priority: string) => string;
  moved: (actor: string, from: string, to: string) => string;
  participantAdded: (actor: string, user: string) => string;
  participantRemoved: (actor: string, user: string) => string;
  resolved: (actor: string) => string;
  closed: (actor: string) => string;
  reopened: (actor: string) => string;
  imported: (source: string) => string;
}

const en: TranscriptWords = {
  locale: 'en-GB',
  title: (label, subject) => `Transcript of ${label}: ${subject}`,
  kicker: 'Support ticket transcript',
  staffCopy: (withInternalNotes) => (withInternalNotes ? 'Staff copy: includes internal notes, not for the requester' : 'Staff copy'),
  requesterCopy: 'Requester copy',
  category: 'Category',
  status: 'Status',
  priority: 'Priority',
  requester: 'Requester',
  assignee: 'Assigned to',
  nobody: 'Nobody',
  opened: 'Opened',
  closed: 'Closed',
  closeReason: 'Close reason',
  answers: 'Answers',
  messages: (count) => `Messages (${count})`,
  noMessages: 'No messages.',
  timeline: 'Timeline',
  noEvents: 'Nothing happened to this ticket yet.',
  statusName: { open: 'Open', pending: 'Pending', resolved: 'Resolved', closed: 'Closed' },
  priorityName: { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' },
  role: { requester: 'Requester', agent: 'Agent', participant: 'Participant', bot: 'Bot', system: 'System' },
  internalNote: 'Internal note',
  edited: (when) => `Edited ${when}`,
  deleted: (when) => `Deleted ${when}`,
  earlierVersions: 'Earlier versions',
  versionUntil: (when) => `Until ${when}`,
  attachments: 'Attachments',
  notEmbedded: 'Not embedded',
  unavailable: 'Could not be loaded',
  sizeUnits: ['bytes', 'KB', 'MB', 'GB'],
  reason: (reason) => `Reason: ${reason}`,
  events: {
    opened: (actor) => `${actor} opened the ticket`,
    statusChanged: (actor, from, to) => `Status changed from ${from} to ${to} (${actor})`,
    claimed: (actor) => `${actor} claimed the ticket`,
    assigned: (actor, assignee) => `${actor} assigned the ticket to ${assignee}`,
    unassigned: (actor) => `${actor} unassigned the ticket`,
    priorityChanged: (actor, priority) => `${actor} set the priority to ${priority}`,
    moved: (actor, from, to) => `${actor} moved the ticket from ${from} to ${to}`,
    participantAdded: (actor, user) => `${actor} added ${user} to the ticket`,
    participantRemoved: (actor, user) => `${actor} removed ${user} from the ticket`,
    resolved: (actor) => `${actor} resolved the ticket`,
    closed: (actor) => `${actor} closed the ticket`,
    reopened: (actor) => `${actor} reopened the ticket`,
    imported: (source) => `Imported from ${source}`,
  },
  generated: (when, timeZone) => `Generated ${when}. Times are in ${timeZone}.`,
};

const fr: TranscriptWords = {
  locale: 'fr-FR',
  title: (label, subject) => `Transcription de ${label}\u00a0: ${subject}`,
  kicker: 'Transcription d’un ticket d’assistance',
  staffCopy: (withInternalNotes) => (withInternalNotes ? 'Copie de l’équipe\u00a0: notes internes comprises, à ne pas transmettre au demandeur' : 'Copie de l’équipe'),
  requesterCopy: 'Copie du demandeur',
  category: 'Catégorie',
  status: 'Statut',
  priority: 'Priorité',
  requester: 'Demandeur',
  assignee: 'Assigné à',
  nobody: 'Personne',
  opened: 'Ouverture',
  closed: 'Fermeture',
  closeReason: 'Motif de fermeture',
  answers: 'Réponses',
  messages: (count) => `Messages (${count})`,
  noMessages: 'Aucun message.',
  timeline: 'Historique',
  noEvents: 'Rien ne s’est encore passé sur ce ticket.',
  statusName: { open: 'Ouvert', pending: 'En attente', resolved: 'Résolu', closed: 'Fermé' },
  priorityName: { low: 'Basse', normal: 'Normale', high: 'Haute', urgent: 'Urgente' },
  role: { requester: 'Demandeur', agent: 'Agent', participant: 'Participant', bot: 'Bot', system: 'Système' },
  internalNote: 'Note interne',
  edited: (when) => `Modifié le ${when}`,
  deleted: (when) => `Supprimé le ${when}`,
  earlierVersions: 'Versions précédentes',
  versionUntil: (when) => `Jusqu’au ${when}`,
  attachments: 'Pièces jointes',
  notEmbedded: 'Non intégré',
  unavailable: 'Impossible à charger',
  sizeUnits: ['octets', 'Ko', 'Mo', 'Go'],
  reason: (reason) => `Motif\u00a0: ${reason}`,
  events: {
    opened: (actor) => `${actor} a ouvert le ticket`,
    statusChanged: (actor, from, to) => `Statut passé de ${from} à ${to} (${actor})`,
    claimed: (actor) => `${actor} a pris en charge le ticket`,
    assigned: (actor, assignee) => `${actor} a assigné le ticket à ${assignee}`,
    unassigned: (actor) => `${actor} a retiré l’assignation du ticket`,
    priorityChanged: (actor, priority) => `${actor} a mis la priorité à ${priority}`,
    moved: (actor, from, to) => `${actor} a déplacé le ticket de ${from} vers ${to}`,
    participantAdded: (actor, user) => `${actor} a ajouté ${user} au ticket`,
    participantRemoved: (actor, user) => `${actor} a retiré ${user} du ticket`,
    resolved: (actor) => `${actor} a résolu le ticket`,
    closed: (actor) => `${actor} a fermé le ticket`,
    reopened: (actor) => `${actor} a rouvert le ticket`,
    imported: (source) => `Importé depuis ${source}`,
  },
  generated: (when, timeZone) => `Généré le ${when}. Heures exprimées en ${timeZone}.`,
};

const WORDS: Record<Language, TranscriptWords> = { en, fr };

/** The transcript's words in a desk language. */
export function transcriptWords(language: Language): TranscriptWords {
  return WORDS[language];
}
