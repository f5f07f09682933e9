import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, SocketModeReceiver, webApi } from '@slack/bolt';
import type { Logger } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from './slack/index.js';
import type { DefaultScenario, Obj } from './slack/index.js';

const { WebClient, ErrorCode } = webApi;

interface Seen {
  commands: Obj[];
  messages: { message: Obj; retryNum: number | undefined; retryReason: string | undefined }[];
  submissions: Obj[];
  actions: { action: Obj; messageTs: string | undefined }[];
  errors: unknown[];
  updateErrors: unknown[];
  downloads: { status: number; text: string }[];
  logs: string[];
}

function quietLogger(logs: string[]): Logger {
  let level = LogLevel.INFO;
  const keep = (...msg: unknown[]) => {
    logs.push(msg.map(String).join(' '));
  };
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: keep,
    error: keep,
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function ticketModal(channel: string, extra: Obj[] = []): Obj {
  return {
    type: 'modal',
    callback_id: 'ticket_modal',
    private_metadata: channel,
    title: { type: 'plain_text', text: 'New ticket' },
    submit: { type: 'plain_text', text: 'Open' },
    blocks: [
      {
        type: 'input', block_id: 'category', optional: true, dispatch_action: true, label: { type: 'plain_text', text: 'Category' },
        element: {
          type: 'static_select', action_id: 'category_select', placeholder: { type: 'plain_text', text: 'Pick one' },
          options: [
            { text: { type: 'plain_text', text: 'Billing' }, value: 'billing' },
            { text: { type: 'plain_text', text: 'Technical' }, value: 'tech' },
          ],
        },
      },
      ...extra,
      {
        type: 'input', block_id: 'subject', label: { type: 'plain_text', text: 'Subject' },
        element: { type: 'plain_text_input', action_id: 'subject_input', max_length: 150 },
      },
      {
        type: 'input', block_id: 'attachments', optional: true, label: { type: 'plain_text', text: 'Files' },
        element: { type: 'file_input', action_id: 'attachments_input', max_files: 5 },
      },
    ],
  };
}

/** The small ticket app the self-test drives, the same for both transports. */
function registerTicketApp(app: App, botToken: string, seen: Seen): void {
  app.command('/ticket', async ({ ack, body, client }) => {
    await ack();
    seen.commands.push(body);
    await client.views.open({ trigger_id: body.trigger_id, view: ticketModal(body.channel_id) as never });
  });
  app.command('/slow', async ({ ack, body, client }) => {
    await ack();
    await sleep(150);
    try {
      await client.views.open({ trigger_id: body.trigger_id, view: ticketModal(body.channel_id) as never });
    } catch (error) {
      seen.errors.push(error);
    }
  });
  app.command('/noop', async ({ ack }) => {
    await ack();
  });
  app.command('/status', async ({ ack, respond }) => {
    await ack();
    await respond({ response_type: 'ephemeral', text: 'You have no open tickets' });
  });
  app.action('category_select', async ({ ack, body, action, client }) => {
    await ack();
    if (body.type !== 'block_actions' || !body.view || action.type !== 'static_select') return;
    const question = {
      type: 'input', block_id: 'order', label: { type: 'plain_text', text: `Order number (${action.selected_option.value})` },
      element: { type: 'plain_text_input', action_id: 'order_input' },
    };
    const view = ticketModal(body.view.private_metadata, [question]);
    await client.views.update({ view_id: body.view.id, hash: body.view.hash, view: view as never });
    try {
      await client.views.update({ view_id: body.view.id, hash: body.view.hash, view: view as never });
    } catch (error) {
      seen.updateErrors.push(error);
    }
  });
  app.view('ticket_modal', async ({ ack, view }) => {
    const subject = view.state.values.subject?.subject_input?.value ?? '';
    if (subject.length < 5) {
      await ack({ response_action: 'errors', errors: { subject: 'Subject is too short' } });
      return;
    }
    await ack();
    seen.submissions.push(view as unknown as Obj);
    for (const file of view.state.values.attachments?.attachments_input?.files ?? []) {
      const res = await fetch(file.url_private_download, { headers: { Authorization: `Bearer ${botToken}` } });
      seen.downloads.push({ status: res.status, text: await res.text() });
    }
  });
  app.action('ticket_close', async ({ ack, body, action, client }) => {
    await ack();
    const messageTs = 'message' in body && body.message ? String(body.message.ts) : undefined;
    seen.actions.push({ action: action as unknown as Obj, messageTs });
    if ('trigger_id' in body) {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: {
          type: 'modal', callback_id: 'close_reason', title: { type: 'plain_text', text: 'Close ticket' },
          submit: { type: 'plain_text', text: 'Close' },
          blocks: [{ type: 'input', block_id: 'reason', label: { type: 'plain_text', text: 'Reason' }, element: { type: 'plain_text_input', action_id: 'reason_input' } }],
        },
      });
    }
  });
  app.message(async ({ message, context }) => {
    seen.messages.push({ message: message as unknown as Obj, retryNum: context.retryNum, retryReason: context.retryReason });
  });
}

function newSeen(): Seen {
  return { commands: [], messages: [], submissions: [], actions: [], errors: [], updateErrors: [], downloads: [], logs: [] };
}

function messagesWithTs(seen: Seen, ts: string | undefined) {
  return seen.messages.filter((m) => m.message.ts === ts);
}

describe('fake Slack driving a real Bolt app over signed HTTP', () => {
  let slack: FakeSlack;
  let app: App;
  let seen: Seen;
  let ids: DefaultScenario;

  beforeAll(async () => {
    slack = await FakeSlack.start({ scenario: 'default' });
    ids = slack.scenario as DefaultScenario;
    seen = newSeen();
    app = new App({
      token: slack.botToken,
      signingSecret: slack.signingSecret,
      ignoreSelf: false,
      logger: quietLogger(seen.logs),
      clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    });
    registerTicketApp(app, slack.botToken, seen);
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    slack.useHttp(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`);
  });

  afterAll(async () => {
    await app?.stop();
    await slack?.stop();
  });

  it('answers auth.test with the bot identity Bolt reads', async () => {
    const call = await slack.waitForCall('auth.test');
    expect(call.token).toBe(slack.botToken);
    expect(call.response).toMatchObject({ ok: true, user_id: slack.botUserId, bot_id: slack.botId, team_id: slack.teamId });
  });

  it('delivers /ticket as a signed form; the app acks and opens a modal with its trigger_id', async () => {
    const result = await slack.slashCommand({ user: ids.users.alice, channel: ids.channels.general, command: '/ticket', text: 'billing' });
    expect(result.status).toBe(200);
    expect(result.timedOut).toBe(false);
    const call = await slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === result.triggerId);
    expect(call.response.ok).toBe(true);
    expect(seen.commands.at(-1)).toMatchObject({ command: '/ticket', text: 'billing', user_id: ids.users.alice, team_id: slack.teamId, api_app_id: slack.appId });
    const [view] = slack.openViews(ids.users.alice);
    expect(view).toMatchObject({ callback_id: 'ticket_modal', title: { type: 'plain_text', text: 'New ticket' } });
  });

  it('refuses a trigger_id used after its validity window with expired_trigger_id', async () => {
    slack.triggerTtlMs = 50;
    try {
      await slack.slashCommand({ user: ids.users.bruno, channel: ids.channels.general, command: '/slow' });
      const error = await slack.waitFor(() => seen.errors[0]);
      expect(error).toMatchObject({ code: ErrorCode.PlatformError, data: { ok: false, error: 'expired_trigger_id' } });
    } finally {
      slack.triggerTtlMs = 3000;
    }
  });

  it('answers a view_submission with errors, then accepts it and serves the file_input bytes', async () => {
    const user = ids.users.bruno;
    const command = await slack.slashCommand({ user, channel: ids.channels.general, command: '/ticket' });
    await slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === command.triggerId);
    await expect(slack.submitView({ user, values: { subject: { subject_input: '' } } })).rejects.toThrow(/required/);

    const files = [{ name: 'boot.log', data: 'kernel panic at 03:12' }];
    const rejected = await slack.submitView({ user, values: { subject: { subject_input: 'help' }, attachments: { attachments_input: files } } });
    expect(rejected.ackBody).toEqual({ response_action: 'errors', errors: { subject: 'Subject is too short' } });
    expect(rejected.open).toBe(true);

    const accepted = await slack.submitView({ user, values: { subject: { subject_input: 'Printer on fire' }, attachments: { attachments_input: files } } });
    expect(accepted.status).toBe(200);
    expect(accepted.ackBody).toBeUndefined();
    expect(accepted.open).toBe(false);
    expect(slack.openViews(user)).toHaveLength(0);

    await slack.waitFor(() => seen.downloads.length === 1);
    const submitted = seen.submissions.at(-1) as { state: { values: Record<string, Record<string, Obj>> } };
    const sent = submitted.state.values.attachments?.attachments_input?.files as Obj[];
    expect(sent[0]).toMatchObject({ name: 'boot.log', mimetype: 'text/plain', user, size: 21 });
    expect(String(sent[0]?.url_private)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files-pri\//);
    expect(seen.downloads[0]).toEqual({ status: 200, text: 'kernel panic at 03:12' });

    const anonymous = await fetch(String(sent[0]?.url_private), { redirect: 'manual' });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toMatch(/^\/\?redir=/);
  });

  it('echoes the bot\'s threaded custom-author post back with bot_id and subtype bot_message', async () => {
    const staff = ids.channels.staff;
    const root = await app.client.chat.postMessage({ channel: staff, text: 'Ticket CS-0001: printer on fire' });
    const reply = await app.client.chat.postMessage({
      channel: staff, thread_ts: root.ts, text: 'It smells of toner', username: 'Alice Martin', icon_url: 'https://example.com/alice.png',
    });
    expect(reply.message).toMatchObject({ subtype: 'bot_message', username: 'Alice Martin', bot_id: slack.botId, thread_ts: root.ts });

    const echo = await slack.waitFor(() => messagesWithTs(seen, reply.ts)[0]?.message);
    expect(echo).toMatchObject({
      type: 'message', subtype: 'bot_message', bot_id: slack.botId, app_id: slack.appId, username: 'Alice Martin',
      icons: { image_48: 'https://example.com/alice.png' }, thread_ts: root.ts, channel: staff, channel_type: 'group',
    });
    expect(echo.user).toBeUndefined();
    const rootEcho = await slack.waitFor(() => messagesWithTs(seen, root.ts)[0]?.message);
    expect(rootEcho).toMatchObject({ user: slack.botUserId, bot_id: slack.botId });
    expect(rootEcho.subtype).toBeUndefined();

    const replies = await app.client.conversations.replies({ channel: staff, ts: root.ts as string });
    expect(replies.messages?.[0]).toMatchObject({ ts: root.ts, reply_count: 1, latest_reply: reply.ts });
    expect(replies.messages?.[1]).toMatchObject({ ts: reply.ts, thread_ts: root.ts, parent_user_id: slack.botUserId });
  });

  it('delivers a DM once as channel_type im, and nothing from channels the bot is not in', async () => {
    const dm = slack.dmChannelOf(ids.users.alice);
    const ts = await slack.userMessage({ user: ids.users.alice, channel: dm, text: 'my printer is on fire' });
    await slack.waitFor(() => messagesWithTs(seen, ts).length > 0);
    await sleep(100);
    expect(messagesWithTs(seen, ts)).toHaveLength(1);
    expect(messagesWithTs(seen, ts)[0]?.message).toMatchObject({
      type: 'message', user: ids.users.alice, text: 'my printer is on fire', channel: dm, channel_type: 'im',
    });

    const outside = await slack.userMessage({ user: ids.users.alice, channel: ids.channels.random, text: 'not for the bot' });
    await slack.idle();
    expect(slack.deliveries.some((d) => (d.body.event as Obj | undefined)?.ts === outside)).toBe(false);
  });

  it('takes a file through getUploadURLExternal, the upload POST and completeUploadExternal into the thread', async () => {
    const staff = ids.channels.staff;
    const root = await app.client.chat.postMessage({ channel: staff, text: 'Ticket CS-0002' });
    const upload = await app.client.files.uploadV2({
      channel_id: staff, thread_ts: root.ts as string, file: Buffer.from('PNG-BYTES'), filename: 'screen.png', title: 'Screenshot',
    });
    expect(upload.ok).toBe(true);
    const complete = slack.callsTo('files.completeUploadExternal').at(-1);
    expect(complete?.args).toMatchObject({ channel_id: staff, thread_ts: root.ts, files: [{ title: 'Screenshot' }] });
    const fileId = String((complete?.args.files as Obj[])[0]?.id);
    expect(slack.callsTo('files.getUploadURLExternal').at(-1)?.args).toMatchObject({ filename: 'screen.png', length: '9' });
    expect(slack.uploadedFile(fileId)?.bytes?.toString()).toBe('PNG-BYTES');

    const thread = slack.messagesIn(staff, { thread_ts: root.ts as string });
    expect(thread).toHaveLength(2);
    expect(thread[1]).toMatchObject({ subtype: 'file_share', bot_id: slack.botId, thread_ts: root.ts, files: [{ id: fileId, name: 'screen.png', mimetype: 'image/png' }] });
    const echo = await slack.waitFor(() => seen.messages.find((m) => m.message.subtype === 'file_share' && m.message.thread_ts === root.ts)?.message);
    expect(echo).toMatchObject({ bot_id: slack.botId, user: slack.botUserId });

    const info = await app.client.files.info({ file: fileId });
    expect(info.file).toMatchObject({ id: fileId, groups: [staff], shares: { private: { [staff]: [{ thread_ts: root.ts }] } } });
  });

  it('returns Slack\'s refusals as WebClient platform errors', async () => {
    const staff = ids.channels.staff;
    const platformError = (error: string) => ({ code: ErrorCode.PlatformError, data: expect.objectContaining({ ok: false, error }) });
    await expect(app.client.chat.postMessage({ channel: ids.channels.secret, text: 'hi' })).rejects.toMatchObject(platformError('not_in_channel'));
    await expect(app.client.chat.postMessage({ channel: 'C0NOWHERE1', text: 'hi' })).rejects.toMatchObject(platformError('channel_not_found'));
    await expect(app.client.chat.postMessage({ channel: staff, thread_ts: '1500000000.000100', text: 'hi' })).rejects.toMatchObject(platformError('thread_not_found'));
    await expect(app.client.chat.postMessage({ channel: staff, text: 'x'.repeat(40_001) })).rejects.toMatchObject(platformError('msg_too_long'));
    const tooMany = app.client.chat.postMessage({ channel: staff, text: 'many', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) });
    await expect(tooMany).rejects.toMatchObject({
      data: { error: 'invalid_blocks', response_metadata: { messages: ['[ERROR] no more than 50 items allowed [json-pointer:/blocks]'] } },
    });
    const longButton = app.client.chat.postMessage({
      channel: staff, text: 'b', blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'y'.repeat(76) } }] }],
    });
    await expect(longButton).rejects.toMatchObject(platformError('invalid_blocks'));

    const card = await app.client.chat.postMessage({ channel: staff, text: 'card' });
    await app.client.reactions.add({ channel: staff, timestamp: card.ts as string, name: 'large_green_circle' });
    await expect(app.client.reactions.add({ channel: staff, timestamp: card.ts as string, name: 'large_green_circle' })).rejects.toMatchObject(platformError('already_reacted'));
    await expect(app.client.reactions.add({ channel: staff, timestamp: card.ts as string, name: ':lock:' })).rejects.toMatchObject(platformError('invalid_name'));
    await expect(app.client.reactions.remove({ channel: staff, timestamp: card.ts as string, name: 'hourglass_flowing_sand' })).rejects.toMatchObject(platformError('no_reaction'));
    expect(slack.reactionsOn(staff, card.ts as string)).toEqual({ large_green_circle: [slack.botUserId] });

    const userTs = await slack.userMessage({ user: ids.users.agnes, channel: staff, text: 'agent note' });
    await expect(app.client.chat.update({ channel: staff, ts: userTs, text: 'edited' })).rejects.toMatchObject(platformError('cant_update_message'));

    const noop = await slack.slashCommand({ user: ids.users.max, channel: ids.channels.general, command: '/noop' });
    const longTitle = { ...ticketModal('C'), title: { type: 'plain_text', text: 'A title that is too long!!' } };
    await expect(app.client.views.open({ trigger_id: noop.triggerId, view: longTitle as never })).rejects.toMatchObject({
      data: { error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'] } },
    });

    await expect(app.client.apiCall('chat.teleport')).rejects.toMatchObject(platformError('unknown_method'));
    await expect(app.client.apiCall('files.upload', { channels: staff, content: 'x' })).rejects.toMatchObject(platformError('method_deprecated'));
    await expect(new WebClient('xoxb-not-a-token', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }).auth.test()).rejects.toMatchObject(platformError('invalid_auth'));
    await expect(new WebClient(undefined, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }).auth.test()).rejects.toMatchObject(platformError('not_authed'));
  });

  it('rate-limits with HTTP 429, Retry-After and error ratelimited', async () => {
    const client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    const fault = slack.injectFault({ method: 'chat.postMessage', status: 429, retryAfter: 7, times: 1 });
    await expect(client.chat.postMessage({ channel: ids.channels.staff, text: 'hi' })).rejects.toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
    expect(fault.hits).toBe(1);
    expect(slack.callsTo('chat.postMessage').at(-1)).toMatchObject({ status: 429, fault: true, response: { ok: false, error: 'ratelimited' } });
    await expect(client.chat.postMessage({ channel: ids.channels.staff, text: 'hi again' })).resolves.toMatchObject({ ok: true });

    slack.injectFault({ method: /^reactions\./, error: 'channel_not_found', times: 1 });
    await expect(client.reactions.add({ channel: ids.channels.staff, timestamp: '1', name: 'lock' })).rejects.toMatchObject({
      code: ErrorCode.PlatformError, data: { error: 'channel_not_found' },
    });
  });

  it('rejects forged, stale and unsigned requests with 401 and runs no listener', async () => {
    const before = seen.commands.length;
    const body = () => slack.commandRequestBody({ user: ids.users.otto, channel: ids.channels.general, command: '/ticket' });
    const forged = await slack.sendRaw({ body: body(), signature: 'forged' });
    const stale = await slack.sendRaw({ body: body(), timestamp: Math.floor(Date.now() / 1000) - 301 });
    const unsigned = await slack.sendRaw({ body: body(), signature: 'none' });
    const noTimestamp = await slack.sendRaw({ body: body(), omitHeaders: ['x-slack-request-timestamp'] });
    expect([forged.status, stale.status, unsigned.status, noTimestamp.status]).toEqual([401, 401, 401, 401]);
    await sleep(100);
    expect(seen.commands.length).toBe(before);

    const genuine = await slack.sendRaw({ body: body() });
    expect(genuine.status).toBe(200);
    await slack.waitFor(() => seen.commands.length === before + 1);
  });

  it('redelivers an event with X-Slack-Retry-Num and the same event_id', async () => {
    const dm = slack.dmChannelOf(ids.users.bruno);
    const ts = await slack.userMessage({ user: ids.users.bruno, channel: dm, text: 'bonjour' });
    const first = slack.deliveries.find((d) => d.kind === 'event' && (d.body.event as Obj).ts === ts);
    expect(first?.eventId).toMatch(/^Ev/);
    const again = await slack.redeliverEvent(first?.eventId as string, { retryNum: 1, retryReason: 'http_timeout' });
    expect(again.status).toBe(200);
    await slack.waitFor(() => messagesWithTs(seen, ts).length === 2);
    expect(messagesWithTs(seen, ts).map((m) => [m.retryNum, m.retryReason])).toEqual([[undefined, undefined], [1, 'http_timeout']]);
    expect(slack.deliveries.at(-1)).toMatchObject({ eventId: first?.eventId, retryNum: 1, body: { event_id: first?.eventId } });
  });

  it('sends block_actions for a card button; the app opens the close-reason modal', async () => {
    const staff = ids.channels.staff;
    const card = await app.client.chat.postMessage({
      channel: staff, text: 'Ticket CS-0003',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '*CS-0003* printer on fire' } },
        { type: 'actions', block_id: 'ticket_actions', elements: [
          { type: 'button', action_id: 'ticket_claim', text: { type: 'plain_text', text: 'Claim' }, value: 'CS-0003' },
          { type: 'button', action_id: 'ticket_close', text: { type: 'plain_text', text: 'Close' }, value: 'CS-0003', style: 'danger' },
        ] },
      ],
    });
    const result = await slack.blockAction({ user: ids.users.agnes, channel: staff, message: card.ts as string, actionId: 'ticket_close' });
    expect(result.status).toBe(200);
    const opened = await slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === result.triggerId);
    expect(opened.response.ok).toBe(true);
    expect(seen.actions.at(-1)).toEqual({
      action: expect.objectContaining({ type: 'button', action_id: 'ticket_close', block_id: 'ticket_actions', value: 'CS-0003' }),
      messageTs: card.ts,
    });
    expect(slack.openViews(ids.users.agnes).at(-1)).toMatchObject({ callback_id: 'close_reason' });
  });

  it('sends block_actions from a modal select; views.update keeps typed values and refuses a stale hash', async () => {
    const user = ids.users.max;
    const command = await slack.slashCommand({ user, channel: ids.channels.general, command: '/ticket' });
    const opened = await slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === command.triggerId);
    const viewId = String((opened.response.view as Obj).id);
    const oldHash = String((opened.response.view as Obj).hash);
    await slack.submitView({ view: viewId, values: { subject: { subject_input: 'hm' } } });
    const picked = await slack.blockAction({ user, view: viewId, actionId: 'category_select', value: 'billing' });
    expect(picked.status).toBe(200);
    const update = await slack.waitForCall((c) => c.method === 'views.update' && c.response.ok === true && c.args.view_id === viewId);
    expect(update.args.hash).toBe(oldHash);
    expect((update.response.view as Obj).hash).not.toBe(oldHash);
    const stale = await slack.waitFor(() => seen.updateErrors[0]);
    expect(stale).toMatchObject({ code: ErrorCode.PlatformError, data: { error: 'hash_conflict' } });
    const view = slack.view(viewId) as { blocks: Obj[]; state: { values: Record<string, Record<string, Obj>> } };
    expect(view.blocks.map((b) => b.block_id)).toEqual(['category', 'order', 'subject', 'attachments']);
    expect(view.state.values.subject?.subject_input?.value).toBe('hm');
    expect(view.state.values.category?.category_select).toMatchObject({ selected_option: { value: 'billing' } });
    const done = await slack.submitView({ view: viewId, values: { subject: { subject_input: 'Refund please' }, order: { order_input: 'A-1' } } });
    expect(done.open).toBe(false);
    expect(await slack.viewClosed({ user }).catch((error: Error) => error.message)).toMatch(/no open view/);
  });

  it('carries respond() through the response_url as an ephemeral message', async () => {
    const result = await slack.slashCommand({ user: ids.users.otto, channel: ids.channels.general, command: '/status' });
    await slack.waitFor(() => result.responseUrlMessages.length === 1);
    expect(result.responseUrlMessages[0]).toEqual({ response_type: 'ephemeral', text: 'You have no open tickets' });
    expect(slack.ephemeralsFor(ids.users.otto).map((e) => e.data.text)).toContain('You have no open tickets');
  });

  it('sends message_changed and message_deleted, and user file shares the bot can download', async () => {
    const dm = slack.dmChannelOf(ids.users.alice);
    const ts = await slack.userMessage({ user: ids.users.alice, channel: dm, text: 'first words', files: [{ name: 'photo.jpg', data: Buffer.from([0xff, 0xd8, 0xff]) }] });
    const shared = messagesWithTs(seen, ts)[0]?.message ?? (await slack.waitFor(() => messagesWithTs(seen, ts)[0]?.message));
    expect(shared).toMatchObject({ subtype: 'file_share', upload: true, files: [{ name: 'photo.jpg', mimetype: 'image/jpeg', filetype: 'jpg', size: 3 }] });
    const url = String((shared.files as Obj[])[0]?.url_private_download);
    const withToken = await fetch(url, { headers: { Authorization: `Bearer ${slack.botToken}` } });
    expect(Buffer.from(await withToken.arrayBuffer())).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect((await fetch(url, { headers: { Authorization: 'Bearer xoxb-wrong' }, redirect: 'manual' })).status).toBe(302);

    await slack.editUserMessage({ channel: dm, ts, text: 'better words' });
    const changed = await slack.waitFor(() => seen.messages.find((m) => m.message.subtype === 'message_changed' && (m.message.message as Obj).ts === ts)?.message);
    expect(changed).toMatchObject({ channel: dm, hidden: true, message: { text: 'better words', edited: { user: ids.users.alice } }, previous_message: { text: 'first words' } });
    await slack.deleteUserMessage({ channel: dm, ts });
    const deleted = await slack.waitFor(() => seen.messages.find((m) => m.message.subtype === 'message_deleted' && m.message.deleted_ts === ts)?.message);
    expect(deleted).toMatchObject({ channel: dm, previous_message: { text: 'better words' } });

    const posted = await app.client.chat.postMessage({ channel: ids.users.alice, text: 'ticket opened' });
    expect(posted.channel).toBe(dm);
    await app.client.chat.update({ channel: dm, ts: posted.ts as string, text: 'ticket opened (CS-0009)' });
    const botChange = await slack.waitFor(() => seen.messages.find((m) => m.message.subtype === 'message_changed' && (m.message.message as Obj).ts === posted.ts)?.message);
    expect(botChange).toMatchObject({ message: { text: 'ticket opened (CS-0009)', bot_id: slack.botId }, previous_message: { text: 'ticket opened' } });
  });

  it('paginates conversations.replies with cursors and reports locales', async () => {
    const staff = ids.channels.staff;
    const root = await app.client.chat.postMessage({ channel: staff, text: 'paged' });
    for (let i = 0; i < 5; i += 1) await app.client.chat.postMessage({ channel: staff, thread_ts: root.ts, text: `reply ${i}` });
    const texts: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await app.client.conversations.replies({ channel: staff, ts: root.ts as string, limit: 2, ...(cursor ? { cursor } : {}) });
      pages += 1;
      expect(page.messages?.[0]?.ts).toBe(root.ts);
      texts.push(...(page.messages ?? []).slice(1).map((m) => String(m.text)));
      cursor = page.has_more ? page.response_metadata?.next_cursor : undefined;
    } while (cursor);
    expect(pages).toBe(3);
    expect(texts).toEqual(['reply 0', 'reply 1', 'reply 2', 'reply 3', 'reply 4']);

    const bruno = await app.client.users.info({ user: ids.users.bruno, include_locale: true });
    expect(bruno.user).toMatchObject({ id: ids.users.bruno, locale: 'fr-FR', real_name: 'Bruno Lefèvre' });
    const plain = await app.client.users.info({ user: ids.users.bruno });
    expect(plain.user?.locale).toBeUndefined();
  });
});

describe('fake Slack driving a real Bolt app in Socket Mode', () => {
  let slack: FakeSlack;
  let app: App;
  let seen: Seen;
  let ids: DefaultScenario;

  beforeAll(async () => {
    slack = await FakeSlack.start({ scenario: 'default' });
    ids = slack.scenario as DefaultScenario;
    seen = newSeen();
    app = new App({
      token: slack.botToken,
      appToken: slack.appToken,
      socketMode: true,
      logger: quietLogger(seen.logs),
      clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    });
    registerTicketApp(app, slack.botToken, seen);
    await app.start();
  });

  afterAll(async () => {
    await app?.stop();
    await slack?.stop();
  });

  it('connects through apps.connections.open with the app-level token', () => {
    const open = slack.callsTo('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0]?.token).toBe(slack.appToken);
    expect(String(open[0]?.response.url)).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/);
    expect(slack.socketConnections).toBe(1);
    expect(slack.transport).toBe('socket');
  });

  it('refuses apps.connections.open with a bot token or a wrong app token', async () => {
    const withBot = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    await expect(withBot.apps.connections.open({})).rejects.toMatchObject({ data: { error: 'not_allowed_token_type' } });
    const wrong = new WebClient('xapp-1-A0-nope', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    await expect(wrong.apps.connections.open({})).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  });

  it('sends /ticket as a slash_commands envelope; the ack and views.open come back', async () => {
    const result = await slack.slashCommand({ user: ids.users.alice, channel: ids.channels.general, command: '/ticket' });
    expect(result).toMatchObject({ transport: 'socket', status: 200, timedOut: false });
    expect(result.envelopeId).toBeTruthy();
    const call = await slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === result.triggerId);
    expect(call.response.ok).toBe(true);
  });

  it('returns the view_submission errors from the ack payload, then closes the view', async () => {
    const user = ids.users.otto;
    const command = await slack.slashCommand({ user, channel: ids.channels.general, command: '/ticket' });
    await slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === command.triggerId);
    const rejected = await slack.submitView({ user, values: { subject: { subject_input: 'hm' } } });
    expect(rejected.ackBody).toEqual({ response_action: 'errors', errors: { subject: 'Subject is too short' } });
    expect(rejected.open).toBe(true);
    const accepted = await slack.submitView({ user, values: { subject: { subject_input: 'Cannot log in' } } });
    expect(accepted.ackBody).toBeUndefined();
    expect(accepted.open).toBe(false);
  });

  it('delivers a DM once over the socket', async () => {
    const dm = slack.dmChannelOf(ids.users.bruno);
    const ts = await slack.userMessage({ user: ids.users.bruno, channel: dm, text: 'salut' });
    await slack.waitFor(() => messagesWithTs(seen, ts).length > 0);
    await sleep(100);
    expect(messagesWithTs(seen, ts)).toHaveLength(1);
    expect(messagesWithTs(seen, ts)[0]?.message).toMatchObject({ channel_type: 'im', user: ids.users.bruno });
  });

  it('echoes the bot\'s own post, which Bolt\'s ignoreSelf then drops', async () => {
    const posted = await app.client.chat.postMessage({ channel: ids.channels.staff, text: 'from the bot', username: 'Agnès', icon_url: 'https://example.com/a.png' });
    const delivered = await slack.waitFor(() => slack.deliveries.find((d) => (d.body.event as Obj | undefined)?.ts === posted.ts && d.response));
    expect(delivered.transport).toBe('socket');
    expect(delivered.response?.status).toBe(200);
    expect(delivered.body.event).toMatchObject({ subtype: 'bot_message', bot_id: slack.botId });
    await sleep(100);
    expect(messagesWithTs(seen, posted.ts)).toHaveLength(0);
  });

  it('passes retry_attempt and retry_reason to Bolt as retryNum and retryReason', async () => {
    const dm = slack.dmChannelOf(ids.users.alice);
    const ts = await slack.userMessage({ user: ids.users.alice, channel: dm, text: 'again?' });
    const first = slack.deliveries.find((d) => d.kind === 'event' && (d.body.event as Obj).ts === ts);
    await slack.redeliverEvent(first?.eventId as string, { retryNum: 2, retryReason: 'timeout' });
    await slack.waitFor(() => messagesWithTs(seen, ts).length === 2);
    expect(messagesWithTs(seen, ts)[1]).toMatchObject({ retryNum: 2, retryReason: 'timeout' });
  });
});

describe('fake Slack Socket Mode reconnection', () => {
  let slack: FakeSlack;
  let app: App;
  let seen: Seen;

  beforeAll(async () => {
    slack = await FakeSlack.start({ scenario: 'default' });
    seen = newSeen();
    const clientOptions = { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } };
    app = new App({
      token: slack.botToken,
      receiver: new SocketModeReceiver({ appToken: slack.appToken, clientPingTimeout: 400, installerOptions: { clientOptions }, logger: quietLogger(seen.logs) }),
      logger: quietLogger(seen.logs),
      clientOptions,
    });
    registerTicketApp(app, slack.botToken, seen);
    await app.start();
  });

  afterAll(async () => {
    await app?.stop();
    await slack?.stop();
  });

  it('reconnects after a dropped socket and after a disconnect request, then still receives commands', async () => {
    const ids = slack.scenario as DefaultScenario;
    expect(slack.socketConnectCount).toBe(1);
    slack.dropSocket();
    await slack.waitFor(() => slack.socketConnectCount === 2 && slack.socketConnections === 1, 4000);
    slack.requestReconnect('refresh_requested');
    await slack.waitFor(() => slack.socketConnectCount === 3 && slack.socketConnections === 1, 4000);
    expect(slack.callsTo('apps.connections.open')).toHaveLength(3);
    const result = await slack.slashCommand({ user: ids.users.alice, channel: ids.channels.general, command: '/noop' });
    expect(result.status).toBe(200);
  });
});
