import type { Ticket, TicketService, TicketStatus } from '../core/index.js';
import type { KeyedQueue } from './keyed-queue.js';

/**
 * Keeps what a platform shows of tickets' statuses (reactions, cards) in step with the database, without
 * redrawing for every message: a burst of messages flipping a ticket between open and pending is shown once,
 * with its final status, by a redraw queued behind them on the ticket's queue.
 */
export class StatusDisplay {
  /** The status each ticket's spaces show, when this process knows it. */
  private readonly shown = new Map<number, TicketStatus>();
  private readonly queued = new Set<number>();

  constructor(
    private readonly queue: KeyedQueue,
    private readonly service: TicketService,
    private readonly draw: (ticket: Ticket, shown: TicketStatus | null) => Promise<void>,
    private readonly failed: (error: unknown, ticketId: number) => void,
  ) {}

  /** Shows the ticket's status now (an explicit action that must show it before doing more). */
  async now(ticket: Ticket, previous: TicketStatus): Promise<void> {
    const shown = this.shown.get(ticket.id) ?? previous;
    if (shown !== ticket.status) {
      try {
        await this.draw(ticket, shown);
      } catch (error) {
        // What shows is unknown now: the next change redraws from what it says the ticket was.
        this.shown.delete(ticket.id);
        throw error;
      }
    }
    // A closed ticket rarely changes again; when it is reopened, the change says what it showed.
    if (ticket.status === 'closed') this.shown.delete(ticket.id);
    else this.shown.set(ticket.id, ticket.status);
  }

  /** Notes that a message changed the ticket's status; the redraw runs after what is queued for the ticket. */
  later(ticketId: number, previous: TicketStatus): void {
    if (!this.shown.has(ticketId)) this.shown.set(ticketId, previous);
    if (this.queued.has(ticketId)) return;
    this.queued.add(ticketId);
    void this.queue
      .run(`ticket:${ticketId}`, async () => {
        this.queued.delete(ticketId);
        await this.now(await this.service.ticketById(ticketId), this.shown.get(ticketId)!);
      })
      .catch((error: unknown) => {
        this.queued.delete(ticketId);
        this.failed(error, ticketId);
      });
  }
}
