import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalAttachmentStorage } from '../../src/persistence/local-attachment-storage.js';
import { DiscordWorld } from '../helpers/discord-world.js';
import { answerOf, componentId, messagePosts, openTicket, PNG, sha256 } from './helpers.js';

type Json = Record<string, unknown>;

let world: DiscordWorld;
beforeAll(async () => {
  world = await DiscordWorld.start();
});
afterAll(async () => {
  await world?.stop();
});

const reactions = (threadId: string, cardId: string) => world.discord.reactionsOn(threadId, cardId);
const botReactions = (threadId: string, cardId: string) =>
  Object.entries(reactions(threadId, cardId))
    .filter(([, users]) => users.includes(world.discord.botUser.id))
    .map(([emoji]) => emoji);

async function statusShown(threadId: string, cardId: string, emoji: string) {
  await vi.waitFor(() => expect(botReactions(threadId, cardId)).toEqual([emoji]), { timeout: 5000, interval: 20 });
}

describe('a ticket from /ticket to closed, on Discord', () => {
  it('GIVEN a member WHEN they open, talk, get answers, resolve, close, reopen and close again THEN Discord and the database show every step', async () => {
    const { discord, seed } = world;
    const invoice = Buffer.from('%PDF-1.4\n% invoice 42\n');

    // Alice opens a billing ticket with a screenshot.
    const opened = await openTicket(world, {
      subject: 'Charged twice for order 42',
      description: 'My card was charged twice for the same order last week.',
      answers: { order: 'A-1042' },
      files: [{ name: 'charge.png', contentType: 'image/png', bytes: PNG }],
    });
    expect(opened.answer).toContain('Your ticket CS-0001 is open');
    const modal = opened.command.modal as { title: string; components: Array<{ type: number; label: string; component: Json }> };
    expect(modal.title).toBe('Ticket: Billing');
    expect(modal.components.map((c) => [c.type, c.label, c.component.custom_id])).toEqual([
      [18, 'Subject', 'subject'],
      [18, 'Description', 'description'],
      [18, 'Order number', 'q:order'],
      [18, 'Files', 'files'],
    ]);
    const { threadId, cardId } = opened;

    // The private thread: type 12, not invitable, named after the ticket, with Alice, the bot and the billing agent.
    const [threadCall] = discord.callsTo('POST', new RegExp(`/channels/${seed.channels.billing}/threads$`));
    expect(threadCall!.body).toMatchObject({ name: 'CS-0001 · Charged twice for order 42', type: 12, invitable: false });
    await vi.waitFor(() => expect(discord.threadMembers(threadId).sort()).toEqual([discord.botUser.id, seed.users.alice, seed.users.anna].sort()));
    expect(discord.callsTo('PUT', new RegExp(`/channels/${threadId}/thread-members/${seed.users.alice}$`))).toHaveLength(1);
    await statusShown(threadId, cardId, '🟢');

    // The card (mentioning the category's agent role, which brings its members in; only that role may ping) and the re-uploaded file.
    const [card, upload] = discord.messagesIn(threadId);
    expect(card!.embeds[0]).toMatchObject({ title: 'CS-0001 · Charged twice for order 42', description: 'My card was charged twice for the same order last week.' });
    expect(card!.embeds[0]!.fields).toEqual(expect.arrayContaining([{ name: 'Order number', value: 'A-1042', inline: false }, { name: 'Status', value: '🟢 Open', inline: true }]));
    expect(componentId(card!, 'ticket:claim:')).toBe(`ticket:claim:${opened.ticket.id}`);
    expect(card!.content).toContain(`<@&${seed.roles.billingAgents}>`);
    expect(upload!.attachments.map((a) => a.filename)).toEqual(['charge.png']);
    expect(discord.attachmentBytes(upload!.attachments[0]!.url)).toEqual(PNG);
    const cardCall = discord.callsTo('POST', new RegExp(`/channels/${threadId}/messages$`)).find((c) => String((c.body as Json).content).includes('<@&'));
    expect((cardCall!.body as Json).allowed_mentions).toEqual({ parse: [], users: [seed.users.alice], roles: [seed.roles.billingAgents] });

    // The log channel hears about it, with a Join button.
    const logNotice = discord.messagesIn(seed.channels.log).at(-1)!;
    expect(logNotice.content).toContain('New ticket CS-0001 in 💳 Billing.');
    expect(componentId(logNotice, 'ticket:join:')).toBe(`ticket:join:${opened.ticket.id}`);

    // Anna answers: pending (⏳), Alice gets a DM with the answer, the file and a link back.
    discord.userMessage({ channelId: threadId, user: seed.users.anna, content: 'Could you send the invoice? @everyone', attachments: [{ name: 'refund-form.pdf', contentType: 'application/pdf', bytes: invoice }] });
    await statusShown(threadId, cardId, '⏳');
    await vi.waitFor(() => expect(discord.dmsTo(seed.users.alice)).toHaveLength(1));
    const [dm] = discord.dmsTo(seed.users.alice);
    expect(dm!.embeds[0]).toMatchObject({ author: { name: 'Anna answered your ticket CS-0001:' }, description: 'Could you send the invoice? @everyone' });
    expect(dm!.attachments.map((a) => a.filename)).toEqual(['refund-form.pdf']);
    expect(dm!.mention_everyone).toBe(false);
    expect((await world.service.ticketById(opened.ticket.id)).status).toBe('pending');

    // Alice answers with the invoice: open again (🟢).
    discord.userMessage({ channelId: threadId, user: seed.users.alice, content: 'Here it is.', attachments: [{ name: 'invoice.pdf', contentType: 'application/pdf', bytes: invoice }] });
    await statusShown(threadId, cardId, '🟢');

    // Anna resolves it from the thread: ✅, and Alice is told.
    const resolve = discord.slashCommand({ channelId: threadId, user: seed.users.anna, name: 'resolve' });
    expect(await answerOf(resolve)).toBe('CS-0001 is marked as resolved.');
    await statusShown(threadId, cardId, '✅');
    await vi.waitFor(() => expect(discord.dmsTo(seed.users.alice).at(-1)!.content).toContain('was marked as resolved'));

    // Mia closes it with a reason, after confirming: 🔒, notice, thread archived and locked, Alice told with a Reopen button.
    const close = discord.slashCommand({ channelId: threadId, user: seed.users.mia, name: 'close', options: { reason: 'Refund issued' } });
    expect(await answerOf(close)).toBe('Close ticket CS-0001 with the reason "Refund issued"? The thread will be archived and locked.');
    const confirmation = await replyOf(close);
    const confirm = discord.clickButton({ message: confirmation, customId: componentId(confirmation, 'close-confirm:'), user: seed.users.mia });
    expect((await confirm.response()).type).toBe(6);
    await vi.waitFor(() => expect(confirm.original()?.content).toBe('Ticket CS-0001 is closed.'), { timeout: 5000 });
    await statusShown(threadId, cardId, '🔒');
    await vi.waitFor(() => expect(discord.channel(threadId)).toMatchObject({ thread_metadata: { archived: true, locked: true } }));
    expect(discord.messagesIn(threadId).some((m) => m.content === 'Mia closed this ticket: Refund issued')).toBe(true);
    const closedDm = discord.dmsTo(seed.users.alice).findLast((m) => m.content.includes('was closed'))!;
    expect(closedDm.content).toContain('Your ticket CS-0001 was closed: Refund issued');
    expect(closedDm.content).toContain('reopen it within 7 days');
    // Transcripts: the requester's copy comes with the closing DM, the staff copy goes to the log channel.
    expect(closedDm.attachments.map((a) => a.filename)).toEqual(['CS-0001-transcript.html']);
    expect(discord.attachmentBytes(closedDm.attachments[0]!.url).toString('utf8')).toContain('Could you send the invoice?');
    const logged = discord.messagesIn(seed.channels.log).findLast((m) => m.content.startsWith('CS-0001 · Mia closed this ticket'))!;
    expect(logged.attachments.map((a) => a.filename)).toEqual(['CS-0001-transcript.html']);
    expect(discord.attachmentBytes(logged.attachments[0]!.url).toString('utf8')).toContain('Here it is.');
    // The 🔒 and the notice went in before the thread was archived (an archived thread takes neither).
    const order = discord.calls.filter((c) => c.path.includes(threadId)).map((c) => `${c.method} ${c.path}`);
    const archivedAt = order.findIndex((c) => c === `PATCH /api/v10/channels/${threadId}`);
    expect(order.findIndex((c) => c.includes(encodeURIComponent('🔒')) || c.includes('🔒'))).toBeLessThan(archivedAt);

    // Alice reopens it from her DM, with a reason: thread unarchived, 🟢.
    const reopenButton = discord.clickButton({ message: closedDm, customId: componentId(closedDm, 'ticket:reopen:'), user: seed.users.alice });
    const reopenModal = await reopenButton.response();
    expect(reopenModal.type).toBe(9);
    const reopen = await discord.submitModal(reopenButton, seed.users.alice, { reason: 'The refund never arrived' });
    expect(await answerOf(reopen)).toBe('Ticket CS-0001 is open again.');
    await statusShown(threadId, cardId, '🟢');
    expect(discord.channel(threadId)).toMatchObject({ thread_metadata: { archived: false, locked: false } });

    // Closed again, this time by Alice herself from the card's Close button (a modal is the confirmation).
    const closeButton = discord.clickButton({ messageId: cardId, channelId: threadId, customId: `ticket:close:${opened.ticket.id}`, user: seed.users.alice });
    expect((await closeButton.response()).type).toBe(9);
    const closeModal = await discord.submitModal(closeButton, seed.users.alice, { reason: 'Got it, thanks' });
    expect(await answerOf(closeModal)).toBe('Ticket CS-0001 is closed.');
    await statusShown(threadId, cardId, '🔒');

    // What the database holds: the ticket, every message with its files (bytes kept), every event.
    const record = await world.service.record(opened.ticket.id, { id: seed.users.mia, name: 'Mia', roleIds: [seed.roles.moderators] });
    expect(record.ticket).toMatchObject({ status: 'closed', closeReason: 'Got it, thanks', closedById: seed.users.alice, subject: 'Charged twice for order 42', threadId, cardMessageId: cardId });
    expect(record.ticket.firstResponseAt).not.toBeNull();
    const bodies = record.messages.map((m) => [m.authorRole, m.body]);
    expect(bodies).toEqual(
      expect.arrayContaining([
        ['requester', 'My card was charged twice for the same order last week.'],
        ['agent', 'Could you send the invoice? @everyone'],
        ['requester', 'Here it is.'],
        ['system', 'Mia closed this ticket: Refund issued'],
      ]),
    );
    const opening = record.messages[0]!;
    expect(opening).toMatchObject({ channelId: threadId, messageId: cardId });
    expect(opening.attachments.map((a) => [a.name, a.size, a.sha256])).toEqual([['charge.png', PNG.length, sha256(PNG)]]);
    expect(opening.copies).toEqual([{ channelId: threadId, messageId: upload!.id, purpose: 'reupload' }]);
    const agentReply = record.messages.find((m) => m.body.startsWith('Could you send'))!;
    expect(agentReply.copies).toEqual([{ channelId: dm!.channel_id, messageId: dm!.id, purpose: 'notification' }]);
    const storage = new LocalAttachmentStorage(join(world.dir, 'attachments'));
    for (const attachment of record.messages.flatMap((m) => m.attachments)) {
      expect(sha256(await storage.get(attachment.storageKey))).toBe(attachment.sha256);
    }
    expect(record.messages.flatMap((m) => m.attachments.map((a) => a.name)).sort()).toEqual(['charge.png', 'invoice.pdf', 'refund-form.pdf']);
    expect(record.events.map((e) => [e.type, e.fromStatus, e.toStatus, e.actorName, e.reason])).toEqual([
      ['opened', null, 'open', 'Alice', null],
      ['status_changed', 'open', 'pending', 'Anna', null],
      ['status_changed', 'pending', 'open', 'Alice', null],
      ['resolved', 'open', 'resolved', 'Anna', null],
      ['closed', 'resolved', 'closed', 'Mia', 'Refund issued'],
      ['reopened', 'closed', 'open', 'Alice', 'The refund never arrived'],
      ['closed', 'open', 'closed', 'Alice', 'Got it, thanks'],
    ]);

    // Nothing the bot sent could ping anyone it should not.
    for (const call of messagePosts(discord.calls)) {
      const body = (call.body.type === 4 || call.body.type === 7 ? (call.body.data as Json) : call.body) ?? {};
      expect(body.allowed_mentions, `${call.method} ${call.path}`).toBeDefined();
      const allowed = body.allowed_mentions as { parse?: string[]; roles?: string[] };
      expect(allowed.parse ?? []).not.toContain('everyone');
      expect(allowed.parse ?? []).not.toContain('roles');
      for (const role of allowed.roles ?? []) expect([seed.roles.billingAgents, seed.roles.technicalAgents]).toContain(role);
    }

    // Every REST body the bot sent fits Discord's own API description.
    const file = join(mkdtempSync(join(tmpdir(), 'discord-calls-')), 'calls.json');
    discord.writeCalls(file);
    const checked = checkDiscordCalls(file);
    if (checked) {
      expect(checked.status, checked.output.split('\n').filter((l) => l.startsWith('FAIL')).join('\n')).toBe(0);
      expect(checked.output).toMatch(/\d+ checks, 0 failed/);
      console.log(`check-discord-calls: ${/\d+ checks, \d+ failed/.exec(checked.output)?.[0]} (report: ${file}.report.txt)`);
    } else {
      // CI installs the checker (.ci/run); a developer machine without it says so instead of passing silently.
      expect(process.env.CI, 'check-discord-calls is not installed').toBeFalsy();
      console.warn('check-discord-calls not installed: REST bodies not checked against the OpenAPI description');
    }
    expect(world.logs.lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});

async function replyOf<T>(handle: { original(): T | null }): Promise<T> {
  await vi.waitFor(() => expect(handle.original()).not.toBeNull());
  return handle.original()!;
}

/** Runs ../shared/tools/check-discord-calls on the recorded calls when its dependencies are installed (see .ci/run). */
export function checkDiscordCalls(file: string): { status: number; output: string } | null {
  const tool = process.env.CHECK_DISCORD_CALLS ?? '/work/shared/tools/check-discord-calls/check.js';
  const modules = [process.env.CHECK_DISCORD_CALLS_MODULES, join(tool, '..', 'node_modules'), '/tmp/check-tool/node_modules'].find((dir) => dir && existsSync(join(dir, 'ajv')));
  if (!existsSync(tool) || !modules) return null;
  const run = spawnSync(process.execPath, [tool, file], { env: { ...process.env, NODE_PATH: modules }, encoding: 'utf8' });
  writeFileSync(`${file}.report.txt`, run.stdout);
  return { status: run.status ?? 1, output: run.stdout + run.stderr };
}
