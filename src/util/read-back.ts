import type { Logger } from '../logger.js';
import type { KeyedQueue } from './keyed-queue.js';

const FIRST_PAUSE_MS = 500;
const LONGEST_PAUSE_MS = 30_000;

/**
 * Tickets whose live messages could not be stored (the database was busy or away). Their later messages are
 * not stored either, which would put them ahead of the one that failed: instead the ticket's conversation is
 * read back from the platform (what the catch-up at start does for one ticket), on the ticket's queue, with a
 * pause that grows after each failure, until it works. So a message survives a database outage, in order, once.
 */
export class ReadBack {
  private readonly behind = new Map<number, { pause: number; timer: NodeJS.Timeout | null }>();
  private stopped = false;

  constructor(
    private readonly queue: KeyedQueue,
    private readonly log: Logger,
    private readonly readBack: (ticketId: number) => Promise<number>,
  ) {}

  /** True while the ticket waits to be read back: its live messages are left for that. */
  has(ticketId: number): boolean {
    return this.behind.has(ticketId);
  }

  /** Notes that a message of the ticket could not be handled, and plans the read-back. */
  failed(ticketId: number, error: unknown): void {
    const entry = this.behind.get(ticketId);
    const pause = entry ? Math.min(entry.pause * 2, LONGEST_PAUSE_MS) : FIRST_PAUSE_MS;
    this.log.warn({ err: error, ticketId, retryInMs: pause }, 'could not handle a ticket message; its conversation will be read back');
    if (entry?.timer) clearTimeout(entry.timer);
    if (this.stopped) return;
    const timer = setTimeout(() => void this.run(ticketId), pause);
    timer.unref();
    this.behind.set(ticketId, { pause, timer });
  }

  private async run(ticketId: number): Promise<void> {
    const entry = this.behind.get(ticketId);
    if (entry) entry.timer = null;
    await this.queue.run(`ticket:${ticketId}`, async () => {
      try {
        const handled = await this.readBack(ticketId);
        this.behind.delete(ticketId);
        this.log.info({ ticketId, messages: handled }, 'read back a ticket conversation after a failure');
      } catch (error) {
        this.failed(ticketId, error);
      }
    });
  }

  /** Stops planning read-backs; what is missed is read back by the catch-up at the next start. */
  stop(): void {
    this.stopped = true;
    for (const entry of this.behind.values()) if (entry.timer) clearTimeout(entry.timer);
    this.behind.clear();
  }
}
