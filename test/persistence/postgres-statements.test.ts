import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/persistence/database.js';
import { POSTGRES_URL, createTestDatabase, type TestDatabase } from '../helpers/databases.js';

// On PostgreSQL the store's own statements are prepared once per connection under a name (the server keeps their
// plan), and looking a message up by where it is uses an index: before, each event's lookup read every message.
describe.skipIf(!POSTGRES_URL)(`the store's statements on PostgreSQL${POSTGRES_URL ? '' : ' [skipped, set TEST_DATABASE_URL to run]'}`, () => {
  let testDatabase: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    testDatabase = await createTestDatabase('postgres');
    await (await openDatabase(testDatabase.url)).close();
    // One connection (migrated above: the migration lock holds a connection of its own): what the store
    // prepared is visible to the test's own queries.
    database = await openDatabase(testDatabase.url, { poolSize: 1, migrate: false });
  });
  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  const prepared = async () =>
    (await database.dataSource.query('SELECT name, statement FROM pg_prepared_statements ORDER BY name')) as Array<{ name: string; statement: string }>;

  it('prepares a statement once and runs it again by its name', async () => {
    const numbers: number[] = [];
    for (let i = 0; i < 3; i++) numbers.push(await database.store.transaction((tx) => tx.nextTicketNumber('desk-a')));
    expect(numbers).toEqual([1, 2, 3]);
    const counters = (await prepared()).filter((p) => p.statement.includes('INSERT INTO desk_counters'));
    expect(counters).toHaveLength(1);
    expect(counters[0]!.name).toMatch(/^desk_\d+$/);
  });

  it('finds a message by its place or by a copy of it, each through an index', async () => {
    const ticketId = await database.store.transaction(async (tx) => {
      const number = await tx.nextTicketNumber('desk-b');
      const now = new Date();
      const ticket = await tx.insertTicket({
        deskId: 'desk-b', number, platform: 'discord', workspaceId: 'g', categoryKey: 'billing', subject: 's', description: 'd', answers: [],
        priority: 'normal', status: 'open', requesterId: 'u', requesterName: 'Member', createdAt: now, updatedAt: now, lastActivityAt: now,
      } as never);
      return ticket.id;
    });
    // Enough messages that reading them all costs more than an index.
    await database.dataSource.query(
      `INSERT INTO ticket_messages (ticket_id, channel_id, message_id, author_id, author_name, author_role, visibility, body, created_at)
       SELECT $1, 'channel', 'm' || i, 'u', 'Member', 'requester', 'public', 'body ' || i, now() FROM generate_series(1, 5000) i`,
      [ticketId],
    );
    const [{ id: copied }] = (await database.dataSource.query("SELECT id FROM ticket_messages WHERE message_id = 'm4321'")) as [{ id: number }];
    await database.store.transaction((tx) => tx.addMessageCopies([{ messageId: copied, copy: { channelId: 'dm', messageId: 'copy-of-4321', purpose: 'mirror' } }]));
    await database.dataSource.query(
      `INSERT INTO message_copies (message_id, channel_id, copy_message_id, purpose)
       SELECT id, 'dm', 'copy-' || id, 'mirror' FROM ticket_messages WHERE message_id <> 'm4321'`,
    );
    await database.dataSource.query('ANALYZE ticket_messages, message_copies');

    const byPlace = await database.store.read((tx) => tx.findMessage('channel', 'm17'));
    const byCopy = await database.store.read((tx) => tx.findMessage('dm', 'copy-of-4321'));
    const none = await database.store.read((tx) => tx.findMessage('channel', 'nowhere'));
    expect([byPlace?.body, byCopy?.body, none]).toEqual(['body 17', 'body 4321', null]);

    const lookup = (await prepared()).find((p) => /FROM ticket_messages.*message_copies/s.test(p.statement));
    expect(lookup).toBeDefined();
    const [{ 'QUERY PLAN': [{ Plan: plan }] }] = (await database.dataSource.query(
      `EXPLAIN (FORMAT JSON) EXECUTE ${lookup!.name}('channel', 'nowhere', 'channel', 'nowhere')`,
    )) as [{ 'QUERY PLAN': [{ Plan: PlanNode }] }];
    const onMessages = nodes(plan).filter((n) => n['Relation Name'] === 'ticket_messages');
    expect(onMessages.map((n) => n['Node Type'])).toEqual(['Index Scan', 'Index Scan']);

    // Recording a message reads its ticket and looks the message up in one statement, through the same indexes.
    const withTicket = await database.store.transaction(async (tx) => [
      await tx.findTicketWithMessageAt(ticketId, 'channel', 'm17', { forUpdate: true }),
      await tx.findTicketWithMessageAt(ticketId, 'dm', 'copy-of-4321', { forUpdate: true }),
      await tx.findTicketWithMessageAt(ticketId, 'channel', 'nowhere', { forUpdate: true }),
      await tx.findTicketWithMessageAt(ticketId + 1000, 'channel', 'm17', { forUpdate: true }),
    ]);
    const [{ id: m17 }] = (await database.dataSource.query("SELECT id FROM ticket_messages WHERE message_id = 'm17'")) as [{ id: number }];
    expect(withTicket.map((r) => [r.ticket?.id ?? null, r.storedMessageId])).toEqual([
      [ticketId, Number(m17)],
      [ticketId, Number(copied)],
      [ticketId, null],
      [null, null],
    ]);
    const combined = (await prepared()).find((p) => /stored_message_id/.test(p.statement));
    expect(combined?.statement).toMatch(/FOR UPDATE$/);
    const [{ 'QUERY PLAN': [{ Plan: combinedPlan }] }] = (await database.dataSource.query(
      `EXPLAIN (FORMAT JSON) EXECUTE ${combined!.name}('channel', 'nowhere', 'channel', 'nowhere', ${ticketId})`,
    )) as [{ 'QUERY PLAN': [{ Plan: PlanNode }] }];
    // (The one ticket is read by a sequential scan here: the table has a single row.)
    const lookups = nodes(combinedPlan).filter((n) => n['Relation Name'] === 'ticket_messages' || n['Relation Name'] === 'message_copies');
    expect(lookups.map((n) => [n['Relation Name'], n['Node Type']])).toEqual([['ticket_messages', 'Index Scan'], ['message_copies', 'Index Scan']]);
  });

  it("checks an opening against the requester's tickets in one statement, each part through an index", async () => {
    // Enough tickets of other requesters that reading them all costs more than an index.
    await database.dataSource.query(
      `INSERT INTO tickets (desk_id, number, platform, workspace_id, category_key, subject, description, answers, priority, status, requester_id, requester_name, created_at, updated_at, last_activity_at, source_key)
       SELECT 'desk-c', i, 'discord', 'g', 'billing', 's' || i, 'd', '[]', 'normal', CASE WHEN i % 3 = 0 THEN 'closed' ELSE 'open' END, 'u' || (i % 500), 'Member', now(), now(), now(), 'form-' || i
       FROM generate_series(1, 5000) i`,
    );
    await database.dataSource.query('ANALYZE tickets');
    const found = await database.store.read((tx) => tx.findOpeningsOf('desk-c', 'u7', { sourceKey: 'form-4007', latest: true }));
    expect(found.bySource?.number).toBe(4007);
    expect(found.active.map((t) => t.number)).toEqual(Array.from({ length: 10 }, (_, i) => 7 + 500 * i).filter((n) => n % 3 !== 0));
    expect(found.latest).toBeInstanceOf(Date);
    const statement = (await prepared()).find((p) => p.statement.includes("'source' AS found_as"));
    expect(statement).toBeDefined();
    const [{ 'QUERY PLAN': [{ Plan: plan }] }] = (await database.dataSource.query(
      `EXPLAIN (FORMAT JSON) EXECUTE ${statement!.name}('form-4007', 'desk-c', 'u7', 'open', 'pending', 'resolved', 'desk-c', 'u7')`,
    )) as [{ 'QUERY PLAN': [{ Plan: PlanNode }] }];
    const scans = nodes(plan).filter((n) => n['Relation Name'] === 'tickets');
    expect(scans).toHaveLength(3);
    for (const scan of scans) expect(scan['Node Type']).toMatch(/^(Index|Index Only|Bitmap Heap) Scan$/);
    // The requester's latest opening is read from the index alone (desk, requester, created).
    expect(scans.map((s) => s['Node Type'])).toContain('Index Only Scan');
  });
});

describe.skipIf(!POSTGRES_URL)(`reads on PostgreSQL${POSTGRES_URL ? '' : ' [skipped, set TEST_DATABASE_URL to run]'}`, () => {
  let testDatabase: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    testDatabase = await createTestDatabase('postgres');
    database = await openDatabase(testDatabase.url);
  });
  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  const openTicket = (deskId: string) =>
    database.store.transaction(async (tx) => {
      const number = await tx.nextTicketNumber(deskId);
      const now = new Date();
      return tx.insertTicket({
        deskId, number, platform: 'discord', workspaceId: 'g', categoryKey: 'billing', subject: 's', description: 'd', answers: [],
        priority: 'normal', status: 'open', requesterId: 'u', requesterName: 'Member', createdAt: now, updatedAt: now, lastActivityAt: now,
      } as never);
    });

  it('sees one snapshot from its first statement to its last, whatever commits meanwhile', async () => {
    const seen = await database.store.read(async (tx) => {
      const before = await tx.findTicketByNumber('desk-r', 1);
      await openTicket('desk-r');
      const after = await tx.findTicketByNumber('desk-r', 1);
      return [before, after];
    });
    expect(seen).toEqual([null, null]);
    expect(await database.store.read((tx) => tx.findTicketByNumber('desk-r', 1))).toMatchObject({ number: 1 });
  });

  it('refuses a write, and lets the next read run', async () => {
    await expect(database.store.read((tx) => tx.nextTicketNumber('desk-w'))).rejects.toThrow(/read-only transaction/);
    expect(await database.dataSource.query("SELECT count(*)::int AS n FROM desk_counters WHERE desk_id = 'desk-w'")).toEqual([{ n: 0 }]);
    expect(await database.store.read((tx) => tx.findTicketByNumber('desk-w', 1))).toBeNull();
  });
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

// The pool's connections pipeline: a transaction's BEGIN goes out with its first statement, and statements sent side
// by side go out one after another without waiting. One connection here, so each test also shows that what a
// failure left behind does not reach the next work.
describe.skipIf(!POSTGRES_URL)(`transactions on PostgreSQL${POSTGRES_URL ? '' : ' [skipped, set TEST_DATABASE_URL to run]'}`, () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let ticketId: number;
  beforeAll(async () => {
    testDatabase = await createTestDatabase('postgres');
    await (await openDatabase(testDatabase.url)).close();
    database = await openDatabase(testDatabase.url, { poolSize: 1, migrate: false });
    ticketId = await database.store.transaction(async (tx) => {
      const now = new Date();
      const ticket = await tx.insertTicket({
        deskId: 'desk-t', number: await tx.nextTicketNumber('desk-t'), platform: 'discord', workspaceId: 'g', categoryKey: 'billing', subject: 's',
        description: 'd', answers: [], priority: 'normal', status: 'open', requesterId: 'u', requesterName: 'Member', createdAt: now, updatedAt: now,
        lastActivityAt: now,
      } as never);
      return ticket.id;
    });
  });
  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  const message = (ticket: number, body: string) => ({
    ticketId: ticket, channelId: 'thread', messageId: body, authorId: 'u', authorName: 'Member', authorRole: 'requester' as const,
    visibility: 'public' as const, body, createdAt: new Date(),
  });
  const bodies = async () => ((await database.dataSource.query('SELECT body FROM ticket_messages ORDER BY id')) as Array<{ body: string }>).map((r) => r.body);

  it('writes statements sent side by side, in one transaction', async () => {
    await database.store.transaction((tx) => Promise.all([tx.insertMessage(message(ticketId, 'a1')), tx.insertMessage(message(ticketId, 'a2')), tx.insertMessage(message(ticketId, 'a3'))]));
    expect(await bodies()).toEqual(['a1', 'a2', 'a3']);
  });

  it('rolls back every statement of a work when one of those sent side by side fails, and the connection serves the next', async () => {
    const failing = database.store.transaction((tx) =>
      Promise.all([tx.insertMessage(message(ticketId, 'b1')), tx.insertMessage(message(987_654, 'b2')), tx.insertMessage(message(ticketId, 'b3'))]),
    );
    await expect(failing).rejects.toThrow(/foreign key/);
    expect(await bodies()).toEqual(['a1', 'a2', 'a3']);
    await database.store.transaction((tx) => tx.insertMessage(message(ticketId, 'c1')));
    expect(await bodies()).toEqual(['a1', 'a2', 'a3', 'c1']);
  });

  /** What the pool's one connection hands its socket, batch by batch (one system call each), while `run` runs. */
  const socketBatches = async (run: () => Promise<unknown>): Promise<string[]> => {
    const pool = (database.dataSource.driver as unknown as { master: { _clients: Array<{ connection: { stream: Record<string, unknown> } }> } }).master;
    const stream = pool._clients[0]!.connection.stream;
    const batches: string[] = [];
    const own = { _write: stream._write, _writev: stream._writev };
    const text = (chunk: unknown) => Buffer.from(chunk as Buffer).toString('latin1');
    stream._write = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
      batches.push(text(chunk));
      return (own._write as (...a: unknown[]) => unknown).call(this, chunk, ...rest);
    };
    stream._writev = function (this: unknown, chunks: Array<{ chunk: unknown }>, ...rest: unknown[]) {
      batches.push(chunks.map((c) => text(c.chunk)).join(''));
      return (own._writev as (...a: unknown[]) => unknown).call(this, chunks, ...rest);
    };
    try {
      await run();
    } finally {
      Object.assign(stream, own);
    }
    return batches;
  };

  it("sends a work's last statements and its COMMIT in one write, without waiting for their answers, and keeps them", async () => {
    const start = await bodies();
    const batches = await socketBatches(() =>
      database.store.transaction(async (tx) => {
        const ticket = await tx.findTicketById(ticketId, { forUpdate: true });
        return tx.last(() => Promise.all([tx.insertMessage(message(ticket!.id, 'd1')), tx.insertMessage(message(ticket!.id, 'd2'))]));
      }),
    );
    expect(await bodies()).toEqual([...start, 'd1', 'd2']);
    // BEGIN with the read, then the two inserts with the COMMIT: two round trips.
    expect(batches).toHaveLength(2);
    expect(batches[1]).toContain('d1');
    expect(batches[1]).toContain('d2');
    expect(batches[1]).toContain('COMMIT');
    // The same work without `last`: the COMMIT waits for the inserts' answers, a third round trip.
    const before = await socketBatches(() =>
      database.store.transaction(async (tx) => {
        const ticket = await tx.findTicketById(ticketId, { forUpdate: true });
        return Promise.all([tx.insertMessage(message(ticket!.id, 'd3')), tx.insertMessage(message(ticket!.id, 'd4'))]);
      }),
    );
    expect(before).toHaveLength(3);
    expect(before[2]).toContain('COMMIT');
    expect(before[2]).not.toContain('d4');
    expect(await bodies()).toEqual([...start, 'd1', 'd2', 'd3', 'd4']);
  });

  it("keeps nothing of a work when one of its last statements fails, answers with that statement's error, and serves the next", async () => {
    const start = await bodies();
    const failing = database.store.transaction(async (tx) => {
      await tx.insertMessage(message(ticketId, 'e0'));
      return tx.last(() => Promise.all([tx.insertMessage(message(ticketId, 'e1')), tx.insertMessage(message(987_654, 'e2')), tx.insertMessage(message(ticketId, 'e3'))]));
    });
    await expect(failing).rejects.toThrow(/foreign key/);
    expect(await bodies()).toEqual(start);
    await database.store.transaction((tx) => tx.last(() => tx.insertMessage(message(ticketId, 'e4'))));
    expect(await bodies()).toEqual([...start, 'e4']);
  });

  it('refuses a statement sent after the last ones', async () => {
    const start = await bodies();
    const after = database.store.transaction(async (tx) => {
      await tx.last(() => tx.findTicketById(ticketId));
      return tx.insertMessage(message(ticketId, 'f1'));
    });
    await expect(after).rejects.toThrow(/a statement after the work's last ones/);
    expect(await bodies()).toEqual(start);
  });

  it('runs a work of one statement on its own, and refuses a second statement from it', async () => {
    const [{ id }] = (await database.dataSource.query("SELECT id FROM ticket_messages WHERE body = 'c1'")) as [{ id: number }];
    const copy = { channelId: 'dm', messageId: 'copy-of-c1', purpose: 'mirror' as const };
    expect(await database.store.transaction((tx) => tx.addMessageCopies([{ messageId: id, copy }]), { oneStatement: true })).toEqual([true]);
    expect(await database.store.transaction((tx) => tx.addMessageCopies([{ messageId: id, copy }]), { oneStatement: true })).toEqual([false]);
    expect(await database.store.read((tx) => tx.findTicketById(ticketId), { oneStatement: true })).toMatchObject({ id: ticketId, subject: 's' });
    const two = database.store.read(async (tx) => [await tx.findTicketById(ticketId), await tx.findTicketById(ticketId)], { oneStatement: true });
    await expect(two).rejects.toThrow(/a work of 1 statement\(s\), run outside a transaction, sent another/);
    expect(await database.store.read((tx) => tx.findTicketById(ticketId), { oneStatement: true })).toMatchObject({ id: ticketId });
  });
});

// Two works whose last statements deadlock: PostgreSQL fails one of them there, the COMMIT sent behind it ends that
// transaction as a rollback, and the store runs the whole work again. Both land, each once.
describe.skipIf(!POSTGRES_URL)(`last statements that lose a deadlock on PostgreSQL${POSTGRES_URL ? '' : ' [skipped, set TEST_DATABASE_URL to run]'}`, () => {
  let testDatabase: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    testDatabase = await createTestDatabase('postgres');
    database = await openDatabase(testDatabase.url, { poolSize: 4 });
  });
  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it('GIVEN two works each holding the ticket the other writes last WHEN they deadlock THEN the loser runs again and both are kept once', async () => {
    const ids = await database.store.transaction(async (tx) => {
      const now = new Date();
      const opened: number[] = [];
      for (const subject of ['x', 'y']) {
        const ticket = await tx.insertTicket({
          deskId: 'desk-d', number: await tx.nextTicketNumber('desk-d'), platform: 'discord', workspaceId: 'g', categoryKey: 'billing', subject,
          description: 'd', answers: [], priority: 'normal', status: 'open', requesterId: 'u', requesterName: 'Member', createdAt: now, updatedAt: now,
          lastActivityAt: now,
        } as never);
        opened.push(ticket.id);
      }
      return opened;
    });
    const attempts = { x: 0, y: 0 };
    let locked = 0;
    let bothLocked!: () => void;
    const barrier = new Promise<void>((resolve) => (bothLocked = resolve));
    const work = (name: 'x' | 'y', first: number, second: number) =>
      database.store.transaction(async (tx) => {
        attempts[name]++;
        await tx.findTicketById(first, { forUpdate: true });
        if (attempts[name] === 1) {
          if (++locked === 2) bothLocked();
          await barrier;
        }
        return tx.last(() =>
          Promise.all([
            tx.patchTicket(second, { subject: `written by ${name}` }),
            tx.insertMessage({ ticketId: second, channelId: 'thread', messageId: `by-${name}`, authorId: 'u', authorName: 'Member', authorRole: 'requester', visibility: 'public', body: `by ${name}`, createdAt: new Date() }),
          ]),
        );
      });
    await Promise.all([work('x', ids[0]!, ids[1]!), work('y', ids[1]!, ids[0]!)]);
    expect(attempts.x + attempts.y).toBe(3);
    const rows = (await database.dataSource.query('SELECT body FROM ticket_messages ORDER BY body')) as Array<{ body: string }>;
    expect(rows.map((r) => r.body)).toEqual(['by x', 'by y']);
    const subjects = (await database.dataSource.query('SELECT subject FROM tickets ORDER BY id')) as Array<{ subject: string }>;
    // The work that ran again wrote last.
    const again = attempts.x === 2 ? 'x' : 'y';
    expect(subjects.map((r) => r.subject)).toContain(`written by ${again}`);
  });
});

// A quiet desk keeps two connections open: closed after being idle, the next message paid for a new connection and
// for preparing its statements again.
describe.skipIf(!POSTGRES_URL)(`the pool on a quiet desk${POSTGRES_URL ? '' : ' [skipped, set TEST_DATABASE_URL to run]'}`, () => {
  let testDatabase: TestDatabase;
  beforeAll(async () => {
    testDatabase = await createTestDatabase('postgres');
    await (await openDatabase(testDatabase.url)).close();
  });
  afterAll(async () => {
    await testDatabase?.drop();
  });

  it('GIVEN five connections opened by work at once WHEN they sit idle past the idle timeout THEN the pool closes three and keeps two, still serving', async () => {
    const database = await openDatabase(testDatabase.url, { poolSize: 5, poolIdleMs: 100, migrate: false });
    const open = async () => {
      const [{ n }] = (await database.dataSource.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'support-desk-bot' AND pid <> pg_backend_pid()",
      )) as [{ n: number }];
      // The connection asking is one of the pool's too.
      return n + 1;
    };
    try {
      await Promise.all(Array.from({ length: 5 }, () => database.dataSource.query('SELECT pg_sleep(0.1)')));
      expect(await open()).toBe(5);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(await open()).toBe(2);
      expect(await database.store.transaction((tx) => tx.nextTicketNumber('quiet-desk'))).toBe(1);
    } finally {
      await database.close();
    }
  });
});
