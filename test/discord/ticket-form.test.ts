import { afterEach, describe, expect, it } from 'vitest';
import { DiscordWorld } from '../helpers/discord-world.js';
import { answerOf, componentId, openTicket } from './helpers.js';

type Json = Record<string, unknown>;
let world: DiscordWorld | null = null;
afterEach(async () => {
  await world?.stop();
  world = null;
});

describe('choosing a category on Discord', () => {
  it('GIVEN categories with questions WHEN /ticket names none THEN a picker comes first and the form asks that category\'s questions', async () => {
    world = await DiscordWorld.start();
    const { discord, seed } = world;
    const command = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.alice, name: 'ticket' });
    expect(await answerOf(command)).toBe('Which kind of problem is it? Pick a category to open the form.');
    const picker = command.original()!;
    const options = ((picker.components![0] as unknown as Json).components as Array<{ options: Array<{ value: string; label: string }> }>)[0]!.options;
    expect(options.map((o) => [o.value, o.label])).toEqual([
      ['billing', 'Billing'],
      ['technical', 'Technical problem'],
    ]);
    const pick = discord.selectMenu({ message: picker, customId: componentId(picker, 'ticket-category'), user: seed.users.alice, values: ['technical'] });
    expect((await pick.response()).type).toBe(9);
    const modal = pick.modal as { components: Array<{ label: string; component: { custom_id: string; required?: boolean } }> };
    expect(modal.components.map((c) => c.component.custom_id)).toEqual(['subject', 'description', 'q:steps', 'files']);
    const submit = await discord.submitModal(pick, seed.users.alice, { subject: 'Crash on start', description: 'It crashes right after the splash screen.', 'q:steps': 'Launch it' });
    expect(await answerOf(submit)).toContain('Your ticket CS-0001 is open');
    const ticket = await world.service.ticketByReference('discord', seed.guildId, 'CS-0001');
    expect(ticket).toMatchObject({ categoryKey: 'technical', answers: [{ key: 'steps', label: 'Steps to reproduce', value: 'Launch it' }] });
  });

  it('GIVEN categories without questions WHEN /ticket names none THEN the form itself has the category select', async () => {
    world = await DiscordWorld.start({ categoriesWithoutQuestions: true });
    const { discord, seed } = world;
    const command = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.bob, name: 'ticket' });
    expect((await command.response()).type).toBe(9);
    const modal = command.modal as { components: Array<{ component: { custom_id: string; type: number } }> };
    expect(modal.components.map((c) => [c.component.type, c.component.custom_id])).toEqual([
      [3, 'category'],
      [4, 'subject'],
      [4, 'description'],
      [19, 'files'],
    ]);
    const submit = await discord.submitModal(command, seed.users.bob, { category: ['technical'], subject: 'Cannot log in', description: 'The login page spins forever.' });
    expect(await answerOf(submit)).toContain('Your ticket CS-0001 is open');
    expect((await world.service.ticketByReference('discord', seed.guildId, 'CS-0001')).categoryKey).toBe('technical');
  });
});

describe('answering the ticket form on Discord', () => {
  it('GIVEN an opening done quickly WHEN the form is sent THEN its answer is the one callback (no "thinking…", no edit)', async () => {
    world = await DiscordWorld.start();
    const { discord } = world;
    const { submit, answer } = await openTicket(world);
    expect(answer).toContain('Your ticket CS-0001 is open');
    const callback = await submit.response();
    expect(callback.type).toBe(4);
    expect((callback.data as Json).flags).toBe(64);
    expect(discord.callsTo('POST', new RegExp(`/interactions/${submit.id}/`))).toHaveLength(1);
    expect(discord.callsTo('PATCH', new RegExp(`/webhooks/\\d+/${submit.token}/`))).toHaveLength(0);
  });

  it('GIVEN an opening slower than Discord waits for a first answer WHEN the form is sent THEN the bot defers in time and edits the answer in', async () => {
    world = await DiscordWorld.start();
    const { discord, seed } = world;
    const threads = discord.holdRequests({ method: 'POST', path: new RegExp(`/channels/${seed.channels.billing}/threads$`) });
    const command = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.alice, name: 'ticket', options: { category: 'billing' } });
    const sent = Date.now();
    const submit = await discord.submitModal(command, seed.users.alice, { subject: 'Charged twice', description: 'Charged twice for one order.', 'q:order': 'A-1' });
    await threads.held;
    try {
      const callback = await submit.response(5000);
      const after = Date.now() - sent;
      expect(callback.type).toBe(5);
      expect(after).toBeGreaterThanOrEqual(1000);
      expect(after).toBeLessThan(3000);
    } finally {
      threads.release();
    }
    expect(await answerOf(submit)).toContain('Your ticket CS-0001 is open');
    expect(discord.callsTo('POST', new RegExp(`/interactions/${submit.id}/`))).toHaveLength(1);
    expect(discord.callsTo('PATCH', new RegExp(`/webhooks/\\d+/${submit.token}/`))).toHaveLength(1);
  });

  it('GIVEN an opening that fails after its answer was deferred WHEN Discord refuses the thread THEN the deferred answer says why, and the ticket is closed', async () => {
    world = await DiscordWorld.start();
    const { discord, seed } = world;
    const path = new RegExp(`/channels/${seed.channels.billing}/threads$`);
    const threads = discord.holdRequests({ method: 'POST', path });
    discord.injectFault({ method: 'POST', path, status: 403, code: 50013, message: 'Missing Permissions' });
    const command = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.alice, name: 'ticket', options: { category: 'billing' } });
    const submit = await discord.submitModal(command, seed.users.alice, { subject: 'Refused thread', description: 'Discord refuses the thread.', 'q:order': 'A-2' });
    await threads.held;
    try {
      expect((await submit.response(5000)).type).toBe(5);
    } finally {
      threads.release();
    }
    expect(await answerOf(submit)).toMatch(/^I can't do that here: I am missing the "[^"]+" permission in this channel/);
    expect(discord.callsTo('POST', new RegExp(`/interactions/${submit.id}/`))).toHaveLength(1);
    await world.settle();
    const [ticket] = await world.database.dataSource.query('SELECT status FROM tickets');
    expect(ticket).toEqual({ status: 'closed' });
  });
});
