import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/persistence/database.js';
import { FakeSlack, type DefaultScenario, type Obj } from '../fakes/slack/index.js';
import { freePort, runBot } from '../helpers/run-bot.js';
import { manifest, rawSlackDeskConfig } from '../helpers/slack-world.js';

let slack: FakeSlack;
let ids: DefaultScenario;
let env: Record<string, string>;
let port: number;

beforeAll(async () => {
  slack = await FakeSlack.start({ scenario: 'default', scopes: manifest.oauth_config.scopes.bot, events: manifest.settings.event_subscriptions.bot_events });
  ids = slack.scenario as DefaultScenario;
  const dir = mkdtempSync(join(tmpdir(), 'crash-slack-'));
  writeFileSync(join(dir, 'support.json'), JSON.stringify(rawSlackDeskConfig(slack, { limits: { maxOpenPerUser: 20 } })));
  port = await freePort();
  env = {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    SLACK_PORT: String(port),
    SLACK_HOST: '127.0.0.1',
    SUPPORT_CONFIG: join(dir, 'support.json'),
    DATABASE_URL: `sqlite:${join(dir, 'support.sqlite')}`,
    ATTACHMENTS_DIR: join(dir, 'attachments'),
    SUPPORT_RECONCILE_GRACE_SECONDS: '0',
  };
  slack.useHttp(`http://127.0.0.1:${port}/slack/events`);
});
afterAll(async () => {
  await slack?.stop();
});

async function startBot() {
  const bot = runBot(env, { timeoutMs: 60_000 });
  await vi.waitFor(() => expect(bot.output().stdout).toContain('connected to Slack'), { timeout: 20_000, interval: 50 });
  return bot;
}

async function ticketRow(subject: string) {
  const database = await openDatabase(env.DATABASE_URL!, { migrate: false });
  try {
    const [row] = (await database.dataSource.query('SELECT * FROM tickets WHERE subject = ?', [subject])) as Array<Record<string, unknown>>;
    return row;
  } finally {
    await database.close();
  }
}

const isDm = (a: Obj) => String(a.channel).startsWith('D');
const isStaff = (a: Obj) => a.channel === ids.channels.staff && a.thread_ts === undefined;

describe('a Slack bot killed (SIGKILL) while opening a ticket', () => {
  const steps = [
    { name: 'before the staff card is posted', method: 'chat.postMessage', where: isStaff, release: 'drop' as const },
    { name: 'while the staff card is posted (Slack has it, the bot never heard back)', method: 'chat.postMessage', where: isStaff, release: 'process' as const },
    { name: 'after the staff card, before the DM is opened', method: 'conversations.open', where: undefined, release: 'drop' as const },
    { name: "while the requester's card is posted", method: 'chat.postMessage', where: isDm, release: 'process' as const },
    { name: 'after both cards and the files, before the status reactions', method: 'reactions.add', where: undefined, release: 'drop' as const },
    { name: "after the status reactions, before the opening is recorded (Slack has the last one, the bot never heard back)", method: 'reactions.add', where: isDm, release: 'process' as const },
  ];

  it.each(steps)('GIVEN a crash $name WHEN the bot restarts THEN both spaces exist once, the files once, and the requester is told', async (step) => {
    const subject = `Slack crash ${steps.indexOf(step)}`;
    const bot = await startBot();
    const hold = slack.holdCalls(step.method, step.where);
    const command = await slack.slashCommand({ user: ids.users.alice, channel: ids.channels.general, command: '/ticket', text: 'technical' });
    await slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === command.triggerId, 5000);
    await slack.submitView({
      user: ids.users.alice,
      values: {
        subject: { subject },
        description: { description: 'The bot stops half-way through this.' },
        q_steps: { answer: 'Open it' },
        files: { files: [{ name: 'trace.log', data: `trace of ${subject}`, mimetype: 'text/plain' }] },
      },
    });
    await hold.held;
    bot.child.kill('SIGKILL');
    await bot.exited;
    hold.release(step.release);
    expect(await ticketRow(subject)).toMatchObject({ status: 'open', spaces_ready_at: null });

    const again = await startBot();
    try {
      await vi.waitFor(async () => expect((await ticketRow(subject))!.spaces_ready_at).not.toBeNull(), { timeout: 20_000, interval: 100 });
      const row = (await ticketRow(subject))!;
      const label = `CS-${String(row.number).padStart(4, '0')}`;
      const staffCards = slack.messagesIn(ids.channels.staff).filter((m) => String(m.text).startsWith(`${label} · `));
      expect(staffCards.map((m) => m.ts)).toEqual([row.thread_id]);
      const dm = slack.dmChannelOf(ids.users.alice);
      const dmCards = slack.messagesIn(dm).filter((m) => String(m.text).startsWith(`${label} · `));
      expect(dmCards.map((m) => m.ts)).toEqual([row.requester_thread_id]);
      const shared = slack.messagesIn(ids.channels.staff, { thread_ts: String(row.thread_id) }).filter((m) => (m.files as unknown[] | undefined)?.length);
      expect(shared).toHaveLength(1);
      expect(Object.keys(slack.reactionsOn(ids.channels.staff, String(row.thread_id)))).toEqual(['large_green_circle']);
      expect(Object.keys(slack.reactionsOn(dm, String(row.requester_thread_id)))).toEqual(['large_green_circle']);
      await vi.waitFor(() =>
        expect(slack.messagesIn(dm, { thread_ts: String(row.requester_thread_id) }).map((m) => m.text)).toContain(`Your ticket ${label} is ready. Sorry for the wait: something interrupted its opening.`),
      );
    } finally {
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
    }
  }, 60_000);

  it('GIVEN a crash after a requester message is stored, before its mirror WHEN the bot restarts THEN staff get it, once', async () => {
    const subject = 'Slack crash before the mirror';
    const bot = await startBot();
    const command = await slack.slashCommand({ user: ids.users.alice, channel: ids.channels.general, command: '/ticket', text: 'technical' });
    await slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === command.triggerId, 5000);
    await slack.submitView({ user: ids.users.alice, values: { subject: { subject }, description: { description: 'Its next message will be interrupted.' }, q_steps: { answer: 'Open it' } } });
    await vi.waitFor(async () => expect((await ticketRow(subject))?.spaces_ready_at).toBeTruthy(), { timeout: 20_000, interval: 100 });
    const row = (await ticketRow(subject))!;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const hold = slack.holdCalls('chat.postMessage', (a) => a.channel === row.channel_id && a.thread_ts === row.thread_id);
    await slack.userMessage({ user: ids.users.alice, channel: String(row.requester_channel_id), thread_ts: String(row.requester_thread_id), text: 'Here is the error code: E42' });
    await hold.held;
    bot.child.kill('SIGKILL');
    await bot.exited;
    hold.release('drop');
    const mirrored = () => slack.messagesIn(String(row.channel_id), { thread_ts: String(row.thread_id) }).filter((m) => m.text === 'Here is the error code: E42');
    expect(mirrored()).toHaveLength(0);

    const again = await startBot();
    try {
      await vi.waitFor(() => expect(mirrored()).toHaveLength(1), { timeout: 20_000, interval: 100 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(mirrored()).toHaveLength(1);
    } finally {
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
    }
  }, 60_000);
});
