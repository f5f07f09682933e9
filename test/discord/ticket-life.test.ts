import { afterEach, describe, expect, it, vi } from 'vitest';
import { DiscordWorld, type DiscordWorldOptions } from '../helpers/discord-world.js';
import { toImportedTickets } from '../../src/import/cli.js';
import { readLegacyFile } from '../../src/import/legacy-file.js';
import { aLegacyTicket, anImportFile } from '../helpers/import-builders.js';
import { answerOf, componentId, openTicket } from './helpers.js';

let world: DiscordWorld | null = null;
afterEach(async () => {
  await world?.stop();
  world = null;
});

async function start(options: DiscordWorldOptions = {}): Promise<DiscordWorld> {
  world = await DiscordWorld.start({ limits: { maxOpenPerUser: 20 }, ...options });
  return world;
}

const staffOf = (w: DiscordWorld) => ({ id: w.seed.users.mia, name: 'Mia', roleIds: [w.seed.roles.moderators] });

async function pendingTicket(w: DiscordWorld, subject: string) {
  const opened = await openTicket(w, { subject });
  w.discord.userMessage({ channelId: opened.threadId, user: w.seed.users.anna, content: 'Could you check your bank statement?' });
  await vi.waitFor(async () => expect((await w.service.ticketById(opened.ticket.id)).status).toBe('pending'));
  return opened;
}

describe('tickets that close by themselves, on Discord', () => {
  it('GIVEN a pending ticket WHEN the requester stays silent THEN they are warned first, then it closes once, and they are asked to rate', async () => {
    const w = await start({ autoClose: { pendingAfterHours: 48, resolvedAfterHours: 24, warnBeforeHours: 12, requesterReopenDays: 7 } });
    const opened = await pendingTicket(w, 'Silent requester');
    w.clock.advance({ hours: 35 });
    expect(await w.tick()).toEqual({ warned: 0, autoClosed: 0, flagged: 0, reconciled: 0 });
    w.clock.advance({ hours: 2 });
    expect(await w.tick()).toMatchObject({ warned: 1, autoClosed: 0 });
    expect(await w.tick()).toMatchObject({ warned: 0 });
    const warnings = w.discord.dmsTo(w.seed.users.alice).filter((m) => m.content.includes('will close automatically'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.content).toMatch(/^Your ticket CS-0001 will close automatically <t:\d+:R> unless you reply\./);
    expect(w.discord.messagesIn(opened.threadId).some((m) => m.content.startsWith('CS-0001 will close automatically'))).toBe(true);

    w.clock.advance({ hours: 12 });
    expect(await w.tick()).toMatchObject({ autoClosed: 1 });
    expect(await w.tick()).toMatchObject({ autoClosed: 0 });
    const ticket = await w.service.ticketById(opened.ticket.id);
    expect(ticket).toMatchObject({ status: 'closed', closedById: 'system', closeReason: 'No reply from the requester' });
    await vi.waitFor(() => expect(w.discord.channel(opened.threadId)).toMatchObject({ thread_metadata: { archived: true, locked: true } }));
    expect(w.discord.messagesIn(opened.threadId).some((m) => m.content === 'Support desk closed this ticket: closed automatically: no reply from the requester')).toBe(true);
    const dms = w.discord.dmsTo(w.seed.users.alice);
    expect(dms.some((m) => m.content.startsWith('Your ticket CS-0001 was closed: closed automatically: no reply from the requester'))).toBe(true);
    const prompt = dms.find((m) => m.content.startsWith('How did we do on CS-0001?'))!;
    expect(prompt).toBeDefined();

    // The rating: four stars, then a comment; a second rating of the same closing is refused.
    const four = w.discord.clickButton({ message: prompt, customId: componentId(prompt, `rate:${opened.ticket.id}:4`), user: w.seed.users.alice });
    expect((await four.response()).type).toBe(9);
    const comment = await w.discord.submitModal(four, w.seed.users.alice, { comment: 'Quick and kind.' });
    expect(await answerOf(comment)).toBe('Thank you! You rated the help 4/5. Thank you for your comment.');
    const again = w.discord.clickButton({ message: prompt, customId: componentId(prompt, `rate:${opened.ticket.id}:1`), user: w.seed.users.alice });
    expect(await answerOf(again)).toBe('You already rated this ticket (4/5). Thank you!');
    const stranger = w.discord.clickButton({ message: prompt, customId: componentId(prompt, `rate:${opened.ticket.id}:5`), user: w.seed.users.bob });
    expect(await answerOf(stranger)).toBe('You are not allowed to rate this ticket.');
    const rows = await w.database.dataSource.query('SELECT score, comment, requester_id FROM ticket_ratings');
    expect(rows).toEqual([{ score: 4, comment: 'Quick and kind.', requester_id: w.seed.users.alice }]);
  });

  it('GIVEN a warned ticket WHEN the requester writes THEN the auto-close is cancelled', async () => {
    const w = await start({ autoClose: { pendingAfterHours: 48, resolvedAfterHours: 24, warnBeforeHours: 12 } });
    const opened = await pendingTicket(w, 'Saved by a reply');
    w.clock.advance({ hours: 40 });
    expect(await w.tick()).toMatchObject({ warned: 1 });
    w.discord.userMessage({ channelId: opened.threadId, user: w.seed.users.alice, content: 'Sorry, here is the statement.' });
    await vi.waitFor(async () => expect((await w.service.ticketById(opened.ticket.id)).status).toBe('open'));
    w.clock.advance({ hours: 100 });
    expect(await w.tick()).toMatchObject({ warned: 0, autoClosed: 0 });
    expect((await w.service.ticketById(opened.ticket.id)).autoCloseAt).toBeNull();
  });

  it('GIVEN a resolved ticket WHEN nothing more is written THEN it closes by itself after the resolved delay', async () => {
    const w = await start({ autoClose: { pendingAfterHours: 168, resolvedAfterHours: 24, warnBeforeHours: 6 } });
    const opened = await openTicket(w, { subject: 'Resolved and quiet' });
    const resolve = w.discord.slashCommand({ channelId: opened.threadId, user: w.seed.users.anna, name: 'resolve' });
    await answerOf(resolve);
    w.clock.advance({ hours: 25 });
    expect(await w.tick()).toMatchObject({ autoClosed: 1 });
    const ticket = await w.service.ticketById(opened.ticket.id);
    expect(ticket).toMatchObject({ status: 'closed', closeReason: 'Resolved, with no new message' });
    const events = (await w.service.record(ticket.id, staffOf(w))).events.filter((e) => e.type === 'closed');
    expect(events.map((e) => [e.actorId, e.data])).toEqual([['system', { automatic: 'resolved' }]]);
  });

  it('GIVEN timers in the database WHEN the bot restarts THEN none is lost and none fires twice', async () => {
    const w = await start({ autoClose: { pendingAfterHours: 10, resolvedAfterHours: 10, warnBeforeHours: 2 } });
    const first = await pendingTicket(w, 'Before the restart');
    w.clock.advance({ hours: 8, minutes: 30 });
    expect(await w.tick()).toMatchObject({ warned: 1 });
    await w.restart();
    expect(await w.tick()).toMatchObject({ warned: 0, autoClosed: 0 });
    w.clock.advance({ hours: 2 });
    expect(await w.tick()).toMatchObject({ autoClosed: 1 });
    await w.restart();
    expect(await w.tick()).toMatchObject({ warned: 0, autoClosed: 0 });
    expect((await w.service.ticketById(first.ticket.id)).status).toBe('closed');
    expect(w.discord.dmsTo(w.seed.users.alice).filter((m) => m.content.includes('will close automatically'))).toHaveLength(1);
  });
});

describe('support hours on Discord', () => {
  const hours = { timezone: 'Europe/Paris', days: 'mon-fri', from: '09:00', to: '18:00', holidays: ['2026-12-25'] };

  it('GIVEN a ticket opened on a Saturday WHEN it opens THEN the requester is told when to expect an answer, and staff hear once when the target passes', async () => {
    const w = await start({ desk: { hours } });
    w.clock.set('2026-11-28T10:00:00Z');
    const opened = await openTicket(w, { subject: 'Weekend problem' });
    const monday = Math.floor(Date.parse('2026-11-30T08:00:00Z') / 1000);
    expect(opened.answer).toContain(`Support is closed right now; expect an answer from <t:${monday}:F>.`);
    expect(w.discord.messagesIn(opened.threadId).some((m) => m.content === `Support is closed right now; expect an answer from <t:${monday}:F>.`)).toBe(true);
    expect((await w.service.ticketById(opened.ticket.id)).firstResponseDueAt).toEqual(new Date('2026-11-30T17:00:00Z'));

    w.clock.set('2026-11-30T16:59:00Z');
    expect(await w.tick()).toMatchObject({ flagged: 0 });
    w.clock.set('2026-11-30T17:01:00Z');
    expect(await w.tick()).toMatchObject({ flagged: 1 });
    expect(await w.tick()).toMatchObject({ flagged: 0 });
    const notices = w.discord.messagesIn(w.seed.channels.log).filter((m) => m.content.startsWith('⚠️ CS-0001'));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.content).toBe(`⚠️ CS-0001 (💳 Billing) has had no answer within its first-response target (due <t:${Math.floor(Date.parse('2026-11-30T17:00:00Z') / 1000)}:f>).`);
  });

  it('GIVEN support hours WHEN a ticket opens during them THEN there is no closed-hours notice, and an answer in time raises no flag', async () => {
    const w = await start({ desk: { hours } });
    w.clock.set('2026-12-01T09:30:00Z');
    const opened = await openTicket(w, { subject: 'Tuesday morning' });
    expect(opened.answer).not.toContain('Support is closed');
    w.discord.userMessage({ channelId: opened.threadId, user: w.seed.users.anna, content: 'On it.' });
    await vi.waitFor(async () => expect((await w.service.ticketById(opened.ticket.id)).firstResponseAt).not.toBeNull());
    w.clock.set('2026-12-03T09:30:00Z');
    expect(await w.tick()).toMatchObject({ flagged: 0 });
  });
});

describe('figures and suggestions on Discord', () => {
  it('GIVEN tickets answered, closed and rated WHEN staff ask for stats THEN they see counts, business-hour durations and satisfaction', async () => {
    const w = await start();
    const a = await openTicket(w, { subject: 'First question' });
    w.clock.advance({ hours: 2 });
    w.discord.userMessage({ channelId: a.threadId, user: w.seed.users.anna, content: 'Answer one' });
    await vi.waitFor(async () => expect((await w.service.ticketById(a.ticket.id)).status).toBe('pending'));
    const b = await openTicket(w, { subject: 'Second question', category: 'technical', answers: { steps: 'Do it' } });
    await w.service.claim(b.ticket.id, { id: w.seed.users.tom, name: 'Tom', roleIds: [w.seed.roles.technicalAgents] });
    w.clock.advance({ hours: 4 });
    await w.service.close(a.ticket.id, staffOf(w), 'done');
    await w.service.rate(a.ticket.id, { id: w.seed.users.alice, name: 'Alice' }, 5);
    const stats = w.discord.slashCommand({ channelId: w.seed.channels.general, user: w.seed.users.mia, name: 'tickets', subcommand: 'stats', options: { days: 7 } });
    const text = await answerOf(stats);
    expect(text).toContain('2 tickets opened · 0 past the first-response target');
    const embed = stats.original()!.embeds[0]!;
    const field = (name: string) => embed.fields!.find((f) => f.name === name)!.value;
    expect(field('By status')).toBe('🟢 Open 1 · ⏳ Waiting for your reply 0 · ✅ Resolved 0 · 🔒 Closed 1');
    expect(field('By category')).toBe('💳 Billing 1 · Technical problem 1');
    expect(field('First response (business hours)')).toBe('median 2.0 h · 90% within 2.0 h (1 tickets)');
    expect(field('Resolution (business hours)')).toBe('median 6.0 h · 90% within 6.0 h (1 tickets)');
    expect(field('Satisfaction')).toBe('5.0/5 from 1 rating');
    expect(field('Tickets per agent')).toBe('Tom: 1 assigned, 0 closed');
    const member = w.discord.slashCommand({ channelId: w.seed.channels.general, user: w.seed.users.bob, name: 'tickets', subcommand: 'stats' });
    expect(await answerOf(member)).toBe('You are not allowed to see statistics of this ticket.');
  });

  it('GIVEN help articles WHEN a form matches them THEN they are suggested first, and the ticket opens only if asked', async () => {
    const w = await start({ desk: { helpArticles: [{ title: 'Reset your password', url: 'https://help.example.com/password', keywords: ['password', 'mot de passe'] }] } });
    const ask = async (subject: string) => {
      const command = w.discord.slashCommand({ channelId: w.seed.channels.general, user: w.seed.users.bob, name: 'ticket', options: { category: 'billing' } });
      const submit = await w.discord.submitModal(command, w.seed.users.bob, { subject, description: 'I cannot log in since yesterday evening.' });
      expect(await answerOf(submit)).toBe('Before you open a ticket: these articles may already answer your question.');
      return submit.original()!;
    };
    const first = await ask('Forgot my password');
    expect(JSON.stringify(first.components)).toContain('https://help.example.com/password');
    const drop = w.discord.clickButton({ message: first, customId: componentId(first, 'ticket-drop:'), user: w.seed.users.bob });
    expect(await answerOf(drop)).toBe('Glad it helped! No ticket was opened.');
    expect(await w.database.dataSource.query('SELECT COUNT(*) AS n FROM tickets')).toEqual([{ n: 0 }]);
    const second = await ask('Mot de passe oublié');
    const open = w.discord.clickButton({ message: second, customId: componentId(second, 'ticket-confirm:'), user: w.seed.users.bob });
    await vi.waitFor(() => expect(open.original()?.content).toContain('Your ticket CS-0001 is open'));
    const unrelated = w.discord.slashCommand({ channelId: w.seed.channels.general, user: w.seed.users.bob, name: 'ticket', options: { category: 'billing' } });
    const direct = await w.discord.submitModal(unrelated, w.seed.users.bob, { subject: 'Invoice address wrong', description: 'The invoice shows my old address.' });
    expect(await answerOf(direct)).toContain('Your ticket CS-0002 is open');
  });
});

describe('tickets imported from an earlier help desk, on Discord', () => {
  it('GIVEN an imported ticket WHEN its requester lists their tickets and asks for its transcript THEN it is there, readable', async () => {
    const w = await start();
    const text = JSON.stringify({
      ...anImportFile([
        aLegacyTicket({
          requester: { id: w.seed.users.alice, name: 'Alice' },
          messages: [
            { author: { id: w.seed.users.anna, name: 'Anna', role: 'agent' }, body: 'Refund sent in 2024.', createdAt: '2024-03-01T12:00:00Z' },
            { author: { id: w.seed.users.anna, name: 'Anna', role: 'agent' }, body: 'Old internal remark', createdAt: '2024-03-01T12:01:00Z', internal: true },
          ],
        }),
      ]),
      desk: 'main',
    });
    const read = readLegacyFile(text, w.service.desks);
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    const result = await w.service.importLegacy('main', read.file.source, await toImportedTickets(read.file, w.desk.context.storage));
    expect(result.imported).toEqual(['CS-295900']);
    const list = w.discord.slashCommand({ channelId: w.seed.channels.general, user: w.seed.users.alice, name: 'tickets', subcommand: 'list', options: { status: 'all' } });
    expect(await answerOf(list)).toContain('CS-295900');
    const transcript = w.discord.slashCommand({ channelId: w.seed.channels.general, user: w.seed.users.alice, name: 'transcript', options: { ticket: 'CS-295900' } });
    await answerOf(transcript);
    const html = w.discord.attachmentBytes(transcript.original()!.attachments[0]!.url).toString('utf8');
    expect(html).toContain('Refund sent in 2024.');
    expect(html).toContain('Imported from zendesk');
    expect(html).not.toContain('Old internal remark');
  });
});
