import { PermissionFlagsBits } from 'discord.js';

/** A permission name as discord.js spells it (`SendMessages`, `CreatePrivateThreads`, ...). */
export type PermissionName = keyof typeof PermissionFlagsBits;

/** Every permission bit set. */
export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/** Bits for a list of permission names. */
export function bitsOf(names: readonly PermissionName[]): bigint {
  return names.reduce((all, name) => {
    const bit = PermissionFlagsBits[name];
    if (bit === undefined) throw new Error(`FakeDiscord: unknown permission ${String(name)}`);
    return all | bit;
  }, 0n);
}

/** Whether `perms` holds `name`. */
export function has(perms: bigint, name: PermissionName): boolean {
  return (perms & PermissionFlagsBits[name]) === PermissionFlagsBits[name];
}

/** Permissions a new role gets by default in the Discord client. */
export const DEFAULT_EVERYONE_PERMISSIONS = bitsOf([
  'ViewChannel',
  'CreateInstantInvite',
  'ChangeNickname',
  'SendMessages',
  'SendMessagesInThreads',
  'CreatePublicThreads',
  'CreatePrivateThreads',
  'EmbedLinks',
  'AttachFiles',
  'AddReactions',
  'UseExternalEmojis',
  'UseExternalStickers',
  'ReadMessageHistory',
  'UseApplicationCommands',
  'Connect',
  'Speak',
  'UseVAD',
  'Stream',
  'SendVoiceMessages',
  'SendPolls',
  'UseEmbeddedActivities',
  'UseExternalApps',
]);

/** What a support bot is usually invited with. */
export const DEFAULT_BOT_PERMISSIONS = bitsOf([
  'ViewChannel',
  'SendMessages',
  'SendMessagesInThreads',
  'CreatePublicThreads',
  'CreatePrivateThreads',
  'ManageThreads',
  'ManageMessages',
  'EmbedLinks',
  'AttachFiles',
  'ReadMessageHistory',
  'AddReactions',
  'UseExternalEmojis',
  'UseApplicationCommands',
]);

/** A channel permission overwrite: type 0 is a role, 1 a member. */
export interface Overwrite {
  id: string;
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

/** Inputs of Discord's permission algorithm. */
export interface PermissionInputs {
  guildId: string;
  ownerId: string;
  userId: string;
  memberRoleIds: readonly string[];
  rolePermissions: (roleId: string) => bigint | undefined;
}

/** Guild-level permissions (roles only), as Discord computes them. */
export function basePermissions(input: PermissionInputs): bigint {
  if (input.userId === input.ownerId) return ALL_PERMISSIONS;
  let perms = input.rolePermissions(input.guildId) ?? 0n;
  for (const roleId of input.memberRoleIds) perms |= input.rolePermissions(roleId) ?? 0n;
  if ((perms & PermissionFlagsBits.Administrator) !== 0n) return ALL_PERMISSIONS;
  return perms;
}

/**
 * Channel permissions: base, then the @everyone overwrite, role overwrites, the member overwrite,
 * then Discord's implicit rules (no ViewChannel means nothing; no SendMessages drops what depends on it).
 */
export function channelPermissions(input: PermissionInputs, overwrites: readonly Overwrite[], isThread: boolean): bigint {
  const base = basePermissions(input);
  if ((base & PermissionFlagsBits.Administrator) !== 0n) return ALL_PERMISSIONS;
  let perms = base;
  const everyone = overwrites.find((o) => o.type === 0 && o.id === input.guildId);
  if (everyone) perms = (perms & ~everyone.deny) | everyone.allow;
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && o.id !== input.guildId && input.memberRoleIds.includes(o.id)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  }
  perms = (perms & ~deny) | allow;
  const own = overwrites.find((o) => o.type === 1 && o.id === input.userId);
  if (own) perms = (perms & ~own.deny) | own.allow;
  if ((perms & PermissionFlagsBits.ViewChannel) === 0n) return 0n;
  const send = isThread ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
  if ((perms & send) === 0n) {
    perms &= ~(
      PermissionFlagsBits.MentionEveryone |
      PermissionFlagsBits.SendTTSMessages |
      PermissionFlagsBits.AttachFiles |
      PermissionFlagsBits.EmbedLinks
    );
  }
  return perms;
}
