import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DiscordWorld } from '../helpers/discord-world.js';
import { openTicket } from '../discord/helpers.js';

let world: DiscordWorld;
beforeAll(async () => {
  world = await DiscordWorld.start({ limits: { maxOpenPerUser: 20 } });
});
afterAll(async () => {
  await world?.stop();
});

const mia = () => ({ id: world.seed.users.mia, name: 'Mia', roleIds: [world.seed.roles.moderators] });
const bodies = async (ticketId: number) => (await world.service.record(ticketId, mia())).messages.map((m) => m.body);

describe('messages written while the bot was away, on Discord', () => {
  it('GIVEN a reconnection Discord does not resume WHEN the bot is back THEN what was written meanwhile is stored in order, once, and answers reach the requester', async () => {
    const { discord, seed } = world;
    const opened = await openTicket(world, { subject: 'Written during a disconnection' });
    await discord.whileDisconnected(
      () => {
        discord.userMessage({ channelId: opened.threadId, user: seed.users.alice, content: 'first, while you were away' });
        discord.userMessage({ channelId: opened.threadId, user: seed.users.anna, content: 'second: an answer' });
        discord.userMessage({ channelId: opened.threadId, user: seed.users.alice, content: 'third: thanks' });
      },
      { resumable: false },
    );
    await vi.waitFor(async () => expect(await bodies(opened.ticket.id)).toContain('third: thanks'), { timeout: 30_000, interval: 100 });
    discord.userMessage({ channelId: opened.threadId, user: seed.users.alice, content: 'fourth, live again' });
    await vi.waitFor(async () => expect(await bodies(opened.ticket.id)).toContain('fourth, live again'), { timeout: 10_000 });
    await world.settle();
    expect((await bodies(opened.ticket.id)).slice(1)).toEqual(['first, while you were away', 'second: an answer', 'third: thanks', 'fourth, live again']);
    expect(discord.dmsTo(seed.users.alice).filter((m) => m.embeds[0]?.description === 'second: an answer')).toHaveLength(1);
    expect((await world.service.ticketById(opened.ticket.id)).status).toBe('open');
  }, 60_000);

  it('GIVEN the bot stopped WHEN messages are written and it starts again THEN it reads them back, and only once', async () => {
    const { discord, seed } = world;
    const opened = await openTicket(world, { subject: 'Written while stopped' });
    discord.userMessage({ channelId: opened.threadId, user: seed.users.alice, content: 'before the stop' });
    await vi.waitFor(async () => expect(await bodies(opened.ticket.id)).toContain('before the stop'));
    await world.stopBot();
    for (let i = 1; i <= 120; i++) discord.userMessage({ channelId: opened.threadId, user: i % 2 ? seed.users.alice : seed.users.anna, content: `offline ${i}` });
    await world.startBot();
    await vi.waitFor(async () => expect(await bodies(opened.ticket.id)).toContain('offline 120'), { timeout: 30_000, interval: 100 });
    await world.restart();
    await world.settle();
    const stored = (await bodies(opened.ticket.id)).filter((b) => b.startsWith('offline '));
    expect(stored).toEqual(Array.from({ length: 120 }, (_, i) => `offline ${i + 1}`));
    expect(discord.dmsTo(seed.users.alice).filter((m) => String(m.embeds[0]?.description).startsWith('offline '))).toHaveLength(60);
  }, 60_000);
});
