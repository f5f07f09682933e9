import { randomChars, decodeCursor, encodeCursor, isTs, randomHex, compareTs, slackId } from './ids.js';
import {
  initialStateValue, isObj, normalizeBlocks, omit, normalizeTextObject, elementsOf, validateMessageBlocks, validateModal,
} from './blocks.js';
import { authorUserId, nowSeconds } from './state.js';
import type { ChannelRecord, FileRecord, MessageRecord, SlackState, ViewRecord } from './state.js';
import { botProfile, botWire, channelWire, permalink, teamWire, userWire } from './wire.js';
import type { Obj } from './types.js';

/** A Slack `{ ok: false, error }` answer, thrown by handlers. */
export class ApiError extends Error {
  constructor(readonly error: string, readonly extra: Obj = {}) {
    super(error);
  }
}

function fail(error: string, extra: Obj = {}): never {
  throw new ApiError(error, extra);
}

function invalidArguments(messages: string[]): never {
  fail('invalid_arguments', { response_metadata: { messages: messages.map((m) => `[ERROR] ${m}`) } });
}

/** What a handler returns: the body, and side effects to run once the answer is sent. */
export interface ApiResult {
  body: Obj;
  after?: () => void;
}

/** What the Web API needs from the rest of the fake. */
export interface ApiHost {
  readonly state: SlackState;
  readonly scopes: Set<string>;
  /** How long a `trigger_id` stays valid, in ms. */
  triggerTtlMs(): number;
  /** `http://127.0.0.1:PORT/` */
  baseUrl(): string;
  /** Issue a Socket Mode ticket and return the `ws://` URL for it. */
  socketUrl(): string;
  announceNewMessage(record: MessageRecord): void;
  announceChanged(record: MessageRecord, previous: Obj): void;
  announceDeleted(channel: string, ts: string, previous: Obj): void;
  announceEvent(subscription: string, event: Obj): void;
}

/** Which token a method accepts. */
export type TokenKind = 'bot' | 'app';

const JSON_ARGS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata', 'unfurled_attachments', 'user_auth_blocks']);

/** Methods that accept a JSON body (the others read form fields only, as Slack's do). */
const JSON_METHODS = new Set([
  'apps.connections.open', 'auth.test', 'chat.delete', 'chat.postEphemeral', 'chat.postMessage', 'chat.update',
  'conversations.history', 'conversations.join', 'conversations.open', 'conversations.invite', 'conversations.kick',
  'files.completeUploadExternal', 'reactions.add', 'reactions.remove', 'team.info', 'views.open', 'views.push',
  'views.update', 'views.publish',
]);

const DEPRECATED = /^(files\.upload|channels\.\w+|groups\.\w+|im\.\w+|mpim\.\w+|rtm\.start|dialog\.open)$/;

/** Parse the JSON-string fields of recorded arguments (`blocks`, `view`, `files`, …). */
export function parseJsonFields(args: Obj): Obj {
  const out: Obj = {};
  for (const [key, value] of Object.entries(args)) {
    if (JSON_ARGS.has(key) && typeof value === 'string') {
      try {
        out[key] = JSON.parse(value);
      } catch {
        out[key] = value;
      }
    } else {
      out[key] = value;
    }
  }
  return out;
}

function bool(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function jsonArg(value: unknown, onError: () => never): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return onError();
  }
}

interface MessageContent {
  text?: string;
  blocks?: Obj[];
  attachments?: Obj[];
  metadata?: Obj;
}

/** Slack's Web API methods, over the fake's state. */
export class WebApi {
  private readonly handlers: Record<string, (args: Obj) => ApiResult> = {
    'auth.test': () => this.authTest(),
    'chat.postMessage': (a) => this.chatPostMessage(a),
    'chat.update': (a) => this.chatUpdate(a),
    'chat.delete': (a) => this.chatDelete(a),
    'chat.postEphemeral': (a) => this.chatPostEphemeral(a),
    'chat.getPermalink': (a) => this.chatGetPermalink(a),
    'conversations.open': (a) => this.conversationsOpen(a),
    'conversations.info': (a) => this.conversationsInfo(a),
    'conversations.history': (a) => this.conversationsHistory(a),
    'conversations.replies': (a) => this.conversationsReplies(a),
    'conversations.members': (a) => this.conversationsMembers(a),
    'conversations.join': (a) => this.conversationsJoin(a),
    'conversations.invite': (a) => this.conversationsInvite(a),
    'conversations.kick': (a) => this.conversationsKick(a),
    'conversations.list': (a) => this.conversationsList(a),
    'users.info': (a) => this.usersInfo(a),
    'users.list': (a) => this.usersList(a),
    'usergroups.users.list': (a) => this.userGroupsUsersList(a),
    'reactions.add': (a) => this.reactionsAdd(a),
    'reactions.remove': (a) => this.reactionsRemove(a),
    'reactions.get': (a) => this.reactionsGet(a),
    'views.open': (a) => this.viewsOpen(a),
    'views.push': (a) => this.viewsPush(a),
    'views.update': (a) => this.viewsUpdate(a),
    'views.publish': (a) => this.viewsPublish(a),
    'files.getUploadURLExternal': (a) => this.filesGetUploadUrl(a),
    'files.completeUploadExternal': (a) => this.filesCompleteUpload(a),
    'files.info': (a) => this.filesInfo(a),
    'team.info': () => this.teamInfo(),
    'bots.info': (a) => this.botsInfo(a),
    'apps.connections.open': () => ({ body: { ok: true, url: this.host.socketUrl() } }),
  };

  /** Upload keys handed out by `files.getUploadURLExternal`, to file ids. */
  readonly uploadKeys = new Map<string, string>();
  /** App Home views published with `views.publish`, by user. */
  readonly homeViews = new Map<string, Obj>();

  constructor(private readonly host: ApiHost) {}

  private get state(): SlackState {
    return this.host.state;
  }

  /** Whether Slack knows the method at all, or has retired it. */
  status(method: string): 'ok' | 'unknown' | 'deprecated' {
    if (DEPRECATED.test(method)) return 'deprecated';
    return method in this.handlers ? 'ok' : 'unknown';
  }

  tokenKind(method: string): TokenKind {
    return method === 'apps.connections.open' ? 'app' : 'bot';
  }

  acceptsJson(method: string): boolean {
    return JSON_METHODS.has(method);
  }

  call(method: string, args: Obj): ApiResult {
    const handler = this.handlers[method];
    if (!handler) fail('unknown_method');
    return handler(args);
  }

  private need(scope: string): void {
    if (!this.host.scopes.has(scope)) fail('missing_scope', { needed: scope, provided: [...this.host.scopes].join(',') });
  }

  private authTest(): ApiResult {
    const { team, bot } = this.state;
    return {
      body: {
        ok: true,
        url: `https://${team.domain}.slack.com/`,
        team: team.name,
        user: bot.name,
        team_id: team.id,
        user_id: bot.userId,
        bot_id: bot.botId,
        is_enterprise_install: false,
      },
    };
  }

  private visibleChannel(ref: unknown): ChannelRecord {
    const id = str(ref);
    const channel = id ? this.state.channelByIdOrName(id) : undefined;
    if (!channel || !this.state.botCanSee(channel)) fail('channel_not_found');
    return channel;
  }

  /** Where `chat.postMessage` and file shares may post. */
  private postTarget(ref: unknown): ChannelRecord {
    const id = str(ref);
    if (!id) fail('channel_not_found');
    if (/^[UW][A-Z0-9]{2,}$/.test(id)) {
      const user = this.state.users.get(id);
      if (!user || user.deleted || user.isBot) fail('channel_not_found');
      return this.state.dmWith(id).channel;
    }
    const channel = this.state.channelByIdOrName(id);
    if (!channel) fail('channel_not_found');
    if (!this.state.botIsMember(channel)) {
      if (!(channel.kind === 'channel' && this.host.scopes.has('chat:write.public'))) fail('not_in_channel');
    }
    if (channel.isArchived) fail('is_archived');
    if (channel.kind === 'im' && channel.dmUser !== undefined && this.state.users.get(channel.dmUser)?.deleted) fail('is_archived');
    return channel;
  }

  private messageContent(args: Obj, requireContent: boolean): MessageContent {
    const content: MessageContent = {};
    const text = str(args.text);
    if (text !== undefined) content.text = text;
    if (args.markdown_text !== undefined && (text !== undefined || args.blocks !== undefined)) fail('markdown_text_conflict');
    const markdown = str(args.markdown_text);
    if (markdown !== undefined) {
      content.text = markdown;
      content.blocks = [{ type: 'markdown', text: markdown }];
    }
    if (args.blocks !== undefined && args.blocks !== '') {
      const blocks = jsonArg(args.blocks, () => fail('invalid_blocks_format'));
      if (!Array.isArray(blocks)) fail('invalid_blocks_format');
      const problems = validateMessageBlocks(blocks);
      if (problems.length > 0) {
        fail('invalid_blocks', { errors: problems, response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) } });
      }
      content.blocks = normalizeBlocks(blocks);
    }
    if (args.attachments !== undefined && args.attachments !== '') {
      const attachments = jsonArg(args.attachments, () => fail('invalid_attachments'));
      if (!Array.isArray(attachments)) fail('invalid_attachments');
      if (attachments.length > 100) fail('too_many_attachments');
      content.attachments = attachments.map((a, i) => ({ id: i + 1, ...(isObj(a) ? a : {}) }));
    }
    if (args.metadata !== undefined && args.metadata !== '') {
      const metadata = jsonArg(args.metadata, () => fail('invalid_metadata_format'));
      if (!isObj(metadata) || typeof metadata.event_type !== 'string' || !isObj(metadata.event_payload)) {
        fail('invalid_metadata_schema');
      }
      content.metadata = metadata;
    }
    if ((content.text?.length ?? 0) > 40000) fail('msg_too_long');
    const empty = !content.text && !content.blocks?.length && !content.attachments?.length;
    if (requireContent && empty) fail('no_text');
    return content;
  }

  private threadRoot(channel: ChannelRecord, threadTs: unknown): MessageRecord | undefined {
    const ts = str(threadTs);
    if (ts === undefined || ts === '') return undefined;
    const root = isTs(ts) ? this.state.findRoot(channel.id, ts) : undefined;
    if (!root) fail('thread_not_found');
    return root;
  }

  /** The author fields of a message the bot posts (`username`/`icons` need chat:write.customize). */
  private botAuthorFields(args: Obj): Obj {
    const { bot, team } = this.state;
    const username = str(args.username);
    const iconUrl = str(args.icon_url);
    const iconEmoji = str(args.icon_emoji);
    const customized = this.host.scopes.has('chat:write.customize') && Boolean(username || iconUrl || iconEmoji);
    const fields: Obj = { type: 'message' };
    if (customized) {
      fields.subtype = 'bot_message';
      fields.username = username || bot.name;
      if (iconEmoji) fields.icons = { emoji: iconEmoji, image_64: 'https://a.slack-edge.com/production-standard-emoji-assets/14.0/apple-large/1f916.png' };
      else if (iconUrl) fields.icons = { image_48: iconUrl };
    } else {
      fields.user = bot.userId;
    }
    fields.bot_id = bot.botId;
    fields.app_id = bot.appId;
    fields.team = team.id;
    fields.bot_profile = botProfile(this.state);
    return fields;
  }

  private chatPostMessage(args: Obj): ApiResult {
    this.need('chat:write');
    const channel = this.postTarget(args.channel);
    const content = this.messageContent(args, true);
    const root = this.threadRoot(channel, args.thread_ts);
    const data: Obj = { ...this.botAuthorFields(args), text: content.text ?? '' };
    if (content.blocks) data.blocks = content.blocks;
    if (content.attachments) data.attachments = content.attachments;
    if (content.metadata) data.metadata = content.metadata;
    if (root && bool(args.reply_broadcast)) {
      data.subtype = 'thread_broadcast';
      data.root = this.state.wire(root);
    }
    const record: MessageRecord = {
      channel: channel.id,
      ts: this.state.clock.next(),
      data,
      author: { kind: 'bot', id: this.state.bot.botId },
      reactions: new Map(),
      ...(root ? { threadTs: root.ts } : {}),
    };
    this.state.insertMessage(record);
    return {
      body: { ok: true, channel: channel.id, ts: record.ts, message: this.state.wire(record) },
      after: () => this.host.announceNewMessage(record),
    };
  }

  private ownMessage(args: Obj, notOwn: string): { channel: ChannelRecord; record: MessageRecord } {
    const channel = this.visibleChannel(args.channel);
    const ts = str(args.ts);
    const record = ts ? this.state.findMessage(channel.id, ts) : undefined;
    if (!record) fail('message_not_found');
    if (record.author.kind !== 'bot' || record.author.id !== this.state.bot.botId) fail(notOwn);
    return { channel, record };
  }

  private chatUpdate(args: Obj): ApiResult {
    this.need('chat:write');
    const { channel, record } = this.ownMessage(args, 'cant_update_message');
    const content = this.messageContent(args, false);
    if (args.text === undefined && args.blocks === undefined && args.attachments === undefined && args.markdown_text === undefined) {
      fail('no_text');
    }
    const previous = this.state.wire(record);
    const data = { ...record.data };
    if (args.text !== undefined || args.markdown_text !== undefined) data.text = content.text ?? '';
    if (args.blocks !== undefined) {
      if (content.blocks?.length) data.blocks = content.blocks;
      else delete data.blocks;
    }
    if (args.attachments !== undefined) {
      if (content.attachments?.length) data.attachments = content.attachments;
      else delete data.attachments;
    }
    if (content.metadata) data.metadata = content.metadata;
    data.edited = { user: this.state.bot.userId, ts: this.state.clock.next() };
    record.data = data;
    const message = this.state.wire(record);
    return {
      body: { ok: true, channel: channel.id, ts: record.ts, text: data.text, message },
      after: () => this.host.announceChanged(record, previous),
    };
  }

  private chatDelete(args: Obj): ApiResult {
    this.need('chat:write');
    const { channel, record } = this.ownMessage(args, 'cant_delete_message');
    const previous = this.state.wire(record);
    this.deleteRecord(record);
    return {
      body: { ok: true, channel: channel.id, ts: record.ts },
      after: () => this.host.announceDeleted(channel.id, record.ts, previous),
    };
  }

  /** Delete a message; a thread root with replies leaves a tombstone, as in Slack. */
  deleteRecord(record: MessageRecord): void {
    if (record.threadTs === undefined && this.state.repliesOf(record).length > 0) {
      record.data = { type: 'message', subtype: 'tombstone', text: 'This message was deleted.', user: 'USLACKBOT', hidden: true };
      record.author = { kind: 'system', id: 'USLACKBOT' };
      record.reactions.clear();
      return;
    }
    this.state.removeMessage(record);
  }

  private chatPostEphemeral(args: Obj): ApiResult {
    this.need('chat:write');
    const channel = this.postTarget(args.channel);
    const user = str(args.user);
    if (!user || !channel.members.has(user)) fail('user_not_in_channel');
    const content = this.messageContent(args, true);
    const root = this.threadRoot(channel, args.thread_ts);
    const ts = this.state.clock.next();
    const data: Obj = { ...this.botAuthorFields(args), text: content.text ?? '' };
    if (content.blocks) data.blocks = content.blocks;
    if (content.attachments) data.attachments = content.attachments;
    this.state.ephemerals.push({ channel: channel.id, user, ts, data, ...(root ? { threadTs: root.ts } : {}) });
    return { body: { ok: true, message_ts: ts } };
  }

  private chatGetPermalink(args: Obj): ApiResult {
    const channel = this.visibleChannel(args.channel);
    const ts = str(args.message_ts);
    const record = ts ? this.state.findMessage(channel.id, ts) : undefined;
    if (!record) fail('message_not_found');
    return { body: { ok: true, channel: channel.id, permalink: permalink(this.state, channel.id, record.ts, record.threadTs) } };
  }

  private conversationsOpen(args: Obj): ApiResult {
    const { state } = this;
    const returnIm = bool(args.return_im);
    const channelRef = str(args.channel);
    if (channelRef) {
      const channel = state.channels.get(channelRef);
      if (!channel || (channel.kind !== 'im' && channel.kind !== 'mpim') || !state.botIsMember(channel)) fail('channel_not_found');
      return { body: { ok: true, no_op: true, already_open: true, channel: returnIm ? channelWire(state, channel) : { id: channel.id } } };
    }
    const ids = (str(args.users) ?? '').split(',').map((u) => u.trim()).filter(Boolean);
    if (ids.length === 0) fail('users_list_not_supplied');
    for (const id of ids) {
      const user = state.users.get(id);
      if (!user) fail('user_not_found');
      if (user.deleted) fail('user_disabled');
    }
    const others = [...new Set(ids.filter((id) => id !== state.bot.userId))];
    if (others.length === 0) fail('cannot_dm_bot');
    if (others.length > 8) fail('too_many_users');
    this.need(others.length === 1 ? 'im:write' : 'mpim:write');
    const { channel, created } = others.length === 1 ? state.dmWith(others[0] as string) : state.mpimWith(others);
    const body: Obj = { ok: true };
    if (!created) {
      body.no_op = true;
      body.already_open = true;
    }
    body.channel = returnIm || others.length > 1 ? channelWire(state, channel) : { id: channel.id };
    return { body };
  }

  private readScope(channel: ChannelRecord, verb: 'read' | 'history'): string {
    const prefix = { channel: 'channels', group: 'groups', im: 'im', mpim: 'mpim' }[channel.kind];
    return `${prefix}:${verb}`;
  }

  private conversationsInfo(args: Obj): ApiResult {
    const channel = this.visibleChannel(args.channel);
    this.need(this.readScope(channel, 'read'));
    return {
      body: {
        ok: true,
        channel: channelWire(this.state, channel, { locale: bool(args.include_locale), numMembers: bool(args.include_num_members) }),
      },
    };
  }

  private tsWindow(args: Obj): { oldest?: string; latest?: string; inclusive: boolean } {
    const oldest = str(args.oldest);
    const latest = str(args.latest);
    if (oldest !== undefined && oldest !== '' && !isTs(oldest)) fail('invalid_ts_oldest');
    if (latest !== undefined && latest !== '' && !isTs(latest)) fail('invalid_ts_latest');
    return { ...(oldest ? { oldest } : {}), ...(latest ? { latest } : {}), inclusive: bool(args.inclusive) };
  }

  private inWindow(ts: string, w: { oldest?: string; latest?: string; inclusive: boolean }): boolean {
    if (w.oldest !== undefined) {
      const c = compareTs(ts, w.oldest);
      if (c < 0 || (c === 0 && !w.inclusive)) return false;
    }
    if (w.latest !== undefined) {
      const c = compareTs(ts, w.latest);
      if (c > 0 || (c === 0 && !w.inclusive)) return false;
    }
    return true;
  }

  private limitArg(value: unknown, fallback: number, max: number): number {
    const n = Number.parseInt(str(value) ?? '', 10);
    if (Number.isNaN(n) || n <= 0) return fallback;
    return Math.min(n, max);
  }

  private cursorTs(value: unknown): string | undefined {
    const cursor = str(value);
    if (cursor === undefined || cursor === '') return undefined;
    const ts = decodeCursor(cursor, 'next_ts');
    if (ts === undefined || !isTs(ts)) fail('invalid_cursor');
    return ts;
  }

  private withMetadata(message: Obj, include: boolean): Obj {
    return include ? message : omit(message, ['metadata']);
  }

  private conversationsHistory(args: Obj): ApiResult {
    const channel = this.visibleChannel(args.channel);
    this.need(this.readScope(channel, 'history'));
    if (!this.state.botIsMember(channel)) fail('not_in_channel');
    const window = this.tsWindow(args);
    const limit = this.limitArg(args.limit, 100, 999);
    const cursor = this.cursorTs(args.cursor);
    const includeMetadata = bool(args.include_all_metadata);
    const candidates = this.state.list(channel.id)
      .filter((m) => m.threadTs === undefined || m.data.subtype === 'thread_broadcast')
      .filter((m) => this.inWindow(m.ts, window))
      .filter((m) => cursor === undefined || compareTs(m.ts, cursor) <= 0)
      .sort((a, b) => compareTs(b.ts, a.ts));
    const page = candidates.slice(0, limit);
    const next = candidates[limit];
    const body: Obj = {
      ok: true,
      ...(window.latest ? { latest: window.latest } : {}),
      ...(window.oldest ? { oldest: window.oldest } : {}),
      messages: page.map((m) => this.withMetadata(this.state.wire(m), includeMetadata)),
      has_more: next !== undefined,
      pin_count: 0,
      channel_actions_ts: null,
      channel_actions_count: 0,
    };
    if (next) body.response_metadata = { next_cursor: encodeCursor('next_ts', next.ts) };
    return { body };
  }

  private conversationsReplies(args: Obj): ApiResult {
    const channel = this.visibleChannel(args.channel);
    this.need(this.readScope(channel, 'history'));
    const ts = str(args.ts);
    const found = ts && isTs(ts) ? this.state.findMessage(channel.id, ts) : undefined;
    if (!found) fail('thread_not_found');
    const root = found.threadTs !== undefined ? this.state.findMessage(channel.id, found.threadTs) : found;
    if (!root) fail('thread_not_found');
    const window = this.tsWindow(args);
    const limit = this.limitArg(args.limit, 1000, 1000);
    const cursor = this.cursorTs(args.cursor);
    const includeMetadata = bool(args.include_all_metadata);
    const replies = this.state.repliesOf(root)
      .filter((m) => this.inWindow(m.ts, window))
      .filter((m) => cursor === undefined || compareTs(m.ts, cursor) >= 0);
    const page = replies.slice(0, limit);
    const next = replies[limit];
    const body: Obj = {
      ok: true,
      messages: [root, ...page].map((m) => this.withMetadata(this.state.wire(m), includeMetadata)),
      has_more: next !== undefined,
    };
    if (next) body.response_metadata = { next_cursor: encodeCursor('next_ts', next.ts) };
    return { body };
  }

  private conversationsMembers(args: Obj): ApiResult {
    const channel = this.visibleChannel(args.channel);
    this.need(this.readScope(channel, 'read'));
    const rawLimit = str(args.limit);
    if (rawLimit !== undefined && (!/^\d+$/.test(rawLimit) || Number(rawLimit) > 1000)) fail('invalid_limit');
    const limit = this.limitArg(args.limit, 100, 1000);
    const members = [...channel.members].sort();
    let start = 0;
    const cursor = str(args.cursor);
    if (cursor) {
      const from = decodeCursor(cursor, 'user_id');
      start = from === undefined ? -1 : members.indexOf(from);
      if (start < 0) fail('invalid_cursor');
    }
    const page = members.slice(start, start + limit);
    const next = members[start + limit];
    return { body: { ok: true, members: page, response_metadata: { next_cursor: next ? encodeCursor('user_id', next) : '' } } };
  }

  private conversationsJoin(args: Obj): ApiResult {
    this.need('channels:join');
    const id = str(args.channel);
    const channel = id ? this.state.channels.get(id) : undefined;
    if (!channel || (channel.isPrivate && !this.state.botIsMember(channel))) fail('channel_not_found');
    if (channel.kind !== 'channel') fail('method_not_supported_for_channel_type');
    if (channel.isArchived) fail('is_archived');
    if (this.state.botIsMember(channel)) {
      return {
        body: { ok: true, channel: channelWire(this.state, channel), warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } },
      };
    }
    channel.members.add(this.state.bot.userId);
    const record = this.systemJoin(channel, this.state.bot.userId);
    return {
      body: { ok: true, channel: channelWire(this.state, channel) },
      after: () => {
        this.host.announceNewMessage(record);
        this.host.announceEvent('member_joined_channel', {
          type: 'member_joined_channel', user: this.state.bot.userId, channel: channel.id,
          channel_type: channel.kind === 'channel' ? 'C' : 'G', team: this.state.team.id, event_ts: record.ts,
        });
      },
    };
  }

  /** The `channel_join` message Slack posts when someone joins. */
  systemJoin(channel: ChannelRecord, user: string, inviter?: string): MessageRecord {
    const record: MessageRecord = {
      channel: channel.id,
      ts: this.state.clock.next(),
      data: {
        type: 'message', subtype: 'channel_join', user, text: `<@${user}> has joined the channel`,
        ...(inviter ? { inviter } : {}),
      },
      author: { kind: 'system', id: user },
      reactions: new Map(),
    };
    this.state.insertMessage(record);
    return record;
  }

  private conversationsInvite(args: Obj): ApiResult {
    const channel = this.visibleChannel(args.channel);
    this.need(channel.kind === 'channel' ? 'channels:manage' : 'groups:write');
    if (!this.state.botIsMember(channel)) fail('not_in_channel');
    if (channel.kind === 'im') fail('method_not_supported_for_channel_type');
    const ids = (str(args.users) ?? '').split(',').map((u) => u.trim()).filter(Boolean);
    if (ids.length === 0) fail('no_user');
    for (const id of ids) {
      const user = this.state.users.get(id);
      if (!user) fail('user_not_found');
      if (channel.members.has(id)) fail('already_in_channel', { errors: [{ user: id, ok: false, error: 'already_in_channel' }] });
    }
    const joins = ids.map((id) => {
      channel.members.add(id);
      return this.systemJoin(channel, id, this.state.bot.userId);
    });
    return {
      body: { ok: true, channel: channelWire(this.state, channel) },
      after: () => {
        for (const record of joins) {
          this.host.announceNewMessage(record);
          this.host.announceEvent('member_joined_channel', {
            type: 'member_joined_channel', user: record.data.user, channel: channel.id, inviter: this.state.bot.userId,
            channel_type: channel.kind === 'channel' ? 'C' : 'G', team: this.state.team.id, event_ts: record.ts,
          });
        }
      },
    };
  }

  private conversationsKick(args: Obj): ApiResult {
    const channel = this.visibleChannel(args.channel);
    this.need(channel.kind === 'channel' ? 'channels:manage' : 'groups:write');
    if (!this.state.botIsMember(channel)) fail('not_in_channel');
    const user = str(args.user);
    if (!user || !this.state.users.has(user)) fail('user_not_found');
    if (user === this.state.bot.userId) fail('cant_kick_self');
    if (!channel.members.has(user)) fail('not_in_channel');
    channel.members.delete(user);
    return { body: { ok: true } };
  }

  private conversationsList(args: Obj): ApiResult {
    const types = new Set((str(args.types) ?? 'public_channel').split(',').map((t) => t.trim()));
    const kindType = { channel: 'public_channel', group: 'private_channel', im: 'im', mpim: 'mpim' } as const;
    if (types.has('public_channel')) this.need('channels:read');
    if (types.has('private_channel')) this.need('groups:read');
    const excludeArchived = bool(args.exclude_archived);
    const all = [...this.state.channels.values()]
      .filter((c) => types.has(kindType[c.kind]) && this.state.botCanSee(c))
      .filter((c) => !(excludeArchived && c.isArchived))
      .sort((a, b) => a.id.localeCompare(b.id));
    const limit = this.limitArg(args.limit, 100, 1000);
    const cursor = str(args.cursor);
    let start = 0;
    if (cursor) {
      const from = decodeCursor(cursor, 'channel_id');
      start = from === undefined ? -1 : all.findIndex((c) => c.id === from);
      if (start < 0) fail('invalid_cursor');
    }
    const page = all.slice(start, start + limit);
    const next = all[start + limit];
    return {
      body: {
        ok: true,
        channels: page.map((c) => channelWire(this.state, c)),
        response_metadata: { next_cursor: next ? encodeCursor('channel_id', next.id) : '' },
      },
    };
  }

  private usersInfo(args: Obj): ApiResult {
    this.need('users:read');
    const id = str(args.user);
    const user = id ? this.state.users.get(id) : undefined;
    if (!user) fail('user_not_found');
    return { body: { ok: true, user: userWire(this.state, user, bool(args.include_locale)) } };
  }

  private userGroupsUsersList(args: Obj): ApiResult {
    this.need('usergroups:read');
    const id = str(args.usergroup);
    if (!id) fail('invalid_arguments');
    const group = this.state.userGroups.get(id);
    if (!group) fail('no_such_subteam');
    return { body: { ok: true, users: [...group.users] } };
  }

  private usersList(args: Obj): ApiResult {
    this.need('users:read');
    const all = [...this.state.users.values()].sort((a, b) => a.id.localeCompare(b.id));
    const limit = this.limitArg(args.limit, 1000, 1000);
    const cursor = str(args.cursor);
    let start = 0;
    if (cursor) {
      const from = decodeCursor(cursor, 'user_id');
      start = from === undefined ? -1 : all.findIndex((u) => u.id === from);
      if (start < 0) fail('invalid_cursor');
    }
    const page = all.slice(start, start + limit);
    const next = all[start + limit];
    return {
      body: {
        ok: true,
        members: page.map((u) => userWire(this.state, u, bool(args.include_locale))),
        cache_ts: nowSeconds(),
        response_metadata: { next_cursor: next ? encodeCursor('user_id', next.id) : '' },
      },
    };
  }

  private reactionTarget(args: Obj): { channel: ChannelRecord; record: MessageRecord; name: string } {
    const name = str(args.name) ?? '';
    if (!args.channel || !args.timestamp) fail('no_item_specified');
    if (!/^[a-z0-9_+\-'.]+(::skin-tone-[2-6])?$/.test(name)) fail('invalid_name');
    const channel = this.visibleChannel(args.channel);
    const ts = str(args.timestamp) ?? '';
    if (!isTs(ts)) fail('bad_timestamp');
    const record = this.state.findMessage(channel.id, ts);
    if (!record || record.data.subtype === 'tombstone') fail('message_not_found');
    return { channel, record, name };
  }

  private reactionsAdd(args: Obj): ApiResult {
    this.need('reactions:write');
    const { channel, record, name } = this.reactionTarget(args);
    const botUser = this.state.bot.userId;
    const users = record.reactions.get(name) ?? [];
    if (users.includes(botUser)) fail('already_reacted');
    if (!record.reactions.has(name) && record.reactions.size >= 23) fail('too_many_emoji');
    record.reactions.set(name, [...users, botUser]);
    const eventTs = this.state.clock.next();
    return {
      body: { ok: true },
      after: () => this.host.announceEvent('reaction_added', {
        type: 'reaction_added', user: botUser, reaction: name, item: { type: 'message', channel: channel.id, ts: record.ts },
        item_user: authorUserId(record, botUser), event_ts: eventTs,
      }),
    };
  }

  private reactionsRemove(args: Obj): ApiResult {
    this.need('reactions:write');
    const { channel, record, name } = this.reactionTarget(args);
    const botUser = this.state.bot.userId;
    const users = record.reactions.get(name) ?? [];
    if (!users.includes(botUser)) fail('no_reaction');
    const rest = users.filter((u) => u !== botUser);
    if (rest.length > 0) record.reactions.set(name, rest);
    else record.reactions.delete(name);
    const eventTs = this.state.clock.next();
    return {
      body: { ok: true },
      after: () => this.host.announceEvent('reaction_removed', {
        type: 'reaction_removed', user: botUser, reaction: name, item: { type: 'message', channel: channel.id, ts: record.ts },
        item_user: authorUserId(record, botUser), event_ts: eventTs,
      }),
    };
  }

  private reactionsGet(args: Obj): ApiResult {
    this.need('reactions:read');
    if (!args.channel || !args.timestamp) fail('no_item_specified');
    const channel = this.visibleChannel(args.channel);
    const ts = str(args.timestamp) ?? '';
    if (!isTs(ts)) fail('bad_timestamp');
    const record = this.state.findMessage(channel.id, ts);
    if (!record) fail('message_not_found');
    return {
      body: {
        ok: true,
        type: 'message',
        channel: channel.id,
        message: { ...this.state.wire(record), permalink: permalink(this.state, channel.id, record.ts, record.threadTs) },
      },
    };
  }

  private takeTrigger(args: Obj): { user: string; viewId?: string; exchange: () => void } {
    const id = str(args.trigger_id) ?? str(args.interactivity_pointer);
    if (!id) invalidArguments(['invalid `trigger_id`']);
    if (!/^\d+\.\d+\.[0-9a-f]+$/.test(id)) fail('invalid_trigger_id');
    const trigger = this.state.triggers.get(id);
    if (!trigger) fail('invalid_trigger_id');
    if (trigger.exchanged) fail('exchanged_trigger_id');
    if (Date.now() - trigger.issuedAt > this.host.triggerTtlMs()) fail('expired_trigger_id');
    return {
      user: trigger.user,
      ...(trigger.viewId !== undefined ? { viewId: trigger.viewId } : {}),
      exchange: () => {
        trigger.exchanged = true;
      },
    };
  }

  private parseModal(value: unknown): Obj {
    if (value === undefined || value === '') invalidArguments(['missing required field: view']);
    const view = jsonArg(value, () => invalidArguments(['failed to parse view json']));
    if (!isObj(view)) invalidArguments(['expected object [json-pointer:/view]']);
    if (JSON.stringify(view).length > 250_000) fail('view_too_large');
    const problems = validateModal(view);
    if (problems.length > 0) invalidArguments(problems);
    const externalId = str(view.external_id);
    if (externalId) {
      for (const existing of this.state.views.values()) {
        if (existing.externalId === externalId) fail('duplicate_external_id');
      }
    }
    return view;
  }

  private newHash(): string {
    return `${nowSeconds()}.${randomHex(8)}`;
  }

  private viewBody(raw: Obj, id: string): Obj {
    const { state } = this;
    return {
      id,
      team_id: state.team.id,
      type: 'modal',
      blocks: normalizeBlocks(raw.blocks as unknown[]),
      private_metadata: str(raw.private_metadata) ?? '',
      callback_id: str(raw.callback_id) ?? '',
      title: normalizeTextObject(raw.title),
      close: raw.close === undefined ? null : normalizeTextObject(raw.close),
      submit: raw.submit === undefined ? null : normalizeTextObject(raw.submit),
      clear_on_close: bool(raw.clear_on_close),
      notify_on_close: bool(raw.notify_on_close),
      app_id: state.bot.appId,
      app_installed_team_id: state.team.id,
      bot_id: state.bot.botId,
    };
  }

  /** Input values carried over when a view is replaced: same block_id, action_id and element type. */
  private carriedState(blocks: unknown, previous?: ViewRecord): Record<string, Record<string, Obj>> {
    const state: Record<string, Record<string, Obj>> = {};
    for (const { block, element, inInput } of elementsOf(blocks)) {
      const blockId = String(block.block_id);
      const actionId = String(element.action_id);
      const kept = previous?.state[blockId]?.[actionId];
      const value = kept && kept.type === element.type ? kept : inInput ? initialStateValue(element) : undefined;
      if (value) (state[blockId] ??= {})[actionId] = value;
    }
    return state;
  }

  /** Create a view record for a user (used by views.open, views.push and `response_action: push`). */
  createView(raw: Obj, user: string, parent?: ViewRecord): ViewRecord {
    const id = slackId('V');
    const view = this.viewBody(raw, id);
    const record: ViewRecord = {
      id,
      user,
      view,
      state: this.carriedState(view.blocks),
      hash: this.newHash(),
      externalId: str(raw.external_id) ?? '',
      rootViewId: parent ? parent.rootViewId : id,
      previousViewId: parent ? parent.id : null,
      open: true,
    };
    this.state.views.set(id, record);
    return record;
  }

  /** Replace a view's content in place (views.update and `response_action: update`). */
  replaceView(record: ViewRecord, raw: Obj): void {
    const view = this.viewBody(raw, record.id);
    record.state = this.carriedState(view.blocks, record);
    record.view = view;
    record.hash = this.newHash();
    const externalId = str(raw.external_id);
    if (externalId !== undefined) record.externalId = externalId;
    delete record.errors;
  }

  private viewsOpen(args: Obj): ApiResult {
    const trigger = this.takeTrigger(args);
    const raw = this.parseModal(args.view);
    trigger.exchange();
    for (const open of this.state.stackOf(trigger.user)) {
      open.open = false;
      open.closedBy = 'replaced';
    }
    const record = this.createView(raw, trigger.user);
    return { body: { ok: true, view: this.state.viewWire(record) } };
  }

  private viewsPush(args: Obj): ApiResult {
    const trigger = this.takeTrigger(args);
    const raw = this.parseModal(args.view);
    const stack = this.state.stackOf(trigger.user);
    const top = stack[stack.length - 1];
    if (!top) fail('not_found');
    if (stack.length >= 3) fail('push_limit_reached');
    trigger.exchange();
    const record = this.createView(raw, trigger.user, top);
    return { body: { ok: true, view: this.state.viewWire(record) } };
  }

  private viewsUpdate(args: Obj): ApiResult {
    const viewId = str(args.view_id);
    const externalId = str(args.external_id);
    let record: ViewRecord | undefined;
    if (viewId) record = this.state.views.get(viewId);
    else if (externalId) record = [...this.state.views.values()].find((v) => v.externalId === externalId);
    if (!record || !record.open) fail('not_found');
    const hash = str(args.hash);
    if (hash && hash !== record.hash) fail('hash_conflict');
    const raw = jsonArg(args.view, () => invalidArguments(['failed to parse view json']));
    if (!isObj(raw)) invalidArguments(['missing required field: view']);
    const problems = validateModal(raw);
    if (problems.length > 0) invalidArguments(problems);
    const newExternal = str(raw.external_id);
    if (newExternal && newExternal !== record.externalId && [...this.state.views.values()].some((v) => v.externalId === newExternal)) {
      fail('duplicate_external_id');
    }
    this.replaceView(record, raw);
    return { body: { ok: true, view: this.state.viewWire(record) } };
  }

  private viewsPublish(args: Obj): ApiResult {
    const user = str(args.user_id);
    if (!user || !this.state.users.has(user)) fail('invalid_arguments');
    const raw = jsonArg(args.view, () => invalidArguments(['failed to parse view json']));
    if (!isObj(raw) || raw.type !== 'home' || !Array.isArray(raw.blocks)) invalidArguments(['must be home [json-pointer:/view/type]']);
    const view: Obj = {
      id: slackId('V'), team_id: this.state.team.id, type: 'home', blocks: normalizeBlocks(raw.blocks),
      private_metadata: str(raw.private_metadata) ?? '', callback_id: str(raw.callback_id) ?? '', state: { values: {} },
      hash: this.newHash(), app_id: this.state.bot.appId, bot_id: this.state.bot.botId,
    };
    this.homeViews.set(user, view);
    return { body: { ok: true, view } };
  }

  private filesGetUploadUrl(args: Obj): ApiResult {
    this.need('files:write');
    const filename = str(args.filename);
    const lengthText = str(args.length);
    if (!filename) invalidArguments(['missing required field: filename']);
    if (lengthText === undefined) invalidArguments(['missing required field: length']);
    const length = Number(lengthText);
    if (!Number.isInteger(length) || length < 0) invalidArguments(['must be an integer [json-pointer:/length]']);
    const altText = str(args.alt_txt) ?? str(args.alt_text);
    if (altText !== undefined && altText.length > 1000) fail('alt_txt_too_large');
    const file = this.state.newFile({ name: filename, user: this.state.bot.userId, botId: this.state.bot.botId });
    file.declaredLength = length;
    if (altText !== undefined) file.altText = altText;
    const key = `${randomChars(6)}/${randomHex(40)}`;
    file.uploadKey = key;
    this.uploadKeys.set(key, file.id);
    return { body: { ok: true, upload_url: `${this.host.baseUrl()}upload/v1/${key}`, file_id: file.id } };
  }

  private filesCompleteUpload(args: Obj): ApiResult {
    this.need('files:write');
    const list = jsonArg(args.files, () => invalidArguments(['failed to parse files json']));
    if (!Array.isArray(list) || list.length === 0) invalidArguments(['missing required field: files']);
    const files: FileRecord[] = list.map((entry) => {
      const id = isObj(entry) ? str(entry.id) : undefined;
      const file = id ? this.state.files.get(id) : undefined;
      if (!file || file.user !== this.state.bot.userId || file.bytes === undefined) fail('file_not_found');
      if (isObj(entry) && str(entry.title)) file.title = str(entry.title) as string;
      return file;
    });
    const channelRef = str(args.channel_id) ?? str(args.channels);
    if (channelRef && channelRef.includes(',')) fail('channels_limit_exceeded');
    let record: MessageRecord | undefined;
    if (channelRef) {
      const channel = this.postTarget(channelRef);
      const root = this.threadRoot(channel, args.thread_ts);
      const content = this.messageContent({ text: args.initial_comment, blocks: args.blocks }, false);
      const author = this.botAuthorFields(args);
      const data: Obj = {
        ...author,
        subtype: 'file_share',
        text: content.text ?? '',
        files: [] as Obj[],
        upload: false,
        user: this.state.bot.userId,
        display_as_bot: false,
      };
      if (content.blocks) data.blocks = content.blocks;
      record = {
        channel: channel.id,
        ts: this.state.clock.next(),
        data,
        author: { kind: 'bot', id: this.state.bot.botId },
        reactions: new Map(),
        ...(root ? { threadTs: root.ts } : {}),
      };
      for (const file of files) file.shares.push({ channel: channel.id, ts: record.ts, ...(root ? { threadTs: root.ts } : {}) });
      data.files = files.map((f) => this.state.fileWire(f, this.host.baseUrl()));
      this.state.insertMessage(record);
    }
    for (const file of files) file.completed = true;
    const shared = record;
    return {
      body: { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) },
      ...(shared ? { after: () => this.host.announceNewMessage(shared) } : {}),
    };
  }

  private filesInfo(args: Obj): ApiResult {
    this.need('files:read');
    const id = str(args.file);
    const file = id ? this.state.files.get(id) : undefined;
    if (!file) fail('file_not_found');
    if (file.deleted) fail('file_deleted');
    return { body: { ok: true, file: this.state.fileInfoWire(file, this.host.baseUrl()), comments: [], response_metadata: { next_cursor: '' } } };
  }

  private teamInfo(): ApiResult {
    this.need('team:read');
    return { body: { ok: true, team: teamWire(this.state) } };
  }

  private botsInfo(args: Obj): ApiResult {
    this.need('users:read');
    const id = str(args.bot);
    if (id && id !== this.state.bot.botId) fail('bot_not_found');
    return { body: { ok: true, bot: botWire(this.state) } };
  }
}
