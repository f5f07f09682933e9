import { afterEach, describe, expect, it } from 'vitest';
import { SlackWorld, type SlackWorldOptions } from '../helpers/slack-world.js';
import { botReactions, callsTo, openSlackTicket, waitFor } from './helpers.js';

type Json = Record<string, unknown>;

let world: SlackWorld | null = null;
afterEach(async () => {
  await world?.stop();
  world = null;
});

async function start(options: SlackWorldOptions = {}) {
  world = await SlackWorld.start({ ...options, limits: { maxOpenPerUser: 20, ...options.limits } });
  return world;
}

const threadTexts = (w: SlackWorld, channel: string, ts: string) => w.slack.messagesIn(channel, { thread_ts: ts }).map((m) => String(m.text));
/** The text of every file shared into a thread: transcripts are read back from what Slack stored. */
const filesIn = (w: SlackWorld, channel: string, ts: string) =>
  callsTo(w, 'files.completeUploadExternal', (a) => a.channel_id === channel && (ts === '' ? a.thread_ts === undefined : a.thread_ts === ts)).flatMap((c) =>
    (c.args.files as Array<{ id: string }>).map((f) => w.slack.uploadedFile(f.id)!),
  );

describe('tickets that close by themselves, on Slack', () => {
  it('GIVEN a pending ticket WHEN the requester stays silent THEN they are warned, it closes once with transcripts, and they rate it', async () => {
    const w = await start({ autoClose: { pendingAfterHours: 48, resolvedAfterHours: 24, warnBeforeHours: 12 } });
    const { slack, ids } = w;
    const opened = await openSlackTicket(w, { subject: 'Quiet after the answer' });
    await slack.userMessage({ user: ids.users.agnes, channel: opened.staff.channel, thread_ts: opened.staff.ts, text: 'Did the update help?' });
    await slack.userMessage({ user: ids.users.agnes, channel: opened.staff.channel, thread_ts: opened.staff.ts, text: 'note: probably the old app version' });
    await waitFor(async () => expect((await w.service.ticketById(opened.ticket.id)).status).toBe('pending'));
    await w.settle();

    w.clock.advance({ hours: 37 });
    expect(await w.tick()).toMatchObject({ warned: 1 });
    expect(await w.tick()).toMatchObject({ warned: 0 });
    await waitFor(() => expect(threadTexts(w, opened.dm.channel, opened.dm.ts).filter((t) => t.startsWith('Your ticket CS-0001 will close automatically'))).toHaveLength(1));
    expect(threadTexts(w, opened.staff.channel, opened.staff.ts).some((t) => t.startsWith('CS-0001 will close automatically'))).toBe(true);

    w.clock.advance({ hours: 12 });
    expect(await w.tick()).toMatchObject({ autoClosed: 1 });
    await w.settle();
    await waitFor(() => expect(botReactions(w, opened.dm.channel, opened.dm.ts)).toEqual(['lock']));
    expect(botReactions(w, opened.staff.channel, opened.staff.ts)).toEqual(['lock']);
    expect(threadTexts(w, opened.dm.channel, opened.dm.ts)).toContain(
      'Your ticket CS-0001 was closed: closed automatically: no reply from the requester If you still need help with it, you can reopen it within 7 days.',
    );

    // Transcripts: the staff copy (with the note) in the staff thread, the requester's copy (without) in theirs.
    const staffCopy = filesIn(w, opened.staff.channel, opened.staff.ts).find((f) => f.name === 'CS-0001-transcript.html')!;
    const requesterCopy = filesIn(w, opened.dm.channel, opened.dm.ts).find((f) => f.name === 'CS-0001-transcript.html')!;
    expect(staffCopy.bytes!.toString('utf8')).toContain('probably the old app version');
    expect(requesterCopy.bytes!.toString('utf8')).toContain('Did the update help?');
    expect(requesterCopy.bytes!.toString('utf8')).not.toContain('probably the old app version');

    // The rating: buttons in the requester's thread, then a comment modal.
    const prompt = slack.messagesIn(opened.dm.channel, { thread_ts: opened.dm.ts }).find((m) => String(m.text).startsWith('How did we do on CS-0001?'))!;
    const click = await slack.blockAction({ user: ids.users.alice, actionId: 'ticket_rate', channel: opened.dm.channel, message: String(prompt.ts), value: `${opened.ticket.id}:4` });
    await slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === click.triggerId);
    await waitFor(() => expect(slack.message(opened.dm.channel, String(prompt.ts))?.text).toBe('Thank you! You rated the help 4/5.'));
    await slack.submitView({ user: ids.users.alice, values: { comment: { comment: 'Fast answer, thanks.' } } });
    await waitFor(async () => expect(await w.database.dataSource.query('SELECT score, comment FROM ticket_ratings')).toEqual([{ score: 4, comment: 'Fast answer, thanks.' }]));
    expect((await w.service.record(opened.ticket.id, { id: ids.users.max, name: 'Max' })).events.filter((e) => e.type === 'closed').map((e) => e.data)).toEqual([{ automatic: 'pending' }]);
  });
});

describe('support hours and figures on Slack', () => {
  it('GIVEN a ticket opened on a Saturday WHEN it opens THEN the requester hears when to expect an answer, and staff hear once when the target passes', async () => {
    const w = await start({ desk: { hours: { timezone: 'Europe/Paris', days: 'mon-fri', from: '09:00', to: '18:00' } } });
    w.clock.set('2026-11-28T10:00:00Z');
    const opened = await openSlackTicket(w, { subject: 'Saturday question' });
    await waitFor(() =>
      expect(threadTexts(w, opened.dm.channel, opened.dm.ts)).toContain('Support is closed right now; expect an answer from Monday, 30 November 2026 at 09:00 (Europe/Paris).'),
    );
    w.clock.set('2026-11-30T17:05:00Z');
    expect(await w.tick()).toMatchObject({ flagged: 1 });
    expect(await w.tick()).toMatchObject({ flagged: 0 });
    await w.settle();
    expect(threadTexts(w, opened.staff.channel, opened.staff.ts).filter((t) => t.startsWith('⚠️ CS-0001'))).toEqual([
      '⚠️ CS-0001 (Technical problem) has had no answer within its first-response target (due Monday, 30 November 2026 at 18:00 (Europe/Paris)).',
    ]);
  });

  it('GIVEN tickets WHEN staff type /ticket stats THEN they get the figures, and members are refused', async () => {
    const w = await start();
    const { slack, ids } = w;
    const opened = await openSlackTicket(w, { subject: 'Counted in the stats' });
    w.clock.advance({ hours: 3 });
    await slack.userMessage({ user: ids.users.agnes, channel: opened.staff.channel, thread_ts: opened.staff.ts, text: 'Here is your answer.' });
    await waitFor(async () => expect((await w.service.ticketById(opened.ticket.id)).status).toBe('pending'));
    const stats = await slack.slashCommand({ user: ids.users.max, channel: ids.channels.general, command: '/ticket', text: 'stats 7' });
    await waitFor(() => expect(stats.responseUrlMessages).toHaveLength(1));
    const text = String((stats.responseUrlMessages[0] as Json).text);
    expect(text).toContain('1 ticket opened · 0 past the first-response target');
    expect(text).toContain('*First response (business hours)*: median 3.0 h · 90% within 3.0 h (1 tickets)');
    const member = await slack.slashCommand({ user: ids.users.alice, channel: ids.channels.general, command: '/ticket', text: 'stats' });
    await waitFor(() => expect((member.responseUrlMessages[0] as Json | undefined)?.text).toBe('You are not allowed to see statistics of this ticket.'));
  });
});

describe('suggestions, transcripts and lists on Slack', () => {
  it('GIVEN help articles WHEN the form matches one THEN it is suggested, and the ticket opens only when asked', async () => {
    const w = await start({ desk: { helpArticles: [{ title: 'The app crashes at start', url: 'https://help.example.com/crash', keywords: ['crash', 'plante'] }] } });
    const { slack, ids } = w;
    const command = await slack.slashCommand({ user: ids.users.alice, channel: ids.channels.general, command: '/ticket', text: 'technical' });
    await slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === command.triggerId);
    const first = await slack.submitView({ user: ids.users.alice, values: { subject: { subject: 'Crash when I start it' }, description: { description: 'It closes at once.' }, q_steps: { answer: 'Start' } } });
    expect(first.ackBody).toMatchObject({ response_action: 'update', view: { callback_id: 'ticket_suggestions' } });
    expect(JSON.stringify(first.ackBody)).toContain('https://help.example.com/crash');
    await slack.viewClosed({ user: ids.users.alice });
    await w.settle();
    expect(await w.database.dataSource.query('SELECT COUNT(*) AS n FROM tickets')).toEqual([{ n: 0 }]);

    const again = await slack.slashCommand({ user: ids.users.alice, channel: ids.channels.general, command: '/ticket', text: 'technical' });
    await slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === again.triggerId);
    await slack.submitView({ user: ids.users.alice, values: { subject: { subject: 'Crash again' }, description: { description: 'Still closes at once.' }, q_steps: { answer: 'Start' } } });
    const confirmed = await slack.submitView({ user: ids.users.alice });
    expect(confirmed.ackBody).toBeUndefined();
    await waitFor(async () => expect(await w.database.dataSource.query('SELECT subject FROM tickets')).toEqual([{ subject: 'Crash again' }]));
  });

  it('GIVEN a ticket WHEN staff press Transcript and a requester asks for an export and their list THEN each gets what they may see', async () => {
    const w = await start();
    const { slack, ids } = w;
    const opened = await openSlackTicket(w, { subject: 'Transcripts on demand' });
    await slack.userMessage({ user: ids.users.agnes, channel: opened.staff.channel, thread_ts: opened.staff.ts, text: 'note: internal remark' });
    await w.settle();
    await slack.blockAction({ user: ids.users.agnes, actionId: 'ticket_transcript', channel: opened.staff.channel, message: opened.staff.ts });
    await waitFor(() => expect(filesIn(w, opened.staff.channel, opened.staff.ts).some((f) => f.name === 'CS-0001-transcript.html')).toBe(true));
    const html = filesIn(w, opened.staff.channel, opened.staff.ts).find((f) => f.name === 'CS-0001-transcript.html')!.bytes!.toString('utf8');
    expect(html).toContain('internal remark');

    const exported = await slack.slashCommand({ user: ids.users.alice, channel: ids.channels.general, command: '/ticket', text: `export ${opened.number}` });
    await waitFor(() => expect((exported.responseUrlMessages[0] as Json | undefined)?.text).toBe(`Here is the transcript of ${opened.number}.`));
    const dm = slack.dmChannelOf(ids.users.alice);
    const json = filesIn(w, dm, '').find((f) => f.name === 'CS-0001.json')!;
    const body = JSON.parse(json.bytes!.toString('utf8')) as { audience: string; messages: Array<{ body: string }> };
    expect(body.audience).toBe('requester');
    expect(body.messages.map((m) => m.body)).not.toContain('internal remark');

    const stranger = await slack.slashCommand({ user: ids.users.bruno, channel: ids.channels.general, command: '/ticket', text: `transcript ${opened.number}` });
    await waitFor(() => expect((stranger.responseUrlMessages[0] as Json | undefined)?.text).toBe("Vous n'avez pas le droit de voir ce ticket."));

    const list = await slack.slashCommand({ user: ids.users.alice, channel: ids.channels.general, command: '/ticket', text: 'list all' });
    await waitFor(() => expect(list.responseUrlMessages).toHaveLength(1));
    const link = w.adapter.desk.messageUrl(opened.dm.channel, opened.dm.ts)!;
    expect(String((list.responseUrlMessages[0] as Json).text)).toContain(`*<${link}|CS-0001>* · Open`);
  });
});

describe('a requester opening tickets one after another on Slack', () => {
  it('GIVEN a member who opens three tickets WHEN each gets its DM card THEN their DM channel was asked of Slack once, and each card is in it', async () => {
    const w = await start();
    const { ids, slack } = w;
    const opened = [];
    for (const subject of ['First problem', 'Second problem', 'Third problem']) opened.push(await openSlackTicket(w, { subject }));
    const dm = slack.dmChannelOf(ids.users.alice);
    expect(opened.map((o) => o.dm.channel)).toEqual([dm, dm, dm]);
    expect(new Set(opened.map((o) => o.dm.ts)).size).toBe(3);
    expect(callsTo(w, 'conversations.open', (a) => a.users === ids.users.alice)).toHaveLength(1);
    // Another member's DM is their own.
    const bruno = await openSlackTicket(w, { user: ids.users.bruno, subject: 'Mon problème' });
    expect(bruno.dm.channel).toBe(slack.dmChannelOf(ids.users.bruno));
    expect(bruno.dm.channel).not.toBe(dm);
  });

  it('GIVEN a member the bot has not met WHEN two of their tickets open at the same time THEN their profile and their DM channel are each asked of Slack once', async () => {
    const w = await start();
    const { ids, slack } = w;
    const both = await Promise.all(['Printer on fire', 'Screen is blank'].map((subject) => openSlackTicket(w, { user: ids.users.bruno, subject })));
    const dm = slack.dmChannelOf(ids.users.bruno);
    expect(both.map((o) => o.dm.channel)).toEqual([dm, dm]);
    expect(both[0]!.dm.ts).not.toBe(both[1]!.dm.ts);
    expect(callsTo(w, 'conversations.open', (a) => a.users === ids.users.bruno)).toHaveLength(1);
    expect(callsTo(w, 'users.info', (a) => a.user === ids.users.bruno)).toHaveLength(1);
  });
});
