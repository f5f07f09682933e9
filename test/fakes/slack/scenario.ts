import type { ChannelSeed, UserSeed } from './types.js';

/** Ids of the default scenario's users and channels. */
export interface DefaultScenario {
  users: {
    /** Requester, English (`en-US`). */
    alice: string;
    /** Requester, French (`fr-FR`). */
    bruno: string;
    /** Agent, member of the staff channels. */
    agnes: string;
    /** Moderator (workspace admin), member of the staff channels. */
    max: string;
    /** A member of no staff channel. */
    otto: string;
    /** A deactivated account. */
    gone: string;
  };
  channels: {
    /** Public, everyone and the bot. */
    general: string;
    /** Private staff channel with agnes, max and the bot. */
    staff: string;
    /** Private staff channel of another category, agnes and the bot. */
    billing: string;
    /** Private channel the bot is not in. */
    secret: string;
    /** Public channel the bot is not in. */
    random: string;
  };
}

export const DEFAULT_USERS: Record<keyof DefaultScenario['users'], UserSeed> = {
  alice: { id: 'U0ALICE001', name: 'alice', realName: 'Alice Martin', displayName: 'Alice', locale: 'en-US', tz: 'America/New_York' },
  bruno: { id: 'U0BRUNO001', name: 'bruno', realName: 'Bruno Lefèvre', displayName: 'Bruno', locale: 'fr-FR', tz: 'Europe/Paris' },
  agnes: { id: 'U0AGNES001', name: 'agnes', realName: 'Agnès Durand', displayName: 'Agnès (support)', locale: 'fr-FR', tz: 'Europe/Paris' },
  max: { id: 'U0MAXMOD01', name: 'max', realName: 'Max Moderator', displayName: 'Max', locale: 'en-GB', tz: 'Europe/London', isAdmin: true },
  otto: { id: 'U0OTTO0001', name: 'otto', realName: 'Otto Outsider', displayName: 'Otto', locale: 'de-DE', tz: 'Europe/Berlin' },
  gone: { id: 'U0GONE0001', name: 'gone', realName: 'Former Member', displayName: 'gone', deleted: true },
};

export function defaultChannels(users: DefaultScenario['users']): Record<keyof DefaultScenario['channels'], ChannelSeed> {
  const everyone = [users.alice, users.bruno, users.agnes, users.max, users.otto];
  return {
    general: { id: 'C0GENERAL1', name: 'general', members: everyone, isGeneral: true, purpose: 'Company-wide announcements' },
    staff: { id: 'C0STAFF001', name: 'support-staff', isPrivate: true, members: [users.agnes, users.max] },
    billing: { id: 'C0BILLING1', name: 'billing-staff', isPrivate: true, members: [users.agnes] },
    secret: { id: 'C0SECRET01', name: 'secret', isPrivate: true, members: [users.max], botIsMember: false },
    random: { id: 'C0RANDOM01', name: 'random', members: everyone, botIsMember: false },
  };
}
