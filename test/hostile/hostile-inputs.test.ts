import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { answerOf, openTicket } from '../discord/helpers.js';
import { DiscordWorld } from '../helpers/discord-world.js';
import { SlackWorld } from '../helpers/slack-world.js';
import { openSlackTicket, waitFor } from '../slack/helpers.js';
import { HOSTILE_LIMITS, hostileInputs, type DiscordRow, type HostileRow, type SlackRow } from './hostile-inputs.js';

/**
 * Runs every row of the hostile-input table against the real bot: one shared world per platform, every row
 * its own test. A row with a `knownBug` runs as `it.fails`: it passes while the bot still gets it wrong and
 * turns red once fixed (then drop its `knownBug`). HOSTILE_SHOW_BUGS=1 runs those rows plainly, to see how
 * they fail.
 */
const showBugs = process.env.HOSTILE_SHOW_BUGS === '1';

function title(row: HostileRow): string {
  const bug = row.knownBug && !showBugs ? ` [known bug: ${row.knownBug}]` : '';
  return `${row.id} GIVEN ${row.input} WHEN the bot gets it THEN ${row.expected}${bug}`;
}

/** One test per row; rows with a known bug are expected to fail until it is fixed. */
function register<R extends HostileRow>(rows: readonly R[], run: (row: R) => Promise<void>): void {
  for (const row of rows) {
    const test = row.knownBug && !showBugs ? it.fails : it;
    test(title(row), () => run(row), row.timeoutMs);
  }
}

describe('hostile and broken input on Discord', () => {
  let world: DiscordWorld;
  beforeAll(async () => {
    world = await DiscordWorld.start({ limits: HOSTILE_LIMITS });
  });
  afterAll(async () => {
    await world?.stop();
  });

  register(hostileInputs.filter((r): r is DiscordRow => r.platform === 'discord'), (row) => row.run(world));

  it('GIVEN every hostile row has run WHEN a member opens a ticket and an agent answers THEN the answer reaches them by DM, promptly', async () => {
    const { discord, seed } = world;
    const requester = discord.createUser({ username: 'afterwards', globalName: 'Afterwards', locale: 'en-US' }).id;
    discord.addMember(seed.guildId, requester);
    const started = Date.now();
    const opened = await openTicket(world, { user: requester, subject: 'Still there after all that?' });
    expect(opened.answer).toContain(`Your ticket ${opened.number} is open.`);
    expect(Date.now() - started).toBeLessThan(3000);
    discord.userMessage({ channelId: opened.threadId, user: seed.users.anna, content: 'Yes, still here and answering.' });
    await vi.waitFor(() => expect(discord.dmsTo(requester).map((m) => m.embeds[0]?.description)).toContain('Yes, still here and answering.'), { timeout: 5000 });
    expect((await world.service.ticketById(opened.ticket.id)).status).toBe('pending');
    const list = discord.slashCommand({ channelId: seed.channels.general, user: requester, name: 'tickets', subcommand: 'list' });
    expect(await answerOf(list)).toContain(opened.number);
    expect(discord.internalErrors).toEqual([]);
  });
});

describe('hostile and broken input on Slack', () => {
  let world: SlackWorld;
  beforeAll(async () => {
    world = await SlackWorld.start({ limits: HOSTILE_LIMITS });
  });
  afterAll(async () => {
    await world?.stop();
  });

  register(hostileInputs.filter((r): r is SlackRow => r.platform === 'slack'), (row) => row.run(world));

  it('GIVEN every hostile row has run WHEN a member opens a ticket and an agent answers THEN the answer is mirrored to them, promptly', async () => {
    const { slack, ids } = world;
    const requester = slack.addUser({ name: 'afterwards', displayName: 'Afterwards', locale: 'en-US' });
    slack.addMember(ids.channels.general, requester);
    const started = Date.now();
    const opened = await openSlackTicket(world, { user: requester, subject: 'Still there after all that?' });
    expect(Date.now() - started).toBeLessThan(3000);
    await slack.userMessage({ user: ids.users.agnes, channel: opened.staff.channel, thread_ts: opened.staff.ts, text: 'Yes, still here and answering.' });
    await waitFor(() => expect(slack.messagesIn(opened.dm.channel, { thread_ts: opened.dm.ts }).map((m) => m.text)).toContain('Yes, still here and answering.'), 5000);
    expect((await world.service.ticketById(opened.ticket.id)).status).toBe('pending');
  });
});
