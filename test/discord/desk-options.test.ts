import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DiscordWorld } from '../helpers/discord-world.js';
import { openTicket } from './helpers.js';

let world: DiscordWorld;
beforeAll(async () => {
  world = await DiscordWorld.start({ discord: { dmRequester: false } });
});
afterAll(async () => {
  await world?.stop();
});

describe('a desk that does not DM requesters', () => {
  it('GIVEN dmRequester false WHEN an agent answers THEN the ticket is pending but no DM is sent', async () => {
    const { discord, seed } = world;
    const opened = await openTicket(world, { subject: 'No DMs please' });
    discord.userMessage({ channelId: opened.threadId, user: seed.users.anna, content: 'Answered in the thread only' });
    await vi.waitFor(async () => expect((await world.service.ticketById(opened.ticket.id)).status).toBe('pending'));
    await world.settle();
    expect(discord.dmsTo(seed.users.alice)).toEqual([]);
    expect(discord.callsTo('POST', /\/users\/@me\/channels$/)).toEqual([]);
  });
});
