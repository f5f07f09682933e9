export {
  FakeDiscord,
  type ChannelOptions,
  type ChannelSpec,
  type CreatedGuild,
  type FakeDiscordOptions,
  type FaultHandle,
  type FaultSpec,
  type GuildOptions,
  type GuildSpec,
  type MessageTarget,
  type OverwriteSpec,
  type RecordedCall,
  type RoleSpec,
  type SeededGuild,
  type SlashCommandArgs,
  type UserMessageArgs,
  type UserRef,
  type UserSpec,
} from './fake-discord.js';
export { InteractionHandle, type InteractionCallback, type ModalSource, type ModalValues, type TestFile } from './interactions.js';
export { DiscordHttpError, type DiscordErrorBody } from './errors.js';
export type { GatewayLogEntry, IdentifyRecord, PrivilegedIntents } from './gateway.js';
export type { PermissionName } from './permissions.js';
export { DISCORD_EPOCH, snowflakeTime } from './snowflake.js';
