import type { Ticket, TicketChange } from './core/index.js';

/**
 * What the desk's scheduler asks of a platform: tell people about timed changes, in the ticket's spaces.
 * Each call is made once per ticket and event, even with several processes on one database.
 */
export interface TicketNotifier {
  /** Tell the requester (and staff) that the ticket closes by itself at `ticket.autoCloseAt` unless someone writes. */
  warnAutoClose(ticket: Ticket): Promise<void>;
  /** Show a ticket the desk closed by itself, as any closing is shown. */
  closedAutomatically(change: TicketChange): Promise<void>;
  /** Tell staff that a ticket passed its first-response target without an answer. */
  firstResponseOverdue(ticket: Ticket): Promise<void>;
}

/** A running connection to one platform (the Discord client, the Slack app). */
export interface PlatformAdapter {
  readonly platform: 'discord' | 'slack';
  readonly notifier: TicketNotifier;
  /** Connects and starts handling events; resolves once the platform accepted the bot. */
  start(): Promise<void>;
  /** Stops taking new events and waits for the ones in progress, then disconnects. */
  stop(): Promise<void>;
  /**
   * Finishes ticket openings that a stopped process left half done (opened more than `graceMs` ago), or
   * closes them and tells the requester. Returns how many were found.
   */
  reconcile(graceMs: number): Promise<number>;
}
