import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TicketTransaction } from '../../src/core/index.js';
import { openDatabase, type Database } from '../../src/persistence/database.js';

// sqlite's write transactions are grouped (src/persistence/sqlite-batches.ts): what each work sees, when its
// caller hears of it, and what a failure inside a group takes back. PostgreSQL runs its transactions side by side.
let dir: string;
let database: Database;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sqlite-batches-'));
  database = await openDatabase(`sqlite:${join(dir, 'support.sqlite')}`);
});

afterEach(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends `count` transactions at once, each taking the next ticket number; `fail` decides a work's fate. */
function numbersAtOnce(count: number, fail: (i: number, tx: TicketTransaction) => Promise<void> = async () => undefined) {
  const events: string[] = [];
  const runs = new Map<number, number>();
  const results = Array.from({ length: count }, (_, i) =>
    database.store
      .transaction(async (tx) => {
        runs.set(i, (runs.get(i) ?? 0) + 1);
        events.push(`start ${i}`);
        await fail(i, tx);
        return tx.nextTicketNumber('desk');
      })
      .then(
        (number) => {
          events.push(`done ${i}`);
          return number;
        },
        (error: Error) => {
          events.push(`failed ${i}`);
          return error.message;
        },
      ),
  );
  return { events, runs, results: Promise.all(results) };
}

const lastNumber = async () => {
  const [row] = (await database.dataSource.query(`SELECT last_number FROM desk_counters WHERE desk_id = 'desk'`)) as Array<{ last_number: number }>;
  return row?.last_number ?? 0;
};

it('GIVEN twenty transactions sent at once WHEN they run THEN they are grouped, each in turn sees the ones before it, and none is answered before its group commits', async () => {
  const { events, results } = numbersAtOnce(20);
  expect(await results).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  // The first group (16 works) all ran before the first of them was answered: one COMMIT for them all.
  expect(events.indexOf('start 15')).toBeLessThan(events.indexOf('done 0'));
  expect(events.indexOf('start 16')).toBeGreaterThan(events.indexOf('done 15'));
  expect(await lastNumber()).toBe(20);
});

it('GIVEN a group WHEN one of its works is refused before writing anything THEN it alone fails and the others are kept', async () => {
  const { runs, results } = numbersAtOnce(10, async (i) => {
    if (i === 4) throw new Error('refused');
  });
  expect(await results).toEqual([1, 2, 3, 4, 'refused', 5, 6, 7, 8, 9]);
  expect([...runs.values()].every((n) => n === 1)).toBe(true);
  expect(await lastNumber()).toBe(9);
});

it('GIVEN a group WHEN one of its works fails after writing THEN its writes are undone and the others of the group run again, each kept once', async () => {
  const { runs, results } = numbersAtOnce(10, async (i, tx) => {
    if (i === 4) {
      await tx.nextTicketNumber('desk');
      throw new Error('failed after a write');
    }
  });
  // Work 4's number went with the rollback; the works before it in the group ran twice, their numbers kept once.
  expect(await results).toEqual([1, 2, 3, 4, 'failed after a write', 5, 6, 7, 8, 9]);
  expect([0, 1, 2, 3].map((i) => runs.get(i))).toEqual([2, 2, 2, 2]);
  expect([4, 5, 6, 7, 8, 9].map((i) => runs.get(i))).toEqual([1, 1, 1, 1, 1, 1]);
  expect(await lastNumber()).toBe(9);
});

it('GIVEN a group WHEN a statement of one work fails in sqlite THEN that work fails, and the others are kept once', async () => {
  const { runs, results } = numbersAtOnce(6, async (i, tx) => {
    if (i !== 2) return;
    // An event of a ticket that does not exist: the foreign key refuses it (SQLITE_CONSTRAINT), having written nothing.
    await tx.insertEvent({ ticketId: 999_999, type: 'opened', actorId: 'u', actorName: 'U', fromStatus: null, toStatus: 'open', reason: null, data: null, createdAt: new Date() });
  });
  const outcome = await results;
  expect(outcome[2]).toMatch(/FOREIGN KEY constraint failed/);
  expect(outcome.filter((_, i) => i !== 2)).toEqual([1, 2, 3, 4, 5]);
  // An error of sqlite's own may have undone the whole transaction: the works before it ran again.
  expect([0, 1].map((i) => runs.get(i))).toEqual([2, 2]);
  expect(await lastNumber()).toBe(5);
});

it('GIVEN a group WHEN its COMMIT fails THEN every work of the group fails, nothing of it is kept, and the next group runs', async () => {
  const { runs, results } = numbersAtOnce(5, async (i, tx) => {
    if (i !== 3) return;
    // Foreign keys checked at COMMIT only: the event of a ticket that does not exist is refused by the COMMIT itself.
    await database.dataSource.query('PRAGMA defer_foreign_keys = ON');
    await tx.insertEvent({ ticketId: 999_999, type: 'opened', actorId: 'u', actorName: 'U', fromStatus: null, toStatus: 'open', reason: null, data: null, createdAt: new Date() });
  });
  const outcome = await results;
  expect(outcome).toHaveLength(5);
  for (const failure of outcome) expect(failure).toMatch(/FOREIGN KEY constraint failed/);
  expect([...runs.values()]).toEqual([1, 1, 1, 1, 1]);
  expect(await lastNumber()).toBe(0);
  expect(await database.dataSource.query('SELECT count(*) AS n FROM ticket_events')).toEqual([{ n: 0 }]);
  // The connection is usable again: the next transactions commit.
  expect(await numbersAtOnce(3).results).toEqual([1, 2, 3]);
});
