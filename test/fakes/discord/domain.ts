import { GatewayIntentBits } from 'discord.js';
import { DiscordHttpError, Errors } from './errors.js';
import { contentTypeFor, imageSize, sanitizeFilename } from './files.js';
import type { Gateway, GatewaySession } from './gateway.js';
import type { AttachmentRecord, ChannelRecord, MessageRecord, ReactionRecord } from './model.js';
import { ChannelKind, type Store } from './store.js';
import { discordTimestamp } from './snowflake.js';
import { AUTO_ARCHIVE_DURATIONS, checkEmbeds, checkMessageComponents, FormCheck } from './validation.js';

/** A file part of a multipart request. */
export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string | null;
  bytes: Buffer;
}

/** The JSON body of a message create or edit, as Discord reads it. */
export interface MessageInput {
  content?: string | null;
  embeds?: unknown;
  components?: unknown;
  flags?: number | null;
  tts?: boolean;
  nonce?: string | number;
  /** With a nonce: a message the same author created with it in the last few minutes is returned, not created again. */
  enforce_nonce?: boolean;
  allowed_mentions?: AllowedMentions | null;
  message_reference?: { message_id?: string; channel_id?: string; guild_id?: string; type?: number; fail_if_not_exists?: boolean };
  attachments?: Array<{ id: string | number; filename?: string; description?: string; title?: string }> | null;
  sticker_ids?: string[];
  poll?: unknown;
}

/** `allowed_mentions` of a message body. */
export interface AllowedMentions {
  parse?: Array<'users' | 'roles' | 'everyone'>;
  users?: string[];
  roles?: string[];
  replied_user?: boolean;
}

/** How a message is being created when it is not a plain bot post. */
export interface PostContext {
  /** Author override (user messages driven by tests). */
  authorId?: string;
  /** Set for interaction responses and follow-ups: no channel permission checks, webhook fields. */
  interaction?: {
    id: string;
    ephemeralTo: string | null;
    type: number;
    metadata: Record<string, unknown>;
    legacy: Record<string, unknown> | null;
    loading?: boolean;
  };
  /** Pre-built attachments (user messages). */
  attachments?: AttachmentRecord[];
}

const EPHEMERAL = 64;
const LOADING = 128;
const POSTABLE_FLAGS = 4 | 4096 | 32768;
const MENTION_USER = /<@!?(\d{15,21})>/g;
const MENTION_ROLE = /<@&(\d{15,21})>/g;
const MENTION_EVERYONE = /@(everyone|here)\b/;
const EMOJI_ONLY = /^(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\p{Emoji_Modifier}|\u200d|\ufe0f|\u20e3)+$/u;
const EMOJI_CORE = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;

const RENAME_WINDOW_MS = 10 * 60_000;

/** Discord's behaviour: the operations REST routes and test drivers share, with their checks and gateway events. */
/** How long Discord remembers an enforced nonce ("the past few minutes"). */
const NONCE_MEMORY_MS = 5 * 60_000;

export class Domain {
  private readonly renames = new Map<string, number[]>();
  /** `author:nonce` → the message created with it, and when (for `enforce_nonce`). */
  private readonly nonces = new Map<string, { messageId: string; at: number }>();

  constructor(
    private readonly store: Store,
    private readonly gateway: Gateway,
    private readonly limits: { maxUploadBytes: number },
  ) {}

  /** Channel and thread renames: Discord allows 2 per 10 minutes per channel, then answers 429 for the rest of the window. */
  checkRename(channel: ChannelRecord, name: unknown): void {
    if (typeof name !== 'string' || name === channel.name) return;
    const now = Date.now();
    const recent = (this.renames.get(channel.id) ?? []).filter((t) => now - t < RENAME_WINDOW_MS);
    if (recent.length >= 2) {
      throw Errors.rateLimited((recent[0]! + RENAME_WINDOW_MS - now) / 1000, `rename-${channel.id}`);
    }
    recent.push(now);
    this.renames.set(channel.id, recent);
  }

  private get bot(): string {
    return this.store.botUserId;
  }

  private inShard(session: GatewaySession, guildId: string | null): boolean {
    const [id, count] = session.shard;
    if (!guildId) return id === 0;
    return Number((BigInt(guildId) >> 22n) % BigInt(count)) === id;
  }

  private hasIntent(session: GatewaySession, bit: number): boolean {
    return (session.intents & bit) !== 0;
  }

  /** Dispatches an event about a channel to sessions whose intents and view of the channel allow it. */
  dispatchForChannel(t: string, channel: ChannelRecord, intent: number, build: (s: GatewaySession) => unknown): void {
    const visible = channel.type === ChannelKind.DM || this.store.canView(this.bot, channel);
    if (!visible) return;
    this.gateway.dispatch(t, (s) => (this.hasIntent(s, intent) && this.inShard(s, channel.guildId) ? build(s) : undefined));
  }

  /** Dispatches a guild-scoped event gated by one intent. */
  dispatchForGuild(t: string, guildId: string, intent: number, build: (s: GatewaySession) => unknown): void {
    this.gateway.dispatch(t, (s) => (this.hasIntent(s, intent) && this.inShard(s, guildId) ? build(s) : undefined));
  }

  private messageIntent(channel: ChannelRecord): number {
    return channel.type === ChannelKind.DM ? GatewayIntentBits.DirectMessages : GatewayIntentBits.GuildMessages;
  }

  private gatewayMessage(session: GatewaySession, message: MessageRecord): unknown {
    const data = this.store.apiMessage(message, { gateway: true }) as unknown as Record<string, unknown>;
    const channel = this.store.channels.get(message.channelId);
    const exempt =
      this.hasIntent(session, GatewayIntentBits.MessageContent) ||
      message.authorId === this.bot ||
      channel?.type === ChannelKind.DM ||
      message.mentionUserIds.includes(this.bot);
    if (exempt) return data;
    const { poll: _poll, ...rest } = data;
    return { ...rest, content: '', embeds: [], attachments: [], components: [] };
  }

  dispatchMessageCreate(message: MessageRecord): void {
    if (message.ephemeralTo !== null) return;
    const channel = this.store.requireChannel(message.channelId);
    this.dispatchForChannel('MESSAGE_CREATE', channel, this.messageIntent(channel), (s) => this.gatewayMessage(s, message));
  }

  dispatchMessageUpdate(message: MessageRecord): void {
    if (message.ephemeralTo !== null) return;
    const channel = this.store.requireChannel(message.channelId);
    this.dispatchForChannel('MESSAGE_UPDATE', channel, this.messageIntent(channel), (s) => this.gatewayMessage(s, message));
  }

  dispatchMessageDelete(message: MessageRecord): void {
    if (message.ephemeralTo !== null) return;
    const channel = this.store.channels.get(message.channelId);
    if (!channel) return;
    this.dispatchForChannel('MESSAGE_DELETE', channel, this.messageIntent(channel), () => ({
      id: message.id,
      channel_id: message.channelId,
      ...(message.guildId ? { guild_id: message.guildId } : {}),
    }));
  }

  dispatchThreadCreate(thread: ChannelRecord, newlyCreated: boolean): void {
    this.dispatchForChannel('THREAD_CREATE', thread, GatewayIntentBits.Guilds, () => ({
      ...this.store.apiChannel(thread),
      ...(newlyCreated ? { newly_created: true } : {}),
    }));
  }

  dispatchThreadUpdate(thread: ChannelRecord): void {
    this.dispatchForChannel('THREAD_UPDATE', thread, GatewayIntentBits.Guilds, () => this.store.apiChannel(thread));
  }

  dispatchChannelUpdate(channel: ChannelRecord): void {
    if (channel.thread) return this.dispatchThreadUpdate(channel);
    this.dispatchForGuild('CHANNEL_UPDATE', channel.guildId!, GatewayIntentBits.Guilds, () => this.store.apiChannel(channel));
  }

  dispatchThreadMembersUpdate(thread: ChannelRecord, added: string[], removed: string[]): void {
    if (!added.length && !removed.length) return;
    const involvesBot = added.includes(this.bot) || removed.includes(this.bot);
    const visible = this.store.canView(this.bot, thread) || removed.includes(this.bot);
    if (!visible) return;
    this.gateway.dispatch('THREAD_MEMBERS_UPDATE', (s) => {
      if (!this.hasIntent(s, GatewayIntentBits.Guilds) || !this.inShard(s, thread.guildId)) return undefined;
      if (!involvesBot && !this.hasIntent(s, GatewayIntentBits.GuildMembers)) return undefined;
      return {
        id: thread.id,
        guild_id: thread.guildId,
        member_count: Math.min(thread.thread!.members.size, 50),
        ...(added.length
          ? { added_members: added.map((id) => ({ ...this.store.apiThreadMember(thread, id, true), presence: null })) }
          : {}),
        ...(removed.length ? { removed_member_ids: removed } : {}),
      };
    });
  }

  /** Turns uploaded parts (and the `attachments` metadata) into stored attachments. */
  storeUploads(
    channelId: string,
    files: readonly UploadedFile[],
    meta: MessageInput['attachments'],
    ephemeral: boolean,
  ): AttachmentRecord[] {
    if (files.length > 10) throw Errors.invalidForm({ attachments: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' }] });
    return files.map((file, position) => {
      if (file.bytes.length > this.limits.maxUploadBytes) throw Errors.fileTooLarge();
      const index = /\[(\d+)\]$/.exec(file.field)?.[1] ?? String(position);
      const info = (meta ?? []).find((a) => String(a.id) === index);
      const filename = sanitizeFilename(info?.filename ?? file.filename);
      const size = imageSize(file.bytes);
      const record: AttachmentRecord = {
        id: this.store.ids.next(),
        channelId,
        filename,
        size: file.bytes.length,
        contentType: contentTypeFor(filename, file.contentType),
        description: info?.description ?? null,
        title: info?.title ?? null,
        bytes: file.bytes,
        ephemeral,
        width: size?.width ?? null,
        height: size?.height ?? null,
      };
      this.store.attachments.set(record.id, record);
      return record;
    });
  }

  /** Parses mentions in `content` and applies `allowed_mentions` and the mention permission, as Discord does. */
  resolveMentions(
    authorId: string,
    channel: ChannelRecord,
    content: string,
    allowed: AllowedMentions | null | undefined,
    repliedAuthor: string | null,
  ): { users: string[]; roles: string[]; everyone: boolean } {
    const check = new FormCheck();
    if (allowed) {
      if (allowed.parse?.includes('users') && allowed.users?.length) {
        check.add('allowed_mentions', {
          code: 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
          message: 'parse:["users"] and users: [ids...] are mutually exclusive.',
        });
      }
      if (allowed.parse?.includes('roles') && allowed.roles?.length) {
        check.add('allowed_mentions', {
          code: 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
          message: 'parse:["roles"] and roles: [ids...] are mutually exclusive.',
        });
      }
      check.maxLength('allowed_mentions.users', allowed.users, 100);
      check.maxLength('allowed_mentions.roles', allowed.roles, 100);
      check.done();
    }
    const parse = allowed ? (allowed.parse ?? []) : ['users', 'roles', 'everyone'];
    const canMentionEveryone = channel.type === ChannelKind.DM || this.store.can(authorId, channel, 'MentionEveryone');
    const guild = channel.guildId ? this.store.guilds.get(channel.guildId) : undefined;
    const users = new Set<string>();
    for (const [, id] of content.matchAll(MENTION_USER)) {
      if (!id || !this.store.user(id)) continue;
      if (parse.includes('users') || allowed?.users?.includes(id)) users.add(id);
    }
    if (repliedAuthor && repliedAuthor !== authorId && (allowed ? allowed.replied_user === true : true)) users.add(repliedAuthor);
    const roles = new Set<string>();
    for (const [, id] of content.matchAll(MENTION_ROLE)) {
      const role = id ? guild?.roles.get(id) : undefined;
      if (!role || role.id === guild?.id) continue;
      if (!(parse.includes('roles') || allowed?.roles?.includes(role.id))) continue;
      if (role.mentionable || canMentionEveryone) roles.add(role.id);
    }
    const everyone = MENTION_EVERYONE.test(content) && parse.includes('everyone') && canMentionEveryone;
    return { users: [...users], roles: [...roles], everyone };
  }

  /** Why `userId` cannot post in `channel` right now, as the HTTP error Discord gives (null when allowed). */
  postRefusal(userId: string, channel: ChannelRecord, withFiles: boolean): DiscordHttpError | null {
    if (channel.type === ChannelKind.GuildCategory) return Errors.nonTextChannel();
    if (channel.type === ChannelKind.DM) {
      const other = channel.recipientIds.find((id) => id !== userId) ?? channel.recipientIds[0];
      const recipient = other ? this.store.user(other) : undefined;
      if (userId === this.bot && (!recipient || recipient.dmsClosed || recipient.bot)) return Errors.cannotDmUser();
      return null;
    }
    if (!this.store.canView(userId, channel)) return Errors.missingAccess();
    const isThread = channel.thread !== null;
    if (!this.store.can(userId, channel, isThread ? 'SendMessagesInThreads' : 'SendMessages')) return Errors.missingPermissions();
    if (withFiles && !this.store.can(userId, channel, 'AttachFiles')) return Errors.missingPermissions();
    if (channel.thread?.locked && !this.store.can(userId, channel, 'ManageThreads')) {
      return channel.thread.archived ? Errors.threadArchived() : Errors.threadLocked();
    }
    return null;
  }

  /** Creates a message (bot post, user message, interaction response or follow-up) and dispatches its events. */
  postMessage(channel: ChannelRecord, input: MessageInput, files: readonly UploadedFile[], context: PostContext = {}): MessageRecord {
    const authorId = context.authorId ?? this.bot;
    const viaInteraction = context.interaction;
    const check = new FormCheck();
    const content = input.content ?? '';
    if (typeof content !== 'string') check.add('content', { code: 'STRING_TYPE_CONVERT', message: 'Could not interpret value as string.' });
    check.maxLength('content', content, 2000);
    const flags = input.flags ?? 0;
    const componentsV2 = (flags & 32768) !== 0;
    const embeds = checkEmbeds(check, input.embeds);
    const components = checkMessageComponents(check, input.components, componentsV2);
    if (componentsV2 && (content || embeds.length)) {
      const why = "The 'content' field cannot be used when using MessageFlags.IS_COMPONENTS_V2";
      check.fail('content', 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2', why);
    }
    if ((flags & ~(POSTABLE_FLAGS | (viaInteraction ? EPHEMERAL : 0))) !== 0) {
      check.add('flags', { code: 'MESSAGE_INVALID_FLAGS', message: 'Invalid flags' });
    }
    let repliedTo: MessageRecord | undefined;
    const ref = input.message_reference;
    const isForward = ref?.type === 1;
    if (ref && !isForward) {
      const target = ref.message_id ? this.store.messages.get(ref.message_id) : undefined;
      const sameChannel = target && !target.deleted && target.channelId === (ref.channel_id ?? channel.id) && target.ephemeralTo === null;
      if (sameChannel) repliedTo = target;
      else if (ref.fail_if_not_exists !== false) {
        check.add('message_reference', { code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' });
      }
    }
    check.done();
    if (!viaInteraction) {
      const refusal = this.postRefusal(authorId, channel, files.length > 0 || (context.attachments?.length ?? 0) > 0);
      if (refusal) throw refusal;
      if (repliedTo && channel.type !== ChannelKind.DM && !this.store.can(authorId, channel, 'ReadMessageHistory')) {
        throw Errors.replyWithoutHistory();
      }
    }
    const nonceKey = input.enforce_nonce === true && input.nonce !== undefined ? `${authorId}:${String(input.nonce)}` : null;
    if (nonceKey) {
      const earlier = this.nonces.get(nonceKey);
      const kept = earlier && Date.now() - earlier.at < NONCE_MEMORY_MS ? this.store.messages.get(earlier.messageId) : undefined;
      if (kept && !kept.deleted) return kept;
    }
    const ephemeral = viaInteraction?.ephemeralTo != null && (flags & EPHEMERAL) !== 0;
    const attachments = context.attachments ?? this.storeUploads(channel.id, files, input.attachments, false);
    const empty =
      !content.trim() && !embeds.length && !components.length && !attachments.length && !input.sticker_ids?.length && !input.poll;
    if (empty && !viaInteraction?.loading) throw Errors.emptyMessage();
    const unarchived = this.unarchiveForPost(channel);
    const mentions = this.resolveMentions(authorId, channel, content, input.allowed_mentions, repliedTo?.authorId ?? null);
    const message = this.store.newMessage({
      channelId: channel.id,
      authorId,
      type: viaInteraction ? viaInteraction.type : repliedTo ? 19 : 0,
      content,
      flags: (flags & ~EPHEMERAL) | (ephemeral ? EPHEMERAL : 0) | (viaInteraction?.loading ? LOADING : 0),
      tts: input.tts === true,
      embeds,
      components,
      attachments,
      mentionUserIds: mentions.users,
      mentionRoleIds: mentions.roles,
      mentionEveryone: mentions.everyone,
      nonce: input.nonce ?? null,
      messageReference: repliedTo
        ? { type: 0, message_id: repliedTo.id, channel_id: channel.id, ...(channel.guildId ? { guild_id: channel.guildId } : {}) }
        : null,
      webhookId: viaInteraction ? this.store.applicationId : null,
      applicationId: viaInteraction ? this.store.applicationId : null,
      interactionMetadata: viaInteraction?.metadata ?? null,
      interactionLegacy: viaInteraction?.legacy ?? null,
      ephemeralTo: ephemeral ? viaInteraction!.ephemeralTo : null,
      interactionId: viaInteraction?.id ?? null,
    });
    this.store.addMessage(message);
    if (nonceKey) this.nonces.set(nonceKey, { messageId: message.id, at: Date.now() });
    if (ephemeral) return message;
    channel.lastMessageId = message.id;
    const joined: string[] = [];
    if (channel.thread) {
      channel.thread.messageCount += 1;
      channel.thread.totalMessageSent += 1;
      if (!viaInteraction && !channel.thread.members.has(authorId)) {
        this.joinThread(channel, authorId);
        joined.push(authorId);
      }
    }
    if (unarchived) this.dispatchThreadUpdate(channel);
    this.dispatchMessageCreate(message);
    if (channel.thread) {
      const added = this.addMentionedToThread(authorId, channel, mentions);
      this.dispatchThreadMembersUpdate(channel, [...joined, ...added], []);
    }
    return message;
  }

  /** Posting in an archived thread unarchives it unless it is locked (moderators may still post). */
  private unarchiveForPost(channel: ChannelRecord): boolean {
    if (!channel.thread?.archived) return false;
    channel.thread.archived = false;
    channel.thread.archiveTimestamp = discordTimestamp(Date.now());
    return true;
  }

  private joinThread(thread: ChannelRecord, userId: string): void {
    thread.thread!.members.set(userId, { userId, joinTimestamp: discordTimestamp(Date.now()), flags: userId === this.bot ? 0 : 1 });
  }

  /** Mentioned users, and members of mentioned roles, who can see the parent channel join the thread. */
  private addMentionedToThread(authorId: string, thread: ChannelRecord, mentions: { users: string[]; roles: string[] }): string[] {
    const state = thread.thread!;
    const parent = this.store.permissionSource(thread);
    const mayInvite = state.invitable || authorId === state.ownerId || this.store.can(authorId, thread, 'ManageThreads');
    if (thread.type === ChannelKind.PrivateThread && !mayInvite) return [];
    const guild = this.store.guilds.get(thread.guildId!)!;
    const candidates = new Set(mentions.users);
    for (const roleId of mentions.roles) {
      for (const member of guild.members.values()) if (member.roleIds.includes(roleId)) candidates.add(member.userId);
    }
    const added: string[] = [];
    for (const userId of candidates) {
      if (state.members.has(userId) || !guild.members.has(userId)) continue;
      if (!this.store.canView(userId, parent)) continue;
      this.joinThread(thread, userId);
      added.push(userId);
    }
    return added;
  }

  /** Edits a message; `asWebhook` for interaction webhooks (no author or thread-lock checks). */
  editMessage(
    message: MessageRecord,
    input: MessageInput,
    files: readonly UploadedFile[],
    options: { actorId?: string; asWebhook?: boolean; markEdited?: boolean } = {},
  ): MessageRecord {
    const actorId = options.actorId ?? this.bot;
    const channel = this.store.requireChannel(message.channelId);
    if (!options.asWebhook) {
      if (message.authorId !== actorId) throw Errors.editOthersMessage();
      if (message.ephemeralTo !== null) throw Errors.unknownMessage();
    }
    if (message.ephemeralTo === null && channel.thread) {
      if (channel.thread.archived) throw Errors.threadArchived();
      if (channel.thread.locked && !this.store.can(actorId, channel, 'ManageThreads')) throw Errors.threadLocked();
    }
    const check = new FormCheck();
    if (input.content !== undefined && input.content !== null) check.maxLength('content', input.content, 2000);
    const flags = input.flags ?? message.flags;
    const embeds = input.embeds !== undefined ? checkEmbeds(check, input.embeds) : message.embeds;
    const components =
      input.components !== undefined ? checkMessageComponents(check, input.components, (flags & 32768) !== 0) : message.components;
    check.done();
    let attachments = message.attachments;
    if (input.attachments !== undefined && input.attachments !== null) {
      const keep = new Set(input.attachments.map((a) => String(a.id)));
      attachments = attachments.filter((a) => keep.has(a.id));
    }
    const uploads = this.storeUploads(channel.id, files, input.attachments, message.ephemeralTo !== null);
    attachments = [...attachments, ...uploads];
    const content = input.content === undefined ? message.content : (input.content ?? '');
    if (!content.trim() && !embeds.length && !components.length && !attachments.length) throw Errors.emptyMessage();
    if (attachments.length > 10) throw Errors.tooManyAttachments();
    const contentChanged = input.content !== undefined || input.allowed_mentions !== undefined;
    if (contentChanged) {
      const mentions = this.resolveMentions(message.authorId, channel, content, input.allowed_mentions, null);
      message.mentionUserIds = mentions.users;
      message.mentionRoleIds = mentions.roles;
      message.mentionEveryone = mentions.everyone;
    }
    message.content = content;
    message.embeds = embeds;
    message.components = components;
    message.attachments = attachments;
    message.flags = (message.flags & ~4) | ((input.flags ?? message.flags) & 4);
    if (options.markEdited !== false) message.editedTimestamp = discordTimestamp(Date.now());
    this.dispatchMessageUpdate(message);
    return message;
  }

  /** Deletes a message: the author's own, or anyone's with ManageMessages. */
  deleteMessage(message: MessageRecord, options: { actorId?: string; asWebhook?: boolean } = {}): void {
    const actorId = options.actorId ?? this.bot;
    const channel = this.store.requireChannel(message.channelId);
    if (!options.asWebhook && message.authorId !== actorId && !this.store.can(actorId, channel, 'ManageMessages')) {
      throw Errors.missingPermissions();
    }
    message.deleted = true;
    if (channel.thread && message.ephemeralTo === null) channel.thread.messageCount = Math.max(0, channel.thread.messageCount - 1);
    this.dispatchMessageDelete(message);
  }

  /** Parses a reaction emoji from a route: unicode, or `name:id` for custom emoji (the fake has none: 10014). */
  parseEmoji(raw: string): ReactionRecord['emoji'] {
    const custom = /^(a:)?([\w~]{2,32}):(\d{15,21})$/.exec(raw);
    if (custom) throw Errors.unknownEmoji();
    if (!raw || !EMOJI_ONLY.test(raw) || !EMOJI_CORE.test(raw)) throw Errors.unknownEmoji();
    return { id: null, name: raw };
  }

  private reactionChecks(userId: string, message: MessageRecord, channel: ChannelRecord): void {
    if (message.ephemeralTo !== null || message.deleted) throw Errors.unknownMessage();
    if (channel.thread?.archived) throw Errors.threadArchived();
    if (channel.type !== ChannelKind.DM && !this.store.can(userId, channel, 'ReadMessageHistory')) throw Errors.missingPermissions();
  }

  /** Adds a reaction by `userId`, dispatching MESSAGE_REACTION_ADD. */
  addReaction(userId: string, message: MessageRecord, rawEmoji: string): void {
    const channel = this.store.requireChannel(message.channelId);
    const emoji = this.parseEmoji(rawEmoji);
    this.reactionChecks(userId, message, channel);
    const key = emoji.name;
    let reaction = message.reactions.get(key);
    if (!reaction || reaction.userIds.length === 0) {
      if (channel.type !== ChannelKind.DM && !this.store.can(userId, channel, 'AddReactions')) throw Errors.missingPermissions();
      if ([...message.reactions.values()].filter((r) => r.userIds.length).length >= 20) throw Errors.tooManyReactions();
      reaction = { emoji, userIds: [] };
      message.reactions.set(key, reaction);
    }
    if (reaction.userIds.includes(userId)) return;
    reaction.userIds.push(userId);
    const member = message.guildId ? this.store.member(message.guildId, userId) : undefined;
    const intent = channel.type === ChannelKind.DM ? GatewayIntentBits.DirectMessageReactions : GatewayIntentBits.GuildMessageReactions;
    this.dispatchForChannel('MESSAGE_REACTION_ADD', channel, intent, () => ({
      user_id: userId,
      type: 0,
      message_id: message.id,
      message_author_id: message.authorId,
      ...(member ? { member: this.store.apiMember(member) } : {}),
      emoji: { id: null, name: emoji.name },
      channel_id: channel.id,
      burst: false,
      ...(message.guildId ? { guild_id: message.guildId } : {}),
      burst_colors: [],
    }));
  }

  /** Removes `userId`'s reaction, dispatching MESSAGE_REACTION_REMOVE. */
  removeReaction(userId: string, message: MessageRecord, rawEmoji: string): void {
    const channel = this.store.requireChannel(message.channelId);
    const emoji = this.parseEmoji(rawEmoji);
    this.reactionChecks(userId, message, channel);
    const reaction = message.reactions.get(emoji.name);
    if (!reaction?.userIds.includes(userId)) return;
    reaction.userIds = reaction.userIds.filter((id) => id !== userId);
    if (!reaction.userIds.length) message.reactions.delete(emoji.name);
    const intent = channel.type === ChannelKind.DM ? GatewayIntentBits.DirectMessageReactions : GatewayIntentBits.GuildMessageReactions;
    this.dispatchForChannel('MESSAGE_REACTION_REMOVE', channel, intent, () => ({
      user_id: userId,
      type: 0,
      message_id: message.id,
      emoji: { id: null, name: emoji.name },
      channel_id: channel.id,
      burst: false,
      ...(message.guildId ? { guild_id: message.guildId } : {}),
    }));
  }

  /** Removes every reaction (or every reaction of one emoji) from a message. */
  clearReactions(message: MessageRecord, rawEmoji: string | null): void {
    const channel = this.store.requireChannel(message.channelId);
    if (channel.type === ChannelKind.DM) throw Errors.cannotExecuteOnDm();
    this.reactionChecks(this.bot, message, channel);
    if (!this.store.can(this.bot, channel, 'ManageMessages')) throw Errors.missingPermissions();
    const intent = GatewayIntentBits.GuildMessageReactions;
    if (rawEmoji === null) {
      message.reactions.clear();
      this.dispatchForChannel('MESSAGE_REACTION_REMOVE_ALL', channel, intent, () => ({
        channel_id: channel.id,
        message_id: message.id,
        guild_id: message.guildId,
      }));
      return;
    }
    const emoji = this.parseEmoji(rawEmoji);
    if (!message.reactions.delete(emoji.name)) return;
    this.dispatchForChannel('MESSAGE_REACTION_REMOVE_EMOJI', channel, intent, () => ({
      channel_id: channel.id,
      message_id: message.id,
      guild_id: message.guildId,
      emoji: { id: null, name: emoji.name },
    }));
  }

  /** `POST /channels/{id}/threads` without a message. */
  createThread(actorId: string, parent: ChannelRecord, body: Record<string, unknown>): ChannelRecord {
    if (parent.type === ChannelKind.DM) throw Errors.cannotExecuteOnDm();
    if (!this.store.canView(actorId, parent)) throw Errors.missingAccess();
    const check = new FormCheck();
    check.length('name', body.name, 1, 100);
    if (check.required('type', body.type)) check.oneOf('type', body.type, [10, 11, 12]);
    if (body.auto_archive_duration !== undefined) check.oneOf('auto_archive_duration', body.auto_archive_duration, AUTO_ARCHIVE_DURATIONS);
    if (body.rate_limit_per_user !== undefined) {
      const r = body.rate_limit_per_user;
      if (typeof r !== 'number' || r < 0 || r > 21600) {
        check.fail('rate_limit_per_user', 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 21600.');
      }
    }
    check.done();
    const type = body.type as number;
    const validParent =
      (type === ChannelKind.PrivateThread && parent.type === ChannelKind.GuildText) ||
      (type === ChannelKind.PublicThread && parent.type === ChannelKind.GuildText) ||
      (type === ChannelKind.AnnouncementThread && parent.type === ChannelKind.GuildAnnouncement);
    if (!validParent) throw Errors.wrongChannelType();
    const needed = type === ChannelKind.PrivateThread ? 'CreatePrivateThreads' : 'CreatePublicThreads';
    if (!this.store.can(actorId, parent, needed)) throw Errors.missingPermissions();
    const now = discordTimestamp(Date.now());
    const thread: ChannelRecord = {
      id: this.store.ids.next(),
      type,
      guildId: parent.guildId,
      name: body.name as string,
      position: 0,
      parentId: parent.id,
      topic: null,
      nsfw: false,
      rateLimitPerUser: typeof body.rate_limit_per_user === 'number' ? body.rate_limit_per_user : 0,
      flags: 0,
      overwrites: [],
      lastMessageId: null,
      lastPinTimestamp: null,
      recipientIds: [],
      thread: {
        archived: false,
        locked: false,
        invitable: type === ChannelKind.PrivateThread ? body.invitable !== false : true,
        autoArchiveDuration: (body.auto_archive_duration as number | undefined) ?? 4320,
        archiveTimestamp: now,
        createTimestamp: now,
        ownerId: actorId,
        messageCount: 0,
        totalMessageSent: 0,
        members: new Map(),
      },
      deleted: false,
    };
    this.store.channels.set(thread.id, thread);
    this.joinThread(thread, actorId);
    this.dispatchThreadCreate(thread, true);
    this.dispatchThreadMembersUpdate(thread, [actorId], []);
    return thread;
  }

  /** `PATCH /channels/{thread}` with Discord's archived/locked rules. */
  updateThread(actorId: string, thread: ChannelRecord, body: Record<string, unknown>): ChannelRecord {
    const state = thread.thread!;
    if (!this.store.canView(actorId, thread)) throw Errors.missingAccess();
    const manage = this.store.can(actorId, thread, 'ManageThreads');
    const owner = state.ownerId === actorId;
    const unarchiving = body.archived === false;
    if (state.archived && !unarchiving) throw Errors.threadArchived();
    if (state.archived && unarchiving && state.locked && !manage && body.locked !== false) throw Errors.missingPermissions();
    const check = new FormCheck();
    if (body.name !== undefined) check.length('name', body.name, 1, 100);
    if (body.auto_archive_duration !== undefined) check.oneOf('auto_archive_duration', body.auto_archive_duration, AUTO_ARCHIVE_DURATIONS);
    for (const key of ['archived', 'locked', 'invitable'] as const) {
      if (body[key] !== undefined && typeof body[key] !== 'boolean') check.fail(key, 'BASE_TYPE_BOOLEAN', 'Must be either true or false.');
    }
    check.done();
    const needsOwnerOrManage = ['name', 'archived', 'auto_archive_duration', 'invitable'].some((k) => body[k] !== undefined);
    const needsManage = ['locked', 'rate_limit_per_user'].some((k) => body[k] !== undefined);
    if ((needsOwnerOrManage && !manage && !owner) || (needsManage && !manage)) throw Errors.missingPermissions();
    if (body.invitable !== undefined && thread.type !== ChannelKind.PrivateThread) throw Errors.wrongChannelType();
    this.checkRename(thread, body.name);
    const now = discordTimestamp(Date.now());
    if (typeof body.name === 'string') thread.name = body.name;
    if (typeof body.rate_limit_per_user === 'number') thread.rateLimitPerUser = body.rate_limit_per_user;
    if (typeof body.invitable === 'boolean') state.invitable = body.invitable;
    if (typeof body.locked === 'boolean') state.locked = body.locked;
    if (typeof body.auto_archive_duration === 'number') {
      state.autoArchiveDuration = body.auto_archive_duration;
      state.archiveTimestamp = now;
    }
    if (typeof body.archived === 'boolean' && body.archived !== state.archived) {
      state.archived = body.archived;
      state.archiveTimestamp = now;
    }
    if (typeof body.flags === 'number') thread.flags = body.flags;
    this.dispatchThreadUpdate(thread);
    return thread;
  }

  /** Adds `userId` to a thread (`actorId` null for changes made by hand), dispatching THREAD_MEMBERS_UPDATE. */
  addThreadMember(actorId: string | null, thread: ChannelRecord, userId: string): boolean {
    const state = thread.thread;
    if (!state) throw Errors.wrongChannelType();
    if (state.archived) throw Errors.threadArchived();
    const guild = this.store.guilds.get(thread.guildId!)!;
    if (!this.store.user(userId)) throw Errors.unknownUser();
    if (!guild.members.has(userId)) throw Errors.unknownMember();
    if (actorId !== null) {
      if (!this.store.canView(actorId, thread)) throw Errors.missingAccess();
      const manage = this.store.can(actorId, thread, 'ManageThreads');
      if (actorId !== userId && thread.type === ChannelKind.PrivateThread && !state.invitable && !manage && state.ownerId !== actorId) {
        throw Errors.missingPermissions();
      }
      if (state.locked && !manage) throw Errors.threadLocked();
    }
    if (!this.store.canView(userId, this.store.permissionSource(thread))) throw Errors.missingAccess();
    if (state.members.has(userId)) return false;
    this.joinThread(thread, userId);
    if (userId === this.bot && actorId !== this.bot) this.dispatchThreadCreate(thread, false);
    this.dispatchThreadMembersUpdate(thread, [userId], []);
    return true;
  }

  /** Removes `userId` from a thread: needs ManageThreads, or being the creator of a private thread, or leaving oneself. */
  removeThreadMember(actorId: string | null, thread: ChannelRecord, userId: string): boolean {
    const state = thread.thread;
    if (!state) throw Errors.wrongChannelType();
    if (state.archived) throw Errors.threadArchived();
    if (actorId !== null && actorId !== userId) {
      const allowed =
        this.store.can(actorId, thread, 'ManageThreads') ||
        (thread.type === ChannelKind.PrivateThread && state.ownerId === actorId);
      if (!allowed) throw Errors.missingPermissions();
    }
    if (!state.members.delete(userId)) return false;
    this.dispatchThreadMembersUpdate(thread, [], [userId]);
    return true;
  }

  /** Deletes a channel or thread (ManageChannels / ManageThreads), dispatching CHANNEL_DELETE or THREAD_DELETE. */
  deleteChannel(actorId: string | null, channel: ChannelRecord): void {
    if (actorId !== null) {
      if (!this.store.canView(actorId, channel)) throw Errors.missingAccess();
      if (!this.store.can(actorId, channel, channel.thread ? 'ManageThreads' : 'ManageChannels')) throw Errors.missingPermissions();
    }
    const visible = this.store.canView(this.bot, channel);
    channel.deleted = true;
    for (const message of this.store.rawMessagesIn(channel.id)) message.deleted = true;
    if (!visible) return;
    if (channel.thread) {
      this.dispatchForGuild('THREAD_DELETE', channel.guildId!, GatewayIntentBits.Guilds, () => ({
        id: channel.id,
        guild_id: channel.guildId,
        parent_id: channel.parentId,
        type: channel.type,
      }));
      return;
    }
    const data = this.store.apiChannel(channel);
    this.dispatchForGuild('CHANNEL_DELETE', channel.guildId!, GatewayIntentBits.Guilds, () => data);
    for (const thread of [...this.store.channels.values()].filter((c) => c.parentId === channel.id && c.thread && !c.deleted)) {
      thread.deleted = true;
    }
  }

  /** The DM channel between the bot and a user, created on first use. */
  openDm(userId: string): ChannelRecord {
    const existing = this.store.dmChannelByUser.get(userId);
    if (existing) return this.store.channels.get(existing)!;
    const channel: ChannelRecord = {
      id: this.store.ids.next(),
      type: ChannelKind.DM,
      guildId: null,
      name: null,
      position: 0,
      parentId: null,
      topic: null,
      nsfw: false,
      rateLimitPerUser: 0,
      flags: 0,
      overwrites: [],
      lastMessageId: null,
      lastPinTimestamp: null,
      recipientIds: [userId],
      thread: null,
      deleted: false,
    };
    this.store.channels.set(channel.id, channel);
    this.store.dmChannelByUser.set(userId, channel.id);
    return channel;
  }
}
