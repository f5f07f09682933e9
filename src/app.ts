import { DeskDirectory, TicketService, systemClock, type AttachmentStorage, type Clock, type SupportConfig } from './core/index.js';
import type { Logger } from './logger.js';
import { openDatabase, redactUrl, type Database } from './persistence/database.js';
import { LocalAttachmentStorage } from './persistence/local-attachment-storage.js';
import type { PlatformAdapter } from './platform-adapter.js';
import { DeskScheduler } from './scheduler.js';
import type { Settings } from './settings.js';

/** What every adapter is built from. */
export interface AdapterContext {
  service: TicketService;
  desks: DeskDirectory;
  storage: AttachmentStorage;
  logger: Logger;
  clock: Clock;
  settings: Settings;
}

export type AdapterFactory = (context: AdapterContext) => PlatformAdapter;

export interface AppOptions {
  settings: Settings;
  config: SupportConfig;
  logger: Logger;
  /** The adapters to run, by platform; an adapter runs when its platform's credentials are set. */
  adapters: Partial<Record<'discord' | 'slack', AdapterFactory>>;
  clock?: Clock;
  /** How often the scheduler looks for due timers; 0 runs it only when `scheduler.tick()` is called (tests). */
  schedulerIntervalMs?: number;
}

export interface RunningApp {
  database: Database;
  service: TicketService;
  adapters: PlatformAdapter[];
  scheduler: DeskScheduler;
  /** Stops the adapters (finishing work in progress), then closes the database. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The composition root shared by `npm start` and the tests: opens the database (applying migrations),
 * builds the core service and starts each adapter whose credentials are set.
 */
export async function startApp(options: AppOptions): Promise<RunningApp> {
  const { settings, config, logger } = options;
  const clock = options.clock ?? systemClock;
  const database = await openDatabase(settings.databaseUrl, {
    onBackgroundError: (error) => logger.warn({ err: error }, 'a background WAL checkpoint failed; the next one retries'),
  });
  logger.info(
    { database: redactUrl(settings.databaseUrl), dialect: database.dialect, migrationsApplied: database.applied },
    'database ready',
  );
  const desks = new DeskDirectory(config);
  const service = new TicketService(database.store, desks, clock);
  const context: AdapterContext = {
    service,
    desks,
    storage: new LocalAttachmentStorage(settings.attachmentsDir),
    logger,
    clock,
    settings,
  };
  const adapters: PlatformAdapter[] = [];
  const running: Partial<Record<'discord' | 'slack', PlatformAdapter>> = {};
  const scheduler = new DeskScheduler(service, running, logger, options.schedulerIntervalMs ?? 60_000, settings.reconcileGraceSeconds * 1000);
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      await scheduler.stop();
      for (const adapter of [...adapters].reverse()) {
        await adapter.stop().catch((error: unknown) => logger.error({ err: error, platform: adapter.platform }, 'adapter did not stop cleanly'));
      }
      await database.close();
      logger.info('stopped');
    })());
  try {
    for (const platform of ['discord', 'slack'] as const) {
      const factory = options.adapters[platform];
      if (!settings[platform] || !factory) continue;
      const adapter = factory(context);
      adapters.push(adapter);
      await adapter.start();
      running[platform] = adapter;
      // Openings a stopped process left half done are finished now, not at the first scheduler pass.
      await adapter.reconcile(settings.reconcileGraceSeconds * 1000).catch((error: unknown) => logger.error({ err: error, platform }, 'could not look for half-done openings'));
      logger.info({ platform }, 'adapter started');
    }
  } catch (error) {
    await stop();
    throw error;
  }
  scheduler.start();
  return { database, service, adapters, scheduler, stop };
}
