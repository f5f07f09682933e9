import type { TicketEvent, TicketMessage, TicketRecord } from '../core/index.js';

/** Who a transcript is for: staff see internal notes, the requester never does. */
export type TranscriptAudience = 'staff' | 'requester';

/** An earlier version of an edited message: its text and when the next version replaced it. */
export interface MessageRevision {
  body: string;
  replacedAt: Date;
}

/**
 * The messages a copy shows, oldest first. The requester's copy drops internal notes even when the record
 * holds them (a staff member's record handed to the requester by mistake).
 */
export function messagesFor(record: TicketRecord, audience: TranscriptAudience): TicketMessage[] {
  const shown = audience === 'staff' ? record.messages : record.messages.filter((m) => m.visibility !== 'internal');
  return [...shown].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
}

/** A message's earlier versions, oldest first. */
export function revisionsOf(record: TicketRecord, messageId: number): MessageRevision[] {
  const revisions = record.revisions[messageId] ?? [];
  return [...revisions].sort((a, b) => a.replacedAt.getTime() - b.replacedAt.getTime());
}

/** The ticket's events, oldest first. */
export function eventsInOrder(record: TicketRecord): TicketEvent[] {
  return [...record.events].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
}
