import type { TicketAction } from './refusals.js';
import type { TicketStatus } from './ticket.js';

/** What happened to a ticket that may move its status. */
export type StatusTrigger =
  | 'requester_message'
  | 'agent_reply'
  | 'internal_note'
  | 'resolve'
  | 'close'
  | 'reopen';

export type Transition =
  | { allowed: true; from: TicketStatus; to: TicketStatus; changed: boolean }
  | { allowed: false; from: TicketStatus; action: TicketAction };

const ACTION_OF: Record<StatusTrigger, TicketAction> = {
  requester_message: 'reply',
  agent_reply: 'reply',
  internal_note: 'note',
  resolve: 'resolve',
  close: 'close',
  reopen: 'reopen',
};

/**
 * The status machine. Messages never fail: a message on a closed ticket is still kept but leaves it closed
 * (only an explicit reopen brings a closed ticket back). Explicit actions refuse when they make no sense
 * from the current status (resolving a closed ticket, reopening an open one).
 */
const TABLE: Record<StatusTrigger, Partial<Record<TicketStatus, TicketStatus>>> = {
  requester_message: { open: 'open', pending: 'open', resolved: 'open', closed: 'closed' },
  agent_reply: { open: 'pending', pending: 'pending', resolved: 'resolved', closed: 'closed' },
  internal_note: { open: 'open', pending: 'pending', resolved: 'resolved', closed: 'closed' },
  resolve: { open: 'resolved', pending: 'resolved' },
  close: { open: 'closed', pending: 'closed', resolved: 'closed' },
  reopen: { resolved: 'open', closed: 'open' },
};

export function transition(from: TicketStatus, trigger: StatusTrigger): Transition {
  const to = TABLE[trigger][from];
  if (to === undefined) return { allowed: false, from, action: ACTION_OF[trigger] };
  return { allowed: true, from, to, changed: to !== from };
}

/** The statuses a ticket still counts as "open" in for limits and duplicates. */
export const ACTIVE_STATUSES: readonly TicketStatus[] = ['open', 'pending', 'resolved'];

export function isActive(status: TicketStatus): boolean {
  return status !== 'closed';
}
