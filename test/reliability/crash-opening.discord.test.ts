import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deployCommands } from '../../adapters/discord/deploy-commands.js';
import { openDatabase } from '../../src/persistence/database.js';
import { FakeDiscord } from '../fakes/discord/index.js';
import { rawDeskConfig, seedSupportGuild, type DiscordSeed } from '../helpers/discord-world.js';
import { runBot } from '../helpers/run-bot.js';

let discord: FakeDiscord;
let seed: DiscordSeed;
let env: Record<string, string>;

beforeAll(async () => {
  discord = await FakeDiscord.start();
  seed = seedSupportGuild(discord);
  const dir = mkdtempSync(join(tmpdir(), 'crash-discord-'));
  writeFileSync(join(dir, 'support.json'), JSON.stringify(rawDeskConfig(seed, { limits: { maxOpenPerUser: 20 } })));
  env = {
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_API_URL: discord.apiUrl,
    SUPPORT_CONFIG: join(dir, 'support.json'),
    DATABASE_URL: `sqlite:${join(dir, 'support.sqlite')}`,
    ATTACHMENTS_DIR: join(dir, 'attachments'),
    SUPPORT_RECONCILE_GRACE_SECONDS: '0',
    LOG_LEVEL: 'info',
  };
  await deployCommands({ token: discord.token, applicationId: discord.applicationId, apiUrl: discord.apiUrl, commandGuildId: seed.guildId });
});
afterAll(async () => {
  await discord?.stop();
});

async function startBot() {
  const bot = runBot(env, { timeoutMs: 60_000 });
  await vi.waitFor(() => expect(bot.output().stdout).toContain('connected to Discord'), { timeout: 20_000, interval: 50 });
  return bot;
}

async function ticketRow(subject: string) {
  const database = await openDatabase(env.DATABASE_URL!, { migrate: false });
  try {
    const [row] = (await database.dataSource.query('SELECT id, number, status, thread_id, card_message_id, spaces_ready_at, close_reason FROM tickets WHERE subject = ?', [subject])) as Array<Record<string, unknown>>;
    return row;
  } finally {
    await database.close();
  }
}

const threadsNamed = (label: string) => discord.threadsIn(seed.channels.billing).filter((t) => (t as { name: string }).name.startsWith(`${label} · `));

describe('a bot killed (SIGKILL) while opening a ticket, on Discord', () => {
  const steps = [
    { name: 'after the ticket is stored, before its thread exists', hold: { method: 'POST', path: /\/channels\/\d+\/threads$/ }, release: 'drop' as const },
    { name: 'while its thread is created (Discord made it, the bot never heard back)', hold: { method: 'POST', path: /\/channels\/\d+\/threads$/ }, release: 'process' as const },
    { name: 'after its thread, before its card', hold: { method: 'POST', path: /\/channels\/\d+\/messages$/ }, release: 'drop' as const },
    { name: 'after its card, before its status reaction', hold: { method: 'PUT', path: /\/reactions\// }, release: 'drop' as const },
    // The opening is recorded in one write after its reaction: thread and card are found again and adopted.
    { name: 'after its status reaction, before the opening is recorded', hold: { method: 'PUT', path: /\/reactions\// }, release: 'process' as const },
  ];

  it.each(steps)('GIVEN a crash $name WHEN the bot restarts THEN the ticket is complete, in one thread, and the requester is told', async (step) => {
    const subject = `Crash ${steps.indexOf(step)}`;
    const bot = await startBot();
    const hold = discord.holdRequests(step.hold);
    const command = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.alice, name: 'ticket', options: { category: 'billing' } });
    await discord.submitModal(command, seed.users.alice, { subject, description: 'The bot will stop half-way through this.' });
    await hold.held;
    bot.child.kill('SIGKILL');
    await bot.exited;
    hold.release(step.release);

    const stored = await ticketRow(subject);
    expect(stored).toMatchObject({ status: 'open', spaces_ready_at: null });
    const label = `CS-${String(stored!.number).padStart(4, '0')}`;
    const dmsBefore = discord.dmsTo(seed.users.alice).length;

    const again = await startBot();
    try {
      await vi.waitFor(async () => expect((await ticketRow(subject))!.spaces_ready_at).not.toBeNull(), { timeout: 20_000, interval: 100 });
      const ready = (await ticketRow(subject))!;
      const threads = threadsNamed(label);
      expect(threads.map((t) => t.id)).toEqual([ready.thread_id]);
      const messages = discord.messagesIn(String(ready.thread_id));
      const cards = messages.filter((m) => m.embeds[0]?.title?.startsWith(label));
      expect(cards.map((m) => m.id)).toEqual([ready.card_message_id]);
      expect(discord.reactionsOn(String(ready.thread_id), String(ready.card_message_id))['🟢']).toEqual([discord.botUser.id]);
      expect(discord.threadMembers(String(ready.thread_id))).toEqual(expect.arrayContaining([seed.users.alice, seed.users.anna]));
      await vi.waitFor(() => expect(discord.dmsTo(seed.users.alice).slice(dmsBefore).map((m) => m.content)).toContain(`Your ticket ${label} is ready. Sorry for the wait: something interrupted its opening.`));
    } finally {
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
    }
  }, 60_000);

  it('GIVEN a crash before the thread and the bot has lost its permission WHEN it restarts THEN the ticket is closed, kept, and the requester is told why', async () => {
    const subject = 'Crash without permission';
    const bot = await startBot();
    const hold = discord.holdRequests({ method: 'POST', path: /\/channels\/\d+\/threads$/ });
    const command = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.bob, name: 'ticket', options: { category: 'billing' } });
    await discord.submitModal(command, seed.users.bob, { subject, description: 'Nobody will be able to open this thread.' });
    await hold.held;
    bot.child.kill('SIGKILL');
    await bot.exited;
    hold.release('drop');
    discord.denyBotPermission(seed.channels.billing, 'CreatePrivateThreads');
    const again = await startBot();
    try {
      await vi.waitFor(async () => expect((await ticketRow(subject))!.status).toBe('closed'), { timeout: 20_000, interval: 100 });
      expect((await ticketRow(subject))!.close_reason).toBe('The ticket could not be set up');
      await vi.waitFor(() => expect(discord.dmsTo(seed.users.bob).map((m) => m.content).some((c) => /could not be opened because of a problem on our side \(reference [0-9A-F]{8}\)/.test(c))).toBe(true));
      const ref = /reference ([0-9A-F]{8})/.exec(discord.dmsTo(seed.users.bob).at(-1)!.content)![1];
      expect(again.output().stdout).toContain(`"ref":"${ref}"`);
    } finally {
      discord.restoreBotPermission(seed.channels.billing, 'CreatePrivateThreads');
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
    }
  }, 60_000);

  it.each([
    { when: 'before its DM', release: 'drop' as const, subject: 'Crash before the DM', answer: 'Your refund is on its way' },
    { when: 'while its DM is posted (Discord made it, the bot never heard back)', release: 'process' as const, subject: 'Crash during the DM', answer: 'Your refund was sent today' },
  ])('GIVEN a crash after a staff answer is stored, $when WHEN the bot restarts THEN the requester gets the answer, once', async ({ release, subject, answer }) => {
    const bot = await startBot();
    const command = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.alice, name: 'ticket', options: { category: 'billing' } });
    await discord.submitModal(command, seed.users.alice, { subject, description: 'The answer to this will be interrupted.' });
    await vi.waitFor(async () => expect((await ticketRow(subject))?.spaces_ready_at).toBeTruthy(), { timeout: 20_000, interval: 100 });
    const threadId = String((await ticketRow(subject))!.thread_id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const hold = discord.holdRequests({ method: 'POST', path: new RegExp(`/channels/(?!${threadId})\\d+/messages$`) });
    discord.userMessage({ channelId: threadId, user: seed.users.anna, content: answer });
    await hold.held;
    bot.child.kill('SIGKILL');
    await bot.exited;
    hold.release(release);
    const answered = () => discord.dmsTo(seed.users.alice).filter((m) => m.embeds[0]?.description === answer);
    await vi.waitFor(() => expect(answered()).toHaveLength(release === 'process' ? 1 : 0), { timeout: 5000, interval: 50 });

    const again = await startBot();
    try {
      await vi.waitFor(() => expect(answered()).toHaveLength(1), { timeout: 20_000, interval: 100 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(answered()).toHaveLength(1);
    } finally {
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
    }
  }, 60_000);
});
