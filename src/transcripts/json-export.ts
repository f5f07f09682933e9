import type {
  AuthorRole,
  MessageVisibility,
  Platform,
  Priority,
  TicketEvent,
  TicketEventType,
  TicketMessage,
  TicketRecord,
  TicketStatus,
} from '../core/index.js';
import { eventsInOrder, messagesFor, revisionsOf, type TranscriptAudience } from './audience.js';

/**
 * A ticket exported as JSON, format version 1.
 *
 * Stable: a field is never renamed, removed or retyped within a version; new optional information may be
 * added. Dates are ISO 8601 strings in UTC; missing values are `null`, never omitted. Messages and events
 * are oldest first. The requester's copy has no internal notes and no revisions of them. Attachment bytes
 * are not included: `sha256` identifies them in the attachment storage. Platform locations (channels,
 * mirrored copies, storage keys) are left out: the export says what was said and done, not where the bot
 * kept it.
 */
export interface TicketExport {
  format: 'support-desk-ticket';
  version: 1;
  audience: TranscriptAudience;
  ticket: ExportedTicket;
  messages: ExportedMessage[];
  events: ExportedEvent[];
}

/** The ticket's own fields. `category` is the category key. */
export interface ExportedTicket {
  label: string;
  number: number;
  platform: Platform;
  category: string;
  subject: string;
  description: string;
  answers: Array<{ key: string; label: string; value: string }>;
  status: TicketStatus;
  priority: Priority;
  requester: ExportedPerson;
  assignee: ExportedPerson | null;
  createdAt: string;
  firstResponseAt: string | null;
  lastActivityAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  closedById: string | null;
  closeReason: string | null;
}

/** A platform user id and the name shown at the time. */
export interface ExportedPerson {
  id: string;
  name: string;
}

/** A message as it reads now, with its earlier versions (oldest first) and its files' metadata. */
export interface ExportedMessage {
  id: number;
  author: ExportedPerson & { role: AuthorRole };
  visibility: MessageVisibility;
  body: string;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  revisions: Array<{ body: string; replacedAt: string }>;
  attachments: Array<{ name: string; contentType: string; size: number; sha256: string }>;
}

/**
 * An entry of the audit trail. `data` is the event's details as recorded: `assigned` has
 * `{ from, to, toName }`, `priority_changed` and `moved` have `{ from, to }`, `participant_added` and
 * `participant_removed` have `{ userId, userName }`; other events have `null`.
 */
export interface ExportedEvent {
  id: number;
  type: TicketEventType;
  actor: ExportedPerson;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus | null;
  reason: string | null;
  data: Record<string, unknown> | null;
  createdAt: string;
}

/** Exports a ticket as pretty-printed {@link TicketExport} JSON; internal notes only when `audience` is staff. */
export function renderJsonExport(record: TicketRecord, label: string, audience: TranscriptAudience): string {
  const exported: TicketExport = {
    format: 'support-desk-ticket',
    version: 1,
    audience,
    ticket: exportTicket(record, label),
    messages: messagesFor(record, audience).map((m) => exportMessage(record, m)),
    events: eventsInOrder(record).map(exportEvent),
  };
  return `${JSON.stringify(exported, null, 2)}\n`;
}

function exportTicket({ ticket }: TicketRecord, label: string): ExportedTicket {
  return {
    label,
    number: ticket.number,
    platform: ticket.platform,
    category: ticket.categoryKey,
    subject: ticket.subject,
    description: ticket.description,
    answers: ticket.answers.map(({ key, label: question, value }) => ({ key, label: question, value })),
    status: ticket.status,
    priority: ticket.priority,
    requester: { id: ticket.requesterId, name: ticket.requesterName },
    assignee: ticket.assigneeId ? { id: ticket.assigneeId, name: ticket.assigneeName ?? ticket.assigneeId } : null,
    createdAt: ticket.createdAt.toISOString(),
    firstResponseAt: iso(ticket.firstResponseAt),
    lastActivityAt: ticket.lastActivityAt.toISOString(),
    resolvedAt: iso(ticket.resolvedAt),
    closedAt: iso(ticket.closedAt),
    closedById: ticket.closedById,
    closeReason: ticket.closeReason,
  };
}

function exportMessage(record: TicketRecord, message: TicketMessage): ExportedMessage {
  return {
    id: message.id,
    author: { id: message.authorId, name: message.authorName, role: message.authorRole },
    visibility: message.visibility,
    body: message.body,
    createdAt: message.createdAt.toISOString(),
    editedAt: iso(message.editedAt),
    deletedAt: iso(message.deletedAt),
    revisions: revisionsOf(record, message.id).map((r) => ({ body: r.body, replacedAt: r.replacedAt.toISOString() })),
    attachments: message.attachments.map(({ name, contentType, size, sha256 }) => ({ name, contentType, size, sha256 })),
  };
}

function exportEvent(event: TicketEvent): ExportedEvent {
  return {
    id: event.id,
    type: event.type,
    actor: { id: event.actorId, name: event.actorName },
    fromStatus: event.fromStatus,
    toStatus: event.toStatus,
    reason: event.reason,
    data: event.data,
    createdAt: event.createdAt.toISOString(),
  };
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
