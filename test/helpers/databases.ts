import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { openDatabase, type Database } from '../../src/persistence/database.js';

export type DatabaseKind = 'sqlite' | 'postgres';

/** PostgreSQL runs when TEST_DATABASE_URL names a server where the test user may create databases. */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? null;

export const DATABASE_KINDS: Array<{ kind: DatabaseKind; available: boolean }> = [
  { kind: 'sqlite', available: true },
  { kind: 'postgres', available: POSTGRES_URL !== null },
];

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database: a new sqlite file in a temp folder, or a new database on the PostgreSQL server. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'support-test-'));
    return { url: `sqlite:${join(dir, 'support.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  if (!POSTGRES_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `support_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

const TABLES = [
  'message_revisions',
  'message_copies',
  'attachments',
  'ticket_events',
  'ticket_participants',
  'ticket_messages',
  'tickets',
  'desk_counters',
];

/** Empties every table, so each test starts from nothing while the file keeps one database. */
export async function emptyDatabase(database: Database): Promise<void> {
  if (database.dialect === 'postgres') {
    await database.dataSource.query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY CASCADE`);
  } else {
    for (const table of TABLES) await database.dataSource.query(`DELETE FROM ${table}`);
  }
}

/**
 * Runs a suite once per available database, each on a fresh database with the real migrations,
 * emptied before every test. Suites for a database that is not configured are skipped, and say so.
 */
export function describeOnEachDatabase(title: string, suite: (database: () => Database, kind: DatabaseKind) => void): void {
  for (const { kind, available } of DATABASE_KINDS) {
    const label = available ? `${title} [${kind}]` : `${title} [${kind}: skipped, set TEST_DATABASE_URL to run]`;
    describe.skipIf(!available)(label, () => {
      let testDatabase: TestDatabase | null = null;
      let database: Database | null = null;
      beforeAll(async () => {
        testDatabase = await createTestDatabase(kind);
        database = await openDatabase(testDatabase.url);
      });
      afterAll(async () => {
        await database?.close();
        await testDatabase?.drop();
      });
      beforeEach(async () => {
        if (database) await emptyDatabase(database);
      });
      suite(() => {
        if (!database) throw new Error('database not open');
        return database;
      }, kind);
    });
  }
}
