import { extname } from 'node:path';
import { compareTs, randomChars, slackId, triggerId, TsClock } from './ids.js';
import type { ChannelSeed, Obj, UserSeed } from './types.js';

/** A workspace member as the fake keeps it. */
export interface UserRecord {
  id: string;
  name: string;
  realName: string;
  displayName: string;
  email: string;
  images: Record<string, string>;
  locale: string;
  tz: string;
  isBot: boolean;
  deleted: boolean;
  isAdmin: boolean;
  botId?: string;
  appId?: string;
  updated: number;
}

export type ChannelKind = 'channel' | 'group' | 'im' | 'mpim';

/** A conversation: public or private channel, DM (`im`) or group DM (`mpim`). */
export interface ChannelRecord {
  id: string;
  name: string;
  kind: ChannelKind;
  isPrivate: boolean;
  members: Set<string>;
  created: number;
  creator: string;
  isArchived: boolean;
  isGeneral: boolean;
  topic: string;
  purpose: string;
  /** For an `im`: the human on the other side of the bot. */
  dmUser?: string;
}

/** A stored message; `data` holds the wire fields except thread counters and reactions. */
export interface MessageRecord {
  channel: string;
  ts: string;
  data: Obj;
  author: { kind: 'user' | 'bot' | 'system'; id: string };
  /** The root `ts` when this is a thread reply. */
  threadTs?: string;
  reactions: Map<string, string[]>;
}

/** A file: uploaded by a user (message or `file_input`) or by the bot (external upload). */
export interface FileRecord {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  prettyType: string;
  /** Owner user id (the bot user for the bot's uploads). */
  user: string;
  botId?: string;
  created: number;
  bytes?: Buffer;
  declaredLength?: number;
  uploadKey?: string;
  completed: boolean;
  altText?: string;
  shares: { channel: string; ts: string; threadTs?: string }[];
  deleted: boolean;
}

/** A modal as the fake keeps it (`view` is the wire object without `state`). */
export interface ViewRecord {
  id: string;
  user: string;
  view: Obj;
  state: Record<string, Record<string, Obj>>;
  hash: string;
  externalId: string;
  rootViewId: string;
  previousViewId: string | null;
  open: boolean;
  closedBy?: 'submit' | 'clear' | 'user' | 'replaced';
  /** The last `response_action: errors` the app answered for this view. */
  errors?: Record<string, string>;
}

/** A `trigger_id` the fake issued. */
export interface TriggerRecord {
  id: string;
  user: string;
  issuedAt: number;
  exchanged: boolean;
  /** The view the interaction came from, for `views.push`. */
  viewId?: string;
}

/** A `response_url` the fake issued, with what the app posted to it. */
export interface ResponseUrlRecord {
  id: string;
  url: string;
  kind: 'commands' | 'actions';
  channel?: string;
  user: string;
  messageTs?: string;
  issuedAt: number;
  messages: Obj[];
}

/** An ephemeral message shown to one user. */
export interface EphemeralRecord {
  channel: string;
  user: string;
  ts: string;
  threadTs?: string;
  data: Obj;
}

const MIME: Record<string, [string, string, string]> = {
  '.png': ['image/png', 'png', 'PNG'],
  '.jpg': ['image/jpeg', 'jpg', 'JPEG'],
  '.jpeg': ['image/jpeg', 'jpg', 'JPEG'],
  '.gif': ['image/gif', 'gif', 'GIF'],
  '.webp': ['image/webp', 'webp', 'WebP'],
  '.pdf': ['application/pdf', 'pdf', 'PDF'],
  '.txt': ['text/plain', 'text', 'Plain Text'],
  '.log': ['text/plain', 'text', 'Plain Text'],
  '.csv': ['text/csv', 'csv', 'CSV'],
  '.json': ['application/json', 'json', 'JSON'],
  '.zip': ['application/zip', 'zip', 'Zip'],
  '.mp4': ['video/mp4', 'mp4', 'MPEG 4 Video'],
  '.html': ['text/html', 'html', 'HTML'],
  '.md': ['text/plain', 'markdown', 'Markdown (raw)'],
};

/** `[mimetype, filetype, pretty_type]` Slack derives from a file name. */
export function fileTypeOf(name: string, mimetype?: string): [string, string, string] {
  const known = MIME[extname(name).toLowerCase()];
  if (known) return [mimetype ?? known[0], known[1], known[2]];
  return [mimetype ?? 'application/octet-stream', 'binary', 'Binary'];
}

/** Everything the fake workspace holds. */
export class SlackState {
  readonly clock = new TsClock();
  readonly users = new Map<string, UserRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly messages = new Map<string, MessageRecord[]>();
  /** Indexes of {@link messages}: a message by `channel:ts`, a thread's replies by `channel:root ts`. */
  private readonly byLocation = new Map<string, MessageRecord>();
  private readonly replies = new Map<string, MessageRecord[]>();
  readonly files = new Map<string, FileRecord>();
  /** User groups (`S…`), by id: their handle and members. */
  readonly userGroups = new Map<string, { id: string; handle: string; users: string[] }>();
  readonly views = new Map<string, ViewRecord>();
  readonly triggers = new Map<string, TriggerRecord>();
  readonly responseUrls = new Map<string, ResponseUrlRecord>();
  readonly ephemerals: EphemeralRecord[] = [];

  constructor(
    readonly team: { id: string; name: string; domain: string },
    readonly bot: { userId: string; botId: string; appId: string; name: string },
  ) {
    this.users.set(bot.userId, {
      id: bot.userId,
      name: bot.name,
      realName: bot.name,
      displayName: '',
      email: '',
      images: avatarSet(bot.userId),
      locale: 'en-US',
      tz: 'America/Los_Angeles',
      isBot: true,
      deleted: false,
      isAdmin: false,
      botId: bot.botId,
      appId: bot.appId,
      updated: nowSeconds(),
    });
  }

  addUser(seed: UserSeed): UserRecord {
    const id = seed.id ?? slackId('U');
    const images = avatarSet(id);
    if (seed.image48) images.image_48 = seed.image48;
    if (seed.image72) images.image_72 = seed.image72;
    const user: UserRecord = {
      id,
      name: seed.name,
      realName: seed.realName ?? seed.name,
      displayName: seed.displayName ?? seed.name,
      email: seed.email ?? `${seed.name}@example.com`,
      images,
      locale: seed.locale ?? 'en-US',
      tz: seed.tz ?? 'Europe/Paris',
      isBot: seed.isBot ?? false,
      deleted: seed.deleted ?? false,
      isAdmin: seed.isAdmin ?? false,
      updated: nowSeconds(),
    };
    this.users.set(id, user);
    return user;
  }

  addChannel(seed: ChannelSeed): ChannelRecord {
    const isPrivate = seed.isPrivate ?? false;
    const id = seed.id ?? slackId('C');
    const members = new Set(seed.members ?? []);
    if (seed.botIsMember ?? true) members.add(this.bot.userId);
    const channel: ChannelRecord = {
      id,
      name: seed.name,
      kind: isPrivate ? 'group' : 'channel',
      isPrivate,
      members,
      created: nowSeconds(),
      creator: [...members].find((m) => m !== this.bot.userId) ?? this.bot.userId,
      isArchived: seed.isArchived ?? false,
      isGeneral: seed.isGeneral ?? false,
      topic: seed.topic ?? '',
      purpose: seed.purpose ?? '',
    };
    this.channels.set(id, channel);
    this.messages.set(id, []);
    return channel;
  }

  /** The DM between the bot and a user, created the way opening it in Slack would. */
  dmWith(userId: string): { channel: ChannelRecord; created: boolean } {
    for (const channel of this.channels.values()) {
      if (channel.kind === 'im' && channel.dmUser === userId) return { channel, created: false };
    }
    const channel: ChannelRecord = {
      id: slackId('D'),
      name: userId,
      kind: 'im',
      isPrivate: true,
      members: new Set([this.bot.userId, userId]),
      created: nowSeconds(),
      creator: userId,
      isArchived: false,
      isGeneral: false,
      topic: '',
      purpose: '',
      dmUser: userId,
    };
    this.channels.set(channel.id, channel);
    this.messages.set(channel.id, []);
    return { channel, created: true };
  }

  /** A group DM between the bot and several users. */
  mpimWith(userIds: string[]): { channel: ChannelRecord; created: boolean } {
    const wanted = new Set([...userIds, this.bot.userId]);
    for (const channel of this.channels.values()) {
      if (channel.kind === 'mpim' && channel.members.size === wanted.size && [...wanted].every((u) => channel.members.has(u))) {
        return { channel, created: false };
      }
    }
    const names = [...wanted].map((u) => this.users.get(u)?.name ?? u).sort();
    const channel: ChannelRecord = {
      id: slackId('C'),
      name: `mpdm-${names.join('--')}-1`,
      kind: 'mpim',
      isPrivate: true,
      members: wanted,
      created: nowSeconds(),
      creator: this.bot.userId,
      isArchived: false,
      isGeneral: false,
      topic: '',
      purpose: '',
    };
    this.channels.set(channel.id, channel);
    this.messages.set(channel.id, []);
    return { channel, created: true };
  }

  channelByIdOrName(ref: string): ChannelRecord | undefined {
    const byId = this.channels.get(ref);
    if (byId) return byId;
    const name = ref.startsWith('#') ? ref.slice(1) : ref;
    for (const channel of this.channels.values()) {
      if ((channel.kind === 'channel' || channel.kind === 'group') && channel.name === name) return channel;
    }
    return undefined;
  }

  botIsMember(channel: ChannelRecord): boolean {
    return channel.members.has(this.bot.userId);
  }

  /** Whether the bot can see a conversation at all (public channels, or ones it belongs to). */
  botCanSee(channel: ChannelRecord): boolean {
    return channel.kind === 'channel' || this.botIsMember(channel);
  }

  /** `channel_type` of message events. */
  channelType(channel: ChannelRecord): 'channel' | 'group' | 'im' | 'mpim' {
    return channel.kind;
  }

  list(channel: string): MessageRecord[] {
    let list = this.messages.get(channel);
    if (!list) {
      list = [];
      this.messages.set(channel, list);
    }
    return list;
  }

  findMessage(channel: string, ts: string): MessageRecord | undefined {
    return this.byLocation.get(`${channel}:${ts}`);
  }

  /** A root message a reply may point at with `thread_ts`. */
  findRoot(channel: string, ts: string): MessageRecord | undefined {
    const message = this.findMessage(channel, ts);
    return message && message.threadTs === undefined ? message : undefined;
  }

  insertMessage(record: MessageRecord): void {
    insertByTs(this.list(record.channel), record);
    this.byLocation.set(`${record.channel}:${record.ts}`, record);
    if (record.threadTs !== undefined) {
      const key = `${record.channel}:${record.threadTs}`;
      let replies = this.replies.get(key);
      if (!replies) this.replies.set(key, (replies = []));
      insertByTs(replies, record);
    }
  }

  removeMessage(record: MessageRecord): void {
    const list = this.list(record.channel);
    const index = list.indexOf(record);
    if (index >= 0) list.splice(index, 1);
    this.byLocation.delete(`${record.channel}:${record.ts}`);
    if (record.threadTs !== undefined) {
      const replies = this.replies.get(`${record.channel}:${record.threadTs}`);
      const at = replies?.indexOf(record) ?? -1;
      if (at >= 0) replies!.splice(at, 1);
    }
  }

  repliesOf(root: MessageRecord): MessageRecord[] {
    return [...(this.replies.get(`${root.channel}:${root.ts}`) ?? [])];
  }

  /** The message as Slack returns it: thread counters on roots, `reactions`, no `channel`. */
  wire(record: MessageRecord): Obj {
    const out: Obj = { ...record.data, ts: record.ts };
    if (record.threadTs !== undefined) {
      out.thread_ts = record.threadTs;
      const root = this.findMessage(record.channel, record.threadTs);
      if (root) out.parent_user_id = authorUserId(root, this.bot.userId);
    } else {
      const replies = this.repliesOf(record);
      if (replies.length > 0) {
        const users = [...new Set(replies.map((r) => authorUserId(r, this.bot.userId)))];
        out.thread_ts = record.ts;
        out.reply_count = replies.length;
        out.reply_users_count = users.length;
        out.latest_reply = replies[replies.length - 1]?.ts;
        out.reply_users = users;
        out.is_locked = false;
        out.subscribed = false;
      }
    }
    if (record.reactions.size > 0) {
      out.reactions = [...record.reactions].map(([name, users]) => ({ name, users: [...users], count: users.length }));
    }
    return out;
  }

  /** The `files[]` object Slack puts in messages and `file_input` state. */
  fileWire(file: FileRecord, baseUrl: string): Obj {
    const key = `${this.team.id}-${file.id}`;
    const name = encodeURIComponent(file.name);
    const share = file.shares[0];
    const channel = share ? this.channels.get(share.channel) : undefined;
    return {
      id: file.id,
      created: file.created,
      timestamp: file.created,
      name: file.name,
      title: file.title,
      mimetype: file.mimetype,
      filetype: file.filetype,
      pretty_type: file.prettyType,
      user: file.user,
      user_team: this.team.id,
      editable: false,
      size: file.bytes?.length ?? file.declaredLength ?? 0,
      mode: 'hosted',
      is_external: false,
      external_type: '',
      is_public: channel?.kind === 'channel',
      public_url_shared: false,
      display_as_bot: false,
      username: '',
      url_private: `${baseUrl}files-pri/${key}/${name}`,
      url_private_download: `${baseUrl}files-pri/${key}/download/${name}`,
      media_display_type: 'unknown',
      permalink: `https://${this.team.domain}.slack.com/files/${file.user}/${file.id}/${name}`,
      permalink_public: `https://slack-files.com/${key}-${randomChars(10).toLowerCase()}`,
      ...(file.altText !== undefined ? { alt_txt: file.altText } : {}),
      ...(file.botId !== undefined ? { bot_id: file.botId } : {}),
      is_starred: false,
      has_rich_preview: false,
      file_access: 'visible',
    };
  }

  /** `files.info`'s richer file object, with `channels`, `groups`, `ims` and `shares`. */
  fileInfoWire(file: FileRecord, baseUrl: string): Obj {
    const channels: string[] = [];
    const groups: string[] = [];
    const ims: string[] = [];
    const shares: { public: Record<string, Obj[]>; private: Record<string, Obj[]> } = { public: {}, private: {} };
    for (const share of file.shares) {
      const channel = this.channels.get(share.channel);
      if (!channel) continue;
      const list = channel.kind === 'channel' ? channels : channel.kind === 'im' ? ims : groups;
      if (!list.includes(channel.id)) list.push(channel.id);
      const bucket = channel.kind === 'channel' ? shares.public : shares.private;
      const entry: Obj = { reply_users: [], reply_users_count: 0, reply_count: 0, ts: share.ts };
      if (share.threadTs) entry.thread_ts = share.threadTs;
      if (channel.kind !== 'im') {
        entry.channel_name = channel.name;
        entry.team_id = this.team.id;
      }
      (bucket[channel.id] ??= []).push(entry);
    }
    const out: Obj = { ...this.fileWire(file, baseUrl), channels, groups, ims, comments_count: 0 };
    const shareOut: Obj = {};
    if (Object.keys(shares.public).length > 0) shareOut.public = shares.public;
    if (Object.keys(shares.private).length > 0) shareOut.private = shares.private;
    if (Object.keys(shareOut).length > 0) out.shares = shareOut;
    return out;
  }

  newFile(init: { name: string; title?: string; mimetype?: string; user: string; botId?: string; bytes?: Buffer }): FileRecord {
    const [mimetype, filetype, prettyType] = fileTypeOf(init.name, init.mimetype);
    const file: FileRecord = {
      id: slackId('F'),
      name: init.name,
      title: init.title ?? init.name,
      mimetype,
      filetype,
      prettyType,
      user: init.user,
      created: nowSeconds(),
      completed: init.bytes !== undefined,
      shares: [],
      deleted: false,
      ...(init.botId !== undefined ? { botId: init.botId } : {}),
      ...(init.bytes !== undefined ? { bytes: init.bytes } : {}),
    };
    this.files.set(file.id, file);
    return file;
  }

  issueTrigger(user: string, viewId?: string): TriggerRecord {
    const record: TriggerRecord = {
      id: triggerId(),
      user,
      issuedAt: Date.now(),
      exchanged: false,
      ...(viewId !== undefined ? { viewId } : {}),
    };
    this.triggers.set(record.id, record);
    return record;
  }

  issueResponseUrl(
    baseUrl: string,
    init: { kind: 'commands' | 'actions'; user: string; channel?: string; messageTs?: string },
  ): ResponseUrlRecord {
    const id = `${randomChars(13, '0123456789')}/${randomChars(24).toLowerCase()}`;
    const record: ResponseUrlRecord = {
      id,
      url: `${baseUrl}${init.kind}/${this.team.id}/${id}`,
      issuedAt: Date.now(),
      messages: [],
      ...init,
    };
    this.responseUrls.set(record.url, record);
    return record;
  }

  /** The modal stack of a user (open views, root first). */
  stackOf(user: string): ViewRecord[] {
    return [...this.views.values()].filter((v) => v.user === user && v.open);
  }

  /** The view's wire object, with its current `state` and `hash`. */
  viewWire(record: ViewRecord): Obj {
    return {
      ...record.view,
      state: { values: structuredClone(record.state) },
      hash: record.hash,
      root_view_id: record.rootViewId,
      previous_view_id: record.previousViewId,
      external_id: record.externalId,
    };
  }
}

/** The user id Slack reports as a message's author (`parent_user_id`, `reply_users`). */
export function authorUserId(record: MessageRecord, botUserId: string): string {
  if (record.author.kind === 'user') return record.author.id;
  if (record.author.kind === 'bot') return botUserId;
  return typeof record.data.user === 'string' ? record.data.user : 'USLACKBOT';
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function avatarSet(id: string): Record<string, string> {
  const hash = Buffer.from(id).toString('hex').slice(0, 12);
  const out: Record<string, string> = {};
  for (const size of [24, 32, 48, 72, 192, 512]) {
    out[`image_${size}`] = `https://avatars.slack-edge.com/2024-01-01/${hash}_${size}.png`;
  }
  out.image_original = `https://avatars.slack-edge.com/2024-01-01/${hash}_original.png`;
  return out;
}

/** Inserts a message in a list kept in `ts` order; new messages are nearly always the latest, so it looks from the end. */
function insertByTs(list: MessageRecord[], record: MessageRecord): void {
  let i = list.length;
  while (i > 0 && compareTs(list[i - 1]!.ts, record.ts) > 0) i--;
  list.splice(i, 0, record);
}
