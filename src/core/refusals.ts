import type { TicketStatus } from './ticket.js';

/** The form fields a requester fills. Category questions are `answer:<key>`. */
export type FormField = 'category' | 'subject' | 'description' | 'attachments' | `answer:${string}`;

/** One thing wrong with a submitted form, precise enough to show next to the field. */
export type FieldProblem =
  | { field: FormField; problem: 'required' }
  | { field: FormField; problem: 'too_short'; min: number }
  | { field: FormField; problem: 'too_long'; max: number }
  | { field: FormField; problem: 'unknown_category'; categoryKey: string }
  | { field: 'attachments'; problem: 'too_many'; max: number }
  | { field: 'attachments'; problem: 'too_large'; fileName: string; maxBytes: number }
  | { field: 'attachments'; problem: 'type_not_allowed'; fileName: string; contentType: string; allowed: readonly string[] }
  | { field: 'attachments'; problem: 'empty_file'; fileName: string }
  | { field: 'attachments'; problem: 'content_mismatch'; fileName: string; contentType: string; actualType: string };

/** What a user can try to do to a ticket; used to say which action was refused. */
export type TicketAction =
  | 'open'
  | 'reply'
  | 'note'
  | 'claim'
  | 'assign'
  | 'set_priority'
  | 'move'
  | 'add_participant'
  | 'remove_participant'
  | 'resolve'
  | 'close'
  | 'reopen'
  | 'view'
  | 'list'
  | 'rate'
  | 'stats';

/**
 * Every expected refusal the core can give, as data. Adapters turn these into localized words;
 * the core never phrases them for a user.
 */
export type Refusal =
  | { code: 'invalid_form'; problems: FieldProblem[] }
  | { code: 'desk_not_configured'; workspaceId: string }
  | { code: 'unknown_category'; categoryKey: string }
  | { code: 'too_many_open_tickets'; max: number; open: string[] }
  | { code: 'cooldown'; retryAfterSeconds: number }
  | { code: 'duplicate_ticket'; existing: string }
  | { code: 'ticket_not_found'; reference: string }
  | { code: 'not_allowed'; action: TicketAction }
  | { code: 'invalid_status'; action: TicketAction; status: TicketStatus }
  | { code: 'reopen_window_passed'; days: number }
  | { code: 'reason_required'; action: TicketAction }
  | { code: 'reason_too_long'; max: number }
  | { code: 'already_claimed'; by: string }
  | { code: 'already_assigned'; to: string }
  | { code: 'assignee_not_agent'; assignee: string }
  | { code: 'same_priority'; priority: string }
  | { code: 'same_category'; categoryKey: string }
  | { code: 'already_participant'; user: string }
  | { code: 'not_participant'; user: string }
  | { code: 'cannot_add_requester' }
  | { code: 'message_too_long'; max: number }
  | { code: 'invalid_priority'; priority: string }
  | { code: 'invalid_rating' }
  | { code: 'already_rated'; score: number }
  | { code: 'rating_not_found' }
  | { code: 'number_taken'; number: string };

export type RefusalCode = Refusal['code'];

/**
 * Thrown by the use cases for an expected failure (bad input, not allowed, limit reached).
 * Throwing rolls the surrounding transaction back, so a refused use case changes nothing.
 * Anything else a use case throws is a bug or an infrastructure failure.
 */
export class RefusalError extends Error {
  constructor(readonly refusal: Refusal) {
    super(`refused: ${refusal.code}`);
    this.name = 'RefusalError';
  }
}

export function refuse(refusal: Refusal): never {
  throw new RefusalError(refusal);
}

export function isRefusal(error: unknown): error is RefusalError {
  return error instanceof RefusalError;
}
