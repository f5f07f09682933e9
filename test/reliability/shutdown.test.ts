import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deployCommands } from '../../adapters/discord/deploy-commands.js';
import { openDatabase } from '../../src/persistence/database.js';
import { FakeDiscord } from '../fakes/discord/index.js';
import { FakeSlack, type DefaultScenario } from '../fakes/slack/index.js';
import { answerOf } from '../discord/helpers.js';
import { rawDeskConfig, seedSupportGuild } from '../helpers/discord-world.js';
import { freePort, runBot } from '../helpers/run-bot.js';
import { manifest, rawSlackDeskConfig } from '../helpers/slack-world.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function storedBodies(databaseUrl: string, subject: string): Promise<string[]> {
  const database = await openDatabase(databaseUrl, { migrate: false });
  try {
    const rows = (await database.dataSource.query(
      'SELECT m.body FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.subject = ? ORDER BY m.id',
      [subject],
    )) as Array<{ body: string }>;
    return rows.map((r) => r.body);
  } finally {
    await database.close();
  }
}

/** Sends SIGTERM while a platform call is held, checks the process waits for it, then lets the call through. */
async function stopDuringHeldCall(bot: ReturnType<typeof runBot>, release: () => void) {
  let exited = false;
  void bot.exited.then(() => (exited = true));
  bot.child.kill('SIGTERM');
  await vi.waitFor(() => expect(bot.output().stdout).toContain('"msg":"stopping"'), { timeout: 5000 });
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(exited).toBe(false);
  release();
  expect(await bot.exited).toBe(0);
}

describe('a bot asked to stop (SIGTERM) in the middle of its work', () => {
  it('GIVEN Discord and an answer being mirrored WHEN the bot is told to stop THEN it delivers the answer, then exits 0', async () => {
    const discord = await FakeDiscord.start();
    stops.push(() => discord.stop());
    const seed = seedSupportGuild(discord);
    const dir = mkdtempSync(join(tmpdir(), 'shutdown-discord-'));
    writeFileSync(join(dir, 'support.json'), JSON.stringify(rawDeskConfig(seed)));
    const databaseUrl = `sqlite:${join(dir, 'support.sqlite')}`;
    await deployCommands({ token: discord.token, applicationId: discord.applicationId, apiUrl: discord.apiUrl, commandGuildId: seed.guildId });
    const bot = runBot({
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.apiUrl,
      SUPPORT_CONFIG: join(dir, 'support.json'),
      DATABASE_URL: databaseUrl,
      ATTACHMENTS_DIR: join(dir, 'attachments'),
    });
    stops.push(async () => void bot.child.kill('SIGKILL'));
    await vi.waitFor(() => expect(bot.output().stdout).toContain('connected to Discord'), { timeout: 20_000, interval: 50 });

    const subject = 'Answered while the bot stops';
    const command = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.alice, name: 'ticket', options: { category: 'billing' } });
    const submit = await discord.submitModal(command, seed.users.alice, { subject, description: 'Please answer before you go.', 'q:order': 'A-7' });
    const label = /ticket (CS-\d{4}) is open/.exec(await answerOf(submit))![1]!;
    let threadId = '';
    await vi.waitFor(() => {
      threadId = discord.threadsIn(seed.channels.billing).find((t) => (t as { name: string }).name.startsWith(`${label} · `))!.id;
    });
    await vi.waitFor(() => expect(discord.messagesIn(threadId).length).toBeGreaterThan(0));
    await new Promise((resolve) => setTimeout(resolve, 300));

    const hold = discord.holdRequests({ method: 'POST', path: /\/channels\/\d+\/messages$/ });
    discord.userMessage({ channelId: threadId, user: seed.users.anna, content: 'Here is your answer' });
    await hold.held;
    await stopDuringHeldCall(bot, () => hold.release());

    expect(discord.dmsTo(seed.users.alice).filter((m) => m.embeds[0]?.description === 'Here is your answer')).toHaveLength(1);
    expect(await storedBodies(databaseUrl, subject)).toContain('Here is your answer');
  }, 60_000);

  it('GIVEN Slack and a message being mirrored WHEN the bot is told to stop THEN it mirrors the message, then exits 0', async () => {
    const slack = await FakeSlack.start({ scenario: 'default', scopes: manifest.oauth_config.scopes.bot, events: manifest.settings.event_subscriptions.bot_events });
    stops.push(() => slack.stop());
    const ids = slack.scenario as DefaultScenario;
    const dir = mkdtempSync(join(tmpdir(), 'shutdown-slack-'));
    writeFileSync(join(dir, 'support.json'), JSON.stringify(rawSlackDeskConfig(slack)));
    const databaseUrl = `sqlite:${join(dir, 'support.sqlite')}`;
    const port = await freePort();
    slack.useHttp(`http://127.0.0.1:${port}/slack/events`);
    const bot = runBot({
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      SLACK_PORT: String(port),
      SLACK_HOST: '127.0.0.1',
      SUPPORT_CONFIG: join(dir, 'support.json'),
      DATABASE_URL: databaseUrl,
      ATTACHMENTS_DIR: join(dir, 'attachments'),
    });
    stops.push(async () => void bot.child.kill('SIGKILL'));
    await vi.waitFor(() => expect(bot.output().stdout).toContain('connected to Slack'), { timeout: 20_000, interval: 50 });

    const subject = 'Written while the bot stops';
    const command = await slack.slashCommand({ user: ids.users.alice, channel: ids.channels.general, command: '/ticket', text: 'technical' });
    await slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === command.triggerId, 5000);
    await slack.submitView({ user: ids.users.alice, values: { subject: { subject }, description: { description: 'Mirror this before you go.' }, q_steps: { answer: 'Open it' } } });
    const dm = slack.dmChannelOf(ids.users.alice);
    let dmRoot = '';
    await vi.waitFor(
      () => {
        dmRoot = String(slack.messagesIn(dm).find((m) => String(m.text).includes(subject))!.ts);
        expect(slack.calls.some((c) => c.method === 'reactions.add' && c.args.channel === dm)).toBe(true);
      },
      { timeout: 10_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));

    const hold = slack.holdCalls('chat.postMessage', (a) => a.channel === ids.channels.staff && a.thread_ts !== undefined);
    await slack.userMessage({ user: ids.users.alice, channel: dm, thread_ts: dmRoot, text: 'One more detail' });
    await hold.held;
    await stopDuringHeldCall(bot, () => hold.release());

    const mirrored = slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === ids.channels.staff && c.args.text === 'One more detail');
    expect(mirrored).toHaveLength(1);
    expect(await storedBodies(databaseUrl, subject)).toContain('One more detail');
  }, 60_000);
});
