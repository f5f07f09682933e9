import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import sqlite3 from 'sqlite3';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { SqliteConnectionOptions } from 'typeorm/driver/sqlite/SqliteConnectionOptions.js';
import { migrations } from '../../migrations/index.js';
import { createEntities, type Dialect, type Entities } from './entities.js';
import { SqliteCheckpoints } from './sqlite-checkpoints.js';
import { TypeormTicketStore } from './typeorm-ticket-store.js';

export type DatabaseTarget = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

/**
 * Reads `DATABASE_URL`: `sqlite:PATH` (relative to the working directory), `sqlite::memory:`,
 * or `postgres://…` / `postgresql://…`. Returns null for anything else.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget | null {
  const trimmed = url.trim();
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return { dialect: 'postgres', url: trimmed };
  const sqlite = /^sqlite:(?:\/\/)?(.+)$/i.exec(trimmed);
  if (sqlite) return { dialect: 'sqlite', path: sqlite[1] === ':memory:' ? ':memory:' : resolve(sqlite[1]!) };
  return null;
}

/** The database: its TypeORM DataSource, the core's store on top of it, and how to close it. */
export interface Database {
  dialect: Dialect;
  dataSource: DataSource;
  entities: Entities;
  store: TypeormTicketStore;
  /** Names of the migrations this start applied. */
  applied: string[];
  /** sqlite on a file: the background WAL checkpoints. */
  checkpoints: SqliteCheckpoints | null;
  close(): Promise<void>;
}

/**
 * sqlite3 as TypeORM gets it. TypeORM calls `sqlite3.verbose()`, which wraps every call to keep long stack traces:
 * a stack capture and a `util.inspect` of the SQL and its parameters for each query, a third of the bot's time
 * per message. This driver's `verbose()` leaves the module as it is.
 */
const quietSqlite: typeof sqlite3 = Object.assign(Object.create(sqlite3) as typeof sqlite3, { verbose: () => quietSqlite });

// Any constant works; it only has to be the same for every process of this bot.
const MIGRATION_LOCK = 7_310_442_001;

export interface OpenDatabaseOptions {
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /**
   * PostgreSQL: how long a connection over the pool's first two may stay idle before it is closed (default 10 s,
   * node-postgres's own). The first two stay open.
   */
  poolIdleMs?: number;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /** sqlite: how often the background WAL checkpoint runs (default 250 ms). */
  checkpointEveryMs?: number;
  /** sqlite: how often the query planner's statistics are brought up to date (default hourly; see SqliteCheckpoints). */
  optimizeEveryMs?: number;
  /** Told of a background failure that retries on its own (a WAL checkpoint); the default ignores it. */
  onBackgroundError?: (error: unknown) => void;
}

/**
 * Opens the database and brings its schema up to date. sqlite runs in WAL mode with a busy timeout;
 * PostgreSQL migrations run under an advisory lock, so several processes can start at once.
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(url);
  if (!target) throw new Error(`DATABASE_URL is neither sqlite:PATH nor postgres://…: ${redactUrl(url)}`);
  const entities = createEntities(target.dialect);
  const common = {
    entities: Object.values(entities),
    migrations,
    synchronize: false,
    migrationsRun: false,
    logging: false,
  } as const;
  let dataSourceOptions: DataSourceOptions;
  if (target.dialect === 'sqlite') {
    if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
    dataSourceOptions = { ...common, type: 'sqlite', driver: quietSqlite, database: target.path, enableWAL: target.path !== ':memory:', busyTimeout: 5000 };
  } else {
    dataSourceOptions = {
      ...common,
      type: 'postgres',
      url: target.url,
      applicationName: 'support-desk-bot',
      // Pipelined connections: a query is sent without waiting for the answers to those before it (they
      // come back in order). A transaction's BEGIN then travels with its first statement, and statements a
      // use case sends side by side share round trips; unpipelined, node-postgres sent one query per round
      // trip, and warns that queueing a query behind another will stop working in its next major version.
      // Two connections stay open however quiet the desk is: closed after 10 s idle, the next message paid for a
      // new connection and for preparing its statements again (a message after a quiet moment: 12 ms, 5 ms warm).
      extra: { max: options.poolSize ?? 10, min: Math.min(2, options.poolSize ?? 10), idleTimeoutMillis: options.poolIdleMs ?? 10_000, pipeline: true },
    };
  }
  const dataSource = new DataSource(dataSourceOptions);
  await dataSource.initialize();
  try {
    if (target.dialect === 'sqlite') {
      // In WAL mode NORMAL survives a crash of the process; only a power loss can drop the last commits.
      await dataSource.query('PRAGMA synchronous = NORMAL');
      await dataSource.query('PRAGMA foreign_keys = ON');
      // Checkpoints run on a connection of their own (SqliteCheckpoints); the writer's is only a safety net.
      if (target.path !== ':memory:') await dataSource.query(`PRAGMA wal_autocheckpoint = ${SqliteCheckpoints.writerLimit}`);
    }
    const applied = options.migrate === false ? [] : await migrate(dataSource, target.dialect);
    // sqlite in WAL mode reads on a second connection while the first writes: reads never wait behind writes.
    let reader: DataSource | null = null;
    if (target.dialect === 'sqlite' && target.path !== ':memory:') {
      reader = new DataSource({ ...(dataSourceOptions as SqliteConnectionOptions), migrations: [], enableWAL: false });
      await reader.initialize();
      await reader.query('PRAGMA query_only = ON');
    }
    const checkpoints =
      target.dialect === 'sqlite' && target.path !== ':memory:'
        ? await SqliteCheckpoints.start(quietSqlite, target.path, { everyMs: options.checkpointEveryMs ?? 250, optimizeEveryMs: options.optimizeEveryMs ?? 3_600_000, onError: options.onBackgroundError ?? (() => undefined) })
        : null;
    const store = new TypeormTicketStore(dataSource, target.dialect, entities, reader);
    return {
      dialect: target.dialect,
      dataSource,
      entities,
      store,
      applied,
      checkpoints,
      close: async () => {
        await checkpoints?.close();
        await store.close();
        if (reader?.isInitialized) await reader.destroy();
        if (dataSource.isInitialized) await dataSource.destroy();
      },
    };
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

async function migrate(dataSource: DataSource, dialect: Dialect): Promise<string[]> {
  if (dialect !== 'postgres') {
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  }
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await lock.release();
  }
}

/** A database URL with its password hidden, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}
