import type { Platform, Priority } from './ticket.js';

/** The languages the bot speaks. */
export type Language = 'en' | 'fr';
export const LANGUAGES: readonly Language[] = ['en', 'fr'];

/** Who may act on a desk on one platform: user ids, and role ids (Discord roles, Slack user groups). */
export interface PlatformAccess {
  moderatorRoleIds: string[];
  moderatorUserIds: string[];
}

export interface DiscordDeskConfig extends PlatformAccess {
  guildId: string;
  /** Where internal notes, transcripts and staff notices go. */
  logChannelId: string | null;
  /** Mirror agents' public replies to the requester by DM. */
  dmRequester: boolean;
}

export interface SlackDeskConfig extends PlatformAccess {
  teamId: string;
  logChannelId: string | null;
  /** An agent message in the staff thread starting with this stays internal. */
  notePrefix: string;
}

export interface DeskLimits {
  maxOpenPerUser: number;
  cooldownSeconds: number;
  maxAttachments: number;
  maxAttachmentBytes: number;
  /** MIME types, with `type/*` wildcards. Empty means any type. */
  allowedContentTypes: string[];
  subjectMinLength: number;
  subjectMaxLength: number;
  descriptionMinLength: number;
  descriptionMaxLength: number;
  answerMaxLength: number;
  reasonMaxLength: number;
  messageMaxLength: number;
}

export interface AutoCloseConfig {
  pendingAfterHours: number;
  resolvedAfterHours: number;
  warnBeforeHours: number;
  requesterReopenDays: number;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface SupportHours {
  timezone: string;
  days: Weekday[];
  /** `HH:MM`, local to `timezone`. */
  from: string;
  to: string;
  /** `YYYY-MM-DD`, local to `timezone`. */
  holidays: string[];
  /** Business hours within which a first answer is due; null means one business day. */
  firstResponseTargetHours: number | null;
}

/** A help-centre article suggested before a ticket opens, when its keywords match what the requester wrote. */
export interface HelpArticle {
  title: string;
  url: string;
  keywords: string[];
  /** Category keys it applies to; empty for all. */
  categories: string[];
}

export interface CategoryQuestion {
  key: string;
  label: string;
  required: boolean;
  placeholder: string | null;
  /** A paragraph input rather than a single line. */
  long: boolean;
  maxLength: number | null;
}

export interface CategoryPlatformConfig {
  /** Discord: the text channel holding the category's private threads. Slack: the private staff channel. */
  channelId: string;
  agentRoleIds: string[];
  agentUserIds: string[];
}

export interface CategoryConfig {
  key: string;
  label: string;
  emoji: string | null;
  description: string | null;
  questions: CategoryQuestion[];
  defaultPriority: Priority;
  discord: CategoryPlatformConfig | null;
  slack: CategoryPlatformConfig | null;
}

/** One support desk: a Discord guild and/or a Slack workspace, with its categories, limits and timers. */
export interface DeskConfig {
  id: string;
  ticketPrefix: string;
  language: Language;
  discord: DiscordDeskConfig | null;
  slack: SlackDeskConfig | null;
  limits: DeskLimits;
  autoClose: AutoCloseConfig;
  hours: SupportHours | null;
  /** Ask requesters to rate the help (1 to 5) when their ticket closes. */
  askForRating: boolean;
  helpArticles: HelpArticle[];
  categories: CategoryConfig[];
}

export interface SupportConfig {
  desks: DeskConfig[];
}

export const DEFAULT_LIMITS: DeskLimits = {
  maxOpenPerUser: 3,
  cooldownSeconds: 60,
  maxAttachments: 5,
  maxAttachmentBytes: 8 * 1024 * 1024,
  allowedContentTypes: ['image/*', 'text/plain', 'application/pdf', 'application/zip', 'application/json', 'video/mp4'],
  subjectMinLength: 3,
  subjectMaxLength: 80,
  descriptionMinLength: 10,
  descriptionMaxLength: 4000,
  answerMaxLength: 1000,
  reasonMaxLength: 500,
  messageMaxLength: 4000,
};

export const DEFAULT_AUTO_CLOSE: AutoCloseConfig = {
  pendingAfterHours: 168,
  resolvedAfterHours: 72,
  warnBeforeHours: 24,
  requesterReopenDays: 7,
};

/** The desk's settings for one platform, or null when the desk does not run there. */
export function platformConfig(desk: DeskConfig, platform: Platform): PlatformAccess | null {
  return platform === 'discord' ? desk.discord : desk.slack;
}

export function workspaceIdOf(desk: DeskConfig, platform: Platform): string | null {
  return platform === 'discord' ? (desk.discord?.guildId ?? null) : (desk.slack?.teamId ?? null);
}

/** Looks desks up by the platform workspace they serve. */
export class DeskDirectory {
  private readonly byWorkspace = new Map<string, DeskConfig>();
  private readonly byId = new Map<string, DeskConfig>();

  constructor(readonly config: SupportConfig) {
    for (const desk of config.desks) {
      this.byId.set(desk.id, desk);
      if (desk.discord) this.byWorkspace.set(`discord:${desk.discord.guildId}`, desk);
      if (desk.slack) this.byWorkspace.set(`slack:${desk.slack.teamId}`, desk);
    }
  }

  forWorkspace(platform: Platform, workspaceId: string): DeskConfig | null {
    return this.byWorkspace.get(`${platform}:${workspaceId}`) ?? null;
  }

  byDeskId(id: string): DeskConfig | null {
    return this.byId.get(id) ?? null;
  }

  get desks(): readonly DeskConfig[] {
    return this.config.desks;
  }
}

export function findCategory(desk: DeskConfig, key: string): CategoryConfig | null {
  return desk.categories.find((c) => c.key === key) ?? null;
}

/** The categories a requester can pick on a platform: those the platform has a space for. */
export function categoriesOn(desk: DeskConfig, platform: Platform): CategoryConfig[] {
  return desk.categories.filter((c) => c[platform] !== null);
}
