import { TICKET_STATUSES, type Ticket, type TicketService, type TicketStatus } from '../core/index.js';
import type { KeyedQueue } from './keyed-queue.js';

/** Keys of the queue at work (tickets, redraws) from which the bot counts as busy. */
const BUSY_KEYS = 4;

/** What a ticket's spaces show: a status, or `unknown` once a redraw failed part-way (all may show, or none). */
export type ShownStatus = TicketStatus | 'unknown';

/** The statuses to take off before showing `status` over what shows (`null`: nothing shows yet). */
export function statusesToTakeOff(status: TicketStatus, shown: ShownStatus | null): TicketStatus[] {
  if (shown === 'unknown') return TICKET_STATUSES.filter((s) => s !== status);
  return shown && shown !== status ? [shown] : [];
}

/**
 * Keeps what a platform shows of tickets' statuses (reactions, cards) in step with the database, without
 * redrawing for every message: a burst of messages flipping a ticket between open and pending is shown once,
 * with its final status. Every redraw of a ticket runs on a queue of its own (`status:<id>`), one at a time, so
 * two never interleave their reactions. When the bot has little else to do, a message's redraw starts at once,
 * beside the message's own calls; under load it follows them, and behind more of the ticket's messages it
 * follows those (see {@link later}).
 */
export class StatusDisplay {
  /** The status each ticket's spaces show, when this process knows it. */
  private readonly shown = new Map<number, ShownStatus>();
  private readonly queued = new Set<number>();

  constructor(
    private readonly queue: KeyedQueue,
    private readonly service: TicketService,
    /** Draws the ticket's status over what shows (`unknown`: every other status is taken off). */
    private readonly draw: (ticket: Ticket, shown: ShownStatus) => Promise<void>,
    private readonly failed: (error: unknown, ticketId: number) => void,
  ) {}

  /** Shows the ticket's status now (an explicit action that must show it before doing more). */
  now(ticket: Ticket, previous: TicketStatus): Promise<void> {
    return this.inTurn(ticket.id, () => this.show(ticket, previous));
  }

  /**
   * Runs other drawing of the ticket (its card after a claim, say) in turn with the redraws, so a redraw that
   * read the ticket before the change cannot land after it with the older state.
   */
  inTurn<T>(ticketId: number, draw: () => Promise<T>): Promise<T> {
    return this.queue.run(`status:${ticketId}`, draw);
  }

  /**
   * Notes that a message changed the ticket's status, from the message's task on the ticket's queue (once
   * it is stored, as `recorded`). A redraw that waits reads the ticket when its turn comes, so a redraw already
   * waiting shows this change too. While more of the ticket's tasks wait (a busy conversation), it waits behind
   * them and then shows where they left the status: often where it was, and then nothing is drawn. While other
   * tickets keep the bot busy, it waits for the calling task to end (the answer mirrored first). With nothing
   * in the way it starts at once, and draws `recorded`: nothing newer can have been stored, as the ticket's
   * next task waits for the calling one.
   */
  later(recorded: Ticket, previous: TicketStatus): void {
    const ticketId = recorded.id;
    if (!this.shown.has(ticketId)) this.shown.set(ticketId, previous);
    if (this.queued.has(ticketId)) return;
    this.queued.add(ticketId);
    const failed = (error: unknown) => {
      this.queued.delete(ticketId);
      this.failed(error, ticketId);
    };
    const redraw = (current: Ticket | null) =>
      void this.queue
        .run(`status:${ticketId}`, async () => {
          this.queued.delete(ticketId);
          await this.show(current ?? (await this.service.ticketById(ticketId)), previous);
        })
        .catch(failed);
    const ticketQueue = `ticket:${ticketId}`;
    // The task that called is one of the ticket's: more means messages (or actions) wait behind it. Other
    // tickets at work mean load: then the message's own calls (the answer mirrored) go first.
    if (this.queue.pending(ticketQueue) > 1 || this.queue.size >= BUSY_KEYS) void this.queue.run(ticketQueue, async () => redraw(null)).catch(failed);
    else redraw(this.queue.pending(`status:${ticketId}`) === 0 ? recorded : null);
  }

  /** Draws the ticket's status over what its spaces show (`previous`, when this process does not know). */
  private async show(ticket: Ticket, previous: TicketStatus): Promise<void> {
    const shown = this.shown.get(ticket.id) ?? previous;
    if (shown !== ticket.status) {
      try {
        await this.draw(ticket, shown);
      } catch (error) {
        // Some of it may show: the next redraw takes every other status off.
        this.shown.set(ticket.id, 'unknown');
        throw error;
      }
    }
    // A closed ticket rarely changes again; when it is reopened, the change says what it showed.
    if (ticket.status === 'closed') this.shown.delete(ticket.id);
    else this.shown.set(ticket.id, ticket.status);
  }
}
