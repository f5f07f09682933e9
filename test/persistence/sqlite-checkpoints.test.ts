import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '../../src/persistence/database.js';

// sqlite's WAL is copied back into the database file by a connection of its own (src/persistence/sqlite-checkpoints.ts),
// not by the writer inside a COMMIT, which held every waiting use case for 56-82 ms each time the log passed 1,000 pages.
let dir: string;
let file: string;
let database: Database | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sqlite-checkpoints-'));
  file = join(dir, 'support.sqlite');
});

afterEach(async () => {
  await database?.close();
  database = null;
  rmSync(dir, { recursive: true, force: true });
});

/** Writes about `rows` × 0.6 KB through the writer connection, in one statement (a few thousand WAL pages). */
async function write(db: Database, rows: number, from = 0): Promise<void> {
  await db.dataSource.query(
    `INSERT INTO desk_counters (desk_id, last_number)
     WITH RECURSIVE n(i) AS (SELECT ${from + 1} UNION ALL SELECT i + 1 FROM n WHERE i < ${from + rows})
     SELECT printf('%0300d', i), i FROM n`,
  );
}

const hour = 3_600_000;

it('leaves the log to the checkpoint connection: the writer does not checkpoint at 1,000 pages', async () => {
  database = await openDatabase(`sqlite:${file}`, { checkpointEveryMs: hour });
  expect(await database.dataSource.query('PRAGMA wal_autocheckpoint')).toEqual([{ wal_autocheckpoint: 8000 }]);
  // Twenty transactions of about 175 pages each.
  for (let i = 0; i < 20; i++) await write(database, 1_000, i * 1_000);
  const first = await database.checkpoints!.checkpoint();
  // Every page written is still in the log: the writer never copied it back (sqlite's default copies it back in
  // the COMMIT that takes it past 1,000 pages, and the next transaction starts the log over).
  expect(first.walFrames).toBeGreaterThan(2_500);
  expect(first.checkpointed).toBe(first.walFrames);
  // The rows are all there, read on another connection.
  const rows = await new Promise<unknown[]>((resolve, reject) => {
    const other = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (error) => {
      if (error) return reject(error);
      other.all('SELECT count(*) AS n FROM desk_counters', (e, r) => other.close(() => (e ? reject(e) : resolve(r))));
    });
  });
  expect(rows).toEqual([{ n: 20_000 }]);
});

it('runs in the background, copying the log into the database file', async () => {
  database = await openDatabase(`sqlite:${file}`, { checkpointEveryMs: 20 });
  // Let the migrations' pages settle first, then measure what the writes add.
  await database.checkpoints!.checkpoint();
  const before = statSync(file).size;
  await write(database, 10_000);
  const deadline = Date.now() + 10_000;
  while (statSync(file).size < before + 4_000_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(statSync(file).size).toBeGreaterThan(before + 4_000_000);
});

it('never waits for a reader: what a reader still needs is copied later', async () => {
  database = await openDatabase(`sqlite:${file}`, { checkpointEveryMs: hour });
  await write(database, 2_000);
  await database.checkpoints!.checkpoint();
  // A reader holds a snapshot from before the next writes.
  const reader = await new Promise<sqlite3.Database>((resolve, reject) => {
    const db: sqlite3.Database = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (error) => (error ? reject(error) : resolve(db)));
  });
  const all = (sql: string) => new Promise<unknown[]>((resolve, reject) => reader.all(sql, (error, rows) => (error ? reject(error) : resolve(rows))));
  try {
    await all('BEGIN');
    expect(await all('SELECT count(*) AS n FROM desk_counters')).toEqual([{ n: 2_000 }]);
    await write(database, 5_000, 2_000);
    const held = await database.checkpoints!.checkpoint();
    expect(held.walFrames).toBeGreaterThan(held.checkpointed);
    // The writer is not held either.
    await write(database, 10, 7_000);
    expect(await all('SELECT count(*) AS n FROM desk_counters')).toEqual([{ n: 2_000 }]);
    await all('COMMIT');
    const after = await database.checkpoints!.checkpoint();
    expect(after.checkpointed).toBe(after.walFrames);
  } finally {
    await new Promise((resolve) => reader.close(resolve));
  }
});

it('has no checkpoint connection for a database in memory, and closes cleanly', async () => {
  database = await openDatabase('sqlite::memory:');
  expect(database.checkpoints).toBeNull();
  const onDisk = await openDatabase(`sqlite:${file}`, { checkpointEveryMs: 5 });
  await write(onDisk, 100);
  await onDisk.close();
  // Closing the last connection checkpointed and removed the log: every row is in the database file.
  expect(() => statSync(`${file}-wal`)).toThrow();
});

/** The query planner's statistics: rows per table and index, as ANALYZE left them. */
async function statistics(db: Database): Promise<Record<string, string>> {
  const tables = (await db.dataSource.query("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")) as unknown[];
  if (tables.length === 0) return {};
  const rows = (await db.dataSource.query('SELECT idx, stat FROM sqlite_stat1 WHERE idx IS NOT NULL')) as Array<{ idx: string; stat: string }>;
  return Object.fromEntries(rows.map((r) => [r.idx, r.stat.split(' ')[0]!]));
}

/** `count` tickets of one desk, numbered from `from + 1`, written in one statement. */
async function tickets(db: Database, count: number, from = 0): Promise<void> {
  await db.dataSource.query(
    `INSERT INTO tickets (desk_id, number, platform, workspace_id, category_key, subject, description, answers, priority, status, requester_id, requester_name, created_at, updated_at, last_activity_at)
     WITH RECURSIVE n(i) AS (SELECT ${from + 1} UNION ALL SELECT i + 1 FROM n WHERE i < ${from + count})
     SELECT 'desk', i, 'discord', 'guild', 'billing', 'Subject ' || i, 'Description', '[]', 'normal', 'open', 'member-' || (i % 40), 'Member', '2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z' FROM n`,
  );
}

it("keeps the query planner's statistics: gathered when the database opens, brought up to date as the tables grow", async () => {
  database = await openDatabase(`sqlite:${file}`, { checkpointEveryMs: hour, optimizeEveryMs: hour });
  await tickets(database, 2_000);
  await database.close();
  database = await openDatabase(`sqlite:${file}`, { checkpointEveryMs: hour, optimizeEveryMs: 100 });
  const opened = await statistics(database);
  const indexes = Object.keys(opened).filter((name) => opened[name] === '2000');
  expect(indexes.length).toBeGreaterThan(0);
  // Ten times as many: the next round (every 100 ms here) analyses the table again.
  await tickets(database, 20_000, 2_000);
  const index = indexes[0]!;
  await vi.waitFor(async () => expect((await statistics(database!))[index]).toBe('22000'), { timeout: 5000, interval: 50 });
});

it('gathers the statistics once the writer lets go of the lock, when another connection held it', async () => {
  database = await openDatabase(`sqlite:${file}`, { checkpointEveryMs: hour, optimizeEveryMs: hour });
  await tickets(database, 2_000);
  const other = new sqlite3.Database(file);
  const exec = (sql: string) => new Promise<void>((resolve, reject) => other.exec(sql, (error) => (error ? reject(error) : resolve())));
  try {
    await exec('BEGIN IMMEDIATE; UPDATE tickets SET subject = subject WHERE 0;');
    const optimizing = database.checkpoints!.optimize();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await exec('COMMIT;');
    await optimizing;
  } finally {
    await new Promise<void>((resolve) => other.close(() => resolve()));
  }
  expect(Object.values(await statistics(database))).toContain('2000');
});
