import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalAttachmentStorage } from '../../src/persistence/local-attachment-storage.js';
import { SlackWorld } from '../helpers/slack-world.js';
import { sha256 } from '../discord/helpers.js';
import { botReactions, callsTo, waitFor } from './helpers.js';

type Json = Record<string, unknown>;

describe.each(['http', 'socket'] as const)('a ticket from /ticket to closed, on Slack over %s', (mode) => {
  let world: SlackWorld;
  beforeAll(async () => {
    world = await SlackWorld.start({ mode });
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('GIVEN a member WHEN they open, talk, get answers, a note is left, it is resolved, closed and reopened THEN Slack and the database show every step', async () => {
    const { slack, ids } = world;
    const statusIs = (channel: string, ts: string, name: string) => waitFor(() => expect(botReactions(world, channel, ts)).toEqual([name]));

    // The form: choosing a category redraws it with that category's questions.
    const command = await slack.slashCommand({ user: ids.users.alice, channel: ids.channels.general, command: '/ticket' });
    const open = await slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === command.triggerId);
    const view = open.args.view as { blocks: Array<{ block_id: string }> };
    expect(view.blocks.map((b) => b.block_id)).toEqual(['category', 'subject', 'description', 'files']);
    await slack.blockAction({ user: ids.users.alice, actionId: 'ticket_category', view: (open.response as { view: { id: string } }).view.id, value: 'technical' });
    const update = await slack.waitForCall((c) => c.method === 'views.update');
    expect((update.args.view as { blocks: Array<{ block_id: string }> }).blocks.map((b) => b.block_id)).toEqual(['category', 'subject', 'description', 'q_steps', 'files']);
    const log = Buffer.from('FATAL: payment module crashed\n');
    const submitted = await slack.submitView({
      user: ids.users.alice,
      values: {
        subject: { subject: 'App crashes when I pay' },
        description: { description: 'Every time I tap Pay the app closes.' },
        q_steps: { answer: 'Open the app, tap Pay' },
        files: { files: [{ name: 'crash.log', data: log, mimetype: 'text/plain' }] },
      },
    });
    expect(submitted.ackBody).toBeUndefined();
    expect(submitted.open).toBe(false);
    let ticketId = 0;
    await waitFor(async () => {
      const [found] = await world.service.list('slack', slack.teamId, { id: ids.users.alice, name: 'Alice' }, { status: 'all' });
      expect(found?.requesterThreadId).toBeTruthy();
      ticketId = found!.id;
    });
    await world.settle();
    let ticket = await world.service.ticketById(ticketId);
    const staff = { channel: ticket.channelId!, ts: ticket.threadId! };
    const dm = { channel: ticket.requesterChannelId!, ts: ticket.requesterThreadId! };
    expect(staff.channel).toBe(ids.channels.staff);
    expect(dm.channel).toBe(slack.dmChannelOf(ids.users.alice));

    // Both cards, the file in the staff thread, the 🟢 on both roots.
    const [staffCard] = slack.messagesIn(staff.channel);
    expect(JSON.stringify(staffCard!.blocks)).toContain('CS-0001 · App crashes when I pay');
    expect(JSON.stringify(staffCard!.blocks)).toContain('Open the app, tap Pay');
    const dmCard = slack.messagesIn(dm.channel).find((m) => m.ts === dm.ts)!;
    expect(JSON.stringify(dmCard.blocks)).toContain('Reply in this thread to write to the support team.');
    const [complete] = callsTo(world, 'files.completeUploadExternal');
    expect(complete!.args).toMatchObject({ channel_id: staff.channel, thread_ts: staff.ts });
    expect(callsTo(world, 'files.getUploadURLExternal')[0]!.args).toMatchObject({ filename: 'crash.log', length: String(log.length) });
    await statusIs(staff.channel, staff.ts, 'large_green_circle');
    await statusIs(dm.channel, dm.ts, 'large_green_circle');

    // Alice adds details in her DM thread: mirrored to the staff thread as her, with her avatar.
    await slack.userMessage({ user: ids.users.alice, channel: dm.channel, thread_ts: dm.ts, text: 'It started after the update <!channel>' });
    await waitFor(() => expect(slack.messagesIn(staff.channel, { thread_ts: staff.ts }).some((m) => String(m.text).startsWith('It started after the update'))).toBe(true));
    const toStaff = callsTo(world, 'chat.postMessage', (a) => a.channel === staff.channel && a.thread_ts === staff.ts && String(a.text).startsWith('It started'))[0]!;
    expect(toStaff.args).toMatchObject({ username: 'Alice', thread_ts: staff.ts, text: 'It started after the update @\u200bchannel' });
    expect(String(toStaff.args.icon_url)).toMatch(/^https?:\/\//);

    // Agnès answers in the staff thread with a screenshot: mirrored to Alice's DM thread, ⏳ on both roots.
    const shot = Buffer.from('fake-png-bytes');
    await slack.userMessage({ user: ids.users.agnes, channel: staff.channel, thread_ts: staff.ts, text: 'Please try reinstalling, see the screenshot.', files: [{ name: 'steps.png', data: shot, mimetype: 'image/png' }] });
    await statusIs(staff.channel, staff.ts, 'hourglass_flowing_sand');
    await statusIs(dm.channel, dm.ts, 'hourglass_flowing_sand');
    await waitFor(() => expect(callsTo(world, 'chat.postMessage', (a) => a.channel === dm.channel && a.thread_ts === dm.ts && a.username === 'Agnès (support)')).toHaveLength(1));
    await waitFor(() => expect(callsTo(world, 'files.completeUploadExternal', (a) => a.channel_id === dm.channel && a.thread_ts === dm.ts)).toHaveLength(1));

    // An internal note stays in the staff thread: stored, marked 📝, never mirrored.
    const dmPostsBefore = callsTo(world, 'chat.postMessage', (a) => a.channel === dm.channel).length;
    const noteTs = await slack.userMessage({ user: ids.users.agnes, channel: staff.channel, thread_ts: staff.ts, text: 'note: VIP customer, be gentle' });
    await waitFor(() => expect(Object.keys(slack.reactionsOn(staff.channel, noteTs))).toContain('memo'));
    await world.settle();
    expect(callsTo(world, 'chat.postMessage', (a) => a.channel === dm.channel)).toHaveLength(dmPostsBefore);

    // Agnès resolves it from the card: ✅ on both roots.
    await slack.blockAction({ user: ids.users.agnes, actionId: 'ticket_resolve', channel: staff.channel, message: staff.ts });
    await statusIs(staff.channel, staff.ts, 'white_check_mark');
    await statusIs(dm.channel, dm.ts, 'white_check_mark');

    // Max closes it with a reason through the Close modal: 🔒, both cards updated, Alice told.
    const close = await slack.blockAction({ user: ids.users.max, actionId: 'ticket_close', channel: staff.channel, message: staff.ts });
    await slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === close.triggerId);
    const closed = await slack.submitView({ user: ids.users.max, values: { reason: { reason: 'Fixed by reinstalling' } } });
    expect(closed.ackBody).toBeUndefined();
    await statusIs(staff.channel, staff.ts, 'lock');
    await statusIs(dm.channel, dm.ts, 'lock');
    await waitFor(() => expect(slack.messagesIn(dm.channel, { thread_ts: dm.ts }).some((m) => m.text === 'Your ticket CS-0001 was closed: Fixed by reinstalling If you still need help with it, you can reopen it within 7 days.')).toBe(true));
    expect(JSON.stringify(slack.message(staff.channel, staff.ts)!.blocks)).toContain('ticket_reopen');
    expect(JSON.stringify(slack.message(dm.channel, dm.ts)!.blocks)).toContain('ticket_reopen');

    // Alice reopens it from her card, with the reason the modal requires: 🟢 again.
    const reopen = await slack.blockAction({ user: ids.users.alice, actionId: 'ticket_reopen', channel: dm.channel, message: dm.ts });
    await slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === reopen.triggerId);
    await expect(slack.submitView({ user: ids.users.alice, values: { reason: { reason: '' } } })).rejects.toThrow(/required/);
    await slack.submitView({ user: ids.users.alice, values: { reason: { reason: 'Crashes again after reinstalling' } } });
    await statusIs(staff.channel, staff.ts, 'large_green_circle');
    await statusIs(dm.channel, dm.ts, 'large_green_circle');

    // The database: the ticket, every message with its mirrored copies, files with bytes, every event.
    await world.settle();
    ticket = await world.service.ticketById(ticketId);
    expect(ticket).toMatchObject({ status: 'open', subject: 'App crashes when I pay', requesterId: ids.users.alice, channelId: staff.channel, requesterChannelId: dm.channel });
    const record = await world.service.record(ticketId, { id: ids.users.max, name: 'Max' });
    const byBody = (start: string) => record.messages.find((m) => m.body.startsWith(start))!;
    expect(byBody('Every time I tap Pay')).toMatchObject({ authorRole: 'requester', channelId: staff.channel, messageId: staff.ts });
    expect(byBody('It started after the update')).toMatchObject({ authorRole: 'requester', visibility: 'public', channelId: dm.channel });
    expect(byBody('It started after the update').copies).toEqual([{ channelId: staff.channel, messageId: toStaff.response.ts, purpose: 'mirror' }]);
    expect(byBody('Please try reinstalling')).toMatchObject({ authorRole: 'agent', visibility: 'public' });
    expect(byBody('Please try reinstalling').copies).toHaveLength(1);
    expect(byBody('VIP customer')).toMatchObject({ visibility: 'internal', copies: [] });
    const storage = new LocalAttachmentStorage(join(world.dir, 'attachments'));
    const files = record.messages.flatMap((m) => m.attachments);
    expect(files.map((f) => [f.name, f.sha256])).toEqual([
      ['crash.log', sha256(log)],
      ['steps.png', sha256(shot)],
    ]);
    for (const file of files) expect(sha256(await storage.get(file.storageKey))).toBe(file.sha256);
    expect(record.events.map((e) => [e.type, e.fromStatus, e.toStatus, e.actorId, e.reason])).toEqual([
      ['opened', null, 'open', ids.users.alice, null],
      ['status_changed', 'open', 'pending', ids.users.agnes, null],
      ['resolved', 'pending', 'resolved', ids.users.agnes, null],
      ['closed', 'resolved', 'closed', ids.users.max, 'Fixed by reinstalling'],
      ['reopened', 'closed', 'open', ids.users.alice, 'Crashes again after reinstalling'],
    ]);

    // No Web API call failed, and nothing the bot posted can broadcast.
    expect(slack.calls.filter((c) => !(c.response as Json).ok).map((c) => `${c.method}: ${(c.response as Json).error}`)).toEqual([]);
    for (const call of callsTo(world, 'chat.postMessage')) expect(String(call.args.text)).not.toMatch(/<!(channel|here|everyone)/);
    expect(world.logs.lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});
