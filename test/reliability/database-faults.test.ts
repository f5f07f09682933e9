import { join } from 'node:path';
import pg from 'pg';
import sqlite3 from 'sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DiscordWorld } from '../helpers/discord-world.js';
import { SlackWorld } from '../helpers/slack-world.js';
import { createTestDatabase, POSTGRES_URL, type TestDatabase } from '../helpers/databases.js';
import { answerOf, openTicket } from '../discord/helpers.js';
import { openSlackTicket, waitFor } from '../slack/helpers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const moderator = (w: DiscordWorld) => ({ id: w.seed.users.mia, name: 'Mia', roleIds: [w.seed.roles.moderators] });
const bodies = async (w: DiscordWorld, ticketId: number) => (await w.service.record(ticketId, moderator(w))).messages.map((m) => m.body).slice(1);

/** A second connection to the bot's sqlite file, as another program (a backup, a console) would open it. */
function openSqlite(path: string) {
  const db = new sqlite3.Database(path);
  const exec = (sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));
  return { exec, close: () => new Promise<void>((resolve) => db.close(() => resolve())) };
}

/** A connection to the PostgreSQL server's admin database, to do to the bot's database what an operator or an outage would. */
async function admin() {
  const client = new pg.Client({ connectionString: POSTGRES_URL! });
  await client.connect();
  return client;
}

const databaseName = (url: string) => new URL(url).pathname.slice(1);

async function startDiscordOn(database: TestDatabase | null) {
  const w = await DiscordWorld.start({ limits: { maxOpenPerUser: 10, cooldownSeconds: 0 }, ...(database ? { databaseUrl: database.url } : {}) });
  cleanups.push(() => w.stop());
  return w;
}

async function postgresDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase('postgres');
  cleanups.push(() => database.drop());
  return database;
}

describe('sqlite busy', () => {
  it('GIVEN another program holding the write lock for a while WHEN members write and open tickets THEN the bot waits for it and nothing is lost or doubled', async () => {
    const w = await startDiscordOn(null);
    const { discord, seed } = w;
    const opened = await openTicket(w, { subject: 'Before the lock' });
    const other = openSqlite(join(w.dir, 'support.sqlite'));
    cleanups.push(() => other.close());
    await other.exec('BEGIN IMMEDIATE; UPDATE tickets SET subject = subject WHERE 0;');
    discord.userMessage({ channelId: opened.threadId, user: seed.users.alice, content: 'written during the lock' });
    discord.userMessage({ channelId: opened.threadId, user: seed.users.anna, content: 'answered during the lock' });
    const second = openTicket(w, { user: seed.users.bob, subject: 'Opened during the lock' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // (The bot's own connection is the one waiting: the database is not read from the test until the lock goes.)
    expect(discord.dmsTo(seed.users.alice).filter((m) => m.embeds[0]?.description === 'answered during the lock')).toHaveLength(0);
    await other.exec('COMMIT;');
    const opening = await second;
    expect(opening.number).toBe('CS-0002');
    await vi.waitFor(async () => expect(await bodies(w, opened.ticket.id)).toEqual(['written during the lock', 'answered during the lock']), { timeout: 10_000 });
    await w.settle();
    expect(discord.dmsTo(seed.users.alice).filter((m) => m.embeds[0]?.description === 'answered during the lock')).toHaveLength(1);
  }, 30_000);
});

/**
 * Opens the form for `user`, takes sqlite's write lock from another connection, and sends the form; the lock goes
 * 500 ms after Slack had its answer. Gives the answer and how long it took.
 */
async function submitWhileLocked(w: SlackWorld, user: string, subject: string, description: string) {
  const { slack, ids } = w;
  const command = await slack.slashCommand({ user, channel: ids.channels.general, command: '/ticket', text: 'technical' });
  await slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === command.triggerId);
  const other = openSqlite(join(w.dir, 'support.sqlite'));
  cleanups.push(() => other.close());
  await other.exec('BEGIN IMMEDIATE; UPDATE tickets SET subject = subject WHERE 0;');
  const sent = Date.now();
  const submitted = await slack
    .submitView({ user, values: { subject: { subject }, description: { description }, q_steps: { answer: 'Tap Pay' } } })
    .finally(() => setTimeout(() => void other.exec('COMMIT;'), 500));
  return { submitted, answeredIn: Date.now() - sent };
}

describe('sqlite busy, on Slack', () => {
  it('GIVEN another program holding the write lock for longer than Slack waits WHEN a member sends the ticket form THEN Slack is answered in time, and the ticket opens once the lock goes', async () => {
    const w = await SlackWorld.start();
    cleanups.push(() => w.stop());
    const { slack, ids } = w;
    const user = ids.users.alice;
    const { submitted, answeredIn } = await submitWhileLocked(w, user, 'Sent while the database is busy', 'The app crashes.');
    // The form closes (an empty answer), after the bot waited for its write as long as Slack lets it.
    expect(submitted.ackBody ?? null).toBeNull();
    expect(answeredIn).toBeGreaterThanOrEqual(1000);
    expect(answeredIn).toBeLessThan(3000);
    await waitFor(async () => {
      const [ticket] = await w.service.list('slack', slack.teamId, { id: user, name: 'requester' }, { status: 'all', text: 'Sent while the database is busy', limit: 1 });
      if (!ticket?.requesterThreadId) throw new Error('not opened yet');
    });
    await w.settle();
    expect(slack.messagesIn(ids.channels.staff).filter((m) => String(m.text).includes('Sent while the database is busy'))).toHaveLength(1);
    expect(w.logs.lines.some((l) => l.level >= 50)).toBe(false);
  }, 30_000);
});

describe('sqlite busy, on Slack, for a member at their limit', () => {
  it('GIVEN the write lock held past Slack\'s wait WHEN a member at their limit sends the form THEN Slack is answered in time, and the refusal comes by DM once the lock goes', async () => {
    const w = await SlackWorld.start({ limits: { maxOpenPerUser: 1 } });
    cleanups.push(() => w.stop());
    const { slack, ids } = w;
    const user = ids.users.alice;
    await openSlackTicket(w, { subject: 'The one ticket allowed' });
    const { submitted, answeredIn } = await submitWhileLocked(w, user, 'One too many', 'A second ticket.');
    expect(submitted.ackBody ?? null).toBeNull();
    expect(answeredIn).toBeLessThan(3000);
    const refusal = /^You already have an open ticket \(CS-0001\); the limit is 1\. Please continue in it, or close it first\.$/;
    await waitFor(async () => {
      if (!slack.messagesIn(slack.dmChannelOf(user)).some((m) => refusal.test(String(m.text)))) throw new Error('no refusal yet');
    });
    await w.settle();
    const [{ n }] = await w.database.dataSource.query('SELECT COUNT(*) AS n FROM tickets');
    expect(n).toBe(1);
    expect(slack.messagesIn(ids.channels.staff).filter((m) => String(m.text).includes('One too many'))).toHaveLength(0);
  }, 30_000);
});

describe.skipIf(!POSTGRES_URL)('PostgreSQL connections dropped', () => {
  it('GIVEN an opening waiting on a lock WHEN its connection is terminated THEN the whole opening runs again: one ticket, one thread, the next number', async () => {
    const database = await postgresDatabase();
    const w = await startDiscordOn(database);
    const { discord, seed } = w;
    await openTicket(w, { subject: 'First ticket' });
    const server = await admin();
    cleanups.push(() => server.end());
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    cleanups.push(() => locker.end());
    await locker.query('BEGIN');
    await locker.query('SELECT * FROM desk_counters FOR UPDATE');
    const threadsBefore = discord.threadsIn(seed.channels.billing).length;
    const second = openTicket(w, { user: seed.users.bob, subject: 'Opened while its connection dies' });
    let terminated = 0;
    await vi.waitFor(
      async () => {
        const { rows } = await server.query(
          `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE datname = $1 AND application_name = 'support-desk-bot' AND wait_event_type = 'Lock'`,
          [databaseName(database.url)],
        );
        terminated += rows.filter((r: { done: boolean }) => r.done).length;
        expect(terminated).toBeGreaterThan(0);
      },
      { timeout: 10_000, interval: 20 },
    );
    await locker.query('COMMIT');
    const opening = await second;
    expect(opening.number).toBe('CS-0002');
    await w.settle();
    const [{ count }] = await w.database.dataSource.query('SELECT count(*)::int AS count FROM tickets');
    expect(count).toBe(2);
    expect(discord.threadsIn(seed.channels.billing).length).toBe(threadsBefore + 1);
    expect(w.logs.lines.some((l) => l.level >= 50)).toBe(false);
  }, 30_000);

  it('GIVEN the database refusing every connection WHEN a member opens a ticket and people write THEN the member is told to try again, and once it is back the messages are stored in order and mirrored once', async () => {
    const database = await postgresDatabase();
    const w = await startDiscordOn(database);
    const { discord, seed } = w;
    const opened = await openTicket(w, { subject: 'Talking through an outage' });
    const server = await admin();
    cleanups.push(async () => {
      await server.query(`ALTER DATABASE "${databaseName(database.url)}" ALLOW_CONNECTIONS true`).catch(() => undefined);
      await server.end();
    });
    const threadsBefore = discord.threadsIn(seed.channels.billing).length;
    await server.query(`ALTER DATABASE "${databaseName(database.url)}" ALLOW_CONNECTIONS false`);
    await server.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [databaseName(database.url)]);

    discord.userMessage({ channelId: opened.threadId, user: seed.users.alice, content: 'one, during the outage' });
    discord.userMessage({ channelId: opened.threadId, user: seed.users.anna, content: 'two, an answer during the outage' });
    const command = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.bob, name: 'ticket', options: { category: 'billing' } });
    const submit = await discord.submitModal(command, seed.users.bob, { subject: 'Opened during the outage', description: 'It should say to try again.', 'q:order': 'A-1' });
    expect(await answerOf(submit, 15_000)).toMatch(/Something went wrong on our side\. Please try again/);
    expect(discord.threadsIn(seed.channels.billing).length).toBe(threadsBefore);
    await w.settle();
    expect(discord.dmsTo(seed.users.alice).filter((m) => m.embeds[0]?.description === 'two, an answer during the outage')).toHaveLength(0);

    await server.query(`ALTER DATABASE "${databaseName(database.url)}" ALLOW_CONNECTIONS true`);
    discord.userMessage({ channelId: opened.threadId, user: seed.users.alice, content: 'three, after the outage' });
    await vi.waitFor(async () => expect(await bodies(w, opened.ticket.id)).toHaveLength(3), { timeout: 20_000, interval: 100 });
    await w.settle();
    expect(await bodies(w, opened.ticket.id)).toEqual(['one, during the outage', 'two, an answer during the outage', 'three, after the outage']);
    expect(discord.dmsTo(seed.users.alice).filter((m) => m.embeds[0]?.description === 'two, an answer during the outage')).toHaveLength(1);
    // Nothing of the refused opening was written: trying again gives the next number.
    const retried = await openTicket(w, { user: seed.users.bob, subject: 'Opened during the outage', description: 'It should say to try again.' });
    expect(retried.number).toBe('CS-0002');
  }, 60_000);

  it('GIVEN Slack and the database refusing every connection WHEN both sides write THEN once it is back every message is mirrored once, in order', async () => {
    const database = await postgresDatabase();
    const w = await SlackWorld.start({ databaseUrl: database.url });
    cleanups.push(() => w.stop());
    const { slack, ids } = w;
    const opened = await openSlackTicket(w, { subject: 'Slack through an outage' });
    const server = await admin();
    cleanups.push(async () => {
      await server.query(`ALTER DATABASE "${databaseName(database.url)}" ALLOW_CONNECTIONS true`).catch(() => undefined);
      await server.end();
    });
    await server.query(`ALTER DATABASE "${databaseName(database.url)}" ALLOW_CONNECTIONS false`);
    await server.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [databaseName(database.url)]);
    await slack.userMessage({ user: ids.users.alice, channel: opened.dm.channel, thread_ts: opened.dm.ts, text: 'requester during the outage' });
    await slack.userMessage({ user: ids.users.agnes, channel: opened.staff.channel, thread_ts: opened.staff.ts, text: 'agent during the outage' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await server.query(`ALTER DATABASE "${databaseName(database.url)}" ALLOW_CONNECTIONS true`);
    await slack.userMessage({ user: ids.users.alice, channel: opened.dm.channel, thread_ts: opened.dm.ts, text: 'requester after the outage' });
    const texts = (channel: string, ts: string) => w.slack.messagesIn(channel, { thread_ts: ts }).map((m) => String(m.text));
    await waitFor(() => expect(texts(opened.staff.channel, opened.staff.ts).filter((t) => t.startsWith('requester'))).toHaveLength(2), 20_000);
    await waitFor(() => expect(texts(opened.dm.channel, opened.dm.ts).filter((t) => t.startsWith('agent'))).toHaveLength(1), 20_000);
    await w.settle();
    expect(texts(opened.staff.channel, opened.staff.ts).filter((t) => t.startsWith('requester'))).toEqual(['requester during the outage', 'requester after the outage']);
    const stored = (await w.service.record(opened.ticket.id, { id: ids.users.max, name: 'Max' })).messages.map((m) => m.body).slice(1);
    expect(stored).toEqual(['requester during the outage', 'agent during the outage', 'requester after the outage']);
  }, 60_000);
});
