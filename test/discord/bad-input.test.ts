import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DiscordWorld } from '../helpers/discord-world.js';
import { answerOf, componentId, openTicket, PNG } from './helpers.js';

let world: DiscordWorld;
beforeAll(async () => {
  world = await DiscordWorld.start({ limits: { maxAttachmentBytes: 1024, maxAttachments: 2, allowedContentTypes: ['image/*', 'application/pdf'] } });
});
afterAll(async () => {
  await world?.stop();
});

/** Submits the billing form as `user` with the given fields; returns what the bot answered. */
async function submitForm(
  user: string,
  values: Record<string, string>,
  files?: Array<{ name: string; contentType?: string; bytes: Buffer }>,
  options: { category?: string; locale?: string } = {},
) {
  const { discord, seed } = world;
  const command = discord.slashCommand({ channelId: seed.channels.general, user, name: 'ticket', options: { category: options.category ?? 'billing' }, locale: options.locale });
  const submit = await discord.submitModal(command, user, { subject: 'A real problem', description: 'It does not work since this morning.', ...values }, files ? { files } : {});
  return { command, submit, answer: await answerOf(submit) };
}

const ticketsInDatabase = async () => (await world.database.dataSource.query('SELECT COUNT(*) AS n FROM tickets'))[0].n as number;
const threadsCreated = () => world.discord.callsTo('POST', /\/channels\/\d+\/threads$/).length;

/** Asserts that a refused action created nothing: no ticket row, no thread. */
async function nothingCreated(before: { tickets: number; threads: number }) {
  expect(await ticketsInDatabase()).toBe(before.tickets);
  expect(threadsCreated()).toBe(before.threads);
}
const snapshot = async () => ({ tickets: await ticketsInDatabase(), threads: threadsCreated() });

describe('bad input on Discord: a clear message, and nothing changes', () => {
  it('GIVEN a file over the size limit WHEN the form is sent THEN it is refused by name and size', async () => {
    const before = await snapshot();
    const { answer } = await submitForm(world.seed.users.bob, {}, [{ name: 'huge.png', contentType: 'image/png', bytes: Buffer.alloc(2048, 1) }]);
    expect(answer).toContain('"huge.png" is too large: files can be at most 1 KB.');
    await nothingCreated(before);
  });

  it('GIVEN more files than allowed WHEN the form is sent THEN it says how many are allowed', async () => {
    const before = await snapshot();
    const small = (name: string) => ({ name, contentType: 'image/png', bytes: PNG });
    const command = world.discord.slashCommand({ channelId: world.seed.channels.general, user: world.seed.users.bob, name: 'ticket', options: { category: 'billing' } });
    await command.response();
    // The form itself asks Discord for at most 2 files; a third can only come from a tampered client.
    const modal = structuredClone(command.modal) as { components: Array<{ component: { custom_id: string; max_values?: number } }> };
    const upload = modal.components.find((c) => c.component.custom_id === 'files')!;
    expect(upload.component.max_values).toBe(2);
    upload.component.max_values = 3;
    const submit = await world.discord.submitModal(
      { modal, channelId: world.seed.channels.general },
      world.seed.users.bob,
      { subject: 'A real problem', description: 'It does not work since this morning.' },
      { files: [small('a.png'), small('b.png'), small('c.png')] },
    );
    expect(await answerOf(submit)).toContain('Too many files: at most 2.');
    await nothingCreated(before);
  });

  it('GIVEN a file of a type not allowed WHEN the form is sent THEN the type and the allowed ones are named', async () => {
    const before = await snapshot();
    const { answer } = await submitForm(world.seed.users.bob, {}, [{ name: 'setup.exe', contentType: 'application/x-msdownload', bytes: Buffer.from('MZ') }]);
    expect(answer).toContain('"setup.exe" (application/x-msdownload) is not an allowed file type. Allowed: image/*, application/pdf.');
    await nothingCreated(before);
  });

  it('GIVEN whitespace-only and invisible-only fields WHEN the form is sent THEN each required field is named', async () => {
    const before = await snapshot();
    const { answer } = await submitForm(world.seed.users.bob, { subject: '   \u200b  ', description: '\n\n\t          \u202e  ' });
    expect(answer).toBe('Please fix the form and send it again:\n• Subject is required.\n• Description is required.');
    await nothingCreated(before);
  });

  it('GIVEN fields longer than allowed from a tampered client WHEN the form is sent THEN the limit is named', async () => {
    const before = await snapshot();
    const command = world.discord.slashCommand({ channelId: world.seed.channels.general, user: world.seed.users.bob, name: 'ticket', options: { category: 'billing' } });
    await command.response();
    const modal = structuredClone(command.modal) as { components: Array<{ component: { custom_id: string; max_length?: number } }> };
    for (const label of modal.components) delete label.component.max_length;
    const submit = await world.discord.submitModal({ modal, channelId: world.seed.channels.general }, world.seed.users.bob, {
      subject: 'S'.repeat(81),
      description: 'Long enough description.',
      'q:order': 'O'.repeat(1001),
    });
    expect(await answerOf(submit)).toBe(
      'Please fix the form and send it again:\n• Subject is too long: at most 80 characters.\n• Order number is too long: at most 1000 characters.',
    );
    await nothingCreated(before);
  });

  it('GIVEN an unknown category WHEN /ticket names it THEN it is refused', async () => {
    const handle = world.discord.slashCommand({ channelId: world.seed.channels.general, user: world.seed.users.bob, name: 'ticket', options: { category: 'lottery' } });
    expect(await answerOf(handle)).toBe('There is no category "lottery" (any more). Pick one from the list.');
  });

  it('GIVEN a form for a category that was removed WHEN it is sent THEN it is refused and nothing is created', async () => {
    const before = await snapshot();
    const command = world.discord.slashCommand({ channelId: world.seed.channels.general, user: world.seed.users.bob, name: 'ticket', options: { category: 'billing' } });
    await command.response();
    const modal = { ...(command.modal as Record<string, unknown>), custom_id: (command.modal as { custom_id: string }).custom_id.replace('billing', 'retired') };
    const submit = await world.discord.submitModal({ modal, channelId: world.seed.channels.general }, world.seed.users.bob, { subject: 'Old category', description: 'Sent from a form opened before the change.' });
    expect(await answerOf(submit)).toBe('There is no category "retired" (any more). Pick one from the list.');
    await nothingCreated(before);
  });

  it('GIVEN a form submitted twice WHEN the second arrives THEN one ticket exists and the second answer points to it', async () => {
    const { discord, seed } = world;
    const before = await snapshot();
    const command = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.bob, name: 'ticket', options: { category: 'billing' } });
    const values = { subject: 'Double click', description: 'I pressed submit twice by accident.' };
    const first = await discord.submitModal(command, seed.users.bob, values);
    const second = await discord.submitModal(command, seed.users.bob, values);
    const answers = [await answerOf(first), await answerOf(second)];
    const number = /CS-\d{4}/.exec(answers[0]!)![0];
    expect(answers[0]).toContain(`Your ticket ${number} is open`);
    expect(answers[1]).toBe(`This form already opened ticket ${number}.`);
    expect(await ticketsInDatabase()).toBe(before.tickets + 1);
    expect(threadsCreated()).toBe(before.threads + 1);
  });

  it('GIVEN someone who is not staff WHEN they use staff commands or buttons THEN they are refused and the ticket does not change', async () => {
    const { discord, seed } = world;
    const opened = await openTicket(world, { user: seed.users.alice, subject: 'Staff only please' });
    // Bob, not staff, from anywhere with the ticket number.
    for (const name of ['claim', 'resolve']) {
      const handle = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.bob, name, options: { ticket: opened.number } });
      expect(await answerOf(handle)).toBe(`You are not allowed to ${name} this ticket.`);
    }
    const note = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.bob, name: 'note', options: { ticket: opened.number, text: 'sneaky' } });
    expect(await answerOf(note)).toBe('You are not allowed to add internal notes to this ticket.');
    // The technical agent is staff, but not of billing.
    const tomClaims = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.tom, name: 'claim', options: { ticket: opened.number } });
    expect(await answerOf(tomClaims)).toBe('You are not allowed to claim this ticket.');
    // Bob added to the ticket can write, but its buttons are still staff-only.
    const add = discord.slashCommand({ channelId: opened.threadId, user: seed.users.anna, name: 'add', options: { member: seed.users.bob } });
    expect(await answerOf(add)).toBe(`Bob was added to ${opened.number}.`);
    const click = discord.clickButton({ messageId: opened.cardId, channelId: opened.threadId, customId: `ticket:claim:${opened.ticket.id}`, user: seed.users.bob });
    expect(await answerOf(click)).toBe('You are not allowed to claim this ticket.');
    const ticket = await world.service.ticketById(opened.ticket.id);
    expect(ticket).toMatchObject({ status: 'open', assigneeId: null });
    expect((await world.service.record(ticket.id, { id: seed.users.anna, name: 'Anna', roleIds: [seed.roles.billingAgents] })).messages.map((m) => m.body)).not.toContain('sneaky');
  });

  it("GIVEN someone else's ticket WHEN a member tries to close or reopen it THEN they are refused", async () => {
    const { discord, seed } = world;
    const opened = await openTicket(world, { user: seed.users.alice, subject: 'Mine, not yours' });
    const close = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.bob, name: 'close', options: { ticket: opened.number, reason: 'spite' } });
    expect(await answerOf(close)).toBe('You are not allowed to close this ticket.');
    const staffClose = discord.slashCommand({ channelId: opened.threadId, user: seed.users.anna, name: 'close' });
    const confirmation = await waitForOriginal(staffClose);
    const confirm = discord.clickButton({ message: confirmation, customId: componentId(confirmation, 'close-confirm:'), user: seed.users.anna });
    await vi.waitFor(() => expect(confirm.original()?.content).toBe(`Ticket ${opened.number} is closed.`));
    const reopen = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.bob, name: 'reopen', options: { ticket: opened.number, reason: 'mine now' } });
    expect(await answerOf(reopen)).toBe('You are not allowed to reopen this ticket.');
    expect((await world.service.ticketById(opened.ticket.id)).status).toBe('closed');
  });

  it('GIVEN a ticket closed longer ago than the window WHEN its requester reopens it THEN they are told to open a new one', async () => {
    const { discord, seed } = world;
    const opened = await openTicket(world, { user: seed.users.alice, subject: 'Old and closed' });
    await world.service.close(opened.ticket.id, { id: seed.users.mia, name: 'Mia', roleIds: [seed.roles.moderators] }, 'done');
    world.clock.advance({ days: 8 });
    const reopen = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.alice, name: 'reopen', options: { ticket: opened.number, reason: 'It broke again' } });
    expect(await answerOf(reopen)).toBe('This ticket was closed more than 7 days ago and can\'t be reopened any more. Please open a new ticket.');
    const withoutReason = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.alice, name: 'reopen', options: { ticket: opened.number } });
    expect(await answerOf(withoutReason)).toBe('Please say briefly why you want to reopen it.');
    expect((await world.service.ticketById(opened.ticket.id)).status).toBe('closed');
  });

  it('GIVEN a staff command outside a ticket thread WHEN no ticket number is given THEN it says how to name the ticket', async () => {
    const handle = world.discord.slashCommand({ channelId: world.seed.channels.general, user: world.seed.users.mia, name: 'claim' });
    expect(await answerOf(handle)).toBe('Use this command inside a ticket thread, or give the ticket number in the "ticket" option.');
    const unknown = world.discord.slashCommand({ channelId: world.seed.channels.general, user: world.seed.users.mia, name: 'claim', options: { ticket: 'CS-9999' } });
    expect(await answerOf(unknown)).toBe('There is no ticket "CS-9999" here. Check the number (for example CS-0042).');
  });

  it('GIVEN @everyone, @here and role mentions in subject, description and messages WHEN the bot shows them THEN nobody is pinged', async () => {
    const { discord, seed } = world;
    const opened = await openTicket(world, {
      user: seed.users.alice,
      subject: '@everyone free gifts <@&' + seed.roles.moderators + '>',
      description: '@here click [this](https://evil.example) <@&' + seed.roles.billingAgents + '> **now**',
    });
    const [card] = discord.messagesIn(opened.threadId);
    expect(card!.mention_everyone).toBe(false);
    // The card mentions the category's agent role (to bring agents in), never the roles typed by the requester.
    expect(card!.mention_roles).toEqual([seed.roles.billingAgents]);
    expect(card!.embeds[0]!.title).toBe('CS-' + opened.number.slice(3) + ' · @\u200beveryone free gifts <@&' + seed.roles.moderators + '>');
    // The masked link is broken (no clickable "this"), the bold is shown as typed.
    expect(card!.embeds[0]!.description).toBe('@\u200bhere click \\[this](https://evil.example) <@&' + seed.roles.billingAgents + '> \\*\\*now\\*\\*');
    const thread = discord.channel(opened.threadId) as { name: string };
    expect(thread.name).toContain('@everyone free gifts');
    discord.userMessage({ channelId: opened.threadId, user: seed.users.anna, content: '@everyone @here <@&' + seed.roles.moderators + '> answered' });
    await vi.waitFor(() => expect(discord.dmsTo(seed.users.alice).length).toBeGreaterThan(0));
    const dm = discord.dmsTo(seed.users.alice).at(-1)!;
    expect(dm.mention_everyone).toBe(false);
    expect(dm.mention_roles).toEqual([]);
    // Every message the bot posted in the thread pinged at most the requester and the category's agent role.
    for (const message of discord.messagesIn(opened.threadId).filter((m) => m.author.id === discord.botUser.id)) {
      expect(message.mention_everyone).toBe(false);
      expect(message.mention_roles.filter((r) => r !== seed.roles.billingAgents)).toEqual([]);
    }
  });

  it('GIVEN the bot lacks a permission in the category channel WHEN a ticket is opened THEN the user is told which, with a reference the log also has', async () => {
    const { discord, seed } = world;
    const before = await snapshot();
    discord.denyBotPermission(seed.channels.technical, 'CreatePrivateThreads');
    try {
      await vi.waitFor(() => expect(world.desk.missingIn(seed.channels.technical)).toContain('CreatePrivateThreads'));
      const { answer } = await submitForm(seed.users.bob, { 'q:steps': 'Open the app' }, undefined, { category: 'technical' });
      expect(answer).toMatch(/^I can't do that here: I am missing the "CreatePrivateThreads" permission in this channel\. An administrator can fix the bot's permissions \(reference ([0-9A-F]{8})\)\.$/);
      const ref = /reference ([0-9A-F]{8})/.exec(answer)![1];
      expect(world.logs.lines.find((l) => l.ref === ref)).toMatchObject({ level: 50, msg: 'missing Discord permissions', missing: ['CreatePrivateThreads'] });
      await nothingCreated(before);
    } finally {
      discord.restoreBotPermission(seed.channels.technical, 'CreatePrivateThreads');
    }
  });

  it('GIVEN a French-speaking member WHEN their form is refused THEN the message is in French', async () => {
    const { answer } = await submitForm(world.seed.users.francois, { subject: '    ' }, undefined, { locale: 'fr' });
    expect(answer).toBe('Merci de corriger le formulaire et de le renvoyer :\n• Objet : ce champ est obligatoire.');
    const handle = world.discord.slashCommand({ channelId: world.seed.channels.general, user: world.seed.users.francois, name: 'ticket', options: { category: 'billing' }, locale: 'fr' });
    await handle.response();
    expect((handle.modal as { title: string }).title).toBe('Ticket : Billing');
  });
});

async function waitForOriginal<T>(handle: { original(): T | null }): Promise<T> {
  await vi.waitFor(() => expect(handle.original()).not.toBeNull());
  return handle.original()!;
}
