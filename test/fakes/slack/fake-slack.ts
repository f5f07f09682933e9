import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { extname } from 'node:path';
import { stringify as stringifyQuery } from 'node:querystring';
import {
  actionPayload, elementsOf, findElement, isEmptyState, isObj, normalizeBlocks, omit, richTextOf, stateValueFrom, validateModal,
} from './blocks.js';
import { HttpPoster, slackSignature } from './deliver.js';
import { Faults } from './faults.js';
import type { CallHold } from './server.js';
import { eventId as newEventId, randomChars, randomHex } from './ids.js';
import { DEFAULT_USERS, defaultChannels, type DefaultScenario } from './scenario.js';
import { FakeSlackServer, type ServerHost } from './server.js';
import { SocketModeServer, type Envelope } from './socket-mode.js';
import { SlackState, nowSeconds } from './state.js';
import type { ChannelRecord, EphemeralRecord, MessageRecord, ViewRecord } from './state.js';
import type {
  AppResponse, ChannelSeed, Delivery, FakeSlackOptions, FaultHandle, FaultSpec, FileSpec, Obj, RecordedCall, TransportKind, UserSeed,
} from './types.js';
import { WebApi, type ApiHost } from './web-api.js';
import { botProfile } from './wire.js';

const DEFAULT_SCOPES = [
  'app_mentions:read', 'channels:history', 'channels:join', 'channels:manage', 'channels:read', 'chat:write',
  'chat:write.customize', 'commands', 'files:read', 'files:write', 'groups:history', 'groups:read', 'groups:write',
  'im:history', 'im:read', 'im:write', 'mpim:history', 'mpim:read', 'mpim:write', 'reactions:read', 'reactions:write',
  'team:read', 'users:read', 'users:read.email',
];

const DEFAULT_EVENTS = ['message.channels', 'message.groups', 'message.im', 'message.mpim'];

const MESSAGE_SUBSCRIPTION = { channel: 'message.channels', group: 'message.groups', im: 'message.im', mpim: 'message.mpim' } as const;

/** Where the app listens in HTTP mode. */
export interface HttpTargets {
  events: string;
  commands?: string;
  interactivity?: string;
}

/** Result of {@link FakeSlack.slashCommand}. */
export interface SlashCommandResult extends AppResponse {
  triggerId: string;
  responseUrl: string;
  /** Bodies the app POSTed to the `response_url` (a live array). */
  responseUrlMessages: Obj[];
}

/** Result of {@link FakeSlack.blockAction}. */
export interface BlockActionResult extends AppResponse {
  triggerId: string;
  responseUrl?: string;
  responseUrlMessages: Obj[];
}

/** Result of {@link FakeSlack.submitView}. */
export interface ViewSubmissionResult extends AppResponse {
  viewId: string;
  triggerId: string;
  /** Whether the submitted view is still open (errors, update, a failed ack). */
  open: boolean;
  /** The user's top view after Slack applied the answer (undefined when the stack closed). */
  view: Obj | undefined;
  /** Errors from `response_action: errors`, by block_id. */
  errors?: Record<string, string>;
  /**
   * Why Slack would refuse the app's answer (an `errors` key that is no input block, an invalid
   * `update`/`push` view); the user then sees a generic error and the view stays as it was.
   */
  problems?: string[];
  /** File objects created for `file_input` values. */
  files: Obj[];
}

/** Result of {@link FakeSlack.deliverEvent}. */
export interface EventResult extends AppResponse {
  eventId: string;
}

/** A file as uploaded to the fake. */
export interface UploadedFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  size: number;
  bytes: Buffer | undefined;
  user: string;
  shares: { channel: string; ts: string; threadTs?: string }[];
}

/** Options of {@link FakeSlack.sendRaw}. */
export interface RawRequestOptions {
  /** Path on the app's HTTP server (default: the events URL's path). */
  path?: string;
  /** Raw body text, or an object sent as JSON. */
  body: string | Obj;
  contentType?: string;
  /** `valid` (default), `forged` (signed with a wrong secret) or `none` (no signature headers). */
  signature?: 'valid' | 'forged' | 'none';
  /** `X-Slack-Request-Timestamp` in seconds (e.g. now − 301 for a stale request). */
  timestamp?: number;
  /** Header names to leave out (e.g. `x-slack-signature`). */
  omitHeaders?: string[];
  headers?: Record<string, string>;
}

type ViewRef = string | { id: string };

function refId(ref: ViewRef): string {
  return typeof ref === 'string' ? ref : ref.id;
}

/**
 * A fake Slack on 127.0.0.1: Web API, signed HTTP requests to the app, Socket Mode,
 * files, modals and the Events API, for tests that run a real Bolt app.
 */
export class FakeSlack {
  /** Every Web API call received, in order. */
  readonly calls: RecordedCall[] = [];
  /** Every request sent to the app, in order. */
  readonly deliveries: Delivery[] = [];
  /** Every `url_private` download attempt. */
  readonly downloads: { fileId: string; authorized: boolean; at: number }[] = [];
  /** Bot token (`xoxb-…`) to give Bolt as `token`. */
  readonly botToken: string;
  /** App-level token (`xapp-…`) to give Bolt as `appToken` in Socket Mode. */
  readonly appToken: string;
  /** Secret the fake signs HTTP requests with; give it to Bolt as `signingSecret`. */
  readonly signingSecret: string;
  /** Legacy verification token carried in payloads as `token`. */
  readonly verificationToken: string;
  /** Workspace id (`T…`). */
  readonly teamId: string;
  /** Workspace subdomain. */
  readonly teamDomain: string;
  /** App id (`A…`), `api_app_id` of every payload. */
  readonly appId: string;
  /** The bot's `bot_id` (`B…`), on its messages and in `auth.test`. */
  readonly botId: string;
  /** The bot user's id (`U…`), `user_id` of `auth.test`. */
  readonly botUserId: string;
  /** The workspace's data, for inspection beyond the helpers. */
  readonly state: SlackState;
  /** How long a `trigger_id` stays valid, in ms (Slack: 3000). */
  triggerTtlMs: number;
  /** How long the fake waits for the app's acknowledgement, in ms (Slack: 3000). */
  ackTimeoutMs: number;
  /** How long a Socket Mode delivery waits for a connection, in ms. */
  socketWaitMs: number;
  /** Delay before the bot's own posts come back as events, in ms. */
  echoDelayMs: number;
  /** Bot token scopes. */
  readonly scopes: Set<string>;
  /** Event subscriptions (`message.im`, `app_mention`, `reaction_added`, …). */
  readonly events: Set<string>;
  /** Ids of the default scenario, once seeded. */
  scenario: DefaultScenario | undefined;

  private readonly api: WebApi;
  private readonly faults = new Faults();
  readonly holds: CallHold[] = [];
  private readonly heldMessageEvents = new Map<string, MessageRecord>();
  private readonly socket: SocketModeServer;
  private readonly server: FakeSlackServer;
  private readonly poster = new HttpPoster();
  private readonly emitter = new EventEmitter();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sentEvents = new Map<string, Obj>();
  private mode: TransportKind | undefined;
  private httpTargets: HttpTargets | undefined;
  private botRevoked = false;
  private deliverySeq = 0;
  private stopped = false;

  private constructor(options: FakeSlackOptions) {
    this.teamId = options.teamId ?? 'T0FAKETEAM';
    this.teamDomain = options.teamDomain ?? 'fake-support';
    this.appId = options.appId ?? 'A0FAKEAPP1';
    this.botId = options.botId ?? 'B0FAKEBOT1';
    this.botUserId = options.botUserId ?? 'U0FAKEBOT1';
    this.botToken = options.botToken ?? `xoxb-${randomChars(12, '0123456789')}-${randomChars(13, '0123456789')}-${randomChars(24, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`;
    this.appToken = options.appToken ?? `xapp-1-${this.appId}-${randomChars(13, '0123456789')}-${randomHex(64)}`;
    this.signingSecret = options.signingSecret ?? randomHex(32);
    this.verificationToken = options.verificationToken ?? randomChars(24, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
    this.triggerTtlMs = options.triggerTtlMs ?? 3000;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 3000;
    this.socketWaitMs = options.socketWaitMs ?? 3000;
    this.echoDelayMs = options.echoDelayMs ?? 0;
    this.scopes = new Set(options.scopes ?? DEFAULT_SCOPES);
    this.events = new Set(options.events ?? DEFAULT_EVENTS);
    this.state = new SlackState(
      { id: this.teamId, name: options.teamName ?? 'Fake Support Co', domain: this.teamDomain },
      { userId: this.botUserId, botId: this.botId, appId: this.appId, name: options.botName ?? 'supportbot' },
    );
    this.socket = new SocketModeServer(this.appId);
    const apiHost: ApiHost = {
      state: this.state,
      scopes: this.scopes,
      triggerTtlMs: () => this.triggerTtlMs,
      baseUrl: () => this.baseUrl,
      socketUrl: () => `ws://127.0.0.1:${this.server.port}/link/?ticket=${this.socket.issueTicket()}&app_id=${this.appId}`,
      announceNewMessage: (record) => this.later(() => this.announceMessage(record)),
      announceChanged: (record, previous) => this.later(() => this.announceChanged(record, previous)),
      announceDeleted: (channel, ts, previous) => this.later(() => this.announceDeleted(channel, ts, previous)),
      announceEvent: (subscription, event) => this.later(() => this.announceOther(subscription, event)),
    };
    this.api = new WebApi(apiHost);
    const serverHost: ServerHost = {
      api: this.api,
      faults: this.faults,
      holds: this.holds,
      socket: this.socket,
      scopes: this.scopes,
      tokenState: (token) => {
        if (token === this.botToken) return this.botRevoked ? 'revoked' : 'bot';
        if (token === this.appToken) return 'app';
        return 'invalid';
      },
      recordCall: (call) => {
        this.calls.push(call);
        this.emitter.emit('change');
      },
      receiveUpload: (key, bytes) => this.receiveUpload(key, bytes),
      fileForDownload: (teamFileKey) => {
        const file = this.state.files.get(teamFileKey.slice(this.teamId.length + 1));
        if (!file || !file.bytes || !file.completed || file.deleted || !teamFileKey.startsWith(`${this.teamId}-`)) return undefined;
        return { bytes: file.bytes, mimetype: file.mimetype, name: file.name };
      },
      recordDownload: (teamFileKey, authorized) => {
        this.downloads.push({ fileId: teamFileKey.slice(this.teamId.length + 1), authorized, at: Date.now() });
      },
      responseUrl: (url, raw) => this.handleResponseUrl(url, raw),
    };
    this.server = new FakeSlackServer(serverHost);
  }

  /** Start a fake Slack on 127.0.0.1 (random port). */
  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    const slack = new FakeSlack(options);
    await slack.server.listen();
    if (options.scenario === 'default') slack.seedDefaultScenario();
    return slack;
  }

  /** `http://127.0.0.1:PORT/` */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.server.port}/`;
  }

  /** The Web API base to give Bolt as `clientOptions.slackApiUrl` (`http://127.0.0.1:PORT/api/`). */
  get apiUrl(): string {
    return `${this.baseUrl}api/`;
  }

  /** Stop the server, close Socket Mode connections and abort requests in flight (stop the app first). */
  async stop(): Promise<void> {
    for (const hold of this.holds.splice(0)) hold.release('drop');
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.poster.abortAll();
    this.faults.clear();
    await this.socket.close();
    await this.server.close();
  }

  /** Add a workspace member; returns its id. */
  addUser(seed: UserSeed): string {
    return this.state.addUser(seed).id;
  }

  /** Add a public or private channel; returns its id. */
  /** Creates a user group (a "subteam") with these members; returns its id. */
  addUserGroup(seed: { handle: string; users: string[] }): string {
    const id = `S${String(this.state.userGroups.size + 1).padStart(4, '0')}${seed.handle.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 6)}`;
    this.state.userGroups.set(id, { id, handle: seed.handle, users: [...seed.users] });
    return id;
  }

  /** Changes a user group's members. */
  setUserGroupMembers(id: string, users: string[]): void {
    const group = this.state.userGroups.get(id);
    if (!group) throw new Error(`no user group ${id}`);
    group.users = [...users];
  }

  addChannel(seed: ChannelSeed): string {
    return this.state.addChannel(seed).id;
  }

  /** Put a user (or the bot, by its user id) into a channel. */
  addMember(channel: string, user: string): void {
    this.requireChannel(channel).members.add(user);
  }

  /** Take a user (or the bot) out of a channel. */
  removeMember(channel: string, user: string): void {
    this.requireChannel(channel).members.delete(user);
  }

  /** Seed {@link DefaultScenario}: six users, two private staff channels and three others. */
  seedDefaultScenario(): DefaultScenario {
    const users = Object.fromEntries(
      Object.entries(DEFAULT_USERS).map(([key, seed]) => [key, this.addUser(seed)]),
    ) as DefaultScenario['users'];
    const channels = Object.fromEntries(
      Object.entries(defaultChannels(users)).map(([key, seed]) => [key, this.addChannel(seed)]),
    ) as DefaultScenario['channels'];
    this.scenario = { users, channels };
    return this.scenario;
  }

  /** The DM channel (`D…`) between the bot and a user, opened if needed as Slack would. */
  dmChannelOf(userId: string): string {
    this.requireUser(userId);
    return this.state.dmWith(userId).channel.id;
  }

  /** Make the bot token answer `token_revoked` (or valid again). */
  revokeBotToken(revoked = true): void {
    this.botRevoked = revoked;
  }

  /** Send requests to the app over signed HTTP, to its `/slack/events` URL (or per kind). */
  useHttp(target: string | HttpTargets): void {
    this.httpTargets = typeof target === 'string' ? { events: target } : target;
    this.mode = 'http';
  }

  /** Send requests to the app over its Socket Mode connection(s). */
  useSocketMode(): void {
    this.mode = 'socket';
  }

  /** The transport in use: the chosen one, else Socket Mode when a connection is open. */
  get transport(): TransportKind | undefined {
    if (this.mode) return this.mode;
    return this.socket.openConnections > 0 ? 'socket' : undefined;
  }

  /** Open Socket Mode connections. */
  get socketConnections(): number {
    return this.socket.openConnections;
  }

  /** How many Socket Mode connections were ever accepted (reconnects included). */
  get socketConnectCount(): number {
    return this.socket.connectCount;
  }

  /** Resolve when a Socket Mode connection is open. */
  async waitForSocket(timeoutMs = 3000): Promise<void> {
    if (!(await this.socket.waitForConnection(timeoutMs))) throw new Error(`no Socket Mode connection within ${timeoutMs} ms`);
  }

  /** Cut Socket Mode connections abruptly (the client is expected to reconnect). */
  dropSocket(): void {
    this.socket.drop();
  }

  /** Send Slack's `disconnect` message to Socket Mode clients. */
  requestReconnect(reason: 'warning' | 'refresh_requested' | 'link_disabled' = 'refresh_requested'): void {
    this.socket.requestReconnect(reason);
  }

  /** A user types a slash command in a channel; resolves with the app's acknowledgement. */
  async slashCommand(opts: { user: string; channel: string; command: string; text?: string }): Promise<SlashCommandResult> {
    const { body, triggerId, responseUrl } = this.commandPayload(opts);
    const response = await this.deliver('command', body);
    const record = this.state.responseUrls.get(responseUrl);
    this.showImmediateResponse(response, opts.channel, opts.user);
    return { ...response, triggerId, responseUrl, responseUrlMessages: record?.messages ?? [] };
  }

  /** The form body of a slash command request (for {@link sendRaw}), with a fresh trigger_id. */
  commandRequestBody(opts: { user: string; channel: string; command: string; text?: string }): string {
    return stringifyQuery(this.commandPayload(opts).body as Record<string, string>);
  }

  /**
   * A user clicks a button or picks a value in a message (`channel` + `message`) or in an open
   * view (`view`). `value` picks among same-`action_id` buttons, or is the selected value(s).
   */
  async blockAction(opts: {
    user: string;
    actionId: string;
    blockId?: string;
    channel?: string;
    message?: string | { ts: string };
    view?: ViewRef;
    value?: unknown;
  }): Promise<BlockActionResult> {
    const user = this.requireUser(opts.user);
    const actionTs = this.state.clock.next();
    if (opts.view !== undefined) {
      const record = this.requireOpenView(refId(opts.view));
      const located = this.locate(record.view.blocks, opts.actionId, opts.blockId, opts.value);
      const state = this.applyInput(record, located, opts.value, user.id);
      const trigger = this.state.issueTrigger(user.id, record.id);
      const payload: Obj = {
        type: 'block_actions',
        user: this.userRef(user.id),
        api_app_id: this.appId,
        token: this.verificationToken,
        container: { type: 'view', view_id: record.id },
        trigger_id: trigger.id,
        team: { id: this.teamId, domain: this.teamDomain },
        enterprise: null,
        is_enterprise_install: false,
        view: this.state.viewWire(record),
        actions: [actionPayload(located, state, actionTs)],
      };
      const response = await this.deliver('interaction', payload);
      return { ...response, triggerId: trigger.id, responseUrlMessages: [] };
    }
    if (opts.channel === undefined || opts.message === undefined) throw new Error('blockAction needs view, or channel and message');
    const channel = this.requireChannel(opts.channel);
    if (!channel.members.has(user.id)) throw new Error(`${user.id} cannot see ${channel.id}: not a member`);
    const ts = typeof opts.message === 'string' ? opts.message : opts.message.ts;
    const stored = this.state.findMessage(channel.id, ts);
    const ephemeral = stored ? undefined : this.state.ephemerals.find((e) => e.channel === channel.id && e.ts === ts && e.user === user.id);
    if (!stored && !ephemeral) throw new Error(`no message ${ts} in ${channel.id} that ${user.id} can see`);
    const data = stored ? stored.data : (ephemeral as EphemeralRecord).data;
    const located = this.locate(data.blocks, opts.actionId, opts.blockId, opts.value);
    const stateValue = opts.value !== undefined && located.element.type !== 'button' ? stateValueFrom(located.element, opts.value) : undefined;
    const values: Obj = {};
    if (stateValue) values[String(located.block.block_id)] = { [String(located.element.action_id)]: stateValue };
    const trigger = this.state.issueTrigger(user.id);
    const responseUrl = this.state.issueResponseUrl(this.baseUrl, { kind: 'actions', user: user.id, channel: channel.id, messageTs: ts });
    const threadTs = stored?.threadTs ?? ephemeral?.threadTs;
    const payload: Obj = {
      type: 'block_actions',
      user: this.userRef(user.id),
      api_app_id: this.appId,
      token: this.verificationToken,
      container: {
        type: 'message', message_ts: ts, channel_id: channel.id, is_ephemeral: stored === undefined,
        ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      },
      trigger_id: trigger.id,
      team: { id: this.teamId, domain: this.teamDomain },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: channel.id, name: this.channelNameFor(channel) },
      ...(stored ? { message: this.state.wire(stored) } : {}),
      state: { values },
      response_url: responseUrl.url,
      actions: [actionPayload(located, stateValue, actionTs)],
    };
    const response = await this.deliver('interaction', payload);
    return { ...response, triggerId: trigger.id, responseUrl: responseUrl.url, responseUrlMessages: responseUrl.messages };
  }

  /**
   * A user submits a modal (by id, or the user's top view) with values
   * `{ [block_id]: { [action_id]: text | option value(s) | FileSpec[] | … } }`.
   * Throws where Slack's client would refuse (required input empty, too long, wrong file type).
   */
  async submitView(opts: { view?: ViewRef; viewId?: string; user?: string; values?: Record<string, Record<string, unknown>> }): Promise<ViewSubmissionResult> {
    const record = this.resolveView(opts.view ?? opts.viewId, opts.user);
    if (record.view.submit === null || record.view.submit === undefined) throw new Error(`view ${record.id} has no submit button`);
    const files: Obj[] = [];
    for (const [blockId, actions] of Object.entries(opts.values ?? {})) {
      for (const [actionId, input] of Object.entries(actions)) {
        const located = findElement(record.view.blocks, actionId, blockId);
        if (!located) throw new Error(`view ${record.id} has no element ${blockId}/${actionId}`);
        const value = this.applyInput(record, located, input, record.user);
        if (Array.isArray(value?.files)) files.push(...(value.files as Obj[]));
      }
    }
    this.checkSubmittable(record);
    const trigger = this.state.issueTrigger(record.user, record.id);
    const payload: Obj = {
      type: 'view_submission',
      team: { id: this.teamId, domain: this.teamDomain },
      user: this.userRef(record.user),
      api_app_id: this.appId,
      token: this.verificationToken,
      trigger_id: trigger.id,
      view: this.state.viewWire(record),
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const response = await this.deliver('interaction', payload);
    const result = this.applyViewResponse(record, response);
    const stack = this.state.stackOf(record.user);
    const top = stack[stack.length - 1];
    return {
      ...response,
      viewId: record.id,
      triggerId: trigger.id,
      open: record.open,
      view: top ? this.state.viewWire(top) : undefined,
      ...(result.errors ? { errors: result.errors } : {}),
      ...(result.problems ? { problems: result.problems } : {}),
      files,
    };
  }

  /** A user closes (cancels) a modal; `view_closed` reaches the app only with `notify_on_close`. */
  async viewClosed(opts: { view?: ViewRef; user?: string } = {}): Promise<AppResponse | undefined> {
    const record = this.resolveView(opts.view, opts.user);
    const cleared = record.view.clear_on_close === true;
    const stack = this.state.stackOf(record.user);
    const closing = cleared ? stack : [record];
    for (const view of closing) {
      view.open = false;
      view.closedBy = 'user';
    }
    if (record.view.notify_on_close !== true) return undefined;
    return this.deliver('interaction', {
      type: 'view_closed',
      team: { id: this.teamId, domain: this.teamDomain },
      user: this.userRef(record.user),
      api_app_id: this.appId,
      token: this.verificationToken,
      view: this.state.viewWire(record),
      is_cleared: cleared,
      is_enterprise_install: false,
      enterprise: null,
    });
  }

  /**
   * A user posts a message (optionally in a thread, optionally with files); the `message` event
   * (`subtype: file_share` with files) reaches the app if the bot is in the conversation.
   * Resolves with the message `ts` once the app acknowledged the event. With `holdEvent`, the message is in
   * the channel (and its history) at once but its event waits for {@link releaseMessageEvent}: Slack does not
   * promise to deliver events in order, and a delivery that timed out comes again after newer ones.
   */
  async userMessage(opts: { user: string; channel: string; text?: string; thread_ts?: string; files?: FileSpec[]; reply_broadcast?: boolean; holdEvent?: boolean }): Promise<string> {
    const user = this.requireUser(opts.user);
    if (user.deleted) throw new Error(`${user.id} is deactivated`);
    const channel = this.requireChannel(opts.channel);
    if (!channel.members.has(user.id)) throw new Error(`${user.id} is not a member of ${channel.id}`);
    let threadTs: string | undefined;
    if (opts.thread_ts !== undefined) {
      const root = this.state.findRoot(channel.id, opts.thread_ts);
      if (!root) throw new Error(`no thread ${opts.thread_ts} in ${channel.id}`);
      threadTs = root.ts;
    }
    const text = opts.text ?? '';
    const ts = this.state.clock.next();
    const data: Obj = {
      type: 'message',
      ...(opts.files?.length ? { subtype: 'file_share' } : {}),
      user: user.id,
      text,
      client_msg_id: randomUUID(),
      team: this.teamId,
      ...(text ? { blocks: [richTextOf(text)] } : {}),
    };
    if (opts.files?.length) {
      const files = opts.files.map((spec) => this.createUserFile(user.id, spec));
      for (const file of files) file.shares.push({ channel: channel.id, ts, ...(threadTs ? { threadTs } : {}) });
      data.files = files.map((f) => this.state.fileWire(f, this.baseUrl));
      data.upload = true;
      data.display_as_bot = false;
    }
    if (threadTs && opts.reply_broadcast) {
      data.subtype = 'thread_broadcast';
      const root = this.state.findMessage(channel.id, threadTs);
      if (root) data.root = this.state.wire(root);
    }
    const record: MessageRecord = { channel: channel.id, ts, data, author: { kind: 'user', id: user.id }, reactions: new Map(), ...(threadTs ? { threadTs } : {}) };
    this.state.insertMessage(record);
    if (opts.holdEvent) {
      this.heldMessageEvents.set(`${channel.id}:${ts}`, record);
      return ts;
    }
    await this.announceMessage(record);
    if (text.includes(`<@${this.botUserId}>`) && this.events.has('app_mention') && this.state.botIsMember(channel)) {
      const rest = omit(this.state.wire(record), ['type', 'subtype']);
      await this.sendEvent({ type: 'app_mention', ...rest, channel: channel.id, event_ts: ts });
    }
    return ts;
  }

  /** Delivers the held event of a message posted with `holdEvent`. */
  async releaseMessageEvent(channel: string, ts: string): Promise<void> {
    const record = this.heldMessageEvents.get(`${channel}:${ts}`);
    if (!record) throw new Error(`no held message event ${ts} in ${channel}`);
    this.heldMessageEvents.delete(`${channel}:${ts}`);
    await this.announceMessage(record);
  }

  /** A user edits their message: `message_changed` reaches the app. */
  async editUserMessage(opts: { channel: string; ts: string; text: string }): Promise<void> {
    const record = this.state.findMessage(opts.channel, opts.ts);
    if (!record || record.author.kind !== 'user') throw new Error(`no user message ${opts.ts} in ${opts.channel}`);
    const previous = this.state.wire(record);
    const data: Obj = { ...record.data, text: opts.text, edited: { user: record.author.id, ts: this.state.clock.next() } };
    if (opts.text) data.blocks = [richTextOf(opts.text)];
    else delete data.blocks;
    record.data = data;
    await this.announceChanged(record, previous);
  }

  /** A user deletes their message: `message_deleted` reaches the app. */
  async deleteUserMessage(opts: { channel: string; ts: string }): Promise<void> {
    const record = this.state.findMessage(opts.channel, opts.ts);
    if (!record || record.author.kind !== 'user') throw new Error(`no user message ${opts.ts} in ${opts.channel}`);
    const previous = this.state.wire(record);
    this.api.deleteRecord(record);
    await this.announceDeleted(opts.channel, opts.ts, previous);
  }

  /** A user adds (or removes) a reaction; `reaction_added`/`_removed` reach the app when subscribed. */
  async userReaction(opts: { user: string; channel: string; ts: string; name: string; remove?: boolean }): Promise<void> {
    const record = this.state.findMessage(opts.channel, opts.ts);
    if (!record) throw new Error(`no message ${opts.ts} in ${opts.channel}`);
    if (!this.requireChannel(opts.channel).members.has(opts.user)) throw new Error(`${opts.user} is not a member of ${opts.channel}`);
    const users = record.reactions.get(opts.name) ?? [];
    if (opts.remove) {
      const rest = users.filter((u) => u !== opts.user);
      if (rest.length > 0) record.reactions.set(opts.name, rest);
      else record.reactions.delete(opts.name);
    } else if (!users.includes(opts.user)) {
      record.reactions.set(opts.name, [...users, opts.user]);
    }
    const type = opts.remove ? 'reaction_removed' : 'reaction_added';
    const author = record.author.kind === 'bot' ? this.botUserId : record.author.id;
    await this.announceOther(type, {
      type, user: opts.user, reaction: opts.name, item: { type: 'message', channel: opts.channel, ts: opts.ts },
      item_user: author, event_ts: this.state.clock.next(),
    });
  }

  /** Deliver any event in an `event_callback` envelope (reuse `eventId` for a duplicate). */
  async deliverEvent(event: Obj, opts: { eventId?: string; retryNum?: number; retryReason?: string } = {}): Promise<EventResult> {
    const body = this.eventEnvelope(event, opts.eventId);
    const eventId = String(body.event_id);
    this.sentEvents.set(eventId, body);
    const response = await this.deliver('event', body, { eventId, retryNum: opts.retryNum, retryReason: opts.retryReason });
    return { ...response, eventId };
  }

  /** Deliver a sent event again, as Slack's retries do (`X-Slack-Retry-Num` / `retry_attempt`). */
  async redeliverEvent(eventId: string, opts: { retryNum?: number; retryReason?: string } = {}): Promise<AppResponse> {
    const body = this.sentEvents.get(eventId);
    if (!body) throw new Error(`event ${eventId} was never delivered`);
    return this.deliver('event', body, { eventId, retryNum: opts.retryNum ?? 1, retryReason: opts.retryReason ?? 'http_timeout' });
  }

  /** The Events API `event_callback` body Slack would send for an event. */
  eventEnvelope(event: Obj, eventId?: string): Obj {
    return {
      token: this.verificationToken,
      team_id: this.teamId,
      context_team_id: this.teamId,
      context_enterprise_id: null,
      api_app_id: this.appId,
      event,
      type: 'event_callback',
      event_id: eventId ?? newEventId(),
      event_time: nowSeconds(),
      authorizations: [{ enterprise_id: null, team_id: this.teamId, user_id: this.botUserId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
      event_context: `4-${Buffer.from(JSON.stringify({ et: event.type, tid: this.teamId, aid: this.appId })).toString('base64url')}`,
    };
  }

  /** Send Slack's `url_verification` challenge (HTTP mode). */
  async verifyUrl(): Promise<AppResponse> {
    return this.deliver('url_verification', { token: this.verificationToken, challenge: randomHex(40), type: 'url_verification' });
  }

  /** Signature headers for a raw body (`timestamp` in seconds, `secret` to forge). */
  signatureHeaders(rawBody: string, opts: { timestamp?: number; secret?: string } = {}): Record<string, string> {
    const timestamp = opts.timestamp ?? nowSeconds();
    return {
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(opts.secret ?? this.signingSecret, timestamp, rawBody),
    };
  }

  /** POST anything to the app's HTTP endpoint: forged or missing signatures, stale timestamps, odd bodies. */
  async sendRaw(opts: RawRequestOptions): Promise<AppResponse> {
    const targets = this.requireHttp();
    const base = new URL(targets.events);
    const url = opts.path !== undefined ? new URL(opts.path, base).toString() : targets.events;
    const raw = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    const contentType = opts.contentType ?? (typeof opts.body === 'string' ? 'application/x-www-form-urlencoded' : 'application/json');
    const signature = opts.signature ?? 'valid';
    let headers: Record<string, string> = { 'content-type': contentType, 'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)', accept: '*/*' };
    if (signature !== 'none') {
      const secret = signature === 'forged' ? `${this.signingSecret}-forged` : this.signingSecret;
      headers = { ...headers, ...this.signatureHeaders(raw, { ...(opts.timestamp !== undefined ? { timestamp: opts.timestamp } : {}), secret }) };
    }
    headers = { ...headers, ...(opts.headers ?? {}) };
    for (const name of opts.omitHeaders ?? []) delete headers[name.toLowerCase()];
    const delivery = this.newDelivery('raw', 'http', isObj(opts.body) ? opts.body : { raw });
    const response = await this.poster.post(url, headers, raw, this.ackTimeoutMs);
    delivery.response = response;
    this.emitter.emit('change');
    return response;
  }

  /** Send a raw Socket Mode envelope and wait for its ack. */
  async sendEnvelope(envelope: Envelope): Promise<AppResponse> {
    const delivery = this.newDelivery('raw', 'socket', envelope.payload);
    const response = await this.socket.send(envelope, this.ackTimeoutMs, this.socketWaitMs);
    delivery.response = response;
    this.emitter.emit('change');
    return response;
  }

  /** Recorded calls of one method. */
  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Wait for a Web API call (already made or to come) matching a method name or predicate. */
  waitForCall(match: string | ((call: RecordedCall) => boolean), timeoutMs = 2000): Promise<RecordedCall> {
    const predicate = typeof match === 'string' ? (c: RecordedCall) => c.method === match : match;
    return this.waitFor(() => this.calls.find(predicate), timeoutMs, `a call matching ${String(match)}`);
  }

  /** Wait until `check` returns a value other than undefined/false (re-checked on every change). */
  waitFor<T>(check: () => T | undefined | false, timeoutMs = 2000, what = 'condition'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const attempt = (): boolean => {
        const value = check();
        if (value === undefined || value === false) return false;
        cleanup();
        resolve(value);
        return true;
      };
      const onChange = () => {
        attempt();
      };
      const poll = setInterval(onChange, 20);
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearInterval(poll);
        clearTimeout(timer);
        this.emitter.off('change', onChange);
      };
      this.emitter.on('change', onChange);
      attempt();
    });
  }

  /** Resolve once every event the fake scheduled (echoes included) has been delivered. */
  async idle(): Promise<void> {
    while (this.pending.size > 0 || this.timers.size > 0) {
      if (this.pending.size > 0) await Promise.allSettled([...this.pending]);
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /**
   * Messages of a conversation, oldest first, as Slack returns them: top-level messages, or with
   * `thread_ts` the root and its replies; `all` gives every message including replies.
   */
  messagesIn(channel: string, opts: { thread_ts?: string; all?: boolean } = {}): Obj[] {
    const list = this.state.list(channel);
    const chosen = opts.all
      ? list
      : opts.thread_ts !== undefined
        ? list.filter((m) => m.ts === opts.thread_ts || m.threadTs === opts.thread_ts)
        : list.filter((m) => m.threadTs === undefined || m.data.subtype === 'thread_broadcast');
    return chosen.map((m) => this.state.wire(m));
  }

  /** One message as Slack returns it. */
  message(channel: string, ts: string): Obj | undefined {
    const record = this.state.findMessage(channel, ts);
    return record ? this.state.wire(record) : undefined;
  }

  /** Reactions on a message: name → user ids. */
  reactionsOn(channel: string, ts: string): Record<string, string[]> {
    const record = this.state.findMessage(channel, ts);
    return record ? Object.fromEntries([...record.reactions].map(([name, users]) => [name, [...users]])) : {};
  }

  /** Open modals (optionally of one user), root first, as Slack's view objects. */
  openViews(user?: string): Obj[] {
    return [...this.state.views.values()]
      .filter((v) => v.open && (user === undefined || v.user === user))
      .map((v) => this.state.viewWire(v));
  }

  /** A view by id (open or closed), with `state` and `hash`. */
  view(viewId: string): Obj | undefined {
    const record = this.state.views.get(viewId);
    return record ? this.state.viewWire(record) : undefined;
  }

  /** Ephemeral messages shown to a user (from chat.postEphemeral, acks and response_url). */
  ephemeralsFor(user: string): EphemeralRecord[] {
    return this.state.ephemerals.filter((e) => e.user === user);
  }

  /** Bodies the app POSTed to a `response_url`. */
  responseUrlMessages(url: string): Obj[] {
    return this.state.responseUrls.get(url)?.messages ?? [];
  }

  /** A file and its bytes, as uploaded by the bot or a user. */
  uploadedFile(fileId: string): UploadedFile | undefined {
    const file = this.state.files.get(fileId);
    if (!file) return undefined;
    return {
      id: file.id,
      name: file.name,
      title: file.title,
      mimetype: file.mimetype,
      size: file.bytes?.length ?? 0,
      bytes: file.bytes,
      user: file.user,
      shares: file.shares.map((s) => ({ ...s })),
    };
  }

  /** The App Home view published for a user. */
  homeView(user: string): Obj | undefined {
    return this.api.homeViews.get(user);
  }

  /** Make matching Web API calls fail (`error`), rate-limit (429 + Retry-After), or fail at HTTP level. */
  injectFault(spec: FaultSpec): FaultHandle {
    return this.faults.add(spec);
  }

  /**
   * Holds Web API calls of a method (optionally only those whose arguments match) before they do anything,
   * until released: `release()` lets them through, `release('drop')` cuts the connection with nothing done.
   * An app waiting on a held call can then be killed at a precise step. `held` resolves once one is held.
   */
  holdCalls(method: string, where?: (args: Obj) => boolean): { held: Promise<void>; release(mode?: 'process' | 'drop'): void } {
    let signal!: () => void;
    const held = new Promise<void>((resolve) => (signal = resolve));
    let release!: (mode: 'process' | 'drop') => void;
    const released = new Promise<'process' | 'drop'>((resolve) => (release = resolve));
    const hold: CallHold = { method, ...(where ? { where } : {}), signal, released, release };
    this.holds.push(hold);
    return {
      held,
      release: (mode = 'process') => {
        const i = this.holds.indexOf(hold);
        if (i >= 0) this.holds.splice(i, 1);
        release(mode);
      },
    };
  }

  /** Disarm every injected fault. */
  clearFaults(): void {
    this.faults.clear();
  }

  private requireUser(id: string) {
    const user = this.state.users.get(id);
    if (!user) throw new Error(`unknown user ${id}`);
    return user;
  }

  private requireChannel(id: string): ChannelRecord {
    const channel = this.state.channels.get(id);
    if (!channel) throw new Error(`unknown channel ${id}`);
    return channel;
  }

  private requireHttp(): HttpTargets {
    if (!this.httpTargets) throw new Error('call useHttp(url) first');
    return this.httpTargets;
  }

  private userRef(id: string): Obj {
    const user = this.requireUser(id);
    return { id: user.id, username: user.name, name: user.name, team_id: this.teamId };
  }

  private channelNameFor(channel: ChannelRecord): string {
    if (channel.kind === 'im') return 'directmessage';
    if (channel.kind === 'group') return 'privategroup';
    return channel.name;
  }

  private commandPayload(opts: { user: string; channel: string; command: string; text?: string }) {
    const user = this.requireUser(opts.user);
    const channel = this.requireChannel(opts.channel);
    if (!opts.command.startsWith('/')) throw new Error('a slash command starts with /');
    if (!channel.members.has(user.id)) throw new Error(`${user.id} cannot type in ${channel.id}: not a member`);
    const trigger = this.state.issueTrigger(user.id);
    const responseUrl = this.state.issueResponseUrl(this.baseUrl, { kind: 'commands', user: user.id, channel: channel.id });
    const body: Obj = {
      token: this.verificationToken,
      team_id: this.teamId,
      team_domain: this.teamDomain,
      channel_id: channel.id,
      channel_name: this.channelNameFor(channel),
      user_id: user.id,
      user_name: user.name,
      command: opts.command,
      text: opts.text ?? '',
      api_app_id: this.appId,
      is_enterprise_install: 'false',
      response_url: responseUrl.url,
      trigger_id: trigger.id,
    };
    return { body, triggerId: trigger.id, responseUrl: responseUrl.url };
  }

  /** A slash command's acknowledgement with text or blocks is shown like a response_url message. */
  private showImmediateResponse(response: AppResponse, channel: string, user: string): void {
    const body = response.ackBody;
    if (!body || (body.text === undefined && body.blocks === undefined)) return;
    this.postResponseMessage(body, channel, user);
  }

  private locate(blocks: unknown, actionId: string, blockId: string | undefined, value: unknown) {
    const candidates = elementsOf(blocks).filter(
      (l) => l.element.action_id === actionId && (blockId === undefined || l.block.block_id === blockId),
    );
    const buttons = candidates.filter((l) => l.element.type === 'button');
    const chosen = value !== undefined && buttons.length > 0 ? buttons.find((l) => l.element.value === value) : candidates[0];
    if (!chosen) throw new Error(`no element with action_id ${actionId}${value !== undefined ? ` and value ${String(value)}` : ''}`);
    return chosen;
  }

  private requireOpenView(id: string): ViewRecord {
    const record = this.state.views.get(id);
    if (!record || !record.open) throw new Error(`view ${id} is not open`);
    return record;
  }

  private resolveView(ref: ViewRef | undefined, user: string | undefined): ViewRecord {
    if (ref !== undefined) {
      const record = this.requireOpenView(refId(ref));
      if (user !== undefined && record.user !== user) throw new Error(`view ${record.id} belongs to ${record.user}`);
      return record;
    }
    if (user === undefined) throw new Error('give a view or a user');
    const stack = this.state.stackOf(user);
    const top = stack[stack.length - 1];
    if (!top) throw new Error(`${user} has no open view`);
    return top;
  }

  private createUserFile(user: string, spec: FileSpec) {
    const bytes = typeof spec.data === 'string' ? Buffer.from(spec.data) : spec.data;
    return this.state.newFile({
      name: spec.name, user, bytes, ...(spec.title !== undefined ? { title: spec.title } : {}), ...(spec.mimetype !== undefined ? { mimetype: spec.mimetype } : {}),
    });
  }

  /** Store what the user entered into a view element; returns the new state value. */
  private applyInput(record: ViewRecord, located: ReturnType<FakeSlack['locate']>, input: unknown, user: string): Obj | undefined {
    const { block, element } = located;
    if (element.type === 'button' || (element.type === 'overflow' && input === undefined)) return undefined;
    let value: Obj;
    if (element.type === 'file_input') {
      const specs = (Array.isArray(input) ? input : [input]) as FileSpec[];
      const max = typeof element.max_files === 'number' ? element.max_files : 10;
      if (specs.length > max) throw new Error(`file_input ${String(element.action_id)} takes at most ${max} files`);
      const allowed = Array.isArray(element.filetypes) ? element.filetypes.map((t) => String(t).toLowerCase()) : undefined;
      for (const spec of specs) {
        const ext = extname(spec.name).slice(1).toLowerCase();
        if (allowed && !allowed.includes(ext)) throw new Error(`Slack's client refuses ${spec.name}: allowed ${allowed.join(', ')}`);
      }
      value = { type: 'file_input', files: specs.map((spec) => this.state.fileWire(this.createUserFile(user, spec), this.baseUrl)) };
    } else {
      value = stateValueFrom(element, input);
    }
    (record.state[String(block.block_id)] ??= {})[String(element.action_id)] = value;
    return value;
  }

  /** Refuse what Slack's client would not submit: empty required inputs, text outside min/max length. */
  private checkSubmittable(record: ViewRecord): void {
    for (const { block, element, inInput } of elementsOf(record.view.blocks)) {
      if (!inInput) continue;
      const value = record.state[String(block.block_id)]?.[String(element.action_id)];
      const label = isObj(block.label) ? String(block.label.text) : String(block.block_id);
      if (block.optional !== true && isEmptyState(value)) {
        throw new Error(`Slack's client would not submit: "${label}" is required`);
      }
      const text = typeof value?.value === 'string' ? value.value : undefined;
      if (text !== undefined && element.type === 'plain_text_input') {
        if (typeof element.max_length === 'number' && text.length > element.max_length) {
          throw new Error(`Slack's client would not submit: "${label}" is longer than ${element.max_length}`);
        }
        if (typeof element.min_length === 'number' && text.length < element.min_length) {
          throw new Error(`Slack's client would not submit: "${label}" is shorter than ${element.min_length}`);
        }
      }
    }
  }

  /** Apply a `view_submission` acknowledgement the way Slack does. */
  private applyViewResponse(record: ViewRecord, response: AppResponse): { errors?: Record<string, string>; problems?: string[] } {
    if (response.status !== 200 || response.timedOut) return {};
    const body = response.ackBody;
    const action = body?.response_action;
    if (action === 'errors') {
      if (!isObj(body?.errors)) return { problems: ['missing required field: errors'] };
      const inputs = new Set(elementsOf(record.view.blocks).filter((l) => l.inInput).map((l) => String(l.block.block_id)));
      const unknown = Object.keys(body.errors).filter((key) => !inputs.has(key));
      if (unknown.length > 0) return { problems: unknown.map((key) => `errors key ${key} is not the block_id of an input block`) };
      record.errors = body.errors as Record<string, string>;
      return { errors: record.errors };
    }
    if (action === 'update' || action === 'push') {
      if (!isObj(body?.view)) return { problems: ['missing required field: view'] };
      const problems = validateModal(body.view);
      if (problems.length > 0) return { problems };
      if (action === 'update') this.api.replaceView(record, body.view);
      else if (this.state.stackOf(record.user).length >= 3) return { problems: ['push_limit_reached'] };
      else this.api.createView(body.view, record.user, record);
      return {};
    }
    const closing = action === 'clear' ? this.state.stackOf(record.user) : [record];
    for (const view of closing) {
      view.open = false;
      view.closedBy = action === 'clear' ? 'clear' : 'submit';
    }
    return {};
  }

  private receiveUpload(key: string, bytes: Buffer): boolean {
    const fileId = this.api.uploadKeys.get(key);
    const file = fileId ? this.state.files.get(fileId) : undefined;
    if (!file) return false;
    file.bytes = bytes;
    return true;
  }

  private handleResponseUrl(url: string, raw: string): { status: number; body: Obj } {
    const record = this.state.responseUrls.get(url);
    if (!record || Date.now() - record.issuedAt > 30 * 60 * 1000) return { status: 404, body: { ok: false, error: 'expired_url' } };
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return { status: 400, body: { ok: false, error: 'invalid_payload' } };
    }
    if (!isObj(body)) return { status: 400, body: { ok: false, error: 'invalid_payload' } };
    record.messages.push(body);
    this.emitter.emit('change');
    const original = record.messageTs !== undefined && record.channel !== undefined
      ? this.state.findMessage(record.channel, record.messageTs)
      : undefined;
    const ownOriginal = original && original.author.kind === 'bot' ? original : undefined;
    if (body.delete_original === true || body.delete_original === 'true') {
      if (ownOriginal) {
        const previous = this.state.wire(ownOriginal);
        this.api.deleteRecord(ownOriginal);
        this.later(() => this.announceDeleted(ownOriginal.channel, ownOriginal.ts, previous));
      }
      return { status: 200, body: { ok: true } };
    }
    if ((body.replace_original === true || body.replace_original === 'true') && ownOriginal) {
      const previous = this.state.wire(ownOriginal);
      const data: Obj = { ...ownOriginal.data, text: typeof body.text === 'string' ? body.text : '' };
      if (Array.isArray(body.blocks)) data.blocks = normalizeBlocks(body.blocks);
      else delete data.blocks;
      ownOriginal.data = data;
      this.later(() => this.announceChanged(ownOriginal, previous));
      return { status: 200, body: { ok: true } };
    }
    if (record.channel !== undefined) this.postResponseMessage(body, record.channel, record.user);
    return { status: 200, body: { ok: true } };
  }

  /** Show a response message: in the channel (`in_channel`) or to the user only (ephemeral). */
  private postResponseMessage(body: Obj, channelId: string, user: string): void {
    const data: Obj = {
      type: 'message',
      user: this.botUserId,
      bot_id: this.botId,
      app_id: this.appId,
      team: this.teamId,
      bot_profile: botProfile(this.state),
      text: typeof body.text === 'string' ? body.text : '',
      ...(Array.isArray(body.blocks) ? { blocks: normalizeBlocks(body.blocks) } : {}),
    };
    const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
    if (body.response_type === 'in_channel') {
      const record: MessageRecord = {
        channel: channelId, ts: this.state.clock.next(), data, author: { kind: 'bot', id: this.botId }, reactions: new Map(),
        ...(threadTs && this.state.findRoot(channelId, threadTs) ? { threadTs } : {}),
      };
      this.state.insertMessage(record);
      this.later(() => this.announceMessage(record));
      return;
    }
    this.state.ephemerals.push({ channel: channelId, user, ts: this.state.clock.next(), data, ...(threadTs ? { threadTs } : {}) });
  }

  private newDelivery(kind: Delivery['kind'], transport: TransportKind, body: Obj, extra: Partial<Delivery> = {}): Delivery {
    const delivery: Delivery = { id: ++this.deliverySeq, kind, transport, body, at: Date.now(), ...extra };
    this.deliveries.push(delivery);
    return delivery;
  }

  /** Send a request to the app over the transport in use and wait for its acknowledgement. */
  private async deliver(
    kind: 'event' | 'command' | 'interaction' | 'url_verification',
    body: Obj,
    opts: { eventId?: string; retryNum?: number | undefined; retryReason?: string | undefined } = {},
  ): Promise<AppResponse> {
    if (this.stopped) throw new Error('the fake Slack is stopped');
    const transport = kind === 'url_verification' ? 'http' : this.transport;
    if (!transport) throw new Error('no app to deliver to: call useHttp(url) or connect a Socket Mode app');
    const delivery = this.newDelivery(kind, transport, body, {
      ...(opts.eventId !== undefined ? { eventId: opts.eventId } : {}),
      ...(opts.retryNum !== undefined ? { retryNum: opts.retryNum } : {}),
      ...(opts.retryReason !== undefined ? { retryReason: opts.retryReason } : {}),
    });
    try {
      const response = transport === 'http' ? await this.deliverHttp(kind, body, opts) : await this.deliverSocket(kind, body, opts);
      delivery.response = response;
      return response;
    } catch (error) {
      delivery.error = String(error);
      throw error;
    } finally {
      this.emitter.emit('change');
    }
  }

  private deliverHttp(kind: string, body: Obj, opts: { retryNum?: number | undefined; retryReason?: string | undefined }): Promise<AppResponse> {
    const targets = this.requireHttp();
    let url = targets.events;
    let raw: string;
    let contentType: string;
    if (kind === 'command') {
      url = targets.commands ?? targets.events;
      raw = stringifyQuery(body as Record<string, string>);
      contentType = 'application/x-www-form-urlencoded';
    } else if (kind === 'interaction') {
      url = targets.interactivity ?? targets.events;
      raw = stringifyQuery({ payload: JSON.stringify(body) });
      contentType = 'application/x-www-form-urlencoded';
    } else {
      raw = JSON.stringify(body);
      contentType = 'application/json';
    }
    const headers: Record<string, string> = {
      'content-type': contentType,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      accept: '*/*',
      'accept-encoding': 'gzip,deflate',
      ...this.signatureHeaders(raw),
    };
    if (opts.retryNum !== undefined && opts.retryNum > 0) {
      headers['x-slack-retry-num'] = String(opts.retryNum);
      headers['x-slack-retry-reason'] = opts.retryReason ?? 'http_timeout';
    }
    return this.poster.post(url, headers, raw, this.ackTimeoutMs);
  }

  private deliverSocket(kind: string, body: Obj, opts: { retryNum?: number | undefined; retryReason?: string | undefined }): Promise<AppResponse> {
    const type = kind === 'command' ? 'slash_commands' : kind === 'interaction' ? 'interactive' : 'events_api';
    const acceptsResponse = kind === 'command' || (kind === 'interaction' && (body.type === 'view_submission' || body.type === 'block_suggestion'));
    return this.socket.send(
      {
        type,
        payload: body,
        accepts_response_payload: acceptsResponse,
        retry_attempt: opts.retryNum ?? 0,
        retry_reason: opts.retryNum ? opts.retryReason ?? 'timeout' : '',
      },
      this.ackTimeoutMs,
      this.socketWaitMs,
    );
  }

  /** Run an announcement after `echoDelayMs`, tracked by {@link idle}, errors kept in `deliveries`. */
  private later(task: () => Promise<unknown>): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stopped) return;
      const promise = task().catch(() => undefined).finally(() => this.pending.delete(promise));
      this.pending.add(promise);
    }, this.echoDelayMs);
    this.timers.add(timer);
  }

  private async sendEvent(event: Obj): Promise<AppResponse | undefined> {
    if (!this.transport) return undefined;
    const body = this.eventEnvelope(event);
    this.sentEvents.set(String(body.event_id), body);
    return this.deliver('event', body, { eventId: String(body.event_id) });
  }

  private messageEventFor(channel: ChannelRecord): boolean {
    return this.state.botIsMember(channel) && this.events.has(MESSAGE_SUBSCRIPTION[channel.kind]);
  }

  private async announceMessage(record: MessageRecord): Promise<void> {
    const channel = this.state.channels.get(record.channel);
    if (!channel || !this.messageEventFor(channel)) return;
    const current = this.state.findMessage(record.channel, record.ts);
    const wire = this.state.wire(current ?? record);
    const fresh = omit(wire, ['reply_count', 'reply_users_count', 'latest_reply', 'reply_users', 'is_locked', 'subscribed', 'reactions']);
    if (record.threadTs === undefined) delete fresh.thread_ts;
    await this.sendEvent({ ...fresh, channel: channel.id, event_ts: record.ts, channel_type: this.state.channelType(channel) });
  }

  private async announceChanged(record: MessageRecord, previous: Obj): Promise<void> {
    const channel = this.state.channels.get(record.channel);
    if (!channel || !this.messageEventFor(channel)) return;
    const eventTs = this.state.clock.next();
    await this.sendEvent({
      type: 'message',
      subtype: 'message_changed',
      message: this.state.wire(record),
      previous_message: previous,
      channel: channel.id,
      hidden: true,
      ts: eventTs,
      event_ts: eventTs,
      channel_type: this.state.channelType(channel),
    });
  }

  private async announceDeleted(channelId: string, ts: string, previous: Obj): Promise<void> {
    const channel = this.state.channels.get(channelId);
    if (!channel || !this.messageEventFor(channel)) return;
    const eventTs = this.state.clock.next();
    await this.sendEvent({
      type: 'message',
      subtype: 'message_deleted',
      previous_message: previous,
      channel: channel.id,
      hidden: true,
      deleted_ts: ts,
      ts: eventTs,
      event_ts: eventTs,
      channel_type: this.state.channelType(channel),
    });
  }

  private async announceOther(subscription: string, event: Obj): Promise<void> {
    if (!this.events.has(subscription)) return;
    const item = isObj(event.item) ? event.item : undefined;
    const channelId = typeof event.channel === 'string' ? event.channel : typeof item?.channel === 'string' ? item.channel : undefined;
    const channel = channelId ? this.state.channels.get(channelId) : undefined;
    if (channel && !this.state.botIsMember(channel)) return;
    await this.sendEvent(event);
  }
}
