import type { Overwrite } from './permissions.js';

/** A Discord user the fake knows. */
export interface UserRecord {
  id: string;
  username: string;
  globalName: string | null;
  avatar: string | null;
  bot: boolean;
  system: boolean;
  /** The user's privacy setting "allow DMs from server members" is off: the bot cannot DM them. */
  dmsClosed: boolean;
  locale: string;
}

/** A guild role. */
export interface RoleRecord {
  id: string;
  guildId: string;
  name: string;
  permissions: bigint;
  position: number;
  color: number;
  hoist: boolean;
  managed: boolean;
  mentionable: boolean;
  botId?: string;
}

/** A guild membership. */
export interface MemberRecord {
  guildId: string;
  userId: string;
  roleIds: string[];
  nick: string | null;
  joinedAt: string;
}

/** A guild. */
export interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  preferredLocale: string;
  joinedAt: string;
  roles: Map<string, RoleRecord>;
  members: Map<string, MemberRecord>;
}

/** A thread's membership entry. */
export interface ThreadMemberRecord {
  userId: string;
  joinTimestamp: string;
  flags: number;
}

/** Thread-only state. */
export interface ThreadState {
  archived: boolean;
  locked: boolean;
  invitable: boolean;
  autoArchiveDuration: number;
  archiveTimestamp: string;
  createTimestamp: string;
  ownerId: string;
  messageCount: number;
  totalMessageSent: number;
  members: Map<string, ThreadMemberRecord>;
}

/** A channel: guild text/category channel, thread or DM. */
export interface ChannelRecord {
  id: string;
  type: number;
  guildId: string | null;
  name: string | null;
  position: number;
  parentId: string | null;
  topic: string | null;
  nsfw: boolean;
  rateLimitPerUser: number;
  flags: number;
  overwrites: Overwrite[];
  lastMessageId: string | null;
  lastPinTimestamp: string | null;
  recipientIds: string[];
  thread: ThreadState | null;
  deleted: boolean;
}

/** A stored file: message attachment or modal upload. */
export interface AttachmentRecord {
  id: string;
  channelId: string;
  filename: string;
  size: number;
  contentType: string | null;
  description: string | null;
  title: string | null;
  bytes: Buffer;
  ephemeral: boolean;
  width: number | null;
  height: number | null;
}

/** One emoji's reactions on a message. */
export interface ReactionRecord {
  emoji: { id: string | null; name: string; animated?: boolean };
  userIds: string[];
}

/** A message as the fake stores it. */
export interface MessageRecord {
  id: string;
  channelId: string;
  guildId: string | null;
  authorId: string;
  type: number;
  content: string;
  flags: number;
  tts: boolean;
  embeds: Record<string, unknown>[];
  components: Record<string, unknown>[];
  attachments: AttachmentRecord[];
  mentionUserIds: string[];
  mentionRoleIds: string[];
  mentionEveryone: boolean;
  pinned: boolean;
  pinnedAt: string | null;
  timestamp: string;
  editedTimestamp: string | null;
  nonce: string | number | null;
  messageReference: { type: number; message_id?: string; channel_id: string; guild_id?: string } | null;
  webhookId: string | null;
  applicationId: string | null;
  interactionMetadata: Record<string, unknown> | null;
  interactionLegacy: Record<string, unknown> | null;
  reactions: Map<string, ReactionRecord>;
  /** Ephemeral messages belong to one interaction and are visible only to this user. */
  ephemeralTo: string | null;
  interactionId: string | null;
  deleted: boolean;
}

/** A registered application command. */
export interface CommandRecord {
  id: string;
  applicationId: string;
  guildId: string | null;
  version: string;
  body: Record<string, unknown>;
}
