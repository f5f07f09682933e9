import { calendarFor, type SupportCalendar } from './business-hours.js';
import { DeskDirectory, findCategory, type CategoryConfig, type DeskConfig } from './desk.js';
import { importTickets, type ImportedTicket, type ImportResult } from './legacy-import.js';
import { autoCloseTimer, NO_AUTO_CLOSE } from './timers.js';
import { authorRoleOf, isStaff, isStaffOf, may, staffCategories, standingOf, type Standing } from './permissions.js';
import {
  checkAttachments,
  checkTicketForm,
  cleanLine,
  cleanReason,
  cleanText,
  subjectKey,
  textLength,
  type CleanTicketForm,
  type TicketForm,
} from './policies.js';
import { systemClock, together, type Clock, type NewTicketEvent, type Openings, type NewTicketMessage, type TicketQuery, type TicketSpaceRef, type TicketStore, type TicketTransaction } from './ports.js';
import { refuse, type TicketAction } from './refusals.js';
import { transition, ACTIVE_STATUSES, type StatusTrigger } from './status-machine.js';
import { formatTicketNumber, parseTicketNumber } from './ticket-number.js';
import { WriteBatcher } from './write-batcher.js';
import {
  PRIORITIES,
  type Actor,
  type AuthorRole,
  type MessageCopy,
  type MessageCopyPurpose,
  type MessageVisibility,
  type Platform,
  type Priority,
  type StoredAttachment,
  type Ticket,
  type TicketEvent,
  type TicketMessage,
  type TicketRating,
  type TicketSpaces,
  type TicketStatus,
  TICKET_STATUSES,
} from './ticket.js';

export interface OpenTicketRequest {
  platform: Platform;
  workspaceId: string;
  requester: Actor;
  form: TicketForm;
  /** The form's files, already stored. When given, their real sizes and types are what the limits check. */
  files?: readonly StoredAttachment[];
  /** The platform's id for this submission (a modal's nonce): submitting it twice opens one ticket. */
  sourceKey?: string | null;
}

export interface OpenedTicket {
  ticket: Ticket;
  desk: DeskConfig;
  category: CategoryConfig;
  /** The requester's description, stored as the ticket's first message with the form's files. */
  openingMessage: TicketMessage;
  /** False when this submission had already opened the ticket. */
  created: boolean;
  /** When support opens next, if the ticket was opened outside support hours; null during them. */
  answerExpectedAt: Date | null;
}

export interface IncomingMessage {
  ticketId: number;
  author: Actor;
  channelId: string;
  messageId: string;
  body: string;
  files?: readonly StoredAttachment[];
  /** When the platform says it was written; defaults to now. */
  at?: Date;
  /**
   * Which of the ticket's spaces it was written in, where a ticket has two (Slack's staff thread and the
   * requester's DM thread). In the staff space, what someone without staff standing writes stays internal.
   */
  space?: 'staff' | 'requester';
}

export interface RecordedMessage {
  ticket: Ticket;
  message: TicketMessage;
  role: AuthorRole;
  /** The status change the message caused, if any. */
  statusChange: { from: TicketStatus; to: TicketStatus } | null;
  /** True when this was the first public answer from staff. */
  firstResponse: boolean;
  /** True when the message had already been recorded: nothing was written this time. */
  duplicate: boolean;
}

export interface BotMessage {
  ticketId: number;
  channelId: string | null;
  messageId: string | null;
  authorId: string;
  authorName: string;
  role: 'bot' | 'system';
  visibility: MessageVisibility;
  body: string;
  files?: readonly StoredAttachment[];
  at?: Date;
}

export interface TicketChange {
  ticket: Ticket;
  event: TicketEvent;
  /** The status before the action; equal to `ticket.status` when it did not change. */
  previousStatus: TicketStatus;
}

export interface TicketFilter {
  status?: TicketStatus | 'active' | 'all';
  categoryKey?: string;
  requesterId?: string;
  /** An assignee's id, or `'none'` for unassigned tickets. */
  assigneeId?: string;
  text?: string;
  beforeNumber?: number;
  limit?: number;
}

export interface TicketRecord {
  ticket: Ticket;
  messages: TicketMessage[];
  events: TicketEvent[];
  /** Earlier versions of edited messages, by message id, oldest first. */
  revisions: Record<number, Array<{ body: string; replacedAt: Date }>>;
  /** Whether internal notes are included (staff only). */
  includesInternal: boolean;
}

/** Median and 90th percentile of durations in business hours, over `count` tickets. */
export interface DurationSummary {
  count: number;
  median: number;
  p90: number;
}

export interface DeskStats {
  from: Date;
  to: Date;
  /** Tickets opened in the period. */
  total: number;
  byStatus: Record<TicketStatus, number>;
  byCategory: Array<{ categoryKey: string; count: number }>;
  firstResponseHours: DurationSummary | null;
  resolutionHours: DurationSummary | null;
  satisfaction: { count: number; average: number } | null;
  perAgent: Array<{ agentId: string; agentName: string; assigned: number; closed: number }>;
  /** Tickets answered after their first-response target, or still waiting past it. */
  firstResponseTargetMissed: number;
}

/** The nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function summary(values: readonly number[]): DurationSummary | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, median: percentile(sorted, 50), p90: percentile(sorted, 90) };
}

interface ActionContext {
  tx: TicketTransaction;
  ticket: Ticket;
  desk: DeskConfig;
  standing: Standing;
  now: Date;
}

const MAX_LIST = 100;
/** How far back a catch-up looks for stored messages whose copy is missing. */
const UNCOPIED_WINDOW_MS = 24 * 3_600_000;

/** The actor recorded for what the desk does by itself. */
export const SYSTEM_ACTOR: Actor = { id: 'system', name: 'Support desk' };

/**
 * The use cases of a support desk. Each runs in one transaction, checks who may do it, applies the
 * status machine and the desk's policies, and records an event. Expected failures throw
 * {@link RefusalError}s, which roll the transaction back.
 */
export class TicketService {
  private readonly clock: Clock;
  private readonly calendars = new WeakMap<DeskConfig, SupportCalendar>();

  private readonly copies: WriteBatcher<{ messageId: number; copy: MessageCopy }, boolean>;

  constructor(
    private readonly store: TicketStore,
    readonly desks: DeskDirectory,
    clock: Clock = systemClock,
  ) {
    this.clock = clock;
    this.copies = new WriteBatcher((copies) => this.store.transaction((tx) => tx.addMessageCopies(copies), { oneStatement: true }));
  }

  deskFor(platform: Platform, workspaceId: string): DeskConfig {
    return this.desks.forWorkspace(platform, workspaceId) ?? refuse({ code: 'desk_not_configured', workspaceId });
  }

  /** The desk's support hours as a calendar (always open without hours). */
  calendarOf(desk: DeskConfig): SupportCalendar {
    let calendar = this.calendars.get(desk);
    if (!calendar) {
      calendar = calendarFor(desk.hours);
      this.calendars.set(desk, calendar);
    }
    return calendar;
  }

  deskOf(ticket: Ticket): DeskConfig {
    return this.desks.byDeskId(ticket.deskId) ?? refuse({ code: 'desk_not_configured', workspaceId: ticket.workspaceId });
  }

  /** `CS-0042` */
  label(ticket: Ticket): string {
    const desk = this.desks.byDeskId(ticket.deskId);
    return formatTicketNumber(desk?.ticketPrefix ?? '', ticket.number);
  }

  /**
   * Runs every check of {@link openTicket} without writing anything, so an adapter can refuse a form
   * before downloading its files.
   */
  async checkOpen(request: OpenTicketRequest): Promise<CleanTicketForm> {
    const desk = this.deskFor(request.platform, request.workspaceId);
    return this.store.read(async (tx) => this.checkOpenWith(desk, request, this.clock.now(), await this.openingsOf(tx, desk, request.requester.id, null)));
  }

  /**
   * The form's own checks (fields, category, files), with nothing read: what an adapter can tell at once. The
   * requester's limits and a second submission of the same form are for {@link precheckOpen} or {@link openTicket}.
   */
  checkForm(request: OpenTicketRequest): CleanTicketForm {
    return this.checkFormOf(this.deskFor(request.platform, request.workspaceId), request);
  }

  /**
   * One read before an adapter downloads a form's files or suggests articles: the ticket this very submission
   * already opened (a form sent twice), or else the form checked as {@link openTicket} will check it.
   */
  async precheckOpen(request: OpenTicketRequest): Promise<{ opened: Ticket; form?: undefined } | { opened?: undefined; form: CleanTicketForm }> {
    const desk = this.deskFor(request.platform, request.workspaceId);
    return this.store.read(async (tx) => {
      const { bySource: existing, ...openings } = await this.openingsOf(tx, desk, request.requester.id, request.sourceKey);
      if (existing) return { opened: existing };
      return { form: this.checkOpenWith(desk, request, this.clock.now(), openings) };
    });
  }

  /** Opens a ticket: validates the form and the requester's limits, numbers it, stores it with its first message. */
  async openTicket(request: OpenTicketRequest): Promise<OpenedTicket> {
    const desk = this.deskFor(request.platform, request.workspaceId);
    const now = this.clock.now();
    return this.store.transaction(async (tx) => {
      // Locked first: a second submission of the same form waits here, then finds the ticket the first opened. The
      // read goes with the lock, without waiting for it: it runs once the lock is held (see lockRequester).
      const [, { bySource: existing, ...openings }] = await together(
        tx.lockRequester(desk.id, request.requester.id),
        this.openingsOf(tx, desk, request.requester.id, request.sourceKey),
      );
      if (existing) return this.alreadyOpened(tx, desk, existing);
      const form = this.checkOpenWith(desk, request, now, openings);
      const number = await tx.nextTicketNumber(desk.id);
      const ticket = await tx.insertTicket({
        deskId: desk.id,
        number,
        platform: request.platform,
        workspaceId: request.workspaceId,
        categoryKey: form.category.key,
        subject: form.subject,
        description: form.description,
        answers: form.answers,
        priority: form.category.defaultPriority,
        status: 'open',
        requesterId: request.requester.id,
        requesterName: cleanLine(request.requester.name),
        requesterLocale: request.requester.locale ?? null,
        assigneeId: null,
        assigneeName: null,
        channelId: null,
        threadId: null,
        cardMessageId: null,
        requesterChannelId: null,
        requesterThreadId: null,
        createdAt: now,
        updatedAt: now,
        firstResponseAt: null,
        lastActivityAt: now,
        resolvedAt: null,
        closedAt: null,
        closedById: null,
        closeReason: null,
        sourceKey: request.sourceKey ?? null,
        ...NO_AUTO_CLOSE,
        firstResponseDueAt: this.firstResponseDue(desk, now),
        firstResponseFlaggedAt: null,
        spacesReadyAt: null,
        lastMessageAt: null,
      });
      // The opening message and its event, side by side. Without files they are the work's last statements (the
      // commit may go with them); a file's row waits for the message's id.
      const files = request.files ?? [];
      const writes = () =>
        together(
          tx.insertMessage({
            ticketId: ticket.id,
            channelId: null,
            messageId: null,
            authorId: request.requester.id,
            authorName: ticket.requesterName,
            authorRole: 'requester',
            visibility: 'public',
            body: form.description,
            createdAt: now,
          }),
          tx.insertEvent(this.event(ticket, request.requester, 'opened', now, { toStatus: 'open' })),
        );
      const [opening] = files.length > 0 ? await writes() : await tx.last(writes);
      if (files.length > 0) opening.attachments = await tx.insertAttachments(ticket.id, opening.id, files, now);
      return { ticket, desk, category: form.category, openingMessage: opening, created: true, answerExpectedAt: this.answerExpectedAt(desk, now) };
    });
  }

  /**
   * Records where the adapter created the ticket's spaces (thread, card, DM thread), and with the card, where the
   * opening message now shows (`opening`), in the same write.
   */
  async attachSpaces(ticketId: number, spaces: Partial<TicketSpaces>, opening?: { messageId: number; channelId: string; platformMessageId: string }): Promise<Ticket> {
    return this.store.transaction(async (tx) => {
      const [ticket] = await together(
        this.patch(tx, ticketId, { ...definedOnly(spaces), updatedAt: this.clock.now() }),
        opening ? tx.setMessageLocation(opening.messageId, opening.channelId, opening.platformMessageId) : Promise.resolve(),
      );
      return ticket;
    });
  }

  /**
   * Records a ticket's spaces once all of them are set up (thread, card, status), with where the opening message
   * now shows: the whole opening in one write, so an opening is either recorded complete or finished later.
   */
  async spacesSetUp(ticketId: number, spaces: Partial<TicketSpaces>, opening?: { messageId: number; channelId: string; platformMessageId: string }): Promise<Ticket> {
    return this.store.transaction(async (tx) => {
      const now = this.clock.now();
      // The work's only statements, sent with the commit. A ticket that is not there is refused after them: their
      // writes then touched no row (the opening message is the ticket's).
      const [ticket] = await tx.last(() =>
        together(
          this.patch(tx, ticketId, { ...definedOnly(spaces), updatedAt: now, spacesReadyAt: now }),
          opening ? tx.setMessageLocation(opening.messageId, opening.channelId, opening.platformMessageId) : Promise.resolve(),
        ),
      );
      return ticket;
    });
  }

  async ticketById(ticketId: number): Promise<Ticket> {
    return this.store.read((tx) => this.load(tx, ticketId, false), { oneStatement: true });
  }

  /** The ticket whose space (thread) this is, or null: most messages on a platform are in no ticket. */
  async ticketBySpace(platform: Platform, channelId: string, threadId: string): Promise<Ticket | null> {
    return this.store.read((tx) => tx.findTicketBySpace(platform, channelId, threadId));
  }

  /**
   * Tickets whose opening stopped half-way (a crash between storing the ticket and setting up its space),
   * opened more than `graceMs` ago so an opening still in progress is left alone.
   */
  async incompleteOpenings(platform: Platform, graceMs = 60_000): Promise<Ticket[]> {
    const before = new Date(this.clock.now().getTime() - graceMs);
    return this.store.read((tx) => tx.findIncompleteOpenings(platform, before));
  }

  /** Where every ticket of a platform lives, for an adapter's in-memory index of ticket spaces. */
  async spacesOn(platform: Platform): Promise<TicketSpaceRef[]> {
    return this.store.read((tx) => tx.listSpaces(platform));
  }

  /** A ticket by what a user typed (`42`, `#42`, `CS-0042`) in a workspace. */
  async ticketByReference(platform: Platform, workspaceId: string, reference: string): Promise<Ticket> {
    const desk = this.deskFor(platform, workspaceId);
    const number = parseTicketNumber(desk.ticketPrefix, reference);
    const ticket = number === null ? null : await this.store.read((tx) => tx.findTicketByNumber(desk.id, number));
    if (!ticket || ticket.platform !== platform || ticket.workspaceId !== workspaceId) {
      refuse({ code: 'ticket_not_found', reference: reference.trim().slice(0, 40) });
    }
    return ticket;
  }

  /**
   * Records a public message written in a ticket's space. A staff answer moves the ticket to pending and
   * sets the first-response time; a requester message moves it back to open. On a closed ticket the
   * message is kept and the status stays closed. A message written before the newest one already recorded
   * (delivered late: platforms do not promise order) is kept in its place and moves no status.
   */
  async recordMessage(incoming: IncomingMessage): Promise<RecordedMessage> {
    const now = this.clock.now();
    const at = incoming.at ?? now;
    return this.store.transaction(async (tx) => {
      // The ticket and whether the message is already stored, in one statement: a new message (the usual case)
      // needs both. The stored message itself is read only for a duplicate, or when there is no such ticket.
      const { ticket: found, storedMessageId } = isTicketId(incoming.ticketId)
        ? await tx.findTicketWithMessageAt(incoming.ticketId, incoming.channelId, incoming.messageId, { forUpdate: true })
        : { ticket: null, storedMessageId: null };
      const existing = storedMessageId !== null ? await tx.findMessageById(storedMessageId) : found ? null : await tx.findMessage(incoming.channelId, incoming.messageId);
      if (existing) return this.duplicate(tx, existing, found);
      const ticket = found ?? refuse({ code: 'ticket_not_found', reference: String(incoming.ticketId).slice(0, 20) });
      const desk = this.deskOf(ticket);
      const standing = await this.standing(tx, desk, ticket, incoming.author, incoming.space === 'staff' ? 'view' : 'reply', true);
      const role = authorRoleOf(standing);
      const internal = incoming.space === 'staff' && role !== 'agent';
      const trigger: StatusTrigger = internal ? 'internal_note' : role === 'agent' ? 'agent_reply' : 'requester_message';
      const step = transition(ticket.status, trigger);
      const previous = ticket.status;
      let firstResponse = false;
      // A message delivered after a newer one (the platform's times, never the desk's clock, are compared) is
      // kept in its place, but the status already follows the newer one.
      const late = incoming.at !== undefined && ticket.lastMessageAt !== null && incoming.at < ticket.lastMessageAt;
      if (!internal && incoming.at !== undefined && !late) ticket.lastMessageAt = incoming.at;
      let statusEvent: Promise<unknown> | null = null;
      if (step.allowed && step.changed && !late) {
        ticket.status = step.to;
        if (previous === 'resolved') ticket.resolvedAt = null;
        statusEvent = tx.insertEvent(this.event(ticket, incoming.author, 'status_changed', now, { fromStatus: previous, toStatus: step.to }));
      }
      // The ticket's clock is the desk's (`now`); the message keeps the platform's own timestamp (`at`).
      if (!internal && role === 'agent' && ticket.firstResponseAt === null && ticket.status !== 'closed') {
        ticket.firstResponseAt = now;
        firstResponse = true;
      }
      if (!internal) {
        ticket.lastActivityAt = now;
        // Any public message restarts the auto-close timer (or ends it, when the ticket is open again).
        Object.assign(ticket, autoCloseTimer(ticket.status, desk.autoClose, now));
      }
      ticket.updatedAt = now;
      // Independent writes, side by side: the status event, the ticket, the message. Without files they are the
      // work's last statements (the commit may go with them); a file's row waits for its message's id.
      const writes = () =>
        together(
          this.storeMessage(tx, ticket, {
            channelId: incoming.channelId,
            messageId: incoming.messageId,
            authorId: incoming.author.id,
            authorName: cleanLine(incoming.author.name),
            authorRole: role,
            visibility: internal ? 'internal' : 'public',
            body: cleanText(incoming.body),
            createdAt: at,
            files: incoming.files,
          }),
          tx.updateTicket(ticket),
          ...(statusEvent ? [statusEvent] : []),
        );
      const [message] = incoming.files?.length ? await writes() : await tx.last(writes);
      return {
        ticket,
        message,
        role,
        statusChange: ticket.status !== previous ? { from: previous, to: ticket.status } : null,
        firstResponse,
        duplicate: false,
      };
    });
  }

  /** Records an internal note: staff only, never shown to the requester, changes no status. */
  async recordNote(incoming: IncomingMessage): Promise<RecordedMessage> {
    const now = this.clock.now();
    return this.store.transaction(async (tx) => {
      const duplicate = await this.duplicateOf(tx, incoming);
      if (duplicate) return duplicate;
      const ticket = await this.load(tx, incoming.ticketId, false);
      const desk = this.deskOf(ticket);
      await this.standing(tx, desk, ticket, incoming.author, 'note');
      const body = cleanText(incoming.body);
      if (!body && !incoming.files?.length) refuse({ code: 'invalid_form', problems: [{ field: 'description', problem: 'required' }] });
      if (textLength(body) > desk.limits.messageMaxLength) refuse({ code: 'message_too_long', max: desk.limits.messageMaxLength });
      const message = await this.storeMessage(tx, ticket, {
        channelId: incoming.channelId,
        messageId: incoming.messageId,
        authorId: incoming.author.id,
        authorName: cleanLine(incoming.author.name),
        authorRole: 'agent',
        visibility: 'internal',
        body,
        createdAt: incoming.at ?? now,
        files: incoming.files,
      });
      return { ticket, message, role: 'agent', statusChange: null, firstResponse: false, duplicate: false };
    });
  }

  /** Records what the bot itself posted in a ticket's space (the card, notices), so transcripts are complete. */
  async recordBotMessage(posted: BotMessage): Promise<TicketMessage> {
    const now = this.clock.now();
    return this.store.transaction(async (tx) => {
      const ticket = await this.load(tx, posted.ticketId, false);
      if (posted.channelId && posted.messageId) {
        const existing = await tx.findMessage(posted.channelId, posted.messageId);
        if (existing) return existing;
      }
      return this.storeMessage(tx, ticket, { ...posted, authorRole: posted.role, createdAt: posted.at ?? now });
    });
  }

  /** Sets where a stored message lives on the platform (the opening message once the card is posted). */
  async locateMessage(messageId: number, channelId: string, platformMessageId: string): Promise<void> {
    await this.store.transaction((tx) => tx.setMessageLocation(messageId, channelId, platformMessageId), { oneStatement: true });
  }

  /**
   * Records a platform copy of a stored message (mirror, DM, re-upload). Returns false if already known. Copies
   * recorded while others are being written go together, in one statement (see {@link WriteBatcher}).
   */
  recordCopy(messageId: number, copy: MessageCopy): Promise<boolean> {
    return this.copies.add({ messageId, copy });
  }

  /** The latest message stored in a channel or thread: a catch-up after downtime resumes after it. */
  async latestMessageIn(channelId: string): Promise<TicketMessage | null> {
    return this.store.read((tx) => tx.latestMessageIn(channelId));
  }

  /**
   * Messages of a ticket stored in the last `withinMs` that still lack their copy of `purpose` (their mirror
   * failed, or the bot stopped between storing and copying them), oldest first: a catch-up copies them then.
   * The ticket's cards (where the opening message shows) are not messages to copy.
   */
  async uncopiedMessages(ticket: Ticket, purpose: MessageCopyPurpose, roles: readonly AuthorRole[], withinMs = UNCOPIED_WINDOW_MS): Promise<TicketMessage[]> {
    const since = new Date(this.clock.now().getTime() - withinMs);
    const cards = [ticket.cardMessageId, ticket.threadId, ticket.requesterThreadId].filter((id): id is string => !!id);
    return this.store.read((tx) => tx.listUncopiedMessages(ticket.id, purpose, roles, since, cards));
  }

  /** The stored message at a platform location, whether the original or one of its copies. */
  async messageAt(channelId: string, messageId: string): Promise<TicketMessage | null> {
    return this.store.read((tx) => tx.findMessage(channelId, messageId));
  }

  /**
   * Records an edit of a stored message. The previous text is kept as a revision; nothing is lost.
   * Returns null when the message is not a ticket message or the text did not change.
   */
  async recordEdit(channelId: string, messageId: string, body: string, at?: Date): Promise<{ ticket: Ticket; message: TicketMessage; previousBody: string } | null> {
    const now = this.clock.now();
    return this.store.transaction(async (tx) => {
      const message = await tx.findMessage(channelId, messageId);
      if (!message || message.channelId !== channelId || message.messageId !== messageId) return null;
      const cleaned = cleanText(body);
      if (cleaned === message.body) return null;
      await tx.reviseMessage(message.id, cleaned, at ?? now);
      const ticket = await this.load(tx, message.ticketId, false);
      const previousBody = message.body;
      return { ticket, message: { ...message, body: cleaned, editedAt: at ?? now }, previousBody };
    });
  }

  /** Marks a stored message deleted; its text and files stay in the record. */
  async recordDeletion(channelId: string, messageId: string, at?: Date): Promise<{ ticket: Ticket; message: TicketMessage } | null> {
    const now = this.clock.now();
    return this.store.transaction(async (tx) => {
      const message = await tx.findMessage(channelId, messageId);
      if (!message || message.channelId !== channelId || message.messageId !== messageId || message.deletedAt) return null;
      await tx.markMessageDeleted(message.id, at ?? now);
      const ticket = await this.load(tx, message.ticketId, false);
      return { ticket, message: { ...message, deletedAt: at ?? now } };
    });
  }

  async claim(ticketId: number, actor: Actor): Promise<TicketChange> {
    return this.act(ticketId, actor, 'claim', async ({ tx, ticket, now }) => {
      this.refuseIfClosed(ticket, 'claim');
      if (ticket.assigneeId === actor.id) refuse({ code: 'already_assigned', to: ticket.assigneeName ?? actor.name });
      if (ticket.assigneeId) refuse({ code: 'already_claimed', by: ticket.assigneeName ?? ticket.assigneeId });
      ticket.assigneeId = actor.id;
      ticket.assigneeName = cleanLine(actor.name);
      return this.save(tx, ticket, actor, 'claimed', now, {});
    });
  }

  /** Assigns the ticket to a member of its category's staff, or unassigns it with null. */
  async assign(ticketId: number, actor: Actor, assignee: Actor | null): Promise<TicketChange> {
    return this.act(ticketId, actor, 'assign', async ({ tx, ticket, desk, now }) => {
      this.refuseIfClosed(ticket, 'assign');
      if (assignee) {
        const category = findCategory(desk, ticket.categoryKey);
        if (!category || !isStaffOf(desk, category, ticket.platform, assignee)) {
          refuse({ code: 'assignee_not_agent', assignee: cleanLine(assignee.name) });
        }
        if (ticket.assigneeId === assignee.id) refuse({ code: 'already_assigned', to: cleanLine(assignee.name) });
      } else if (!ticket.assigneeId) {
        refuse({ code: 'already_assigned', to: '' });
      }
      const previous = ticket.assigneeId;
      ticket.assigneeId = assignee?.id ?? null;
      ticket.assigneeName = assignee ? cleanLine(assignee.name) : null;
      return this.save(tx, ticket, actor, 'assigned', now, { data: { from: previous, to: ticket.assigneeId, toName: ticket.assigneeName } });
    });
  }

  async setPriority(ticketId: number, actor: Actor, priority: string): Promise<TicketChange> {
    return this.act(ticketId, actor, 'set_priority', async ({ tx, ticket, now }) => {
      this.refuseIfClosed(ticket, 'set_priority');
      if (!PRIORITIES.includes(priority as Priority)) refuse({ code: 'invalid_priority', priority: priority.slice(0, 20) });
      if (ticket.priority === priority) refuse({ code: 'same_priority', priority });
      const previous = ticket.priority;
      ticket.priority = priority as Priority;
      return this.save(tx, ticket, actor, 'priority_changed', now, { data: { from: previous, to: priority } });
    });
  }

  /** Moves the ticket to another category (moderators). */
  async move(ticketId: number, actor: Actor, categoryKey: string): Promise<TicketChange & { from: CategoryConfig | null; to: CategoryConfig }> {
    return this.act(ticketId, actor, 'move', async ({ tx, ticket, desk, now }) => {
      this.refuseIfClosed(ticket, 'move');
      const to = findCategory(desk, categoryKey);
      if (!to || to[ticket.platform] === null) refuse({ code: 'unknown_category', categoryKey: categoryKey.slice(0, 40) });
      if (to.key === ticket.categoryKey) refuse({ code: 'same_category', categoryKey });
      const from = findCategory(desk, ticket.categoryKey);
      const previous = ticket.categoryKey;
      ticket.categoryKey = to.key;
      const change = await this.save(tx, ticket, actor, 'moved', now, { data: { from: previous, to: to.key } });
      return { ...change, from, to };
    });
  }

  async addParticipant(ticketId: number, actor: Actor, user: Actor): Promise<TicketChange> {
    return this.act(ticketId, actor, 'add_participant', async ({ tx, ticket, now }) => {
      this.refuseIfClosed(ticket, 'add_participant');
      if (user.id === ticket.requesterId) refuse({ code: 'cannot_add_requester' });
      const participants = await tx.listParticipants(ticket.id);
      if (participants.some((p) => p.userId === user.id)) refuse({ code: 'already_participant', user: cleanLine(user.name) });
      await tx.addParticipant({ ticketId: ticket.id, userId: user.id, userName: cleanLine(user.name), addedById: actor.id, addedAt: now });
      return this.save(tx, ticket, actor, 'participant_added', now, { data: { userId: user.id, userName: cleanLine(user.name) } });
    });
  }

  async removeParticipant(ticketId: number, actor: Actor, user: Actor): Promise<TicketChange> {
    return this.act(ticketId, actor, 'remove_participant', async ({ tx, ticket, now }) => {
      const participants = await tx.listParticipants(ticket.id);
      if (!participants.some((p) => p.userId === user.id)) refuse({ code: 'not_participant', user: cleanLine(user.name) });
      await tx.removeParticipant(ticket.id, user.id);
      return this.save(tx, ticket, actor, 'participant_removed', now, { data: { userId: user.id, userName: cleanLine(user.name) } });
    });
  }

  async resolve(ticketId: number, actor: Actor): Promise<TicketChange> {
    return this.act(ticketId, actor, 'resolve', async ({ tx, ticket, desk, now }) => {
      const previous = this.applyTransition(ticket, 'resolve');
      ticket.resolvedAt = now;
      Object.assign(ticket, autoCloseTimer(ticket.status, desk.autoClose, now));
      return this.save(tx, ticket, actor, 'resolved', now, { fromStatus: previous, toStatus: ticket.status });
    });
  }

  /** Closes the ticket, with an optional reason. The requester may close their own ticket. */
  async close(ticketId: number, actor: Actor, reason?: string | null): Promise<TicketChange> {
    return this.act(ticketId, actor, 'close', async ({ tx, ticket, desk, now }) => {
      const cleaned = this.checkReason(desk, reason);
      const previous = this.applyTransition(ticket, 'close');
      ticket.closedAt = now;
      ticket.closedById = actor.id;
      ticket.closeReason = cleaned;
      Object.assign(ticket, NO_AUTO_CLOSE);
      return this.save(tx, ticket, actor, 'closed', now, { fromStatus: previous, toStatus: 'closed', reason: cleaned });
    });
  }

  /**
   * Reopens a closed (or resolved) ticket. Staff may always; the requester only within the desk's
   * window after closing, and must say why.
   */
  async reopen(ticketId: number, actor: Actor, reason?: string | null): Promise<TicketChange> {
    return this.act(ticketId, actor, 'reopen', async ({ tx, ticket, desk, standing, now }) => {
      const cleaned = this.checkReason(desk, reason);
      if (!isStaff(standing)) {
        if (!cleaned) refuse({ code: 'reason_required', action: 'reopen' });
        const days = desk.autoClose.requesterReopenDays;
        if (ticket.status === 'closed' && ticket.closedAt && now.getTime() - ticket.closedAt.getTime() > days * 86_400_000) {
          refuse({ code: 'reopen_window_passed', days });
        }
      }
      const previous = this.applyTransition(ticket, 'reopen');
      ticket.closedAt = null;
      ticket.closedById = null;
      ticket.closeReason = null;
      ticket.resolvedAt = null;
      Object.assign(ticket, NO_AUTO_CLOSE);
      ticket.lastActivityAt = now;
      return this.save(tx, ticket, actor, 'reopened', now, { fromStatus: previous, toStatus: 'open', reason: cleaned });
    });
  }

  /**
   * Closes a ticket for a reason that comes from no person: its spaces could not be set up, its thread was
   * archived or deleted on the platform, or it timed out. Closed tickets block no limit; nothing is deleted.
   */
  async systemClose(ticketId: number, reason: string, data?: Record<string, unknown>): Promise<TicketChange | null> {
    const now = this.clock.now();
    return this.store.transaction(async (tx) => {
      const ticket = await this.load(tx, ticketId, true);
      if (ticket.status === 'closed') return null;
      const previous = this.applyTransition(ticket, 'close');
      ticket.closedAt = now;
      ticket.closedById = SYSTEM_ACTOR.id;
      ticket.closeReason = reason;
      Object.assign(ticket, NO_AUTO_CLOSE);
      return this.save(tx, ticket, SYSTEM_ACTOR, 'closed', now, { fromStatus: previous, toStatus: 'closed', reason, data: data ?? null });
    });
  }

  /**
   * The timed work that is due: auto-close warnings to send, tickets to close by themselves, first answers
   * overdue. Each item is then claimed or applied one by one, so only one process acts on it.
   */
  async dueWork(now: Date = this.clock.now(), limit = 100): Promise<{ warnings: Ticket[]; autoCloses: Ticket[]; overdue: Ticket[] }> {
    return this.store.read(async (tx) => ({
      warnings: await tx.findDueAutoCloseWarnings(now, limit),
      autoCloses: await tx.findDueAutoCloses(now, limit),
      overdue: await tx.findOverdueFirstResponses(now, limit),
    }));
  }

  /** Takes the auto-close warning of a ticket to send; false when it is no longer due or another process took it. */
  async claimAutoCloseWarning(ticket: Ticket): Promise<boolean> {
    if (!ticket.autoCloseAt) return false;
    const autoCloseAt = ticket.autoCloseAt;
    return this.store.transaction((tx) => tx.markAutoCloseWarned(ticket.id, autoCloseAt, this.clock.now()));
  }

  /**
   * Closes a ticket whose auto-close time came, if nothing changed it meanwhile (a new message moves or
   * clears the timer). Returns null when it no longer applies or another process closed it first.
   */
  async autoClose(ticketId: number, expectedAt: Date): Promise<TicketChange | null> {
    const now = this.clock.now();
    return this.store.transaction(async (tx) => {
      const ticket = await this.load(tx, ticketId, true);
      const kind = ticket.autoCloseKind;
      if (!kind || !ticket.autoCloseAt || ticket.autoCloseAt.getTime() !== expectedAt.getTime() || ticket.autoCloseAt > now) return null;
      if (ticket.status !== kind) return null;
      const previous = this.applyTransition(ticket, 'close');
      const reason = kind === 'pending' ? 'No reply from the requester' : 'Resolved, with no new message';
      ticket.closedAt = now;
      ticket.closedById = SYSTEM_ACTOR.id;
      ticket.closeReason = reason;
      Object.assign(ticket, NO_AUTO_CLOSE);
      return this.save(tx, ticket, SYSTEM_ACTOR, 'closed', now, { fromStatus: previous, toStatus: 'closed', reason, data: { automatic: kind } });
    });
  }

  /** Takes the "first answer overdue" notice of a ticket to send to staff; null when already taken or answered. */
  async claimFirstResponseFlag(ticketId: number): Promise<Ticket | null> {
    return this.store.transaction(async (tx) => {
      if (!(await tx.markFirstResponseFlagged(ticketId, this.clock.now()))) return null;
      return this.load(tx, ticketId, false);
    });
  }

  /** Records the requester's rating (1 to 5) of the help they got, once per closing of the ticket. */
  async rate(ticketId: number, actor: Actor, score: number, comment?: string | null): Promise<TicketRating> {
    return this.act(ticketId, actor, 'rate', async ({ tx, ticket, desk, now }) => {
      if (!Number.isInteger(score) || score < 1 || score > 5) refuse({ code: 'invalid_rating' });
      const closing = ticket.status === 'closed' ? await tx.latestClosing(ticket.id) : null;
      if (!closing) refuse({ code: 'invalid_status', action: 'rate', status: ticket.status });
      const existing = await tx.findRatingByClosing(closing.id);
      if (existing) refuse({ code: 'already_rated', score: existing.score });
      const cleaned = this.checkReason(desk, comment);
      return tx.insertRating({ ticketId: ticket.id, closingEventId: closing.id, requesterId: actor.id, score, comment: cleaned, createdAt: now, updatedAt: now });
    });
  }

  /** Adds or changes the comment of the requester's rating of the ticket's last closing. */
  async commentOnRating(ticketId: number, actor: Actor, comment: string | null): Promise<TicketRating> {
    return this.act(ticketId, actor, 'rate', async ({ tx, ticket, desk, now }) => {
      const closing = await tx.latestClosing(ticket.id);
      const rating = closing ? await tx.findRatingByClosing(closing.id) : null;
      if (!rating) refuse({ code: 'rating_not_found' });
      const cleaned = this.checkReason(desk, comment);
      await tx.updateRatingComment(rating.id, cleaned, now);
      return { ...rating, comment: cleaned, updatedAt: now };
    });
  }

  /**
   * Figures for staff over a period: tickets opened by status and category, first-response and resolution
   * times in business hours (median and 90th percentile), satisfaction, tickets per agent. Agents see their
   * categories, moderators the whole desk.
   */
  async stats(platform: Platform, workspaceId: string, actor: Actor, period: { from: Date; to: Date }): Promise<DeskStats> {
    const desk = this.deskFor(platform, workspaceId);
    const categories = staffCategories(desk, platform, actor);
    if (categories.length === 0) refuse({ code: 'not_allowed', action: 'stats' });
    const keys = categories.length < desk.categories.length ? categories.map((c) => c.key) : undefined;
    const calendar = this.calendarOf(desk);
    const now = this.clock.now();
    return this.store.read(async (tx) => {
      const tickets = await tx.listTicketsCreatedBetween(desk.id, platform, period.from, period.to, keys);
      const ratings = await tx.listRatingsOf(tickets.map((t) => t.id));
      const hours = (from: Date, to: Date) => calendar.businessMillisBetween(from, to) / 3_600_000;
      const firstResponses = tickets.filter((t) => t.firstResponseAt).map((t) => hours(t.createdAt, t.firstResponseAt!));
      const resolutions = tickets.flatMap((t) => {
        const end = t.resolvedAt ?? (t.status === 'closed' ? t.closedAt : null);
        return end ? [hours(t.createdAt, end)] : [];
      });
      const byStatus = Object.fromEntries(TICKET_STATUSES.map((status) => [status, tickets.filter((t) => t.status === status).length])) as Record<TicketStatus, number>;
      const byCategory = desk.categories
        .map((c) => ({ categoryKey: c.key, count: tickets.filter((t) => t.categoryKey === c.key).length }))
        .filter((c) => c.count > 0);
      const agents = new Map<string, { agentId: string; agentName: string; assigned: number; closed: number }>();
      for (const t of tickets) {
        if (!t.assigneeId) continue;
        const entry = agents.get(t.assigneeId) ?? { agentId: t.assigneeId, agentName: t.assigneeName ?? t.assigneeId, assigned: 0, closed: 0 };
        entry.assigned++;
        if (t.status === 'closed') entry.closed++;
        agents.set(t.assigneeId, entry);
      }
      const missed = tickets.filter((t) => t.firstResponseDueAt && (t.firstResponseAt ? t.firstResponseAt > t.firstResponseDueAt : t.firstResponseDueAt < now)).length;
      return {
        from: period.from,
        to: period.to,
        total: tickets.length,
        byStatus,
        byCategory,
        firstResponseHours: summary(firstResponses),
        resolutionHours: summary(resolutions),
        satisfaction: ratings.length ? { count: ratings.length, average: ratings.reduce((sum, r) => sum + r.score, 0) / ratings.length } : null,
        perAgent: [...agents.values()].sort((a, b) => b.assigned - a.assigned || a.agentName.localeCompare(b.agentName)),
        firstResponseTargetMissed: missed,
      };
    });
  }

  /** Imports tickets from an earlier help desk into a desk, all of them or none (see {@link importTickets}). */
  async importLegacy(deskId: string, source: string, tickets: readonly ImportedTicket[]): Promise<ImportResult> {
    const desk = this.desks.byDeskId(deskId) ?? refuse({ code: 'desk_not_configured', workspaceId: deskId });
    return this.store.transaction((tx) => importTickets(tx, desk, source, tickets, this.clock.now()));
  }

  /** The ticket a form submission opened, if it was already submitted. */
  async openedBy(sourceKey: string): Promise<Ticket | null> {
    return this.store.read((tx) => tx.findTicketBySourceKey(sourceKey));
  }

  /**
   * Lists tickets on a desk. Moderators see every category, agents their categories, and anyone else
   * only the tickets they opened.
   */
  async list(platform: Platform, workspaceId: string, actor: Actor, filter: TicketFilter = {}): Promise<Ticket[]> {
    const desk = this.deskFor(platform, workspaceId);
    const categories = staffCategories(desk, platform, actor);
    const query: TicketQuery = {
      deskId: desk.id,
      platform,
      limit: Math.min(Math.max(filter.limit ?? 25, 1), MAX_LIST),
    };
    const status = filter.status ?? 'active';
    if (status === 'active') query.statuses = ACTIVE_STATUSES;
    else if (status !== 'all') query.statuses = [status];
    if (filter.categoryKey) query.categoryKeys = [filter.categoryKey];
    if (filter.requesterId) query.requesterId = filter.requesterId;
    if (filter.assigneeId) query.assigneeId = filter.assigneeId === 'none' ? null : filter.assigneeId;
    if (filter.text && cleanLine(filter.text)) query.text = cleanLine(filter.text).slice(0, 100);
    if (filter.beforeNumber) query.beforeNumber = filter.beforeNumber;
    if (categories.length === 0) {
      if (filter.requesterId && filter.requesterId !== actor.id) return [];
      query.requesterId = actor.id;
    } else if (categories.length < desk.categories.length) {
      const allowed = categories.map((c) => c.key);
      const keys = query.categoryKeys ? query.categoryKeys.filter((k) => allowed.includes(k)) : allowed;
      if (keys.length === 0) return [];
      query.categoryKeys = keys;
    }
    return this.store.read((tx) => tx.listTickets(query));
  }

  /** A ticket with its messages and events, for transcripts and exports; internal notes for staff only. */
  async record(ticketId: number, actor: Actor): Promise<TicketRecord> {
    const standing = await this.standingOn(ticketId, actor);
    if (!may('view', standing)) refuse({ code: 'not_allowed', action: 'view' });
    return this.systemRecord(ticketId, isStaff(standing));
  }

  /** A ticket's record for the desk itself (transcripts it posts on its own): staff copy or requester copy. */
  async systemRecord(ticketId: number, includeInternal: boolean): Promise<TicketRecord> {
    return this.store.read(async (tx) => {
      const ticket = await this.load(tx, ticketId, false);
      const messages = await tx.listMessages(ticket.id, { includeInternal });
      const events = await tx.listEvents(ticket.id);
      const shown = new Set(messages.map((m) => m.id));
      const revisions: TicketRecord['revisions'] = {};
      for (const revision of await tx.listTicketRevisions(ticket.id)) {
        if (shown.has(revision.messageId)) (revisions[revision.messageId] ??= []).push({ body: revision.body, replacedAt: revision.replacedAt });
      }
      return { ticket, messages, events, revisions, includesInternal: includeInternal };
    });
  }

  /** What the actor may do on a ticket, for adapters that show or hide buttons. */
  async standingOn(ticketId: number, actor: Actor): Promise<Standing> {
    return this.store.read(async (tx) => {
      const ticket = await this.load(tx, ticketId, false);
      const participants = await tx.listParticipants(ticket.id);
      return standingOf(this.deskOf(ticket), ticket, actor, participants.map((p) => p.userId));
    });
  }

  /** The first answer is due this many business hours after opening: the desk's target, else one business day. */
  private firstResponseDue(desk: DeskConfig, openedAt: Date): Date {
    const calendar = this.calendarOf(desk);
    return calendar.addBusinessHours(openedAt, desk.hours?.firstResponseTargetHours ?? calendar.businessDayHours);
  }

  private answerExpectedAt(desk: DeskConfig, at: Date): Date | null {
    const calendar = this.calendarOf(desk);
    return calendar.isOpen(at) ? null : calendar.nextOpening(at);
  }

  /**
   * What an opening is checked against: the ticket this form already opened (a form sent twice), the requester's
   * active tickets, and when they last opened one (with a cooldown).
   */
  private openingsOf(tx: TicketTransaction, desk: DeskConfig, requesterId: string, sourceKey: string | null | undefined) {
    return tx.findOpeningsOf(desk.id, requesterId, { sourceKey: sourceKey || null, latest: desk.limits.cooldownSeconds > 0 });
  }

  private checkOpenWith(desk: DeskConfig, request: OpenTicketRequest, now: Date, { active, latest }: Pick<Openings, 'active' | 'latest'>): CleanTicketForm {
    const form = this.checkFormOf(desk, request);
    const key = subjectKey(form.subject);
    const duplicate = active.find((t) => subjectKey(t.subject) === key);
    if (duplicate) refuse({ code: 'duplicate_ticket', existing: formatTicketNumber(desk.ticketPrefix, duplicate.number) });
    if (active.length >= desk.limits.maxOpenPerUser) {
      refuse({
        code: 'too_many_open_tickets',
        max: desk.limits.maxOpenPerUser,
        open: active.map((t) => formatTicketNumber(desk.ticketPrefix, t.number)),
      });
    }
    if (latest && desk.limits.cooldownSeconds > 0) {
      const waited = (now.getTime() - latest.getTime()) / 1000;
      if (waited < desk.limits.cooldownSeconds) {
        refuse({ code: 'cooldown', retryAfterSeconds: Math.max(1, Math.ceil(desk.limits.cooldownSeconds - waited)) });
      }
    }
    return form;
  }

  /** The form's own checks: its fields, its category on this platform, its files. */
  private checkFormOf(desk: DeskConfig, request: OpenTicketRequest): CleanTicketForm {
    const checked = checkTicketForm(desk, request.form);
    if (!checked.ok) {
      const unknown = checked.problems.find((p) => p.problem === 'unknown_category');
      if (unknown && unknown.problem === 'unknown_category' && checked.problems.length === 1) {
        refuse({ code: 'unknown_category', categoryKey: unknown.categoryKey.slice(0, 40) });
      }
      refuse({ code: 'invalid_form', problems: checked.problems });
    }
    const form = checked.form;
    if (form.category[request.platform] === null) refuse({ code: 'unknown_category', categoryKey: form.category.key });
    if (request.files) {
      const problems = checkAttachments(desk.limits, request.files);
      if (problems.length > 0) refuse({ code: 'invalid_form', problems });
    }
    return form;
  }

  private async alreadyOpened(tx: TicketTransaction, desk: DeskConfig, ticket: Ticket): Promise<OpenedTicket> {
    const messages = await tx.listMessages(ticket.id, { includeInternal: false });
    const category = findCategory(desk, ticket.categoryKey) ?? refuse({ code: 'unknown_category', categoryKey: ticket.categoryKey });
    return { ticket, desk, category, openingMessage: messages[0]!, created: false, answerExpectedAt: null };
  }

  /**
   * The message already recorded at this platform location, as a duplicate result; null when it is new. */
  private async duplicateOf(tx: TicketTransaction, incoming: IncomingMessage): Promise<RecordedMessage | null> {
    const existing = await tx.findMessage(incoming.channelId, incoming.messageId);
    if (!existing) {
      return null;
    }
    return this.duplicate(tx, existing);
  }

  /** What a second delivery of a stored message answers: the message as first recorded, with its ticket. */
  private async duplicate(tx: TicketTransaction, existing: TicketMessage, read?: Ticket | null): Promise<RecordedMessage> {
    const ticket = read?.id === existing.ticketId ? read : await this.load(tx, existing.ticketId, false);
    return { ticket, message: existing, role: existing.authorRole, statusChange: null, firstResponse: false, duplicate: true };
  }

  private async storeMessage(
    tx: TicketTransaction,
    ticket: Ticket,
    fields: Omit<NewTicketMessage, 'ticketId'> & { files?: readonly StoredAttachment[] | undefined },
  ): Promise<TicketMessage> {
    const { files, ...message } = fields;
    const stored = await tx.insertMessage({ ...message, ticketId: ticket.id });
    if (files && files.length > 0) stored.attachments = await tx.insertAttachments(ticket.id, stored.id, files, fields.createdAt);
    return stored;
  }

  private async act<T>(
    ticketId: number,
    actor: Actor,
    action: TicketAction,
    work: (context: ActionContext) => Promise<T>,
    forUpdate = true,
  ): Promise<T> {
    const now = this.clock.now();
    return this.store.transaction(async (tx) => {
      const ticket = await this.load(tx, ticketId, forUpdate);
      const desk = this.deskOf(ticket);
      const standing = await this.standing(tx, desk, ticket, actor, action);
      return work({ tx, ticket, desk, standing, now });
    });
  }

  /**
   * The actor's standing, refusing when they may not do `action` (unless `recordAnyway`: a message already
   * written on the platform is kept whoever wrote it). Participants are only read when they matter.
   */
  private async standing(tx: TicketTransaction, desk: DeskConfig, ticket: Ticket, actor: Actor, action: TicketAction, recordAnyway = false): Promise<Standing> {
    let standing = standingOf(desk, ticket, actor, []);
    if (!standing.requester && !isStaff(standing)) {
      const participants = await tx.listParticipants(ticket.id);
      standing = standingOf(desk, ticket, actor, participants.map((p) => p.userId));
    }
    if (!recordAnyway && !may(action, standing)) refuse({ code: 'not_allowed', action });
    return standing;
  }

  /** Writes fields of a ticket that do not depend on what it holds, in one statement. */
  private async patch(tx: TicketTransaction, ticketId: number, fields: Partial<Omit<Ticket, 'id'>>): Promise<Ticket> {
    const patched = isTicketId(ticketId) ? await tx.patchTicket(ticketId, fields) : null;
    return patched ?? refuse({ code: 'ticket_not_found', reference: String(ticketId).slice(0, 20) });
  }

  private async load(tx: TicketTransaction, ticketId: number, forUpdate: boolean): Promise<Ticket> {
    return (await this.find(tx, ticketId, forUpdate)) ?? refuse({ code: 'ticket_not_found', reference: String(ticketId).slice(0, 20) });
  }

  /** The ticket with this id, or null (also for an id that cannot be one). */
  private async find(tx: TicketTransaction, ticketId: number, forUpdate: boolean): Promise<Ticket | null> {
    return isTicketId(ticketId) ? tx.findTicketById(ticketId, { forUpdate }) : null;
  }

  private applyTransition(ticket: Ticket, trigger: StatusTrigger): TicketStatus {
    const step = transition(ticket.status, trigger);
    if (!step.allowed) refuse({ code: 'invalid_status', action: step.action, status: step.from });
    ticket.status = step.to;
    return step.from;
  }

  private refuseIfClosed(ticket: Ticket, action: TicketAction): void {
    if (ticket.status === 'closed') refuse({ code: 'invalid_status', action, status: 'closed' });
  }

  /** A close or reopen reason as it will be stored, refused when too long: adapters check it before confirming. */
  reasonFor(ticket: Ticket, reason: string | null | undefined): string | null {
    return this.checkReason(this.deskOf(ticket), reason);
  }

  private checkReason(desk: DeskConfig, reason: string | null | undefined): string | null {
    const cleaned = cleanReason(reason);
    if (cleaned && textLength(cleaned) > desk.limits.reasonMaxLength) refuse({ code: 'reason_too_long', max: desk.limits.reasonMaxLength });
    return cleaned;
  }

  private async save(
    tx: TicketTransaction,
    ticket: Ticket,
    actor: Actor,
    type: TicketEvent['type'],
    now: Date,
    details: Partial<Pick<NewTicketEvent, 'fromStatus' | 'toStatus' | 'reason' | 'data'>>,
  ): Promise<TicketChange> {
    ticket.updatedAt = now;
    await tx.updateTicket(ticket);
    const event = await tx.insertEvent(this.event(ticket, actor, type, now, details));
    return { ticket, event, previousStatus: details.fromStatus ?? ticket.status };
  }

  private event(
    ticket: Ticket,
    actor: Actor,
    type: TicketEvent['type'],
    now: Date,
    details: Partial<Pick<NewTicketEvent, 'fromStatus' | 'toStatus' | 'reason' | 'data'>>,
  ): NewTicketEvent {
    return {
      ticketId: ticket.id,
      type,
      actorId: actor.id,
      actorName: cleanLine(actor.name),
      fromStatus: details.fromStatus ?? null,
      toStatus: details.toStatus ?? null,
      reason: details.reason ?? null,
      data: details.data ?? null,
      createdAt: now,
    };
  }
}

/** Whether a number can be a ticket's id at all (a forged or broken reference cannot reach the database). */
function isTicketId(id: number): boolean {
  return Number.isSafeInteger(id) && id > 0;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
