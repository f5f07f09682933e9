import { disableValidators, GatewayIntentBits, Options, Partials, PermissionFlagsBits, type ClientOptions, type ResponseLike } from 'discord.js';
import type { KeptAliveFetch } from '../../src/util/kept-alive-fetch.js';

/**
 * The gateway intents the bot needs: guilds (channels, threads, roles), guild messages (ticket threads),
 * and the privileged Message Content intent (to store and mirror what people write in tickets).
 * Members come with each message and interaction, so the privileged Server Members intent is not needed.
 */
export const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent] as const;

/** The permissions the bot needs in the ticket channels (and the log channel), and why. */
export const REQUIRED_PERMISSIONS = {
  ViewChannel: PermissionFlagsBits.ViewChannel, // see the category channels
  SendMessages: PermissionFlagsBits.SendMessages, // staff notices in the log channel
  SendMessagesInThreads: PermissionFlagsBits.SendMessagesInThreads, // the card and notices in tickets
  CreatePrivateThreads: PermissionFlagsBits.CreatePrivateThreads, // one private thread per ticket
  ManageThreads: PermissionFlagsBits.ManageThreads, // archive and lock closed tickets, reopen them
  EmbedLinks: PermissionFlagsBits.EmbedLinks, // the ticket card
  AttachFiles: PermissionFlagsBits.AttachFiles, // re-upload the form's files, transcripts
  ReadMessageHistory: PermissionFlagsBits.ReadMessageHistory, // reactions and edits on the card
  AddReactions: PermissionFlagsBits.AddReactions, // the status reaction
  MentionEveryone: PermissionFlagsBits.MentionEveryone, // mention the agent roles (only those: allowed_mentions)
} as const;

export const REQUIRED_PERMISSION_BITS = Object.values(REQUIRED_PERMISSIONS).reduce((all, bit) => all | bit, 0n);

/**
 * discord.js caches grow with the guild unless bounded. The bot needs guilds, channels, threads and roles
 * (permissions and role checks); members and users only briefly; messages not at all (what the bot needs
 * of them is in the database, and edits and deletions of uncached messages arrive as partials): a cache of
 * even 25 messages per thread grows with every open ticket.
 */
export function discordClientOptions(apiUrl: string | null, requestsPerSecond = 50, fetch?: KeptAliveFetch): ClientOptions {
  // The builders check each embed, button and modal as it is built (about 2 ms of CPU per ticket opened);
  // Discord checks every payload anyway, and the tests check the bot's payloads against Discord's API description.
  disableValidators();
  return {
    intents: [...INTENTS],
    // Partial messages and channels let edits, deletions and thread events through for what is not cached.
    partials: [Partials.Channel, Partials.Message],
    // Nothing the bot sends pings anyone unless a call says so explicitly.
    allowedMentions: { parse: [], repliedUser: false },
    // Every message the bot posts carries a nonce Discord enforces: when a post is tried again (a 5xx whose
    // work was in fact done), Discord returns the message it made instead of making a second one.
    enforceNonce: true,
    // Discord's passing server errors (5xx) are tried again up to five times; rate limits are waited out, and
    // the global limit (50 requests a second unless Discord raised it for the bot) is kept to.
    rest: {
      retries: 5,
      globalRequestsPerSecond: requestsPerSecond,
      ...(apiUrl ? { api: apiUrl } : {}),
      // REST calls through node's http, connections kept alive (see keptAliveFetch); discord.js follows no redirect,
      // and reads of an answer only its status, headers by name and body, which is what the answer gives.
      ...(fetch ? { makeRequest: (url, init) => fetch(url, { ...(init as Parameters<KeptAliveFetch>[1]), redirect: 'manual' }) as unknown as Promise<ResponseLike> } : {}),
    },
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 0,
      GuildMemberManager: { maxSize: 200, keepOverLimit: (member) => member.id === member.client.user.id },
      UserManager: { maxSize: 500, keepOverLimit: (user) => user.id === user.client.user.id },
      ThreadMemberManager: 0,
      ReactionManager: 0,
      ReactionUserManager: 0,
      PresenceManager: 0,
      VoiceStateManager: 0,
      GuildEmojiManager: 0,
      GuildStickerManager: 0,
      GuildScheduledEventManager: 0,
      StageInstanceManager: 0,
      GuildInviteManager: 0,
      GuildBanManager: 0,
      AutoModerationRuleManager: 0,
      ApplicationCommandManager: 0,
      BaseGuildEmojiManager: 0,
      DMMessageManager: 0,
      GuildMessageManager: 0,
    }),
    sweepers: {
      ...Options.DefaultSweeperSettings,
      messages: { interval: 600, lifetime: 1800 },
      users: { interval: 3600, filter: () => (user) => user.id !== user.client.user.id },
      guildMembers: { interval: 3600, filter: () => (member) => member.id !== member.client.user.id },
      threads: { interval: 3600, lifetime: 14_400 },
    },
  };
}
