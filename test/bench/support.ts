import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import sqlite3 from 'sqlite3';
import { runBot } from '../helpers/run-bot.js';
import type { BenchOptions } from './figures.js';

/** Percentile of numbers (nearest rank); NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` returns true, polling; throws with `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000, intervalMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Runs `work` for each item with at most `concurrency` at once. */
export async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  });
  await Promise.all(lanes);
}

/** What the warm-up did, and how fast the bot opened tickets while its code was still being compiled. */
export interface WarmUpFigures {
  tickets: number;
  messages: number;
  /** The warm-up's own rate: a freshly started bot, and a fake whose code is as new. */
  coldTicketsPerSecond: number;
}

/** Messages each warm-up ticket gets: the requester's (the ticket stays open) and an agent's answer (pending). */
export const WARM_UP_ROUNDS = 2;

/**
 * The warm-up before the measured phases: `options.warmup` tickets opened (subjects `Warm-up ticket N`), then
 * {@link WARM_UP_ROUNDS} messages in each. A bot runs for days; its first few hundred tickets also pay for V8
 * compiling its code on the way (a fifth of a core went to the optimizing compiler's threads in the first seconds of
 * openings), and so does the fake in the bench's own process, which the floor, measured last, never pays for.
 * `open` resolves once the openings' calls are all out; `talk` sends the rounds and resolves once they are handled.
 */
export async function warmUp(
  options: BenchOptions,
  quietMs: number,
  open: (subjects: readonly string[]) => Promise<void>,
  talk: (rounds: number) => Promise<void>,
): Promise<WarmUpFigures> {
  if (options.warmup <= 0) return { tickets: 0, messages: 0, coldTicketsPerSecond: Number.NaN };
  const subjects = Array.from({ length: options.warmup }, (_, i) => `${WARM_UP_SUBJECT}${i}`);
  const start = Date.now();
  await open(subjects);
  const coldTicketsPerSecond = subjects.length / ((Date.now() - start - quietMs) / 1000);
  await talk(WARM_UP_ROUNDS);
  return { tickets: subjects.length, messages: subjects.length * WARM_UP_ROUNDS, coldTicketsPerSecond };
}

/** Subjects of the warm-up's tickets, and of the measured ones (`LIKE` patterns pick either). */
export const WARM_UP_SUBJECT = 'Warm-up ticket ';
export const BENCH_SUBJECT = 'Bench ticket ';

export type Query = (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

/** The floor's write for a message: the message, and the ticket's times, in one transaction. */
export function floorMessageWrite(database: BenchDatabase, ticketId: number, channelId: string, messageId: string): Promise<void> {
  const now = new Date().toISOString();
  return database.transaction(async (query) => {
    await query(
      "INSERT INTO ticket_messages (ticket_id, channel_id, message_id, author_id, author_name, author_role, visibility, body, created_at) VALUES (?, ?, ?, 'u', 'Member', 'requester', 'public', ?, ?)",
      [ticketId, channelId, messageId, `floor message ${messageId}`, now],
    );
    await query("UPDATE tickets SET status = 'open', updated_at = ?, last_activity_at = ? WHERE id = ?", [now, now, ticketId]);
  });
}

/** A database for one run: a fresh sqlite file or a fresh PostgreSQL database, with the real migrations applied. */
export interface BenchDatabase {
  kind: 'sqlite' | 'postgres';
  url: string;
  /** Counts rows of a table, from a connection of its own. */
  count(table: string, where?: string): Promise<number>;
  /** Runs one transaction of raw statements (the floor's writes), on a connection of its own. */
  transaction<T>(work: (query: Query) => Promise<T>): Promise<T>;
  /** One statement outside any transaction. */
  query: Query;
  /**
   * PostgreSQL only: what the server has done so far for this database (committed transactions, index scans,
   * rows written), the write-ahead log of the whole server, and the CPU of every PostgreSQL process on the machine. An idle connection sends its
   * statistics to these views up to 10 seconds late.
   */
  activity?(): Promise<ServerActivity>;
  drop(): Promise<void>;
}

export interface ServerActivity {
  commits: number;
  indexScans: number;
  rowsWritten: number;
  /** Bytes of write-ahead log the whole server has written (pg_stat_wal). */
  walBytes: number;
  serverCpuMs: number;
}

/** The CPU time (user + system) of every `postgres` process, in milliseconds, from /proc. */
function postgresCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.split(') ')[1]!.split(' ');
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

/** Per-event differences of two readings of {@link ServerActivity}, as a line for BENCH_DEBUG. */
export function activityLine(before: ServerActivity, after: ServerActivity, events: number, what: string): string {
  const per = (field: keyof ServerActivity) => ((after[field] - before[field]) / events).toFixed(2);
  const walKiB = ((after.walBytes - before.walBytes) / 1024 / events).toFixed(1);
  return `PostgreSQL per ${what}: ${per('commits')} commits, ${per('indexScans')} index scans, ${per('rowsWritten')} rows written, ${walKiB} KiB of WAL, ${per('serverCpuMs')} ms of server CPU\n`;
}

export async function createBenchDatabase(kind: 'sqlite' | 'postgres', postgresUrl: string | null): Promise<BenchDatabase> {
  // Loaded here, not with this module: the floor's process (which only opens a database) stays without TypeORM.
  const { openDatabase } = await import('../../src/persistence/database.js');
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'bench-db-'));
    const url = `sqlite:${join(dir, 'support.sqlite')}`;
    await (await openDatabase(url)).close();
    return thenRemoved(await openBenchDatabase(url), () => rmSync(dir, { recursive: true, force: true }));
  }
  if (!postgresUrl) throw new Error('PostgreSQL needs BENCH_DATABASE_URL or TEST_DATABASE_URL');
  const name = `support_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const target = new URL(postgresUrl);
  target.pathname = `/${name}`;
  const url = target.toString();
  await (await openDatabase(url)).close();
  return thenRemoved(await openBenchDatabase(url), async () => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  });
}

/** `database`, whose `drop` also removes it (`remove`) once its connections are closed. */
function thenRemoved(database: BenchDatabase, remove: () => unknown): BenchDatabase {
  return {
    ...database,
    drop: async () => {
      await database.drop();
      await remove();
    },
  };
}

/**
 * A bench database that exists (`sqlite:PATH` or `postgres://…`), with its schema: the floor's own process opens
 * the floor's so. Its `drop` only closes the connections.
 */
export async function openBenchDatabase(url: string): Promise<BenchDatabase> {
  const kind = url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
  if (kind === 'sqlite') {
    const path = url.slice('sqlite:'.length);
    const db = new sqlite3.Database(path);
    const exec = (sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));
    // Statements prepared once and kept, and (once this connection writes: the floor's database, not the bot's, which
    // the bench only reads) the write-ahead log copied back by a connection of its own, never in a COMMIT: what the
    // bot does (a COMMIT that checkpoints stops for 50-80 ms), so the floor is no slower for lack of it.
    const statements = new Map<string, sqlite3.Statement>();
    const prepared = (sql: string) =>
      statements.get(sql) ??
      (() => {
        const statement = db.prepare(sql);
        statements.set(sql, statement);
        return statement;
      })();
    const all: Query = (sql, params = []) =>
      new Promise((resolve, reject) => prepared(sql).all(params, (error, rows) => (error ? reject(error) : resolve(rows as Array<Record<string, unknown>>))));
    await exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000');
    let checkpointer: { connection: sqlite3.Database; timer: NodeJS.Timeout } | null = null;
    const checkpointInBackground = () => {
      if (checkpointer) return;
      void exec('PRAGMA wal_autocheckpoint = 0');
      const connection = new sqlite3.Database(path);
      checkpointer = { connection, timer: setInterval(() => connection.all('PRAGMA wal_checkpoint(PASSIVE)', () => undefined), 250) };
    };
    // One writer at a time, as sqlite wants and as the bot does.
    let tail: Promise<unknown> = Promise.resolve();
    return {
      kind,
      url,
      count: async (table, where) => Number((await all(`SELECT count(*) AS n FROM ${table}${where ? ` WHERE ${where}` : ''}`))[0]!.n),
      query: all,
      transaction: (work) => {
        checkpointInBackground();
        const run = tail.then(async () => {
          await all('BEGIN IMMEDIATE');
          try {
            const result = await work(all);
            await all('COMMIT');
            return result;
          } catch (error) {
            await all('ROLLBACK');
            throw error;
          }
        });
        tail = run.catch(() => undefined);
        return run;
      },
      drop: async () => {
        await Promise.all([...statements.values()].map((statement) => new Promise<void>((resolve) => statement.finalize(() => resolve()))));
        await new Promise<void>((resolve) => db.close(() => resolve()));
        if (checkpointer) {
          const { connection, timer } = checkpointer;
          clearInterval(timer);
          await new Promise<void>((resolve) => connection.close(() => resolve()));
        }
      },
    };
  }
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection ended by the server (the database dropped at the end of a run) is not the bench's failure.
  pool.on('error', (error) => process.stderr.write(`bench database connection ended: ${error.message}\n`));
  return {
    kind,
    url,
    count: async (table, where) => Number((await pool.query(`SELECT count(*)::int AS n FROM ${table}${where ? ` WHERE ${where}` : ''}`)).rows[0].n),
    query: (sql, params = []) => pool.query(numbered(sql), params).then((r) => r.rows),
    activity: async () => {
      const [{ commits, written }] = (
        await pool.query('SELECT xact_commit::float8 AS commits, (tup_inserted + tup_updated + tup_deleted)::float8 AS written FROM pg_stat_database WHERE datname = current_database()')
      ).rows;
      const [{ scans }] = (await pool.query('SELECT coalesce(sum(idx_scan), 0)::float8 AS scans FROM pg_stat_user_tables')).rows;
      const [{ wal }] = (await pool.query('SELECT wal_bytes::float8 AS wal FROM pg_stat_wal')).rows;
      return { commits: Number(commits), indexScans: Number(scans), rowsWritten: Number(written), walBytes: Number(wal), serverCpuMs: postgresCpuMs() };
    },
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work((sql, params = []) => client.query(numbered(sql), params).then((r) => r.rows));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
    drop: () => pool.end(),
  };
}

/** Whether a PostgreSQL server answers at `url` (the benches skip PostgreSQL when none does). */
export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `?` placeholders as PostgreSQL's `$1, $2, …`. */
function numbered(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

/** The bot as `npm start` runs it, in its own process, with its memory watched. */
export function startBotProcess(env: Record<string, string>) {
  // BENCH_BOT_NODE_ARGS go to the bot's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
  const nodeArgs = process.env.BENCH_BOT_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  // BENCH_BOT_ENV="NAME=value …" adds to the bot's environment, e.g. `UV_THREADPOOL_SIZE=1`.
  const extra = Object.fromEntries((process.env.BENCH_BOT_ENV ?? '').split(' ').filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  const bot = runBot({ LOG_LEVEL: 'info', ...env, ...extra }, { timeoutMs: 60 * 60_000, nodeArgs });
  const status = (field: 'VmRSS' | 'VmHWM') => {
    try {
      const line = readFileSync(`/proc/${bot.child.pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
      return line ? Number(line.split(/\s+/)[1]) * 1024 : Number.NaN;
    } catch {
      return Number.NaN;
    }
  };
  const io = (field: 'write_bytes' | 'syscw') => {
    try {
      const line = readFileSync(`/proc/${bot.child.pid}/io`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
      return line ? Number(line.split(/\s+/)[1]) : Number.NaN;
    } catch {
      return Number.NaN;
    }
  };
  return {
    ...bot,
    /** Resident memory now, in bytes. */
    rss: () => status('VmRSS'),
    /** The highest resident memory so far (the kernel's high-water mark), in bytes. */
    peakRss: () => status('VmHWM'),
    /** CPU time the bot has used so far (user + system), in milliseconds. */
    cpuMs: () => {
      try {
        const fields = readFileSync(`/proc/${bot.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
      } catch {
        return Number.NaN;
      }
    },
    /**
     * Bytes the bot has caused to be written to disk so far (`write_bytes` of /proc/PID/io, counted when a page
     * is first made dirty): sqlite's write-ahead log and its checkpoints into the database file, and the attachments.
     */
    diskBytes: () => io('write_bytes'),
    /** Write system calls the bot has made so far (`syscw`): to sockets (HTTP, PostgreSQL), files and pipes. */
    writeCalls: () => io('syscw'),
    /** Waits until the bot is idle (under 10% of a core for 300 ms): no backlog left from what came before. */
    async idle(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const before = this.cpuMs();
        await sleep(300);
        if (this.cpuMs() - before < 30 || Date.now() > deadline) return;
      }
    },
    async ready(text: string) {
      await until(() => bot.output().stdout.includes(text) || bot.child.exitCode !== null, text, 30_000, 20);
      if (bot.child.exitCode !== null) throw new Error(`the bot exited: ${bot.output().stderr}${bot.output().stdout.slice(-2000)}`);
    },
    async stop() {
      bot.child.kill('SIGTERM');
      const code = await bot.exited;
      // BENCH_BOT_LOG=file keeps what the bot printed (its log, and e.g. --trace-gc from BENCH_BOT_NODE_ARGS).
      if (process.env.BENCH_BOT_LOG) writeFileSync(process.env.BENCH_BOT_LOG, bot.output().stdout + bot.output().stderr);
      return code;
    },
    errors: () =>
      bot
        .output()
        .stdout.split('\n')
        .filter((line) => /"level":(50|60)/.test(line)),
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/**
 * Sends an HTTP request as the floor's calls are made: node's http with kept-alive connections (the bot's
 * libraries keep theirs alive too), JSON in and out. Gives the status and the parsed answer.
 */
export function request(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; json: unknown }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: { ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : null;
        } catch {
          json = text;
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** {@link request}, for the status only. */
export async function send(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<number> {
  return (await request(url, method, headers, body)).status;
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/**
 * How fast the machine is right now: the CPU time of a fixed piece of work (JSON and SHA-256, as the bot does
 * per event), in ms. The shared machines run the same work up to twice as slow from one run to the next, even
 * within one, and every figure moves with it (the bot's CPU per ticket too): compare runs by this first.
 */
export function machinePaceMs(): number {
  const payload = { id: '1577930449479663616', content: 'x'.repeat(200), embeds: [{ title: 'CS-0001 · a subject', fields: Array.from({ length: 6 }, (_, i) => ({ name: `f${i}`, value: `v${i}`, inline: true })) }] };
  const started = process.cpuUsage();
  let digest = '';
  for (let i = 0; i < 20_000; i++) {
    const text = JSON.stringify({ ...payload, nonce: i, digest });
    digest = createHash('sha256').update(JSON.parse(text).content + digest).digest('hex');
  }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

/** The share of the machine's CPU time the host took for others (steal, from /proc/stat) since `start()`. */
export function stealMeter(): { start: () => void; share: () => number | null } {
  const read = (): number[] | null => {
    try {
      return readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    } catch {
      return null;
    }
  };
  let before: number[] | null = null;
  return {
    start: () => {
      before = read();
    },
    share: () => {
      const after = read();
      if (!before || !after) return null;
      const delta = after.map((v, i) => v - (before![i] ?? 0));
      const total = delta.slice(0, 8).reduce((a, b) => a + b, 0);
      return total > 0 ? (delta[7] ?? 0) / total : null;
    },
  };
}
