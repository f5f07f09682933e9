import { createHmac, randomBytes } from 'node:crypto';
import type {
  APIAttachment,
  APIChannel,
  APIEmbed,
  APIGuildMember,
  APIMessage,
  APIMessageTopLevelComponent,
  APIRole,
  APIThreadMember,
  APIUser,
} from 'discord.js';
import type {
  AttachmentRecord,
  ChannelRecord,
  CommandRecord,
  GuildRecord,
  MemberRecord,
  MessageRecord,
  RoleRecord,
  UserRecord,
} from './model.js';
import { basePermissions, bitsOf, channelPermissions, has, type PermissionName } from './permissions.js';
import { compareSnowflakes, discordTimestamp, SnowflakeGenerator, snowflakeTime } from './snowflake.js';

/** Channel types the fake models. */
export const ChannelKind = {
  GuildText: 0,
  DM: 1,
  GuildCategory: 4,
  GuildAnnouncement: 5,
  AnnouncementThread: 10,
  PublicThread: 11,
  PrivateThread: 12,
} as const;

const DM_PERMISSIONS = bitsOf([
  'ViewChannel',
  'SendMessages',
  'EmbedLinks',
  'AttachFiles',
  'ReadMessageHistory',
  'AddReactions',
  'UseExternalEmojis',
  'MentionEveryone',
  'UseApplicationCommands',
  'SendVoiceMessages',
  'SendPolls',
  'UseExternalApps',
]);

/** Where an attachment URL points: a message attachment or a modal upload. */
export type AttachmentUrlKind = 'attachments' | 'ephemeral-attachments';

/** Options of the serialized message. */
export interface MessageViewOptions {
  /** Add the gateway-only fields (`guild_id`, `member`, mentions with members). */
  gateway?: boolean;
  /** Skip `referenced_message` (used when nesting). */
  nested?: boolean;
}

/** The fake's whole world, plus Discord's serialization of it. */
export class Store {
  readonly ids = new SnowflakeGenerator();
  readonly users = new Map<string, UserRecord>();
  readonly guilds = new Map<string, GuildRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly messages = new Map<string, MessageRecord>();
  readonly channelMessageIds = new Map<string, string[]>();
  readonly attachments = new Map<string, AttachmentRecord>();
  readonly commands = new Map<string, CommandRecord>();
  readonly dmChannelByUser = new Map<string, string>();
  baseUrl = '';
  private urlGeneration = 0;
  private urlIssuedAt = Math.floor(Date.now() / 1000);
  private readonly urlSecret = randomBytes(16);

  constructor(
    readonly botUserId: string,
    readonly applicationId: string,
  ) {}

  /** A user, or undefined. */
  user(id: string): UserRecord | undefined {
    return this.users.get(id);
  }

  /** A user; throws when unknown (a test bug). */
  requireUser(id: string): UserRecord {
    const user = this.users.get(id);
    if (!user) throw new Error(`FakeDiscord: unknown user ${id}`);
    return user;
  }

  /** The bot's user record. */
  get botUser(): UserRecord {
    return this.requireUser(this.botUserId);
  }

  /** A live (not deleted) channel, or undefined. */
  channel(id: string): ChannelRecord | undefined {
    const channel = this.channels.get(id);
    return channel && !channel.deleted ? channel : undefined;
  }

  /** A live channel; throws when unknown (a test bug). */
  requireChannel(id: string): ChannelRecord {
    const channel = this.channel(id);
    if (!channel) throw new Error(`FakeDiscord: unknown channel ${id}`);
    return channel;
  }

  /** A guild membership, or undefined. */
  member(guildId: string, userId: string): MemberRecord | undefined {
    return this.guilds.get(guildId)?.members.get(userId);
  }

  /** Whether a channel is a thread. */
  isThread(channel: ChannelRecord): boolean {
    return channel.thread !== null;
  }

  /** The channel whose overwrites apply (a thread's parent). */
  permissionSource(channel: ChannelRecord): ChannelRecord {
    if (channel.thread && channel.parentId) return this.channels.get(channel.parentId) ?? channel;
    return channel;
  }

  /** Guild-wide permissions of a member (0 when not a member). */
  guildPermissions(guildId: string, userId: string): bigint {
    const guild = this.guilds.get(guildId);
    const member = guild?.members.get(userId);
    if (!guild || !member) return 0n;
    return basePermissions({
      guildId,
      ownerId: guild.ownerId,
      userId,
      memberRoleIds: member.roleIds,
      rolePermissions: (id) => guild.roles.get(id)?.permissions,
    });
  }

  /** Permissions of a user in a channel, with Discord's algorithm and the private-thread rule. */
  permissions(userId: string, channel: ChannelRecord): bigint {
    if (channel.type === ChannelKind.DM) return channel.recipientIds.includes(userId) || userId === this.botUserId ? DM_PERMISSIONS : 0n;
    const guild = channel.guildId ? this.guilds.get(channel.guildId) : undefined;
    const member = guild?.members.get(userId);
    if (!guild || !member) return 0n;
    const source = this.permissionSource(channel);
    const perms = channelPermissions(
      {
        guildId: guild.id,
        ownerId: guild.ownerId,
        userId,
        memberRoleIds: member.roleIds,
        rolePermissions: (id) => guild.roles.get(id)?.permissions,
      },
      source.overwrites,
      channel.thread !== null,
    );
    if (channel.type === ChannelKind.PrivateThread && !channel.thread!.members.has(userId) && !has(perms, 'ManageThreads')) {
      return 0n;
    }
    return perms;
  }

  /** Whether a user holds a permission in a channel. */
  can(userId: string, channel: ChannelRecord, permission: PermissionName): boolean {
    return has(this.permissions(userId, channel), permission);
  }

  /** Whether a user can see a channel. */
  canView(userId: string, channel: ChannelRecord): boolean {
    return this.can(userId, channel, 'ViewChannel');
  }

  /** Messages of a channel, oldest first, including deleted and ephemeral ones. */
  rawMessagesIn(channelId: string): MessageRecord[] {
    return (this.channelMessageIds.get(channelId) ?? []).map((id) => this.messages.get(id)!);
  }

  /** Messages anyone in the channel can see, oldest first. */
  visibleMessagesIn(channelId: string): MessageRecord[] {
    return this.rawMessagesIn(channelId).filter((m) => !m.deleted && m.ephemeralTo === null);
  }

  /** Stores a new message. */
  addMessage(message: MessageRecord): void {
    this.messages.set(message.id, message);
    let list = this.channelMessageIds.get(message.channelId);
    if (!list) this.channelMessageIds.set(message.channelId, (list = []));
    // Ids grow with time, so a new message nearly always goes last; otherwise it is put in its place.
    let at = list.length;
    while (at > 0 && compareSnowflakes(list[at - 1]!, message.id) > 0) at--;
    list.splice(at, 0, message.id);
  }

  /** Roles of a guild, in position order. */
  rolesOf(guild: GuildRecord): RoleRecord[] {
    return [...guild.roles.values()].sort((a, b) => a.position - b.position || compareSnowflakes(a.id, b.id));
  }

  /** Guild channels (no threads), in position order. */
  guildChannels(guildId: string): ChannelRecord[] {
    return [...this.channels.values()]
      .filter((c) => c.guildId === guildId && !c.deleted && !c.thread)
      .sort((a, b) => a.position - b.position || compareSnowflakes(a.id, b.id));
  }

  /** Active threads of a guild. */
  activeThreads(guildId: string): ChannelRecord[] {
    return [...this.channels.values()].filter((c) => c.guildId === guildId && !c.deleted && c.thread && !c.thread.archived);
  }

  /** Invalidates every attachment URL handed out so far (Discord's signed CDN URLs expire). */
  expireAttachmentUrls(): void {
    this.urlGeneration += 1;
    this.urlIssuedAt = Math.floor(Date.now() / 1000);
  }

  private signature(id: string, ex: number, is: number): string {
    return createHmac('sha256', this.urlSecret).update(`${this.urlGeneration}:${id}:${ex}:${is}`).digest('hex');
  }

  /** A signed URL for an attachment, shaped like Discord's CDN URLs. */
  attachmentUrl(attachment: AttachmentRecord, host: 'cdn' | 'media'): string {
    const kind: AttachmentUrlKind = attachment.ephemeral ? 'ephemeral-attachments' : 'attachments';
    const is = this.urlIssuedAt;
    const ex = is + 86_400;
    const prefix = host === 'media' ? '/media' : '';
    const path = `${prefix}/${kind}/${attachment.channelId}/${attachment.id}/${encodeURIComponent(attachment.filename)}`;
    return `${this.baseUrl}${path}?ex=${ex.toString(16)}&is=${is.toString(16)}&hm=${this.signature(attachment.id, ex, is)}&`;
  }

  /** Whether the signature and expiry of a served attachment URL hold. */
  verifyAttachmentUrl(id: string, query: URLSearchParams): boolean {
    const ex = parseInt(query.get('ex') ?? '', 16);
    const is = parseInt(query.get('is') ?? '', 16);
    if (!Number.isFinite(ex) || !Number.isFinite(is)) return false;
    if (ex * 1000 < Date.now()) return false;
    return query.get('hm') === this.signature(id, ex, is);
  }

  apiUser(user: UserRecord): APIUser {
    const out = {
      id: user.id,
      username: user.username,
      avatar: user.avatar,
      discriminator: '0',
      public_flags: 0,
      flags: 0,
      ...(user.bot ? { bot: true } : {}),
      ...(user.system ? { system: true } : {}),
      banner: null,
      accent_color: null,
      global_name: user.globalName,
      avatar_decoration_data: null,
      collectibles: null,
      primary_guild: null,
    };
    return out as unknown as APIUser;
  }

  /** `GET /users/@me`: the user object with the private fields a bot sees about itself. */
  apiCurrentUser(): APIUser {
    return {
      ...this.apiUser(this.botUser),
      mfa_enabled: false,
      locale: 'en-US',
      premium_type: 0,
      email: null,
      verified: true,
    };
  }

  apiRole(role: RoleRecord): APIRole {
    return {
      id: role.id,
      name: role.name,
      description: null,
      permissions: role.permissions.toString(),
      position: role.position,
      color: role.color,
      colors: { primary_color: role.color, secondary_color: null, tertiary_color: null },
      hoist: role.hoist,
      managed: role.managed,
      mentionable: role.mentionable,
      icon: null,
      unicode_emoji: null,
      flags: 0,
      ...(role.botId ? { tags: { bot_id: role.botId } } : {}),
    } as unknown as APIRole;
  }

  apiMember(member: MemberRecord): APIGuildMember {
    return {
      avatar: null,
      banner: null,
      communication_disabled_until: null,
      flags: 0,
      joined_at: member.joinedAt,
      nick: member.nick,
      pending: false,
      premium_since: null,
      roles: [...member.roleIds],
      unusual_dm_activity_until: null,
      collectibles: null,
      user: this.apiUser(this.requireUser(member.userId)),
      mute: false,
      deaf: false,
    } as unknown as APIGuildMember;
  }

  /** A member without its `user`, as nested in messages and reactions. */
  apiMemberNoUser(member: MemberRecord): Omit<APIGuildMember, 'user'> {
    const { user: _user, ...rest } = this.apiMember(member);
    return rest;
  }

  apiThreadMember(thread: ChannelRecord, userId: string, withMember = false): APIThreadMember {
    const entry = thread.thread!.members.get(userId)!;
    const member = thread.guildId ? this.member(thread.guildId, userId) : undefined;
    return {
      id: thread.id,
      user_id: userId,
      join_timestamp: entry.joinTimestamp,
      flags: entry.flags,
      ...(withMember && member ? { member: this.apiMember(member) } : {}),
    };
  }

  /** A channel object; a thread carries `member` when the bot is in it. */
  apiChannel(channel: ChannelRecord): APIChannel {
    if (channel.type === ChannelKind.DM) {
      return {
        id: channel.id,
        type: 1,
        last_message_id: channel.lastMessageId,
        flags: channel.flags,
        recipients: channel.recipientIds.map((id) => this.apiUser(this.requireUser(id))),
      } as APIChannel;
    }
    if (channel.thread) {
      const t = channel.thread;
      return {
        id: channel.id,
        type: channel.type,
        last_message_id: channel.lastMessageId,
        flags: channel.flags,
        guild_id: channel.guildId,
        name: channel.name,
        parent_id: channel.parentId,
        rate_limit_per_user: channel.rateLimitPerUser,
        owner_id: t.ownerId,
        thread_metadata: {
          archived: t.archived,
          archive_timestamp: t.archiveTimestamp,
          auto_archive_duration: t.autoArchiveDuration,
          locked: t.locked,
          create_timestamp: t.createTimestamp,
          ...(channel.type === ChannelKind.PrivateThread ? { invitable: t.invitable } : {}),
        },
        message_count: t.messageCount,
        member_count: Math.min(t.members.size, 50),
        total_message_sent: t.totalMessageSent,
        member_ids_preview: [...t.members.keys()].slice(0, 8),
        ...(t.members.has(this.botUserId) ? { member: this.apiThreadMember(channel, this.botUserId) } : {}),
      } as unknown as APIChannel;
    }
    const base = {
      id: channel.id,
      type: channel.type,
      flags: channel.flags,
      guild_id: channel.guildId,
      name: channel.name,
      parent_id: channel.parentId,
      position: channel.position,
      permission_overwrites: channel.overwrites.map((o) => ({
        id: o.id,
        type: o.type,
        allow: o.allow.toString(),
        deny: o.deny.toString(),
      })),
    };
    if (channel.type === ChannelKind.GuildCategory) return base as unknown as APIChannel;
    return {
      ...base,
      last_message_id: channel.lastMessageId,
      ...(channel.lastPinTimestamp ? { last_pin_timestamp: channel.lastPinTimestamp } : {}),
      topic: channel.topic,
      nsfw: channel.nsfw,
      rate_limit_per_user: channel.rateLimitPerUser,
      default_thread_rate_limit_per_user: 0,
      default_auto_archive_duration: 4320,
    } as unknown as APIChannel;
  }

  apiAttachment(attachment: AttachmentRecord): APIAttachment {
    return {
      id: attachment.id,
      filename: attachment.filename,
      ...(attachment.title ? { title: attachment.title } : {}),
      ...(attachment.description ? { description: attachment.description } : {}),
      size: attachment.size,
      url: this.attachmentUrl(attachment, 'cdn'),
      proxy_url: this.attachmentUrl(attachment, 'media'),
      ...(attachment.contentType ? { content_type: attachment.contentType } : {}),
      ...(attachment.width !== null && attachment.height !== null
        ? { width: attachment.width, height: attachment.height, placeholder_version: 1 }
        : {}),
      ...(attachment.ephemeral ? { ephemeral: true } : {}),
    };
  }

  /** Mentioned users, with their member in gateway payloads of guild messages. */
  private apiMentions(message: MessageRecord, gateway: boolean): APIUser[] {
    return message.mentionUserIds.flatMap((id) => {
      const user = this.user(id);
      if (!user) return [];
      const member = gateway && message.guildId ? this.member(message.guildId, id) : undefined;
      return [member ? { ...this.apiUser(user), member: this.apiMemberNoUser(member) } : this.apiUser(user)];
    });
  }

  /** The message object Discord sends over REST, or over the gateway with `gateway: true`. */
  apiMessage(message: MessageRecord, options: MessageViewOptions = {}): APIMessage {
    const author = this.requireUser(message.authorId);
    const reactions = [...message.reactions.values()]
      .filter((r) => r.userIds.length > 0)
      .map((r) => ({
        emoji: r.emoji.id === null ? { id: null, name: r.emoji.name } : { ...r.emoji },
        count: r.userIds.length,
        count_details: { burst: 0, normal: r.userIds.length },
        burst_colors: [],
        me_burst: false,
        burst_me: false,
        me: r.userIds.includes(this.botUserId),
        burst_count: 0,
      }));
    const channel = this.channels.get(message.channelId);
    const referenced =
      message.type === 19 && message.messageReference?.message_id && !options.nested
        ? this.messages.get(message.messageReference.message_id)
        : undefined;
    const out: Record<string, unknown> = {
      type: message.type,
      content: message.content,
      mentions: this.apiMentions(message, options.gateway ?? false),
      mention_roles: [...message.mentionRoleIds],
      attachments: message.attachments.map((a) => this.apiAttachment(a)),
      embeds: message.embeds as unknown as APIEmbed[],
      timestamp: message.timestamp,
      edited_timestamp: message.editedTimestamp,
      flags: message.flags,
      components: message.components as unknown as APIMessageTopLevelComponent[],
      id: message.id,
      channel_id: message.channelId,
      author: this.apiUser(author),
      pinned: message.pinned,
      mention_everyone: message.mentionEveryone,
      tts: message.tts,
    };
    if (reactions.length) out.reactions = reactions;
    if (message.nonce !== null) out.nonce = message.nonce;
    if (message.webhookId) out.webhook_id = message.webhookId;
    if (message.applicationId) out.application_id = message.applicationId;
    if (message.interactionMetadata) out.interaction_metadata = message.interactionMetadata;
    if (message.interactionLegacy) out.interaction = message.interactionLegacy;
    if (message.messageReference) out.message_reference = message.messageReference;
    if (message.type === 19 && !options.nested) {
      out.referenced_message = referenced && !referenced.deleted ? this.apiMessage(referenced, { nested: true }) : null;
    }
    if (channel?.thread) out.position = this.positionInThread(message);
    if (options.gateway) {
      if (message.guildId) {
        out.guild_id = message.guildId;
        const member = message.webhookId ? undefined : this.member(message.guildId, message.authorId);
        if (member) out.member = this.apiMemberNoUser(member);
      }
      if (channel) out.channel_type = channel.type;
    }
    return out as unknown as APIMessage;
  }

  private positionInThread(message: MessageRecord): number {
    return this.rawMessagesIn(message.channelId).findIndex((m) => m.id === message.id);
  }

  /** The guild object as `GET /guilds/{id}` answers it. */
  apiGuild(guild: GuildRecord, withCounts = false): Record<string, unknown> {
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      description: null,
      home_header: null,
      splash: null,
      discovery_splash: null,
      features: [],
      banner: null,
      owner_id: guild.ownerId,
      application_id: null,
      region: 'deprecated',
      afk_channel_id: null,
      afk_timeout: 300,
      system_channel_id: null,
      system_channel_flags: 0,
      widget_enabled: false,
      widget_channel_id: null,
      verification_level: 0,
      roles: this.rolesOf(guild).map((r) => this.apiRole(r)),
      default_message_notifications: 0,
      mfa_level: 0,
      explicit_content_filter: 0,
      max_presences: null,
      max_members: 25_000_000,
      max_stage_video_channel_users: 50,
      max_video_channel_users: 25,
      vanity_url_code: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: guild.preferredLocale,
      rules_channel_id: null,
      safety_alerts_channel_id: null,
      public_updates_channel_id: null,
      hub_type: null,
      premium_progress_bar_enabled: false,
      latest_onboarding_question_id: null,
      nsfw: false,
      nsfw_level: 0,
      emojis: [],
      stickers: [],
      incidents_data: null,
      inventory_settings: null,
      embed_enabled: false,
      embed_channel_id: null,
      ...(withCounts ? { approximate_member_count: guild.members.size, approximate_presence_count: 0 } : {}),
    };
  }

  /** A message record with Discord's defaults. */
  newMessage(fields: Pick<MessageRecord, 'channelId' | 'authorId'> & Partial<MessageRecord>): MessageRecord {
    const id = fields.id ?? this.ids.next();
    const channel = this.channels.get(fields.channelId);
    return {
      id,
      guildId: channel?.guildId ?? null,
      type: 0,
      content: '',
      flags: 0,
      tts: false,
      embeds: [],
      components: [],
      attachments: [],
      mentionUserIds: [],
      mentionRoleIds: [],
      mentionEveryone: false,
      pinned: false,
      pinnedAt: null,
      timestamp: discordTimestamp(snowflakeTime(id)),
      editedTimestamp: null,
      nonce: null,
      messageReference: null,
      webhookId: null,
      applicationId: null,
      interactionMetadata: null,
      interactionLegacy: null,
      reactions: new Map(),
      ephemeralTo: null,
      interactionId: null,
      deleted: false,
      ...fields,
    };
  }
}
