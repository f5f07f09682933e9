import type { Platform, TicketService } from './core/index.js';
import type { Logger } from './logger.js';
import type { PlatformAdapter } from './platform-adapter.js';

export interface SchedulerRun {
  warned: number;
  autoClosed: number;
  flagged: number;
  /** Openings left half done by a stopped process, finished or closed. */
  reconciled: number;
}

/**
 * The desk's timed work: auto-close warnings, automatic closings, first answers overdue. The timers live in
 * the database, so a restart loses none; each item is claimed in the database before anyone is told, so it
 * happens once even with several processes. `tick` does one pass; `start` runs it every `intervalMs`.
 */
export class DeskScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SchedulerRun> | null = null;

  constructor(
    private readonly service: TicketService,
    private readonly adapters: Partial<Record<Platform, PlatformAdapter>>,
    private readonly logger: Logger,
    private readonly intervalMs = 60_000,
    private readonly reconcileGraceMs = 60_000,
  ) {}

  start(): void {
    if (this.timer || this.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass over the due work; passes never overlap. */
  tick(): Promise<SchedulerRun> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<SchedulerRun> {
    const run: SchedulerRun = { warned: 0, autoClosed: 0, flagged: 0, reconciled: 0 };
    for (const adapter of Object.values(this.adapters)) {
      run.reconciled += await adapter.reconcile(this.reconcileGraceMs).catch((error: unknown) => {
        this.logger.error({ err: error, platform: adapter.platform }, 'could not look for half-done openings');
        return 0;
      });
    }
    const due = await this.service.dueWork();
    for (const ticket of due.warnings) {
      const notifier = this.adapters[ticket.platform]?.notifier;
      if (!notifier || !(await this.service.claimAutoCloseWarning(ticket))) continue;
      run.warned++;
      await this.safely('auto-close warning', ticket.id, () => notifier.warnAutoClose(ticket));
    }
    for (const ticket of due.autoCloses) {
      const notifier = this.adapters[ticket.platform]?.notifier;
      if (!notifier || !ticket.autoCloseAt) continue;
      const change = await this.service.autoClose(ticket.id, ticket.autoCloseAt);
      if (!change) continue;
      run.autoClosed++;
      await this.safely('automatic closing', ticket.id, () => notifier.closedAutomatically(change));
    }
    for (const ticket of due.overdue) {
      const notifier = this.adapters[ticket.platform]?.notifier;
      if (!notifier) continue;
      const flagged = await this.service.claimFirstResponseFlag(ticket.id);
      if (!flagged) continue;
      run.flagged++;
      await this.safely('first-response notice', ticket.id, () => notifier.firstResponseOverdue(flagged));
    }
    if (run.warned || run.autoClosed || run.flagged || run.reconciled) this.logger.info({ ...run }, 'scheduled work done');
    return run;
  }

  private async safely(what: string, ticketId: number, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.error({ err: error, ticketId }, `could not show the ${what}`);
    }
  }
}
