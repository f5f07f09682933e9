import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DiscordWorld } from '../helpers/discord-world.js';
import { answerOf, componentId, openTicket } from './helpers.js';

let world: DiscordWorld;
beforeAll(async () => {
  world = await DiscordWorld.start({ limits: { maxOpenPerUser: 50 } });
});
afterAll(async () => {
  await world?.stop();
});

const staff = () => ({
  anna: { id: world.seed.users.anna, name: 'Anna', roleIds: [world.seed.roles.billingAgents] },
  mia: { id: world.seed.users.mia, name: 'Mia', roleIds: [world.seed.roles.moderators] },
});

describe('staff at work on Discord', () => {
  it('GIVEN a ticket WHEN staff claim, assign, prioritise, add and remove people and move it THEN the card, the thread and the record follow', async () => {
    const { discord, seed } = world;
    const opened = await openTicket(world, { subject: 'Staff toolkit' });
    const { threadId, cardId, number } = opened;

    const claim = discord.clickButton({ messageId: cardId, channelId: threadId, customId: `ticket:claim:${opened.ticket.id}`, user: seed.users.anna });
    expect(await answerOf(claim)).toBe(`You claimed ${number}.`);
    await vi.waitFor(() => expect(discord.message(threadId, cardId)!.embeds[0]!.fields).toContainEqual({ name: 'Assigned to', value: `<@${seed.users.anna}>`, inline: true }));
    expect(componentId(discord.message(threadId, cardId)!, 'ticket:claim:')).toBeTruthy();
    expect(discord.messagesIn(threadId).map((m) => m.content)).toContain('Anna claimed this ticket.');

    const assign = discord.slashCommand({ channelId: threadId, user: seed.users.mia, name: 'assign', options: { member: seed.users.mia } });
    expect(await answerOf(assign)).toBe(`${number} is now assigned to Mia.`);
    const notStaff = discord.slashCommand({ channelId: threadId, user: seed.users.mia, name: 'assign', options: { member: seed.users.bob } });
    expect(await answerOf(notStaff)).toBe('Bob is not support staff for this category.');

    const priority = discord.slashCommand({ channelId: threadId, user: seed.users.anna, name: 'priority', options: { level: 'urgent' } });
    expect(await answerOf(priority)).toBe(`${number} is now urgent priority.`);
    await vi.waitFor(() => expect(discord.message(threadId, cardId)!.embeds[0]!.fields).toContainEqual({ name: 'Priority', value: 'Urgent', inline: true }));

    const add = discord.slashCommand({ channelId: threadId, user: seed.users.anna, name: 'add', options: { member: seed.users.bob } });
    expect(await answerOf(add)).toBe(`Bob was added to ${number}.`);
    expect(discord.threadMembers(threadId)).toContain(seed.users.bob);
    discord.userMessage({ channelId: threadId, user: seed.users.bob, content: 'Same problem here' });
    await vi.waitFor(async () => expect((await world.service.record(opened.ticket.id, staff().anna)).messages.map((m) => [m.authorRole, m.body])).toContainEqual(['participant', 'Same problem here']));
    const remove = discord.slashCommand({ channelId: threadId, user: seed.users.anna, name: 'remove', options: { member: seed.users.bob } });
    expect(await answerOf(remove)).toBe(`Bob was removed from ${number}.`);
    expect(discord.threadMembers(threadId)).not.toContain(seed.users.bob);

    const move = discord.slashCommand({ channelId: threadId, user: seed.users.mia, name: 'move', options: { category: 'technical' } });
    expect(await answerOf(move)).toBe(`${number} moved to Technical problem.`);
    await vi.waitFor(() => expect(discord.threadMembers(threadId)).toContain(seed.users.tom));
    expect(discord.message(threadId, cardId)!.embeds[0]!.fields).toContainEqual({ name: 'Category', value: 'Technical problem', inline: true });
    const annaMoves = discord.slashCommand({ channelId: threadId, user: seed.users.anna, name: 'move', options: { category: 'billing' } });
    expect(await answerOf(annaMoves)).toBe('You are not allowed to move this ticket.');

    const events = (await world.service.record(opened.ticket.id, staff().mia)).events.map((e) => e.type);
    expect(events).toEqual(['opened', 'claimed', 'assigned', 'priority_changed', 'participant_added', 'participant_removed', 'moved']);
  });

  it('GIVEN a ticket WHEN an agent writes /note THEN it goes to the log channel and the record, never into the thread', async () => {
    const { discord, seed } = world;
    const opened = await openTicket(world, { subject: 'Internal notes' });
    const before = discord.messagesIn(opened.threadId).length;
    const note = discord.slashCommand({ channelId: opened.threadId, user: seed.users.anna, name: 'note', options: { text: 'Customer is on the old plan' } });
    expect(await answerOf(note)).toBe(`Internal note saved on ${opened.number}. The requester does not see it.`);
    expect(discord.messagesIn(opened.threadId)).toHaveLength(before);
    const logged = discord.messagesIn(seed.channels.log).at(-1)!;
    expect(logged.embeds[0]).toMatchObject({ title: `Internal note on ${opened.number} by Anna`, description: 'Customer is on the old plan' });
    const asStaff = await world.service.record(opened.ticket.id, staff().anna);
    expect(asStaff.messages.find((m) => m.body === 'Customer is on the old plan')).toMatchObject({ visibility: 'internal', channelId: seed.channels.log, messageId: logged.id });
    const asRequester = await world.service.record(opened.ticket.id, { id: seed.users.alice, name: 'Alice' });
    expect(asRequester.messages.map((m) => m.body)).not.toContain('Customer is on the old plan');
    expect((await world.service.ticketById(opened.ticket.id)).status).toBe('open');

    // The transcript: a web page; staff get the note, the requester does not; JSON on demand.
    const staffTranscript = discord.slashCommand({ channelId: opened.threadId, user: seed.users.anna, name: 'transcript' });
    await answerOf(staffTranscript);
    const file = staffTranscript.original()!.attachments[0]!;
    expect(file.filename).toBe(`${opened.number}-transcript.html`);
    const html = discord.attachmentBytes(file.url).toString('utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    expect(html).toContain('Customer is on the old plan');
    expect(html).toContain('My card was charged twice');
    const requesterTranscript = discord.slashCommand({ channelId: opened.threadId, user: seed.users.alice, name: 'transcript' });
    await answerOf(requesterTranscript);
    const own = discord.attachmentBytes(requesterTranscript.original()!.attachments[0]!.url).toString('utf8');
    expect(own).toContain('My card was charged twice');
    expect(own).not.toContain('Customer is on the old plan');
    const json = discord.slashCommand({ channelId: opened.threadId, user: seed.users.alice, name: 'transcript', options: { format: 'json' } });
    await answerOf(json);
    const exported = JSON.parse(discord.attachmentBytes(json.original()!.attachments[0]!.url).toString('utf8')) as { ticket: { number: string }; messages: Array<{ body: string }> };
    expect(exported.messages.map((m) => m.body)).toContain('My card was charged twice for the same order last week.');
    expect(exported.messages.map((m) => m.body)).not.toContain('Customer is on the old plan');
    const outsider = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.bob, name: 'transcript', options: { ticket: opened.number } });
    expect(await answerOf(outsider)).toBe('You are not allowed to see this ticket.');
  });

  it('GIVEN tickets WHEN /tickets filters them THEN staff see their categories and members only their own', async () => {
    const { discord, seed } = world;
    const bobs = await openTicket(world, { user: seed.users.bob, subject: 'Bob needs a refund' });
    const list = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.mia, name: 'tickets', subcommand: 'list', options: { requester: seed.users.bob, status: 'all' } });
    const text = await answerOf(list);
    expect(text).toContain('1 ticket (all)');
    expect(text).toContain(`[${bobs.number}]`);
    const mine = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.bob, name: 'tickets', subcommand: 'list', options: { status: 'all' } });
    const own = await answerOf(mine);
    expect(own).toContain(bobs.number);
    expect(own).not.toContain('Staff toolkit');
    const search = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.anna, name: 'tickets', subcommand: 'list', options: { search: 'refund', status: 'all' } });
    expect(await answerOf(search)).toContain(bobs.number);
  });

  it('GIVEN the log channel notice WHEN an agent presses Join THEN they are added to the thread, and a member is refused', async () => {
    const { discord, seed } = world;
    const opened = await openTicket(world, { subject: 'Join me' });
    const notice = discord.messagesIn(seed.channels.log).find((m) => m.content.includes(opened.number))!;
    const join = discord.clickButton({ message: notice, customId: componentId(notice, 'ticket:join:'), user: seed.users.mia });
    expect(await answerOf(join)).toBe(`You joined ${opened.number}.`);
    expect(discord.threadMembers(opened.threadId)).toContain(seed.users.mia);
  });

  it('GIVEN a staff answer mirrored by DM WHEN the agent edits and then deletes it THEN the record keeps every version and the DM follows', async () => {
    const { discord, seed } = world;
    const opened = await openTicket(world, { subject: 'Edits follow' });
    const message = discord.userMessage({ channelId: opened.threadId, user: seed.users.anna, content: 'Your refund is on its way' });
    await vi.waitFor(() => expect(discord.dmsTo(seed.users.alice).some((m) => m.embeds[0]?.description === 'Your refund is on its way')).toBe(true));
    const dm = discord.dmsTo(seed.users.alice).find((m) => m.embeds[0]?.description === 'Your refund is on its way')!;
    discord.editUserMessage(opened.threadId, message.id, 'Your refund was sent today');
    await vi.waitFor(() => expect(discord.message(dm.channel_id, dm.id)!.embeds[0]!.description).toBe('Your refund was sent today'));
    discord.deleteUserMessage(opened.threadId, message.id);
    await vi.waitFor(() => expect(discord.message(dm.channel_id, dm.id)).toBeUndefined());
    const stored = (await world.service.record(opened.ticket.id, staff().anna)).messages.find((m) => m.messageId === message.id)!;
    expect(stored.body).toBe('Your refund was sent today');
    expect(stored.deletedAt).not.toBeNull();
    const revisions = await world.database.store.transaction((tx) => tx.listRevisions(stored.id));
    expect(revisions.map((r) => r.body)).toEqual(['Your refund is on its way']);
  });

  it('GIVEN ticket threads WHEN one is archived and locked by hand and another deleted THEN both tickets close with the reason', async () => {
    const { discord } = world;
    const archived = await openTicket(world, { subject: 'Archived by a moderator' });
    const deleted = await openTicket(world, { subject: 'Deleted by a moderator' });
    const quiet = await openTicket(world, { subject: 'Auto-archived' });
    discord.archiveThreadByHand(archived.threadId, { locked: true });
    discord.deleteThreadByHand(deleted.threadId);
    discord.archiveThreadByHand(quiet.threadId, { locked: false });
    await vi.waitFor(async () => expect((await world.service.ticketById(archived.ticket.id)).status).toBe('closed'));
    await vi.waitFor(async () => expect((await world.service.ticketById(deleted.ticket.id)).status).toBe('closed'));
    expect((await world.service.ticketById(archived.ticket.id)).closeReason).toBe('The ticket thread was archived and locked in Discord');
    expect((await world.service.ticketById(deleted.ticket.id)).closeReason).toBe('The ticket thread was deleted in Discord');
    await world.settle();
    expect((await world.service.ticketById(quiet.ticket.id)).status).toBe('open');
  });

  it('GIVEN an opening not yet recorded (its card held) WHEN an agent answers in the new thread THEN the answer waits for the opening, then is stored, shown and sent once', async () => {
    const { discord, seed } = world;
    const hold = discord.holdRequests({ method: 'POST', path: /\/channels\/\d+\/messages$/ });
    const command = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.alice, name: 'ticket', options: { category: 'billing' } });
    const submit = await discord.submitModal(command, seed.users.alice, { subject: 'Answered while opening', description: 'The agent is quick today.', 'q:order': 'A-7' });
    await hold.held;
    const thread = discord.threadsIn(seed.channels.billing).find((t) => (t as { name: string }).name.endsWith('Answered while opening'))!;
    // Anna comes in by hand (the card that brings agents in is the held post).
    discord.addThreadMemberByHand(thread.id, seed.users.anna);
    discord.userMessage({ channelId: thread.id, user: seed.users.anna, content: 'Already on it.' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    hold.release('process');
    const number = /ticket (CS-\d{4}) is open/.exec(await answerOf(submit))![1]!;
    const ticket = await world.service.ticketByReference('discord', seed.guildId, number);
    expect(ticket).toMatchObject({ threadId: thread.id, cardMessageId: expect.any(String) });
    await vi.waitFor(async () => expect((await world.service.ticketById(ticket.id)).status).toBe('pending'));
    const record = await world.service.systemRecord(ticket.id, true);
    expect(record.messages.filter((m) => m.body === 'Already on it.')).toHaveLength(1);
    // Shown once the card was known: the card says pending, not the opening's open.
    await vi.waitFor(() => expect(discord.reactionsOn(thread.id, ticket.cardMessageId!)).toEqual({ '⏳': [discord.botUser.id] }));
    await vi.waitFor(() => expect(discord.dmsTo(seed.users.alice).filter((m) => m.embeds[0]?.description === 'Already on it.')).toHaveLength(1));
  });

  it('GIVEN an agent answer whose DM to the requester is slow WHEN it is stored THEN the card shows pending at once, and the DM follows once', async () => {
    const { discord, seed } = world;
    const opened = await openTicket(world, { subject: 'Status beside a slow DM' });
    await world.settle();
    // Every post outside the thread (the DM) waits until released.
    const hold = discord.holdRequests({ method: 'POST', path: new RegExp(`^/api/v10/channels/(?!${opened.threadId})\\d+/messages$`) });
    discord.userMessage({ channelId: opened.threadId, user: seed.users.anna, content: 'Looking into it now.' });
    await hold.held;
    await vi.waitFor(() => expect(discord.reactionsOn(opened.threadId, opened.cardId)).toEqual({ '⏳': [discord.botUser.id] }));
    expect(discord.dmsTo(seed.users.alice).filter((m) => m.embeds[0]?.description === 'Looking into it now.')).toEqual([]);
    hold.release('process');
    await vi.waitFor(() => expect(discord.dmsTo(seed.users.alice).filter((m) => m.embeds[0]?.description === 'Looking into it now.')).toHaveLength(1));
  });

  it('GIVEN messages of one ticket waiting behind a slow DM WHEN they flip it pending, open, pending, open THEN the status is drawn once for all of them, with where they left it', async () => {
    const { discord, seed } = world;
    const opened = await openTicket(world, { subject: 'Busy conversation' });
    await world.settle();
    const card = `/channels/${opened.threadId}/messages/${opened.cardId}/reactions/`;
    const mark = discord.calls.length;
    const hold = discord.holdRequests({ method: 'POST', path: new RegExp(`^/api/v10/channels/(?!${opened.threadId})\\d+/messages$`) });
    discord.userMessage({ channelId: opened.threadId, user: seed.users.anna, content: 'First answer.' });
    await hold.held;
    // Behind the first answer's held DM: requester, agent, requester.
    discord.userMessage({ channelId: opened.threadId, user: seed.users.alice, content: 'Thanks, one more thing.' });
    discord.userMessage({ channelId: opened.threadId, user: seed.users.anna, content: 'Second answer.' });
    discord.userMessage({ channelId: opened.threadId, user: seed.users.alice, content: 'Last question.' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    hold.release('process');
    await vi.waitFor(async () => expect(await world.service.systemRecord(opened.ticket.id, true)).toMatchObject({ messages: expect.arrayContaining([expect.objectContaining({ body: 'Last question.' })]) }));
    await world.settle();
    expect((await world.service.ticketById(opened.ticket.id)).status).toBe('open');
    expect(discord.reactionsOn(opened.threadId, opened.cardId)).toEqual({ '🟢': [discord.botUser.id] });
    // Pending for the first answer (drawn beside its DM), then open once for the three that waited.
    const drawn = discord.calls.slice(mark).filter((c) => c.method === 'PUT' && c.path.includes(card)).map((c) => decodeURIComponent(c.path.slice(c.path.indexOf(card) + card.length)).split('/')[0]);
    expect(drawn).toEqual(['⏳', '🟢']);
    expect(discord.dmsTo(seed.users.alice).map((m) => m.embeds[0]?.description).filter((d) => d === 'First answer.' || d === 'Second answer.')).toEqual(['First answer.', 'Second answer.']);
  });

  it('GIVEN chatter outside ticket threads WHEN many messages arrive THEN the bot runs no database query for them', async () => {
    const { discord, seed } = world;
    const connection = (world.database.dataSource.driver as unknown as { databaseConnection: { on(event: 'trace', listener: (sql: string) => void): void; removeAllListeners(event: string): void } }).databaseConnection;
    const statements: string[] = [];
    connection.on('trace', (sql) => statements.push(sql));
    try {
      for (let i = 0; i < 50; i++) discord.userMessage({ channelId: seed.channels.general, user: seed.users.bob, content: `hello ${i}` });
      await vi.waitFor(() => expect(discord.messagesIn(seed.channels.general).length).toBeGreaterThanOrEqual(50));
      await world.settle();
      expect(statements).toEqual([]);
    } finally {
      connection.removeAllListeners('trace');
    }
  });

  it('GIVEN a member with two tickets WHEN staff answer both at once THEN both answers reach them by DM, and their DM channel is asked of Discord once', async () => {
    const { discord, seed } = world;
    const member = discord.createUser({ username: 'zoe', globalName: 'Zoe' }).id;
    discord.addMember(seed.guildId, member);
    const first = await openTicket(world, { user: member, subject: 'First question' });
    const second = await openTicket(world, { user: member, subject: 'Second question' });
    discord.userMessage({ channelId: first.threadId, user: seed.users.anna, content: 'Answer to the first' });
    discord.userMessage({ channelId: second.threadId, user: seed.users.anna, content: 'Answer to the second' });
    await vi.waitFor(() => expect(discord.dmsTo(member).map((m) => m.embeds[0]?.description).sort()).toEqual(['Answer to the first', 'Answer to the second']));
    const asked = discord.callsTo('POST', /\/users\/@me\/channels$/).filter((c) => (c.body as { recipient_id?: string }).recipient_id === member);
    expect(asked).toHaveLength(1);
  });

  it('GIVEN the DM channel the bot keeps for a member WHEN Discord says it no longer knows it THEN the bot asks for theirs again and the answer arrives', async () => {
    const { discord, seed } = world;
    const member = discord.createUser({ username: 'yann', globalName: 'Yann' }).id;
    discord.addMember(seed.guildId, member);
    const opened = await openTicket(world, { user: member, subject: 'A kept DM channel' });
    discord.userMessage({ channelId: opened.threadId, user: seed.users.anna, content: 'First answer' });
    await vi.waitFor(() => expect(discord.dmsTo(member)).toHaveLength(1));
    const dmChannel = discord.dmChannelOf(member)!;
    const fault = discord.injectFault({ method: 'POST', path: new RegExp(`/channels/${dmChannel}/messages$`), status: 404, code: 10003, message: 'Unknown Channel' });
    discord.userMessage({ channelId: opened.threadId, user: seed.users.anna, content: 'Second answer' });
    await vi.waitFor(() => expect(discord.dmsTo(member).map((m) => m.embeds[0]?.description)).toEqual(['First answer', 'Second answer']));
    expect(fault.hits).toBe(1);
    const asked = discord.callsTo('POST', /\/users\/@me\/channels$/).filter((c) => (c.body as { recipient_id?: string }).recipient_id === member);
    expect(asked).toHaveLength(2);
  });

  it('GIVEN many members writing WHEN the bot has seen them THEN its caches stay bounded', async () => {
    const { discord, seed } = world;
    const opened = await openTicket(world, { subject: 'Crowded ticket' });
    const client = world.desk.client;
    const users = Array.from({ length: 600 }, (_, i) => discord.createUser({ username: `member${i}` }).id);
    for (const user of users) discord.addMember(seed.guildId, user);
    for (const user of users) discord.addThreadMemberByHand(opened.threadId, user);
    for (const user of users) discord.userMessage({ channelId: opened.threadId, user, content: 'me too' });
    await vi.waitFor(async () => expect((await world.service.record(opened.ticket.id, staff().mia)).messages.length).toBeGreaterThanOrEqual(601), { timeout: 30_000, interval: 100 });
    const guild = client.guilds.cache.get(seed.guildId)!;
    expect(client.users.cache.size).toBeLessThanOrEqual(500);
    expect(guild.members.cache.size).toBeLessThanOrEqual(200);
    const thread = client.channels.cache.get(opened.threadId);
    expect(thread?.isThread() ? thread.messages.cache.size : 0).toBeLessThanOrEqual(25);
    expect(guild.members.cache.has(client.user!.id)).toBe(true);
  }, 60_000);
});
