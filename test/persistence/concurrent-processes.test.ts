import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeskDirectory, TicketService } from '../../src/core/index.js';
import { openDatabase, type Database } from '../../src/persistence/database.js';
import { aDeskConfig, aForm, ids } from '../helpers/builders.js';
import { POSTGRES_URL, createTestDatabase, type TestDatabase } from '../helpers/databases.js';

describe.skipIf(!POSTGRES_URL)(`two processes on one PostgreSQL${POSTGRES_URL ? '' : ' [skipped, set TEST_DATABASE_URL to run]'}`, () => {
  let testDatabase: TestDatabase;
  let first: Database;
  let second: Database;
  beforeAll(async () => {
    testDatabase = await createTestDatabase('postgres');
    // Both start at the same moment, as two processes would: the migration lock lets one migrate.
    [first, second] = await Promise.all([openDatabase(testDatabase.url), openDatabase(testDatabase.url)]);
  });
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
    await testDatabase?.drop();
  });

  it('GIVEN two DataSources WHEN they start together THEN the schema is migrated once', () => {
    expect([...first.applied, ...second.applied]).toEqual(['InitialSchema1763683200000', 'TicketTimersAndRatings1763769600000', 'SpacesReady1763856000000', 'LastMessageAt1763942400000', 'DropProcessedEvents1764028800000', 'RequesterOpeningsIndex1764115200000']);
  });

  it('GIVEN two DataSources WHEN they open 200 tickets concurrently THEN every number is unique and none is skipped', async () => {
    const desks = new DeskDirectory(aDeskConfig().withLimits({ maxOpenPerUser: 10, cooldownSeconds: 0 }).build());
    const services = [new TicketService(first.store, desks), new TicketService(second.store, desks)];
    const openings = Array.from({ length: 200 }, (_, i) =>
      services[i % 2]!.openTicket({
        platform: 'discord',
        workspaceId: ids.guild,
        requester: { id: `6000000000000${String(i % 40).padStart(5, '0')}`, name: `member ${i % 40}` },
        form: aForm().subject(`Question number ${i}`).build(),
      }),
    );
    const numbers = (await Promise.all(openings)).map((o) => o.ticket.number);
    expect(new Set(numbers).size).toBe(200);
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const [{ count }] = await first.dataSource.query('SELECT COUNT(DISTINCT number)::int AS count FROM tickets');
    expect(count).toBe(200);
  });
});
