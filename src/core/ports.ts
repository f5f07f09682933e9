import type {
  Attachment,
  AuthorRole,
  MessageCopy,
  MessageCopyPurpose,
  MessageVisibility,
  Participant,
  Platform,
  StoredAttachment,
  Ticket,
  TicketEvent,
  TicketMessage,
  TicketRating,
  TicketStatus,
} from './ticket.js';

/** The time, injected so tests move it instead of sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type NewTicket = Omit<Ticket, 'id'>;

/**
 * Statements of one transaction that do not depend on each other, sent side by side: each is a trip to the
 * database, and these make one trip's wait together. Answers their results in order, once every one of them has
 * finished; fails with the first failure, also only then, so a transaction never ends under a statement still
 * running.
 */
export async function together<T extends readonly unknown[]>(...statements: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(statements);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

export interface NewTicketMessage {
  ticketId: number;
  channelId: string | null;
  messageId: string | null;
  authorId: string;
  authorName: string;
  authorRole: AuthorRole;
  visibility: MessageVisibility;
  body: string;
  createdAt: Date;
}

export type NewTicketEvent = Omit<TicketEvent, 'id'>;

/** What to list. Every field narrows the list; `categoryKeys` is how the core limits agents to their categories. */
export interface TicketQuery {
  deskId: string;
  platform?: Platform;
  statuses?: readonly TicketStatus[];
  categoryKeys?: readonly string[];
  requesterId?: string;
  /** An assignee's id, or null for unassigned tickets. */
  assigneeId?: string | null;
  /** Matched, case-insensitively, against subject and description. */
  text?: string;
  /** Only tickets numbered below this (paging backwards from the newest). */
  beforeNumber?: number;
  limit: number;
}

/** Where a ticket lives on its platform, for adapters that keep an in-memory index of ticket spaces. */
export interface TicketSpaceRef {
  ticketId: number;
  status: TicketStatus;
  channelId: string | null;
  threadId: string | null;
  cardMessageId: string | null;
  requesterChannelId: string | null;
  requesterThreadId: string | null;
}

export interface FindOptions {
  /** Lock the row until the transaction ends, where the database can (PostgreSQL `FOR UPDATE`). */
  forUpdate?: boolean;
}

/** A requester's ticket that is not closed, as an opening is checked against it (limits, duplicates). */
export type ActiveTicket = Pick<Ticket, 'id' | 'number' | 'subject'>;

/** What {@link TicketTransaction.findOpeningsOf} finds. */
export interface Openings {
  bySource: Ticket | null;
  active: ActiveTicket[];
  latest: Date | null;
}

/**
 * Everything a use case reads and writes, inside one transaction. Implemented by `src/persistence`
 * on TypeORM; one instance lives only as long as its transaction.
 */
export interface TicketTransaction {
  /** The next ticket number of a desk: unique and increasing, also across processes sharing one database. */
  nextTicketNumber(deskId: string): Promise<number>;
  /** Makes sure the desk's next number comes after `number` (imported tickets keep their numbers). */
  reserveTicketNumbersUpTo(deskId: string, number: number): Promise<void>;
  /**
   * Serializes ticket openings of one requester until the transaction ends, so two simultaneous submissions
   * cannot both pass the open-ticket limit or the duplicate check. The transaction's statements sent after it,
   * even side by side without waiting for it, run once the lock is held, and read what was committed by then.
   */
  lockRequester(deskId: string, requesterId: string): Promise<void>;

  insertTicket(ticket: NewTicket): Promise<Ticket>;
  /**
   * Saves the ticket: the fields that differ from the ticket as this transaction read (or last saved) it, or every
   * field of a ticket it did not read. Nothing is sent when nothing changed.
   */
  updateTicket(ticket: Ticket): Promise<void>;
  /** Writes these fields of the ticket and gives it back as now stored, in one statement; null if there is none. */
  patchTicket(id: number, fields: Partial<Omit<Ticket, 'id'>>): Promise<Ticket | null>;
  findTicketById(id: number, options?: FindOptions): Promise<Ticket | null>;
  /**
   * A ticket by id, with the id of the message already stored at a platform location (as the original or as
   * one of its copies), in one statement: what recording a message needs to know first. The ticket is null
   * when there is none, and the message is then not looked for.
   */
  findTicketWithMessageAt(id: number, channelId: string, messageId: string, options?: FindOptions): Promise<{ ticket: Ticket | null; storedMessageId: number | null }>;
  findTicketByNumber(deskId: string, number: number, options?: FindOptions): Promise<Ticket | null>;
  /** A ticket by one of its spaces: (channel, thread) of the staff space or of the requester's space. */
  findTicketBySpace(platform: Platform, channelId: string, threadId: string, options?: FindOptions): Promise<Ticket | null>;
  findTicketBySourceKey(sourceKey: string): Promise<Ticket | null>;
  /**
   * What an opening is checked against, in one statement: the ticket this very form already opened (by
   * `sourceKey`, when given), the requester's tickets that are not closed (oldest first), and, when `latest` is
   * asked for, when the requester last opened a ticket on this desk.
   */
  findOpeningsOf(deskId: string, requesterId: string, options: { sourceKey: string | null; latest: boolean }): Promise<Openings>;
  listTickets(query: TicketQuery): Promise<Ticket[]>;
  /**
   * Tickets not closed whose spaces were never fully set up (a process stopped half-way through opening),
   * opened before `openedBefore`.
   */
  findIncompleteOpenings(platform: Platform, openedBefore: Date): Promise<Ticket[]>;
  /** Every ticket of a platform that has a space, however old: small rows, for the adapters' indexes. */
  listSpaces(platform: Platform): Promise<TicketSpaceRef[]>;

  insertMessage(message: NewTicketMessage): Promise<TicketMessage>;
  /**
   * Public messages of a ticket, written on the platform since `since` by authors of these roles, that have no
   * copy of this purpose yet (a mirror that failed, or a crash between storing a message and copying it),
   * oldest first. Messages at `except` locations (the ticket's cards) are left out.
   */
  listUncopiedMessages(ticketId: number, purpose: MessageCopyPurpose, roles: readonly AuthorRole[], since: Date, except: readonly string[]): Promise<TicketMessage[]>;
  /** The latest message stored in a channel (or thread), by the platform's time: where a catch-up resumes. */
  latestMessageIn(channelId: string): Promise<TicketMessage | null>;
  /** A stored message by its platform location, or by the location of one of its copies. */
  findMessage(channelId: string, messageId: string): Promise<TicketMessage | null>;
  findMessageById(id: number): Promise<TicketMessage | null>;
  /** Changes a message's body, keeping the previous body as a revision. */
  reviseMessage(id: number, body: string, at: Date): Promise<void>;
  markMessageDeleted(id: number, at: Date): Promise<void>;
  setMessageLocation(id: number, channelId: string, messageId: string): Promise<void>;
  /**
   * Records copies, in one statement; for each, false when that copy was already recorded (or comes twice in
   * the list: the first is recorded).
   */
  addMessageCopies(copies: ReadonlyArray<{ messageId: number; copy: MessageCopy }>): Promise<boolean[]>;
  listMessages(ticketId: number, options: { includeInternal: boolean }): Promise<TicketMessage[]>;
  listRevisions(messageId: number): Promise<Array<{ body: string; replacedAt: Date }>>;
  /** Every earlier version of every message of a ticket, oldest first. */
  listTicketRevisions(ticketId: number): Promise<Array<{ messageId: number; body: string; replacedAt: Date }>>;

  insertAttachments(ticketId: number, messageId: number | null, files: readonly StoredAttachment[], at: Date): Promise<Attachment[]>;

  insertEvent(event: NewTicketEvent): Promise<TicketEvent>;
  listEvents(ticketId: number): Promise<TicketEvent[]>;

  listParticipants(ticketId: number): Promise<Participant[]>;
  addParticipant(participant: Participant): Promise<void>;
  removeParticipant(ticketId: number, userId: string): Promise<void>;

  /** Tickets whose auto-close warning is due and not sent, whose timer has not fired yet. */
  findDueAutoCloseWarnings(now: Date, limit: number): Promise<Ticket[]>;
  /** Pending or resolved tickets whose auto-close time has come. */
  findDueAutoCloses(now: Date, limit: number): Promise<Ticket[]>;
  /** Tickets past their first-response target with no answer yet, not flagged to staff yet. */
  findOverdueFirstResponses(now: Date, limit: number): Promise<Ticket[]>;
  /**
   * Marks a ticket's auto-close warning as sent, if it still is due for the timer `autoCloseAt` and nobody
   * marked it first: true means this caller sends it (once, even with several processes).
   */
  markAutoCloseWarned(ticketId: number, autoCloseAt: Date, now: Date): Promise<boolean>;
  /** Marks a ticket's missed first-response target as told to staff; true for the one caller that does. */
  markFirstResponseFlagged(ticketId: number, now: Date): Promise<boolean>;
  /** A desk's tickets on a platform opened in [from, to), optionally in some categories only. */
  listTicketsCreatedBetween(deskId: string, platform: Platform, from: Date, to: Date, categoryKeys?: readonly string[]): Promise<Ticket[]>;

  /** The event that closed the ticket last, if it is closed. */
  latestClosing(ticketId: number): Promise<TicketEvent | null>;
  findRatingByClosing(closingEventId: number): Promise<TicketRating | null>;
  insertRating(rating: Omit<TicketRating, 'id'>): Promise<TicketRating>;
  updateRatingComment(id: number, comment: string | null, at: Date): Promise<void>;
  listRatingsOf(ticketIds: readonly number[]): Promise<TicketRating[]>;

  /**
   * Sends the work's last statements: `statements` sends them all before it returns (none waits on another's
   * result, as in {@link together}), and the work sends nothing and refuses nothing after them. A store may send
   * its commit with them (PostgreSQL: one round trip fewer per transaction); when one of them fails, none of
   * the work is kept, as when the work throws. Gives what `statements` gives.
   */
  last<T>(statements: () => Promise<T>): Promise<T>;
}

/**
 * The desk's persistence. The default implementation keeps everything in sqlite, which serializes
 * transactions inside one process; with several processes use PostgreSQL, where ticket numbers and
 * requester locks hold across processes.
 */
/** What a store may know of a work before running it. */
export interface WorkOptions {
  /**
   * The work sends a single statement. One statement is atomic and sees one snapshot on its own, so a store
   * may run it without a transaction around it (PostgreSQL: no BEGIN and no COMMIT, two round trips fewer).
   * A second statement from such a work is refused.
   */
  oneStatement?: boolean;
}

export interface TicketStore {
  /** Runs `work` in one transaction: everything it wrote is committed, or nothing if it throws. */
  transaction<T>(work: (tx: TicketTransaction) => Promise<T>, options?: WorkOptions): Promise<T>;
  /**
   * Runs `work`, which only reads, on one consistent snapshot of what is committed. A store may run it beside
   * transactions (sqlite reads on a second connection), so it never waits behind writes; `work` must not write.
   */
  read<T>(work: (tx: TicketTransaction) => Promise<T>, options?: WorkOptions): Promise<T>;
}

/** Durable storage for attachment bytes. The default keeps files in a local folder, content-addressed. */
export interface AttachmentStorage {
  /** Stores bytes and returns how to find them again; storing the same bytes twice stores them once. */
  put(bytes: Uint8Array): Promise<{ storageKey: string; sha256: string; size: number }>;
  get(storageKey: string): Promise<Uint8Array>;
}
