import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { APIChannel, APIMessage, APIUser } from 'discord.js';
import { GatewayIntentBits } from 'discord.js';
import { Domain, type UploadedFile } from './domain.js';
import { DiscordHttpError, Errors } from './errors.js';
import { Gateway, type GatewayLogEntry, type GatewaySession, type IdentifyRecord, type PrivilegedIntents } from './gateway.js';
import {
  InteractionHandle,
  Interactions,
  type ModalSource,
  type ModalValues,
  type TestFile,
} from './interactions.js';
import type { ChannelRecord, GuildRecord, MemberRecord, RoleRecord, UserRecord } from './model.js';
import { bitsOf, DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, type Overwrite, type PermissionName } from './permissions.js';
import { RestApi, type RestRequest } from './rest.js';
import { discordTimestamp, SnowflakeGenerator } from './snowflake.js';
import { ChannelKind, Store } from './store.js';

/** Options of `FakeDiscord.start`. */
export interface FakeDiscordOptions {
  /** The bot token the fake accepts (random when omitted). */
  token?: string;
  /** The application (and bot user) id. */
  applicationId?: string;
  /** The bot's username. */
  botUsername?: string;
  /** `application.flags` in READY and `/applications/@me`. */
  applicationFlags?: number;
  /** Privileged intents switched on in the developer portal (all on by default). */
  privilegedIntents?: Partial<PrivilegedIntents>;
  /** How long the bot has to answer an interaction (Discord: 3000 ms). */
  interactionTimeoutMs?: number;
  /** How long interaction webhooks stay valid (Discord: 15 minutes). */
  interactionTokenTtlMs?: number;
  /** Gateway heartbeat interval (Discord: 41250 ms). */
  heartbeatIntervalMs?: number;
  /** Largest upload per file (Discord without boosts: 10 MiB). */
  maxUploadBytes?: number;
}

/** One REST request the fake received. */
export interface RecordedCall {
  method: string;
  /** Decoded path as requested, e.g. `/api/v10/channels/1/messages/2/reactions/🔒/@me`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body; for multipart, the parsed `payload_json`. */
  body?: unknown;
  files?: Array<{ field: string; name: string; size: number; contentType: string | null }>;
  status: number;
  response?: unknown;
  at: number;
  /** `performance.now()` when the fake had read the request, and when it answered it (for the bench). */
  readAt?: number;
  answeredAt?: number;
  /** Answered by an injected fault. */
  fault?: boolean;
}

/** A REST fault to inject. */
export interface FaultSpec {
  method?: string;
  /** Tested against the recorded path (`/api/v10/...`). */
  path?: RegExp;
  status: number;
  code?: number;
  message?: string;
  /** Seconds, for 429 (may be fractional). Default 0.1. */
  retryAfter?: number;
  /** A global rate limit (adds `X-RateLimit-Global`). */
  global?: boolean;
  /** How many requests it answers (default 1; Infinity for all). */
  times?: number;
  /** Probability a matching request is hit (default 1). */
  rate?: number;
  /** The request is carried out, then answered with the error: a server failing after the work was done. */
  afterProcessing?: boolean;
}

/** A live injected fault. */
export interface FaultHandle {
  readonly hits: number;
  readonly remaining: number;
  clear(): void;
}

/** Anything that names a user: an id or an object with `id`. */
export type UserRef = string | { id: string };

/** A role of `seedGuild`. */
export interface RoleSpec {
  name?: string;
  permissions?: PermissionName[];
  mentionable?: boolean;
  hoist?: boolean;
  color?: number;
}

/** A permission overwrite of `seedGuild`: `role` is a role key or `everyone`, `user` a user key or `bot`. */
export interface OverwriteSpec {
  role?: string;
  user?: string;
  allow?: PermissionName[];
  deny?: PermissionName[];
}

/** A channel of `seedGuild`: text (0, default), category (4) or announcement (5); `parent` is a category key. */
export interface ChannelSpec {
  name?: string;
  type?: 0 | 4 | 5;
  parent?: string;
  topic?: string;
  overwrites?: OverwriteSpec[];
}

/** A user of `seedGuild`; `roles` are role keys. */
export interface UserSpec {
  username?: string;
  globalName?: string | null;
  roles?: string[];
  nick?: string;
  bot?: boolean;
  dmsClosed?: boolean;
  locale?: string;
  /** Whether the user is a member of the guild (default true). */
  member?: boolean;
}

/** What `seedGuild` builds. */
export interface GuildSpec<R extends string, C extends string, U extends string> {
  id?: string;
  name?: string;
  locale?: string;
  /** A user key; by default a separate "owner" user owns the guild. */
  owner?: U;
  everyonePermissions?: PermissionName[];
  botPermissions?: PermissionName[];
  roles?: Record<R, RoleSpec>;
  channels?: Record<C, ChannelSpec>;
  users?: Record<U, UserSpec>;
}

/** Ids of what `seedGuild` built, by key. */
export interface SeededGuild<R extends string, C extends string, U extends string> {
  guildId: string;
  everyoneRoleId: string;
  botRoleId: string;
  ownerId: string;
  roles: Record<R, string>;
  channels: Record<C, string>;
  users: Record<U, string>;
}

/** Options of `createGuild`. */
export interface GuildOptions {
  id?: string;
  name?: string;
  ownerId?: string;
  locale?: string;
  everyonePermissions?: PermissionName[];
  botPermissions?: PermissionName[];
}

/** Ids `createGuild` made: the @everyone role id is the guild id. */
export interface CreatedGuild {
  guildId: string;
  everyoneRoleId: string;
  botRoleId: string;
  ownerId: string;
}

/** Options of `createChannel`. */
export interface ChannelOptions {
  name?: string;
  type?: 0 | 4 | 5;
  parentId?: string | null;
  topic?: string;
  overwrites?: Overwrite[];
}

/** A message to act on: the message object, or its id and channel id. */
export interface MessageTarget {
  message?: { id: string; channel_id: string };
  messageId?: string;
  channelId?: string;
}

/** Arguments of `slashCommand`: options by name (users, roles and channels by id, attachments as files). */
export interface SlashCommandArgs {
  guildId?: string;
  channelId: string;
  user: UserRef;
  name: string;
  subcommandGroup?: string;
  subcommand?: string;
  options?: Record<string, string | number | boolean | TestFile>;
  locale?: string;
}

/** Arguments of `userMessage`; `reference` is the id of the message replied to. */
export interface UserMessageArgs {
  channelId: string;
  user: UserRef;
  content?: string;
  attachments?: TestFile[];
  reference?: string;
  embeds?: unknown[];
}

const idOf = (ref: UserRef): string => (typeof ref === 'string' ? ref : ref.id);

interface ActiveFault extends FaultSpec {
  remainingCount: number;
  hitCount: number;
  bucket: string;
}

/**
 * A fake Discord (REST API v10 and WebSocket gateway) on 127.0.0.1 for driving the real discord.js client.
 * Seed a guild, log the bot in with `rest: { api: discord.apiUrl }`, then act as users and inspect what the bot did.
 */
export class FakeDiscord {
  /** Every REST call received, in order. */
  readonly calls: RecordedCall[] = [];
  /** Attachment downloads served (or refused). */
  readonly downloads: Array<{ path: string; status: number; at: number }> = [];
  /** Errors thrown by the fake itself (bugs in the fake, answered with 500). */
  readonly internalErrors: Error[] = [];
  readonly token: string;
  readonly applicationId: string;

  private readonly store: Store;
  private readonly gateway: Gateway;
  private readonly domain: Domain;
  private readonly interactions: Interactions;
  private readonly rest: RestApi;
  private readonly server: http.Server;
  private readonly privileged: PrivilegedIntents;
  private readonly faults: ActiveFault[] = [];
  private readonly holds: Array<{ method?: string; path?: RegExp; signal: () => void; released: Promise<'process' | 'drop'>; release: (mode: 'process' | 'drop') => void }> = [];
  private readonly callWaiters: Array<{ predicate: (c: RecordedCall) => boolean; resolve: (c: RecordedCall) => void }> = [];
  private latencyMs = 0;
  private sessionStarts = 0;
  private origin = '';
  private readonly options: Required<Omit<FakeDiscordOptions, 'privilegedIntents' | 'token' | 'applicationId'>>;

  private constructor(options: FakeDiscordOptions) {
    const ids = new SnowflakeGenerator(2n);
    this.applicationId = options.applicationId ?? ids.next();
    this.token = options.token ?? `${Buffer.from(this.applicationId).toString('base64url')}.fake.${ids.next()}`;
    this.options = {
      botUsername: options.botUsername ?? 'Support Desk',
      applicationFlags: options.applicationFlags ?? ((1 << 15) | (1 << 19) | (1 << 23)),
      interactionTimeoutMs: options.interactionTimeoutMs ?? 3000,
      interactionTokenTtlMs: options.interactionTokenTtlMs ?? 15 * 60_000,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      maxUploadBytes: options.maxUploadBytes ?? 10 * 1024 * 1024,
    };
    this.privileged = { guildMembers: true, guildPresences: true, messageContent: true, ...options.privilegedIntents };
    this.store = new Store(this.applicationId, this.applicationId);
    this.store.users.set(this.applicationId, {
      id: this.applicationId,
      username: this.options.botUsername,
      globalName: null,
      avatar: null,
      bot: true,
      system: false,
      dmsClosed: true,
      locale: 'en-US',
    });
    this.gateway = new Gateway({
      token: this.token,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      privileged: () => this.privileged,
      resumeUrl: () => `${this.origin.replace('http', 'ws')}/gateway-resume`,
      readyPayload: (s) => this.readyPayload(s),
      guildCreates: (s) => this.guildCreates(s),
      membersChunk: (s, request) => this.membersChunk(s, request),
    });
    this.domain = new Domain(this.store, this.gateway, { maxUploadBytes: this.options.maxUploadBytes });
    this.interactions = new Interactions(
      this.store,
      this.domain,
      (guildId, payload) => this.gateway.dispatch('INTERACTION_CREATE', (s) => (this.inShard(s, guildId) ? payload : undefined)),
      {
        timeoutMs: this.options.interactionTimeoutMs,
        tokenTtlMs: this.options.interactionTokenTtlMs,
        maxUploadBytes: this.options.maxUploadBytes,
      },
    );
    this.rest = new RestApi(this.store, this.domain, this.interactions, {
      applicationName: this.options.botUsername,
      applicationFlags: this.options.applicationFlags,
      privilegedGuildMembers: () => this.privileged.guildMembers,
      gatewayUrl: () => `${this.origin.replace('http', 'ws')}/gateway`,
      sessionStartLimit: () => ({ total: 1000, remaining: 1000 - this.sessionStarts, reset_after: 86_400_000, max_concurrency: 1 }),
      onGuildMemberUpdate: (guildId, userId) => this.dispatchMemberUpdate(guildId, userId),
    });
    this.server = http.createServer((req, res) => {
      this.onRequest(req, res).catch((error: unknown) => {
        this.internalErrors.push(error as Error);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: '500: Internal Server Error', code: 0 }));
      });
    });
    this.server.on('upgrade', (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path === '/gateway' || path === '/gateway-resume') this.gateway.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
  }

  /** Starts a fake on 127.0.0.1 and a random port. */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const { port } = fake.server.address() as AddressInfo;
    fake.origin = `http://127.0.0.1:${port}`;
    fake.store.baseUrl = fake.origin;
    return fake;
  }

  /** Closes every socket and the server. */
  async stop(): Promise<void> {
    for (const hold of this.holds.splice(0)) hold.release('drop');
    await this.gateway.shutdown();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** REST base for discord.js `rest: { api }` / `DISCORD_API_URL` (discord.js appends `/v10`). */
  get apiUrl(): string {
    return `${this.origin}/api`;
  }

  /** `http://127.0.0.1:PORT`. */
  get baseUrl(): string {
    return this.origin;
  }

  /** The gateway URL `GET /gateway/bot` hands out. */
  get gatewayUrl(): string {
    return `${this.origin.replace('http', 'ws')}/gateway`;
  }

  /** The bot's user object. */
  get botUser(): APIUser {
    return this.store.apiUser(this.store.botUser);
  }

  /** Every IDENTIFY received (intents, properties, shard...). */
  get identifies(): readonly IdentifyRecord[] {
    return this.gateway.identifies;
  }

  /** Intents of the last IDENTIFY, or null before any. */
  get lastIntents(): number | null {
    return this.gateway.identifies.at(-1)?.intents ?? null;
  }

  /** Connection history: connects, identifies, resumes, invalid sessions, closes. */
  get gatewayLog(): readonly GatewayLogEntry[] {
    return this.gateway.log;
  }

  /** Heartbeats received. */
  get heartbeats(): ReadonlyArray<{ at: number; seq: number | null }> {
    return this.gateway.heartbeats;
  }

  /** Whether a client is connected with a live session. */
  get gatewayConnected(): boolean {
    return this.gateway.connected;
  }

  private inShard(session: GatewaySession, guildId: string | null): boolean {
    const [id, count] = session.shard;
    return guildId ? Number((BigInt(guildId) >> 22n) % BigInt(count)) === id : id === 0;
  }

  private botGuilds(session: GatewaySession): GuildRecord[] {
    return [...this.store.guilds.values()].filter((g) => g.members.has(this.store.botUserId) && this.inShard(session, g.id));
  }

  private readyPayload(session: GatewaySession): Record<string, unknown> {
    this.sessionStarts += 1;
    return {
      v: 10,
      user_settings: {},
      user: { ...this.store.apiCurrentUser(), bot: true },
      guilds: this.botGuilds(session).map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: `${this.origin.replace('http', 'ws')}/gateway-resume`,
      shard: session.shard,
      application: { id: this.applicationId, flags: this.options.applicationFlags },
      relationships: [],
      private_channels: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: ['rotterdam', 'madrid', 'milan', 'stockholm', 'bucharest'],
      auth: {},
      _trace: ['["gateway-fake",{"micros":0}]'],
    };
  }

  private guildCreate(session: GatewaySession, guild: GuildRecord): Record<string, unknown> {
    const bot = this.store.botUserId;
    const threshold = session.largeThreshold;
    const large = guild.members.size > threshold;
    const presences = (session.intents & GatewayIntentBits.GuildPresences) !== 0;
    const members = presences && !large ? [...guild.members.values()] : [guild.members.get(bot)!];
    return {
      ...this.store.apiGuild(guild),
      joined_at: guild.members.get(bot)!.joinedAt,
      large,
      unavailable: false,
      member_count: guild.members.size,
      voice_states: [],
      members: members.map((m) => this.store.apiMember(m)),
      channels: this.store.guildChannels(guild.id).map((c) => this.store.apiChannel(c)),
      threads: this.store.activeThreads(guild.id).filter((t) => this.store.canView(bot, t)).map((t) => this.store.apiChannel(t)),
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      embedded_activities: [],
      activity_instances: [],
      application_command_counts: {},
      lazy: true,
    };
  }

  private guildCreates(session: GatewaySession): Record<string, unknown>[] {
    return this.botGuilds(session).map((g) => this.guildCreate(session, g));
  }

  private membersChunk(_session: GatewaySession, request: Record<string, unknown>): Record<string, unknown>[] {
    const guild = this.store.guilds.get(String(request.guild_id));
    if (!guild) return [];
    const ids = Array.isArray(request.user_ids) ? request.user_ids.map(String) : typeof request.user_ids === 'string' ? [request.user_ids] : null;
    const query = typeof request.query === 'string' ? request.query.toLowerCase() : '';
    const limit = typeof request.limit === 'number' && request.limit > 0 ? request.limit : Number.POSITIVE_INFINITY;
    let members = [...guild.members.values()];
    if (ids) members = members.filter((m) => ids.includes(m.userId));
    else if (query) {
      members = members.filter((m) => {
        const user = this.store.requireUser(m.userId);
        return [user.username, user.globalName, m.nick].some((n) => n?.toLowerCase().startsWith(query));
      });
    }
    members = members.slice(0, limit);
    return [
      {
        guild_id: guild.id,
        members: members.map((m) => this.store.apiMember(m)),
        chunk_index: 0,
        chunk_count: 1,
        ...(ids ? { not_found: ids.filter((id) => !guild.members.has(id)) } : {}),
        ...(request.presences ? { presences: [] } : {}),
        ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
      },
    ];
  }

  /** Resolves when a client is connected and ready (READY or RESUMED), waiting for the next one if none is. */
  async waitForReady(timeoutMs = 10_000): Promise<void> {
    if (this.gateway.connected) return;
    await this.gateway.next('either', timeoutMs);
  }

  /** Resolves at the next RESUMED. */
  waitForResumed(timeoutMs = 10_000): Promise<void> {
    return this.gateway.next('resumed', timeoutMs);
  }

  /** Resolves at the next READY (a fresh IDENTIFY). */
  waitForIdentify(timeoutMs = 10_000): Promise<void> {
    return this.gateway.next('ready', timeoutMs);
  }

  /**
   * Cuts the gateway connection like a network failure. Resumable: the client RESUMEs and gets the events it
   * missed. Not resumable: its RESUME gets op 9 (d: false) and it must IDENTIFY again; missed events are lost.
   */
  dropGateway(options: { resumable: boolean }): void {
    this.gateway.drop(options.resumable);
  }

  /**
   * Drops the gateway, runs `fn` while no client can reconnect (new connections wait for HELLO), then lets it back.
   * Events produced inside `fn` are replayed on RESUME only when resumable.
   */
  async whileDisconnected<T>(fn: () => T | Promise<T>, options: { resumable?: boolean } = {}): Promise<T> {
    this.gateway.pause();
    this.gateway.drop(options.resumable ?? true);
    try {
      return await fn();
    } finally {
      this.gateway.unpause();
    }
  }

  /** Sends op 7 RECONNECT: the client reconnects and RESUMEs. */
  requestReconnect(): void {
    this.gateway.requestReconnect();
  }

  /** Stops (or restarts) acknowledging heartbeats, to test zombie-connection handling. */
  setHeartbeatAcks(enabled: boolean): void {
    this.gateway.ackHeartbeats = enabled;
  }

  private dispatchGuildEvent(t: string, guildId: string, intent: number, data: unknown): void {
    this.domain.dispatchForGuild(t, guildId, intent, () => data);
  }

  private dispatchMemberUpdate(guildId: string, userId: string): void {
    const member = this.store.member(guildId, userId)!;
    this.dispatchGuildEvent('GUILD_MEMBER_UPDATE', guildId, GatewayIntentBits.GuildMembers, { ...this.store.apiMember(member), guild_id: guildId });
  }

  /** Creates a user (not in any guild). */
  createUser(spec: Omit<UserSpec, 'roles' | 'nick' | 'member'> & { id?: string } = {}): APIUser {
    const id = spec.id ?? this.store.ids.next();
    const user: UserRecord = {
      id,
      username: spec.username ?? `user${id.slice(-4)}`,
      globalName: spec.globalName === undefined ? (spec.username ?? null) : spec.globalName,
      avatar: null,
      bot: spec.bot ?? false,
      system: false,
      dmsClosed: spec.dmsClosed ?? false,
      locale: spec.locale ?? 'en-US',
    };
    this.store.users.set(id, user);
    return this.store.apiUser(user);
  }

  /** Sets whether the bot may DM a user (closed DMs answer 50007). */
  setDmsClosed(user: UserRef, closed: boolean): void {
    this.store.requireUser(idOf(user)).dmsClosed = closed;
  }

  /** Creates a guild with its @everyone role (id = guild id) and the bot as a member with its managed role. */
  createGuild(spec: GuildOptions = {}): CreatedGuild {
    const id = spec.id ?? this.store.ids.next();
    const ownerId = spec.ownerId ?? this.createUser({ username: 'guild-owner' }).id;
    const now = discordTimestamp(Date.now());
    const guild: GuildRecord = {
      id,
      name: spec.name ?? 'Support Server',
      ownerId,
      preferredLocale: spec.locale ?? 'en-US',
      joinedAt: now,
      roles: new Map(),
      members: new Map(),
    };
    const everyonePermissions = spec.everyonePermissions ? bitsOf(spec.everyonePermissions) : DEFAULT_EVERYONE_PERMISSIONS;
    guild.roles.set(id, this.roleRecord(id, id, { name: '@everyone' }, everyonePermissions, 0));
    const botRoleId = this.store.ids.next();
    const botPermissions = spec.botPermissions ? bitsOf(spec.botPermissions) : DEFAULT_BOT_PERMISSIONS;
    guild.roles.set(botRoleId, {
      ...this.roleRecord(botRoleId, id, { name: this.options.botUsername }, botPermissions, 1),
      managed: true,
      botId: this.store.botUserId,
    });
    this.store.guilds.set(id, guild);
    guild.members.set(ownerId, { guildId: id, userId: ownerId, roleIds: [], nick: null, joinedAt: now });
    guild.members.set(this.store.botUserId, { guildId: id, userId: this.store.botUserId, roleIds: [botRoleId], nick: null, joinedAt: now });
    this.gateway.dispatch('GUILD_CREATE', (s) =>
      (s.intents & GatewayIntentBits.Guilds) !== 0 && this.inShard(s, id) ? this.guildCreate(s, guild) : undefined,
    );
    return { guildId: id, everyoneRoleId: id, botRoleId, ownerId };
  }

  private roleRecord(id: string, guildId: string, spec: RoleSpec, permissions: bigint, position: number): RoleRecord {
    return {
      id,
      guildId,
      name: spec.name ?? 'new role',
      permissions,
      position,
      color: spec.color ?? 0,
      hoist: spec.hoist ?? false,
      managed: false,
      mentionable: spec.mentionable ?? false,
    };
  }

  private guildRecord(guildId: string): GuildRecord {
    const guild = this.store.guilds.get(guildId);
    if (!guild) throw new Error(`FakeDiscord: unknown guild ${guildId}`);
    return guild;
  }

  /** Creates a role (mentionable: false by default, as in Discord), dispatching GUILD_ROLE_CREATE. */
  createRole(guildId: string, spec: RoleSpec = {}): string {
    const guild = this.guildRecord(guildId);
    const id = this.store.ids.next();
    const position = Math.max(...[...guild.roles.values()].map((r) => r.position)) + 1;
    const role = this.roleRecord(id, guildId, spec, bitsOf(spec.permissions ?? []), position);
    guild.roles.set(id, role);
    this.dispatchGuildEvent('GUILD_ROLE_CREATE', guildId, GatewayIntentBits.Guilds, { guild_id: guildId, role: this.store.apiRole(role) });
    return id;
  }

  /** Replaces a role's permissions, dispatching GUILD_ROLE_UPDATE. */
  setRolePermissions(guildId: string, roleId: string, permissions: PermissionName[]): void {
    const role = this.guildRecord(guildId).roles.get(roleId);
    if (!role) throw new Error(`FakeDiscord: unknown role ${roleId}`);
    role.permissions = bitsOf(permissions);
    this.dispatchGuildEvent('GUILD_ROLE_UPDATE', guildId, GatewayIntentBits.Guilds, { guild_id: guildId, role: this.store.apiRole(role) });
  }

  /** Creates a guild channel, dispatching CHANNEL_CREATE. */
  createChannel(guildId: string, spec: ChannelOptions = {}): string {
    this.guildRecord(guildId);
    const id = this.store.ids.next();
    const siblings = this.store.guildChannels(guildId);
    const channel: ChannelRecord = {
      id,
      type: spec.type ?? ChannelKind.GuildText,
      guildId,
      name: spec.name ?? 'general',
      position: siblings.length,
      parentId: spec.parentId ?? null,
      topic: spec.topic ?? null,
      nsfw: false,
      rateLimitPerUser: 0,
      flags: 0,
      overwrites: spec.overwrites ?? [],
      lastMessageId: null,
      lastPinTimestamp: null,
      recipientIds: [],
      thread: null,
      deleted: false,
    };
    this.store.channels.set(id, channel);
    if (this.store.canView(this.store.botUserId, channel)) {
      this.dispatchGuildEvent('CHANNEL_CREATE', guildId, GatewayIntentBits.Guilds, this.store.apiChannel(channel));
    }
    return id;
  }

  /** Adds a user to a guild, dispatching GUILD_MEMBER_ADD. */
  addMember(guildId: string, user: UserRef, spec: { roleIds?: string[]; nick?: string } = {}): void {
    const guild = this.guildRecord(guildId);
    const userId = idOf(user);
    this.store.requireUser(userId);
    const member: MemberRecord = {
      guildId,
      userId,
      roleIds: [...(spec.roleIds ?? [])],
      nick: spec.nick ?? null,
      joinedAt: discordTimestamp(Date.now()),
    };
    guild.members.set(userId, member);
    this.dispatchGuildEvent('GUILD_MEMBER_ADD', guildId, GatewayIntentBits.GuildMembers, { ...this.store.apiMember(member), guild_id: guildId });
  }

  /** Replaces a member's roles, dispatching GUILD_MEMBER_UPDATE. */
  setMemberRoles(guildId: string, user: UserRef, roleIds: string[]): void {
    const member = this.store.member(guildId, idOf(user));
    if (!member) throw new Error(`FakeDiscord: ${idOf(user)} is not a member of ${guildId}`);
    member.roleIds = [...roleIds];
    this.dispatchMemberUpdate(guildId, member.userId);
  }

  /**
   * Builds a whole guild from keys: roles, channels (with overwrites), users (members with roles).
   * The bot is a member with its managed role; a separate owner owns the guild unless `owner` names a user key.
   */
  seedGuild<R extends string = never, C extends string = never, U extends string = never>(spec: GuildSpec<R, C, U>): SeededGuild<R, C, U> {
    const userIds = {} as Record<U, string>;
    for (const [key, u] of Object.entries(spec.users ?? {}) as Array<[U, UserSpec]>) {
      const { username = key, globalName, bot, dmsClosed, locale } = u;
      userIds[key] = this.createUser({ username, globalName, bot, dmsClosed, locale }).id;
    }
    const base = this.createGuild({
      id: spec.id,
      name: spec.name,
      locale: spec.locale,
      ownerId: spec.owner ? userIds[spec.owner] : undefined,
      everyonePermissions: spec.everyonePermissions,
      botPermissions: spec.botPermissions,
    });
    const roleIds = {} as Record<R, string>;
    for (const [key, r] of Object.entries(spec.roles ?? {}) as Array<[R, RoleSpec]>) {
      roleIds[key] = this.createRole(base.guildId, { name: key, ...r });
    }
    for (const [key, u] of Object.entries(spec.users ?? {}) as Array<[U, UserSpec]>) {
      if (u.member === false || userIds[key] === base.ownerId) continue;
      this.addMember(base.guildId, userIds[key], {
        roleIds: (u.roles ?? []).map((r) => {
          const id = roleIds[r as R];
          if (!id) throw new Error(`FakeDiscord: user ${key} has unknown role key ${r}`);
          return id;
        }),
        nick: u.nick,
      });
    }
    const channelIds = {} as Record<C, string>;
    const entries = Object.entries(spec.channels ?? {}) as Array<[C, ChannelSpec]>;
    const ordered = [...entries.filter(([, c]) => c.type === 4), ...entries.filter(([, c]) => c.type !== 4)];
    for (const [key, c] of ordered) {
      const overwrites = (c.overwrites ?? []).map((o): Overwrite => {
        const roleId = o.role === 'everyone' ? base.guildId : o.role ? roleIds[o.role as R] : undefined;
        const userId = o.user === 'bot' ? this.store.botUserId : o.user ? userIds[o.user as U] : undefined;
        const id = roleId ?? userId;
        if (!id) throw new Error(`FakeDiscord: overwrite of channel ${key} names no known role or user`);
        return { id, type: roleId ? 0 : 1, allow: bitsOf(o.allow ?? []), deny: bitsOf(o.deny ?? []) };
      });
      const parentId = c.parent ? channelIds[c.parent as C] : null;
      if (c.parent && !parentId) throw new Error(`FakeDiscord: channel ${key} has unknown parent ${c.parent}`);
      channelIds[key] = this.createChannel(base.guildId, { name: c.name ?? key, type: c.type, parentId, topic: c.topic, overwrites });
    }
    return { ...base, roles: roleIds, channels: channelIds, users: userIds };
  }

  private overwriteSource(channelId: string): ChannelRecord {
    const channel = this.store.requireChannel(channelId);
    return this.store.permissionSource(channel);
  }

  /** Denies the bot permissions in a channel (a member overwrite; a thread's parent for threads), dispatching CHANNEL_UPDATE. */
  denyBotPermission(channelId: string, ...permissions: PermissionName[]): void {
    this.editBotOverwrite(channelId, (o) => {
      o.deny |= bitsOf(permissions);
      o.allow &= ~bitsOf(permissions);
    });
  }

  /** Removes denials made by `denyBotPermission`. */
  restoreBotPermission(channelId: string, ...permissions: PermissionName[]): void {
    this.editBotOverwrite(channelId, (o) => {
      o.deny &= ~bitsOf(permissions);
    });
  }

  private editBotOverwrite(channelId: string, edit: (o: Overwrite) => void): void {
    const channel = this.overwriteSource(channelId);
    let overwrite = channel.overwrites.find((o) => o.type === 1 && o.id === this.store.botUserId);
    if (!overwrite) {
      overwrite = { id: this.store.botUserId, type: 1, allow: 0n, deny: 0n };
      channel.overwrites.push(overwrite);
    }
    edit(overwrite);
    if (overwrite.allow === 0n && overwrite.deny === 0n) channel.overwrites = channel.overwrites.filter((o) => o !== overwrite);
    this.domain.dispatchChannelUpdate(channel);
  }

  /** A user runs a slash command (registered by the bot); returns a handle on the interaction. */
  slashCommand(args: SlashCommandArgs): InteractionHandle {
    return this.interactions.slashCommand({ ...args, userId: idOf(args.user) });
  }

  /**
   * A user submits the modal the bot answered with: values by input custom_id (text: string, selects: string[]),
   * files by file-upload custom_id. Waits for the bot's callback first when given a handle.
   */
  async submitModal(
    source: InteractionHandle | ModalSource,
    user: UserRef,
    values: ModalValues = {},
    files: Record<string, Array<{ name: string; contentType?: string; bytes: Buffer }>> = {},
  ): Promise<InteractionHandle> {
    let modal: ModalSource;
    if (source instanceof InteractionHandle) {
      await source.response();
      modal = this.interactions.modalSource(source);
    } else {
      modal = source;
    }
    return this.interactions.submitModal(modal, idOf(user), values, files);
  }

  private messageTarget(args: MessageTarget): { channelId: string; messageId: string } {
    const messageId = args.message?.id ?? args.messageId;
    const channelId = args.message?.channel_id ?? args.channelId;
    if (!messageId || !channelId) throw new Error('FakeDiscord: give a message, or messageId and channelId');
    return { channelId, messageId };
  }

  /** A user clicks a button of a message. */
  clickButton(args: MessageTarget & { customId: string; user: UserRef; locale?: string }): InteractionHandle {
    const { customId, locale } = args;
    return this.interactions.component({ ...this.messageTarget(args), userId: idOf(args.user), customId, locale });
  }

  /** A user picks values in a select menu of a message. */
  selectMenu(args: MessageTarget & { customId: string; user: UserRef; values: string[]; locale?: string }): InteractionHandle {
    const { customId, values, locale } = args;
    return this.interactions.component({ ...this.messageTarget(args), userId: idOf(args.user), customId, values, locale });
  }

  /**
   * A user posts a message (channel, thread or their DM with the bot via `userDm`): stores it with attachments the
   * fake serves, parses mentions, dispatches MESSAGE_CREATE. Throws the Discord error when the user could not post.
   */
  userMessage(args: UserMessageArgs): APIMessage {
    const userId = idOf(args.user);
    const channel = this.store.requireChannel(args.channelId);
    if (channel.guildId && !this.store.member(channel.guildId, userId)) throw new Error(`FakeDiscord: ${userId} is not a member of the guild`);
    const files: UploadedFile[] = (args.attachments ?? []).map((f, i) => ({
      field: `files[${i}]`,
      filename: f.name,
      contentType: f.contentType ?? null,
      bytes: f.bytes,
    }));
    const refusal = this.domain.postRefusal(userId, channel, files.length > 0);
    if (refusal) throw refusal;
    const attachments = this.domain.storeUploads(channel.id, files, undefined, false);
    const message = this.domain.postMessage(
      channel,
      {
        content: args.content ?? '',
        embeds: args.embeds,
        ...(args.reference ? { message_reference: { message_id: args.reference } } : {}),
      },
      [],
      { authorId: userId, attachments },
    );
    return this.store.apiMessage(message);
  }

  /** A user writes to the bot in DMs (opening the DM channel if needed). */
  userDm(args: { user: UserRef; content?: string; attachments?: TestFile[] }): APIMessage {
    const channel = this.domain.openDm(idOf(args.user));
    return this.userMessage({ ...args, channelId: channel.id });
  }

  private userOwned(channelId: string, messageId: string, userId: string) {
    const message = this.store.messages.get(messageId);
    if (!message || message.deleted || message.channelId !== channelId) throw new Error(`FakeDiscord: no message ${messageId} in ${channelId}`);
    if (message.authorId !== userId) throw Errors.editOthersMessage();
    return message;
  }

  /** A user edits their message, dispatching MESSAGE_UPDATE. */
  editUserMessage(channelId: string, messageId: string, content: string, user?: UserRef): APIMessage {
    const message = this.store.messages.get(messageId);
    const userId = user ? idOf(user) : (message?.authorId ?? '');
    const owned = this.userOwned(channelId, messageId, userId);
    return this.store.apiMessage(this.domain.editMessage(owned, { content }, [], { actorId: userId }));
  }

  /** A user (the author by default) deletes a message, dispatching MESSAGE_DELETE. */
  deleteUserMessage(channelId: string, messageId: string, user?: UserRef): void {
    const message = this.store.messages.get(messageId);
    if (!message || message.deleted || message.channelId !== channelId) throw new Error(`FakeDiscord: no message ${messageId} in ${channelId}`);
    this.domain.deleteMessage(message, { actorId: user ? idOf(user) : message.authorId });
  }

  /** A user adds a reaction, dispatching MESSAGE_REACTION_ADD. */
  userReact(channelId: string, messageId: string, user: UserRef, emoji: string): void {
    const message = this.store.messages.get(messageId);
    if (!message || message.channelId !== channelId) throw new Error(`FakeDiscord: no message ${messageId} in ${channelId}`);
    this.domain.addReaction(idOf(user), message, emoji);
  }

  /** A user removes their reaction, dispatching MESSAGE_REACTION_REMOVE. */
  userUnreact(channelId: string, messageId: string, user: UserRef, emoji: string): void {
    const message = this.store.messages.get(messageId);
    if (!message || message.channelId !== channelId) throw new Error(`FakeDiscord: no message ${messageId} in ${channelId}`);
    this.domain.removeReaction(idOf(user), message, emoji);
  }

  private threadRecord(threadId: string): ChannelRecord {
    const thread = this.store.requireChannel(threadId);
    if (!thread.thread) throw new Error(`FakeDiscord: ${threadId} is not a thread`);
    return thread;
  }

  /** A moderator archives (and optionally locks) a thread in the client, dispatching THREAD_UPDATE. */
  archiveThreadByHand(threadId: string, options: { locked?: boolean } = {}): void {
    const thread = this.threadRecord(threadId);
    thread.thread!.archived = true;
    if (options.locked !== undefined) thread.thread!.locked = options.locked;
    thread.thread!.archiveTimestamp = discordTimestamp(Date.now());
    this.domain.dispatchThreadUpdate(thread);
  }

  /** A moderator unarchives (and optionally unlocks) a thread, dispatching THREAD_UPDATE. */
  unarchiveThreadByHand(threadId: string, options: { locked?: boolean } = {}): void {
    const thread = this.threadRecord(threadId);
    thread.thread!.archived = false;
    if (options.locked !== undefined) thread.thread!.locked = options.locked;
    thread.thread!.archiveTimestamp = discordTimestamp(Date.now());
    this.domain.dispatchThreadUpdate(thread);
  }

  /** A moderator deletes a thread, dispatching THREAD_DELETE. */
  deleteThreadByHand(threadId: string): void {
    this.domain.deleteChannel(null, this.threadRecord(threadId));
  }

  /** Someone adds a user to a thread in the client, dispatching THREAD_MEMBERS_UPDATE. */
  addThreadMemberByHand(threadId: string, user: UserRef): void {
    this.domain.addThreadMember(null, this.threadRecord(threadId), idOf(user));
  }

  /** A user leaves (or is removed from) a thread, dispatching THREAD_MEMBERS_UPDATE. */
  removeThreadMemberByHand(threadId: string, user: UserRef): void {
    this.domain.removeThreadMember(null, this.threadRecord(threadId), idOf(user));
  }

  /** Invalidates every attachment URL handed out so far (Discord CDN links expire); bytes stay in `attachmentBytes`. */
  expireAttachmentUrls(): void {
    this.store.expireAttachmentUrls();
  }

  /** Messages of a channel anyone there can see, oldest first (no ephemeral ones). */
  messagesIn(channelId: string): APIMessage[] {
    return this.store.visibleMessagesIn(channelId).map((m) => this.store.apiMessage(m));
  }

  /** Ephemeral messages shown to a user, oldest first. */
  ephemeralMessagesFor(user: UserRef): APIMessage[] {
    const userId = idOf(user);
    return [...this.store.messages.values()]
      .filter((m) => m.ephemeralTo === userId && !m.deleted)
      .map((m) => this.store.apiMessage(m));
  }

  /** Messages in the bot's DM channel with a user, oldest first. */
  dmsTo(user: UserRef): APIMessage[] {
    const channelId = this.store.dmChannelByUser.get(idOf(user));
    return channelId ? this.messagesIn(channelId) : [];
  }

  /** The DM channel id between the bot and a user, if it exists. */
  dmChannelOf(user: UserRef): string | undefined {
    return this.store.dmChannelByUser.get(idOf(user));
  }

  /** User ids in a thread. */
  threadMembers(threadId: string): string[] {
    return [...this.threadRecord(threadId).thread!.members.keys()];
  }

  /** Threads of a parent channel (active and archived, not deleted). */
  threadsIn(parentId: string): APIChannel[] {
    return [...this.store.channels.values()]
      .filter((c) => c.parentId === parentId && c.thread && !c.deleted)
      .map((c) => this.store.apiChannel(c));
  }

  /** Reactions on a message: emoji → user ids, in reaction order. */
  reactionsOn(channelId: string, messageId: string): Record<string, string[]> {
    const message = this.store.messages.get(messageId);
    if (!message || message.channelId !== channelId) throw new Error(`FakeDiscord: no message ${messageId} in ${channelId}`);
    return Object.fromEntries([...message.reactions.values()].map((r) => [r.emoji.name, [...r.userIds]]));
  }

  /** A channel or thread object as Discord would answer it (undefined once deleted). */
  channel(id: string): APIChannel | undefined {
    const channel = this.store.channel(id);
    return channel ? this.store.apiChannel(channel) : undefined;
  }

  /** One message (undefined when unknown or deleted). */
  message(channelId: string, messageId: string): APIMessage | undefined {
    const message = this.store.messages.get(messageId);
    return message && !message.deleted && message.channelId === channelId ? this.store.apiMessage(message) : undefined;
  }

  /** The bytes behind an attachment URL (or proxy URL) the fake handed out. */
  attachmentBytes(url: string): Buffer {
    const parts = new URL(url, this.origin).pathname.split('/');
    const attachment = this.store.attachments.get(parts.at(-2) ?? '');
    if (!attachment) throw new Error(`FakeDiscord: no attachment behind ${url}`);
    return attachment.bytes;
  }

  /** The bot's permissions in a channel, as a bit field. */
  botPermissions(channelId: string): bigint {
    return this.store.permissions(this.store.botUserId, this.store.requireChannel(channelId));
  }

  /** Answers matching REST requests with an error (429 with Retry-After, 5xx, 403...). */
  injectFault(spec: FaultSpec): FaultHandle {
    const fault: ActiveFault = { ...spec, remainingCount: spec.times ?? 1, hitCount: 0, bucket: randomBytes(16).toString('hex') };
    this.faults.push(fault);
    const faults = this.faults;
    return {
      get hits() {
        return fault.hitCount;
      },
      get remaining() {
        return fault.remainingCount;
      },
      clear() {
        const i = faults.indexOf(fault);
        if (i >= 0) faults.splice(i, 1);
      },
    };
  }

  /**
   * Holds matching REST requests before they do anything, until released: `release()` lets them through as if
   * they had only been slow, `release('drop')` drops them unanswered and undone (the connection is cut). A bot
   * waiting on a held request can then be killed at a precise step. `held` resolves once one is held.
   */
  holdRequests(spec: { method?: string; path?: RegExp }): { held: Promise<void>; release(mode?: 'process' | 'drop'): void } {
    let signal!: () => void;
    const held = new Promise<void>((resolve) => (signal = resolve));
    let release!: (mode: 'process' | 'drop') => void;
    const released = new Promise<'process' | 'drop'>((resolve) => (release = resolve));
    const entry = { ...spec, signal, released, release };
    this.holds.push(entry);
    return {
      held,
      release: (mode = 'process') => {
        const i = this.holds.indexOf(entry);
        if (i >= 0) this.holds.splice(i, 1);
        release(mode);
      },
    };
  }

  /** Removes every injected fault. */
  clearFaults(): void {
    this.faults.splice(0);
  }

  /** Delays every REST answer. */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Calls with a method and a path matching a pattern. */
  callsTo(method: string, path: RegExp): RecordedCall[] {
    return this.calls.filter((c) => c.method === method.toUpperCase() && path.test(c.path));
  }

  /** Calls to routes the fake does not know (404 code 0): what the bot used that the fake lacks. */
  unknownRouteCalls(): RecordedCall[] {
    return this.calls.filter((c) => c.status === 404 && (c.response as { code?: number } | undefined)?.code === 0);
  }

  /** Resolves with the first recorded call (past or future) matching `predicate`. */
  waitForCall(predicate: (call: RecordedCall) => boolean, timeoutMs = 3000): Promise<RecordedCall> {
    const found = this.calls.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (call: RecordedCall) => {
          clearTimeout(timer);
          resolve(call);
        },
      };
      const timer = setTimeout(() => {
        const i = this.callWaiters.indexOf(waiter);
        if (i >= 0) this.callWaiters.splice(i, 1);
        reject(new Error(`FakeDiscord: no matching call within ${timeoutMs} ms`));
      }, timeoutMs);
      this.callWaiters.push(waiter);
    });
  }

  /** Writes calls (all by default) as the JSON `tools/check-discord-calls/check.js` reads. */
  writeCalls(file: string, calls: readonly RecordedCall[] = this.calls): void {
    const out = calls.map((c) => ({
      method: c.method,
      path: c.path,
      ...(c.body !== undefined ? { body: c.body } : {}),
      status: c.status,
      ...(c.response !== undefined ? { response: c.response } : {}),
    }));
    writeFileSync(file, JSON.stringify(out, null, 2));
  }

  /** Forgets recorded calls. */
  clearCalls(): void {
    this.calls.splice(0);
  }

  /** Forgets calls and faults and removes latency (state stays). */
  reset(): void {
    this.clearCalls();
    this.clearFaults();
    this.latencyMs = 0;
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    for (const waiter of [...this.callWaiters]) {
      if (waiter.predicate(call)) {
        this.callWaiters.splice(this.callWaiters.indexOf(waiter), 1);
        waiter.resolve(call);
      }
    }
  }

  private async readBody(req: http.IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  private async parseBody(raw: Buffer, contentType: string): Promise<{ body: unknown; files: UploadedFile[] }> {
    if (!raw.length) return { body: undefined, files: [] };
    if (contentType.startsWith('multipart/form-data')) {
      let form: FormData;
      try {
        form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
      } catch {
        throw Errors.invalidForm({ _root: [{ code: 'CONTENT_TYPE_INVALID', message: 'Invalid multipart body' }] });
      }
      const files: UploadedFile[] = [];
      const fields: Record<string, unknown> = {};
      let payload: unknown;
      for (const [field, value] of form.entries()) {
        if (typeof value === 'string') {
          if (field === 'payload_json') {
            try {
              payload = JSON.parse(value);
            } catch {
              throw Errors.invalidJson();
            }
          } else fields[field] = value;
        } else {
          files.push({ field, filename: value.name, contentType: value.type || null, bytes: Buffer.from(await value.arrayBuffer()) });
        }
      }
      return { body: payload ?? (Object.keys(fields).length ? fields : undefined), files };
    }
    if (contentType.startsWith('application/json') || !contentType) {
      try {
        return { body: JSON.parse(raw.toString('utf8')), files: [] };
      } catch {
        throw Errors.invalidJson();
      }
    }
    const message = `Expected "Content-Type" header to be one of {'application/json', 'multipart/form-data'}.`;
    throw Errors.invalidForm({ _root: [{ code: 'CONTENT_TYPE_INVALID', message }] });
  }

  private pickFault(method: string, path: string): ActiveFault | undefined {
    return this.faults.find(
      (f) =>
        f.remainingCount > 0 &&
        (!f.method || f.method.toUpperCase() === method) &&
        (!f.path || f.path.test(path)) &&
        (f.rate === undefined || Math.random() < f.rate),
    );
  }

  private send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (body === undefined) {
      res.writeHead(status, headers);
      res.end();
      return;
    }
    const json = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json), ...headers });
    res.end(json);
  }

  private serveAttachment(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    const parts = url.pathname.split('/').filter(Boolean);
    const attachment = this.store.attachments.get(parts.at(-2) ?? '');
    const valid = attachment && attachment.channelId === parts.at(-3) && this.store.verifyAttachmentUrl(attachment.id, url.searchParams);
    this.downloads.push({ path: url.pathname, status: valid ? 200 : 404, at: Date.now() });
    if (!valid || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('This content is no longer available.');
      return;
    }
    res.writeHead(200, {
      'content-type': attachment.contentType ?? 'application/octet-stream',
      'content-length': attachment.bytes.length,
      'cache-control': 'public, max-age=31536000',
    });
    res.end(req.method === 'HEAD' ? undefined : attachment.bytes);
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const method = (req.method ?? 'GET').toUpperCase();
    if (/^\/(media\/)?(ephemeral-)?attachments\//.test(url.pathname)) return this.serveAttachment(req, res, url);
    const raw = await this.readBody(req);
    let segments: string[];
    try {
      segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      segments = url.pathname.split('/').filter(Boolean);
    }
    const call: RecordedCall = {
      method,
      path: `/${segments.join('/')}`,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      at: Date.now(),
      readAt: performance.now(),
    };
    const respond = async (status: number, body: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      call.answeredAt = performance.now();
      if (body !== undefined) call.response = body;
      this.record(call);
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      this.send(res, status, body, headers);
    };
    try {
      if (segments[0] !== 'api') throw Errors.notFound();
      let rest = segments.slice(1);
      if (rest[0] && /^v\d+$/.test(rest[0])) {
        if (rest[0] !== 'v10') throw new DiscordHttpError(400, { message: 'Invalid API version', code: 50041 });
        rest = rest.slice(1);
      }
      const parsed = await this.parseBody(raw, String(req.headers['content-type'] ?? ''));
      if (parsed.body !== undefined) call.body = parsed.body;
      if (parsed.files.length) {
        call.files = parsed.files.map((f) => ({ field: f.field, name: f.filename, size: f.bytes.length, contentType: f.contentType }));
      }
      const matched = this.rest.match(method, rest);
      if (matched === null) throw Errors.notFound();
      if (matched === 'method-not-allowed') throw Errors.methodNotAllowed();
      if (matched.route.auth && req.headers.authorization !== `Bot ${this.token}`) throw Errors.unauthorized();
      const hold = this.holds.find((h) => (!h.method || h.method.toUpperCase() === method) && (!h.path || h.path.test(call.path)));
      if (hold) {
        hold.signal();
        if ((await hold.released) === 'drop') {
          call.status = -1;
          this.record(call);
          res.destroy();
          return;
        }
      }
      const fault = this.pickFault(method, call.path);
      const request: RestRequest = { method, params: matched.params, query: url.searchParams, body: parsed.body, files: parsed.files };
      if (fault) {
        fault.remainingCount -= 1;
        fault.hitCount += 1;
        call.fault = true;
        if (fault.afterProcessing) matched.route.handler(request);
        return await this.respondFault(fault, respond);
      }
      const result = matched.route.handler(request);
      await respond(result.status, result.body);
    } catch (error) {
      if (error instanceof DiscordHttpError) return await respond(error.status, error.body, error.headers);
      this.internalErrors.push(error as Error);
      await respond(500, { message: '500: Internal Server Error', code: 0 });
    }
  }

  private async respondFault(
    fault: ActiveFault,
    respond: (status: number, body: unknown, headers?: Record<string, string>) => Promise<void>,
  ): Promise<void> {
    if (fault.status === 429) {
      const retryAfter = fault.retryAfter ?? 0.1;
      const headers: Record<string, string> = { 'retry-after': String(retryAfter), 'x-ratelimit-scope': fault.global ? 'global' : 'user' };
      if (fault.global) headers['x-ratelimit-global'] = 'true';
      else {
        headers['x-ratelimit-limit'] = '5';
        headers['x-ratelimit-remaining'] = '0';
        headers['x-ratelimit-reset'] = ((Date.now() + retryAfter * 1000) / 1000).toFixed(3);
        headers['x-ratelimit-reset-after'] = retryAfter.toFixed(3);
        headers['x-ratelimit-bucket'] = fault.bucket;
      }
      return respond(429, { message: 'You are being rate limited.', retry_after: retryAfter, global: fault.global === true }, headers);
    }
    const text = http.STATUS_CODES[fault.status] ?? 'Error';
    return respond(fault.status, { message: fault.message ?? `${fault.status}: ${text}`, code: fault.code ?? 0 });
  }
}
