import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, parseDatabaseUrl, type Database } from '../../src/persistence/database.js';
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';

for (const { kind, available } of DATABASE_KINDS) {
  describe.skipIf(!available)(`migrations [${kind}${available ? '' : ': skipped, set TEST_DATABASE_URL to run'}]`, () => {
    let testDatabase: TestDatabase;
    let database: Database;
    beforeAll(async () => {
      testDatabase = await createTestDatabase(kind);
      database = await openDatabase(testDatabase.url);
    });
    afterAll(async () => {
      await database?.close();
      await testDatabase?.drop();
    });

    it('GIVEN an empty database WHEN the bot opens it THEN every migration is applied', async () => {
      expect(database.applied).toEqual(['InitialSchema1763683200000', 'TicketTimersAndRatings1763769600000', 'SpacesReady1763856000000', 'LastMessageAt1763942400000', 'DropProcessedEvents1764028800000', 'RequesterOpeningsIndex1764115200000']);
      const tables = await database.dataSource.createQueryRunner().getTables([
        'tickets', 'ticket_messages', 'message_copies', 'message_revisions', 'attachments',
        'ticket_events', 'ticket_participants', 'desk_counters',
      ]);
      expect(tables.map((t) => t.name.replace(/^public\./, '')).sort()).toEqual([
        'attachments', 'desk_counters', 'message_copies', 'message_revisions',
        'ticket_events', 'ticket_messages', 'ticket_participants', 'tickets',
      ]);
    });

    it('GIVEN the schema is current WHEN the bot opens it again THEN nothing is applied twice', async () => {
      const again = await openDatabase(testDatabase.url);
      try {
        expect(again.applied).toEqual([]);
      } finally {
        await again.close();
      }
    });

    it('GIVEN the table of processed deliveries (never read) WHEN its migration is undone and run again THEN it comes back, then goes', async () => {
      const names = async () => (await database.dataSource.createQueryRunner().getTables(['processed_events', 'tickets'])).map((t) => t.name.replace(/^public\./, '')).sort();
      await database.dataSource.undoLastMigration();
      await database.dataSource.undoLastMigration();
      expect(await names()).toEqual(['processed_events', 'tickets']);
      await database.dataSource.query("INSERT INTO processed_events (key, processed_at) VALUES ('slack:event:Ev1', CURRENT_TIMESTAMP)");
      expect((await database.dataSource.runMigrations()).map((m) => m.name)).toEqual(['DropProcessedEvents1764028800000', 'RequesterOpeningsIndex1764115200000']);
      expect(await names()).toEqual(['tickets']);
    });

    it('GIVEN the migrations WHEN compared with the entities THEN TypeORM finds nothing to change (synchronize stays off)', async () => {
      const pending = await database.dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    });

    it('GIVEN the lookups the bot does often WHEN it runs THEN they have indexes', async () => {
      const runner = database.dataSource.createQueryRunner();
      try {
        const indexNames = async (table: string) => (await runner.getTable(table))!.indices.map((i) => i.name);
        expect(await indexNames('tickets')).toEqual(
          expect.arrayContaining(['ux_tickets_desk_number', 'ix_tickets_thread', 'ix_tickets_requester_thread', 'ix_tickets_desk_status', 'ix_tickets_desk_requester_created']),
        );
        expect(await indexNames('ticket_messages')).toEqual(expect.arrayContaining(['ux_ticket_messages_location', 'ix_ticket_messages_ticket']));
        expect(await indexNames('message_copies')).toEqual(expect.arrayContaining(['ux_message_copies_location']));
      } finally {
        await runner.release();
      }
    });

    it("GIVEN a desk of 20,000 tickets WHEN an opening is checked THEN the requester's latest opening is found through their own tickets", async () => {
      const ago = kind === 'postgres' ? "now() - make_interval(secs => 30000 - i)" : "datetime('now', '-' || (30000 - i) || ' seconds')";
      const series = kind === 'postgres' ? 'generate_series(1, 20000) AS n(i)' : '(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) SELECT i FROM n)';
      await database.dataSource.query(
        `INSERT INTO tickets (desk_id, number, platform, workspace_id, category_key, subject, description, answers, priority, status, requester_id, requester_name, created_at, updated_at, last_activity_at)
         SELECT 'big-desk', i, 'discord', 'g', 'billing', 's', 'd', '[]', 'normal', 'closed', CASE WHEN i = 1 THEN 'early-bird' ELSE 'member-' || (i % 3000) END, 'M', ${ago}, ${ago}, ${ago} FROM ${series}`,
      );
      await database.dataSource.query('ANALYZE tickets');
      // Read newest first through (desk, created), the desk's 19,999 later tickets came before hers.
      const found = await database.store.read((tx) => tx.findOpeningsOf('big-desk', 'early-bird', { sourceKey: null, latest: true }));
      expect(found.active).toEqual([]);
      expect(found.latest).toBeInstanceOf(Date);
      const latest = `SELECT id FROM tickets WHERE desk_id = 'big-desk' AND requester_id = 'early-bird' ORDER BY created_at DESC LIMIT 1`;
      const plan = JSON.stringify(await database.dataSource.query(kind === 'postgres' ? `EXPLAIN ${latest}` : `EXPLAIN QUERY PLAN ${latest}`));
      expect(plan).toContain('ix_tickets_desk_requester_created');
      await database.dataSource.query("DELETE FROM tickets WHERE desk_id = 'big-desk'");
    });

    if (kind === 'sqlite') {
      it('GIVEN sqlite WHEN it is opened THEN it runs in WAL mode with a busy timeout and foreign keys', async () => {
        expect(await database.dataSource.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
        expect(await database.dataSource.query('PRAGMA busy_timeout')).toEqual([{ timeout: 5000 }]);
        expect(await database.dataSource.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
      });
    }
  });
}

describe('DATABASE_URL', () => {
  it('reads sqlite paths and postgres URLs', () => {
    expect(parseDatabaseUrl('sqlite:data/support.sqlite')).toMatchObject({ dialect: 'sqlite', path: expect.stringMatching(/\/data\/support\.sqlite$/) });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', path: ':memory:' });
    expect(parseDatabaseUrl('postgres://u:p@h:5432/db')).toEqual({ dialect: 'postgres', url: 'postgres://u:p@h:5432/db' });
    expect(parseDatabaseUrl('postgresql://h/db')).toMatchObject({ dialect: 'postgres' });
    expect(parseDatabaseUrl('mysql://h/db')).toBeNull();
  });
});
