import { readFileSync } from 'node:fs';
import {
  DEFAULT_AUTO_CLOSE,
  DEFAULT_LIMITS,
  LANGUAGES,
  PRIORITIES,
  type AutoCloseConfig,
  type CategoryConfig,
  type CategoryPlatformConfig,
  type CategoryQuestion,
  type DeskConfig,
  type DeskLimits,
  type DiscordDeskConfig,
  type HelpArticle,
  type SlackDeskConfig,
  type SupportConfig,
  type SupportHours,
  type Weekday,
} from '../src/core/index.js';
import { ConfigReader, type ConfigProblem, type JsonObject } from './config-reader.js';

export type { ConfigProblem } from './config-reader.js';

const SNOWFLAKE = /^\d{17,20}$/;
const SLACK_TEAM = /^[TE][A-Z0-9]{2,20}$/;
const SLACK_CHANNEL = /^[CG][A-Z0-9]{2,20}$/;
const SLACK_USER = /^[UW][A-Z0-9]{2,20}$/;
const KEY = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const CONTENT_TYPE = /^[a-z]+\/(\*|[a-z0-9][a-z0-9.+-]*)$/;
const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

const DISCORD_ID_FIX = 'in Discord, turn on Settings > Advanced > Developer Mode, then right-click it and choose "Copy ID"';
const SLACK_CHANNEL_FIX = 'in Slack, open the channel, click its name, and copy the Channel ID at the bottom of the About tab';
const SLACK_USER_GROUP = /^S[A-Z0-9]{2,20}$/;
const SLACK_USER_GROUP_FIX = 'in Slack, open People, then User groups, then the group: its id (S0123ABCD) ends the address in a browser';
const SLACK_USER_FIX = "in Slack, open the person's profile, click ⋮ and choose \"Copy member ID\"";

/** Discord modals hold 5 fields; subject, description and the file upload take 3 of them. */
const DISCORD_MODAL_FIELDS = 5;

/**
 * Checks a desk configuration (parsed JSON) and fills in defaults. Returns every problem found, each with
 * its path and how to fix it, or the configuration ready for the core.
 */
export function parseSupportConfig(raw: unknown): { ok: true; config: SupportConfig } | { ok: false; problems: ConfigProblem[] } {
  const reader = new ConfigReader();
  const root = reader.object(raw, '(file)', ['desks']);
  const desks: DeskConfig[] = [];
  const list = root ? reader.array(root.desks, 'desks', { required: true, min: 1, what: 'desks' }) : null;
  list?.forEach((item, i) => {
    const desk = readDesk(reader, item, `desks[${i}]`);
    if (desk) desks.push(desk);
  });
  checkAcrossDesks(reader, desks);
  if (reader.problems.length > 0) return { ok: false, problems: reader.problems };
  return { ok: true, config: { desks } };
}

function readDesk(reader: ConfigReader, value: unknown, path: string): DeskConfig | null {
  const o = reader.object(value, path, ['id', 'ticketPrefix', 'language', 'discord', 'slack', 'limits', 'autoClose', 'hours', 'askForRating', 'helpArticles', 'categories']);
  if (!o) return null;
  const id = reader.string(o.id, `${path}.id`, {
    required: true,
    pattern: KEY,
    patternHint: 'a short key of lowercase letters, digits, - or _',
    fix: 'give the desk a short id such as "main"; it is stored with every ticket, so keep it once chosen',
  });
  const ticketPrefix =
    reader.string(o.ticketPrefix, `${path}.ticketPrefix`, {
      pattern: /^[A-Za-z0-9#_-]{0,10}$/,
      patternHint: 'up to 10 letters, digits, #, - or _',
      fix: 'use a short prefix such as "CS-" (tickets then read CS-0042)',
    }) ?? '#';
  const language = reader.oneOf(o.language, `${path}.language`, LANGUAGES, 'en');
  const discord = readDiscordDesk(reader, o.discord, `${path}.discord`);
  const slack = readSlackDesk(reader, o.slack, `${path}.slack`);
  if (o.discord === undefined && o.slack === undefined) {
    reader.problem(path, 'serves neither Discord nor Slack', 'add a "discord" section with the guildId, or a "slack" section with the teamId');
  }
  const limits = readLimits(reader, o.limits, `${path}.limits`);
  const autoClose = readAutoClose(reader, o.autoClose, `${path}.autoClose`);
  const hours = readHours(reader, o.hours, `${path}.hours`);
  const askForRating = reader.boolean(o.askForRating, `${path}.askForRating`, true);
  const categories: CategoryConfig[] = [];
  const list = reader.array(o.categories, `${path}.categories`, { required: true, min: 1, max: 25, what: 'categories' });
  list?.forEach((item, i) => {
    const category = readCategory(reader, item, `${path}.categories[${i}]`, limits);
    if (category) categories.push(category);
  });
  const seen = new Set<string>();
  categories.forEach((c, i) => {
    if (seen.has(c.key)) reader.problem(`${path}.categories[${i}].key`, `"${c.key}" is used by another category of this desk`, 'give each category its own key');
    seen.add(c.key);
    if (c.discord && o.discord === undefined) {
      reader.problem(`${path}.categories[${i}].discord`, 'is set but the desk has no "discord" section', 'add the desk\'s "discord" section, or remove this one');
    }
    if (c.slack && o.slack === undefined) {
      reader.problem(`${path}.categories[${i}].slack`, 'is set but the desk has no "slack" section', 'add the desk\'s "slack" section, or remove this one');
    }
  });
  if (o.discord !== undefined && categories.length > 0 && !categories.some((c) => c.discord)) {
    reader.problem(`${path}.categories`, 'no category has a "discord" section, so nobody can open a ticket on Discord', 'add "discord": { "channelId": ..., "agentRoleIds": [...] } to the categories');
  }
  if (o.slack !== undefined && categories.length > 0 && !categories.some((c) => c.slack)) {
    reader.problem(`${path}.categories`, 'no category has a "slack" section, so nobody can open a ticket on Slack', 'add "slack": { "channelId": ..., "agentUserIds": [...] } to the categories');
  }
  const helpArticles = readHelpArticles(reader, o.helpArticles, `${path}.helpArticles`, categories);
  if (!id) return null;
  return { id, ticketPrefix, language, discord, slack, limits, autoClose, hours, askForRating, helpArticles, categories };
}

function readDiscordDesk(reader: ConfigReader, value: unknown, path: string): DiscordDeskConfig | null {
  const o = reader.object(value, path, ['guildId', 'moderatorRoleIds', 'moderatorUserIds', 'logChannelId', 'dmRequester'], false);
  if (!o) return null;
  const guildId = reader.string(o.guildId, `${path}.guildId`, { required: true, pattern: SNOWFLAKE, patternHint: 'a Discord server id (17 to 20 digits)', fix: `${DISCORD_ID_FIX} on the server icon` });
  return {
    guildId: guildId ?? '',
    moderatorRoleIds: reader.ids(o.moderatorRoleIds, `${path}.moderatorRoleIds`, SNOWFLAKE, 'a Discord role id (17 to 20 digits)', `${DISCORD_ID_FIX} on the role in Server Settings > Roles`),
    moderatorUserIds: reader.ids(o.moderatorUserIds, `${path}.moderatorUserIds`, SNOWFLAKE, 'a Discord user id (17 to 20 digits)', `${DISCORD_ID_FIX} on the member`),
    logChannelId: reader.string(o.logChannelId, `${path}.logChannelId`, { pattern: SNOWFLAKE, patternHint: 'a Discord channel id (17 to 20 digits)', fix: DISCORD_ID_FIX }),
    dmRequester: reader.boolean(o.dmRequester, `${path}.dmRequester`, true),
  };
}

function readSlackDesk(reader: ConfigReader, value: unknown, path: string): SlackDeskConfig | null {
  const o = reader.object(value, path, ['teamId', 'moderatorUserIds', 'moderatorUserGroupIds', 'logChannelId', 'notePrefix'], false);
  if (!o) return null;
  const teamId = reader.string(o.teamId, `${path}.teamId`, {
    required: true,
    pattern: SLACK_TEAM,
    patternHint: 'a Slack workspace id such as T0123ABCD',
    fix: 'open Slack in a browser: the id after /client/ in the address is the workspace id',
  });
  return {
    teamId: teamId ?? '',
    moderatorUserIds: reader.ids(o.moderatorUserIds, `${path}.moderatorUserIds`, SLACK_USER, 'a Slack member id such as U0123ABCD', SLACK_USER_FIX),
    // Slack's user groups play the part Discord's roles do: their members are moderators.
    moderatorRoleIds: reader.ids(o.moderatorUserGroupIds, `${path}.moderatorUserGroupIds`, SLACK_USER_GROUP, 'a Slack user group id such as S0123ABCD', SLACK_USER_GROUP_FIX),
    logChannelId: reader.string(o.logChannelId, `${path}.logChannelId`, { pattern: SLACK_CHANNEL, patternHint: 'a Slack channel id such as C0123ABCD', fix: SLACK_CHANNEL_FIX }),
    notePrefix: reader.string(o.notePrefix, `${path}.notePrefix`, { min: 1, max: 20, fix: 'use a short word such as "note:"' }) ?? 'note:',
  };
}

function readLimits(reader: ConfigReader, value: unknown, path: string): DeskLimits {
  const o = reader.object(value, path, Object.keys(DEFAULT_LIMITS), false) ?? {};
  const d = DEFAULT_LIMITS;
  const int = (key: keyof DeskLimits, min: number, max: number, fix?: string) =>
    reader.integer(o[key], `${path}.${key}`, { min, max, fallback: d[key] as number, ...(fix ? { fix } : {}) });
  const limits: DeskLimits = {
    maxOpenPerUser: int('maxOpenPerUser', 1, 100),
    cooldownSeconds: int('cooldownSeconds', 0, 86_400),
    maxAttachments: int('maxAttachments', 0, 10, 'a form takes at most 10 files (Discord\'s limit); use 0 to turn uploads off'),
    maxAttachmentBytes: int('maxAttachmentBytes', 1, 100 * 1024 * 1024, 'give a size in bytes up to 104857600 (100 MiB); Discord refuses bot uploads over 10 MiB on servers without boosts'),
    allowedContentTypes: d.allowedContentTypes,
    subjectMinLength: int('subjectMinLength', 1, 100),
    subjectMaxLength: int('subjectMaxLength', 1, 100, 'Discord thread names hold 100 characters; keep the subject at 100 or less'),
    descriptionMinLength: int('descriptionMinLength', 1, 4000),
    descriptionMaxLength: int('descriptionMaxLength', 1, 4000, 'Discord text fields hold at most 4000 characters'),
    answerMaxLength: int('answerMaxLength', 1, 4000),
    reasonMaxLength: int('reasonMaxLength', 1, 1000),
    messageMaxLength: int('messageMaxLength', 1, 4000),
  };
  if (o.allowedContentTypes !== undefined) {
    limits.allowedContentTypes = reader.ids(
      o.allowedContentTypes,
      `${path}.allowedContentTypes`,
      CONTENT_TYPE,
      'a MIME type such as "image/png" or "image/*"',
      'write types in lowercase, like "application/pdf"; an empty list allows every type',
    );
  }
  if (limits.subjectMinLength > limits.subjectMaxLength) {
    reader.problem(`${path}.subjectMinLength`, `is more than subjectMaxLength (${limits.subjectMaxLength})`, 'lower subjectMinLength or raise subjectMaxLength');
  }
  if (limits.descriptionMinLength > limits.descriptionMaxLength) {
    reader.problem(`${path}.descriptionMinLength`, `is more than descriptionMaxLength (${limits.descriptionMaxLength})`, 'lower descriptionMinLength or raise descriptionMaxLength');
  }
  return limits;
}

function readAutoClose(reader: ConfigReader, value: unknown, path: string): AutoCloseConfig {
  const o = reader.object(value, path, Object.keys(DEFAULT_AUTO_CLOSE), false) ?? {};
  const d = DEFAULT_AUTO_CLOSE;
  const hours = (key: keyof AutoCloseConfig, max: number) =>
    reader.integer(o[key], `${path}.${key}`, { min: 0, max, fallback: d[key], fix: `give a whole number from 0 to ${max}; 0 turns it off` });
  const autoClose: AutoCloseConfig = {
    pendingAfterHours: hours('pendingAfterHours', 24 * 365),
    resolvedAfterHours: hours('resolvedAfterHours', 24 * 365),
    warnBeforeHours: hours('warnBeforeHours', 24 * 30),
    requesterReopenDays: hours('requesterReopenDays', 365),
  };
  const shortest = Math.min(...[autoClose.pendingAfterHours, autoClose.resolvedAfterHours].filter((h) => h > 0));
  if (Number.isFinite(shortest) && autoClose.warnBeforeHours >= shortest) {
    reader.problem(`${path}.warnBeforeHours`, `is not shorter than the auto-close delay (${shortest} h), so the warning would come before anything happened`, `set it below ${shortest}`);
  }
  return autoClose;
}

function readHours(reader: ConfigReader, value: unknown, path: string): SupportHours | null {
  const o = reader.object(value, path, ['timezone', 'days', 'from', 'to', 'holidays', 'firstResponseTargetHours'], false);
  if (!o) return null;
  const timezone = reader.string(o.timezone, `${path}.timezone`, { required: true, fix: 'use an IANA time zone such as "Europe/Paris"' });
  if (timezone) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: timezone });
    } catch {
      reader.problem(`${path}.timezone`, `"${timezone}" is not a time zone`, 'use an IANA time zone such as "Europe/Paris" or "America/New_York"');
    }
  }
  const days = readWeekdays(reader, o.days, `${path}.days`);
  const time = /^([01]\d|2[0-3]):[0-5]\d$/;
  const from = reader.string(o.from, `${path}.from`, { required: true, pattern: time, patternHint: 'a time such as "09:00"' }) ?? '09:00';
  const to = reader.string(o.to, `${path}.to`, { required: true, pattern: /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, patternHint: 'a time such as "18:00"' }) ?? '18:00';
  if (from >= to) reader.problem(`${path}.to`, `"${to}" is not after "from" ("${from}")`, 'support hours run from "from" to a later "to" on the same day');
  const holidays: string[] = [];
  (reader.array(o.holidays, `${path}.holidays`, { what: 'dates' }) ?? []).forEach((item, i) => {
    const date = reader.string(item, `${path}.holidays[${i}]`, { required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, patternHint: 'a date such as "2026-12-25"' });
    if (date && Number.isNaN(Date.parse(`${date}T00:00:00Z`))) reader.problem(`${path}.holidays[${i}]`, `"${date}" is not a real date`, 'write it as YYYY-MM-DD');
    else if (date) holidays.push(date);
  });
  const firstResponseTargetHours =
    o.firstResponseTargetHours === undefined
      ? null
      : reader.integer(o.firstResponseTargetHours, `${path}.firstResponseTargetHours`, { min: 1, max: 24 * 30, fallback: 8, fix: 'give the business hours within which a first answer is due, or remove it for one business day' });
  if (days.length === 0 && !reader.problems.some((p) => p.path === `${path}.days`)) {
    reader.problem(`${path}.days`, 'names no working day', 'list at least one day, such as "mon-fri"');
  }
  return { timezone: timezone ?? 'UTC', days, from, to, holidays, firstResponseTargetHours };
}

function readHelpArticles(reader: ConfigReader, value: unknown, path: string, categories: readonly CategoryConfig[]): HelpArticle[] {
  const articles: HelpArticle[] = [];
  (reader.array(value, path, { what: 'articles', max: 200 }) ?? []).forEach((item, i) => {
    const at = `${path}[${i}]`;
    const o = reader.object(item, at, ['title', 'url', 'keywords', 'categories']);
    if (!o) return;
    const title = reader.string(o.title, `${at}.title`, { required: true, min: 1, max: 150 });
    const url = reader.string(o.url, `${at}.url`, { required: true, pattern: /^https?:\/\/\S+$/, patternHint: 'an http(s) address', fix: 'give the article\'s full address, starting with https://' });
    const keywords = (reader.array(o.keywords, `${at}.keywords`, { what: 'keywords', required: true, min: 1, max: 50 }) ?? []).flatMap((k, j) => {
      const word = reader.string(k, `${at}.keywords[${j}]`, { required: true, min: 2, max: 60 });
      return word ? [word] : [];
    });
    const keys = reader.ids(o.categories ?? [], `${at}.categories`, KEY, 'a category key of this desk', 'use the key of one of the desk\'s categories');
    for (const [j, key] of keys.entries()) {
      if (!categories.some((c) => c.key === key)) reader.problem(`${at}.categories[${j}]`, `"${key}" is not a category of this desk`, `use one of ${categories.map((c) => c.key).join(', ')}`);
    }
    if (title && url) articles.push({ title, url, keywords, categories: keys });
  });
  return articles;
}

function readWeekdays(reader: ConfigReader, value: unknown, path: string): Weekday[] {
  const fix = 'write a range such as "mon-fri", or a list such as ["mon", "wed", "fri"]';
  if (value === undefined) return ['mon', 'tue', 'wed', 'thu', 'fri'];
  const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null;
  if (!parts) {
    reader.problem(path, `must be days such as "mon-fri", got ${JSON.stringify(value)}`, fix);
    return [];
  }
  const days = new Set<Weekday>();
  for (const part of parts) {
    const text = typeof part === 'string' ? part.trim().toLowerCase().slice(0, 3) : '';
    const range = typeof part === 'string' ? /^([a-z]{3})[a-z]*\s*-\s*([a-z]{3})[a-z]*$/i.exec(part.trim()) : null;
    if (range) {
      const start = WEEKDAYS.indexOf(range[1]!.toLowerCase() as Weekday);
      const end = WEEKDAYS.indexOf(range[2]!.toLowerCase() as Weekday);
      if (start < 0 || end < 0) {
        reader.problem(path, `"${part}" is not a range of weekdays`, fix);
        continue;
      }
      for (let i = start; ; i = (i + 1) % 7) {
        days.add(WEEKDAYS[i]!);
        if (i === end) break;
      }
    } else if (WEEKDAYS.includes(text as Weekday)) {
      days.add(text as Weekday);
    } else {
      reader.problem(path, `"${String(part)}" is not a weekday`, fix);
    }
  }
  return WEEKDAYS.filter((d) => days.has(d));
}

function readCategory(reader: ConfigReader, value: unknown, path: string, limits: DeskLimits): CategoryConfig | null {
  const o = reader.object(value, path, ['key', 'label', 'emoji', 'description', 'questions', 'defaultPriority', 'discord', 'slack']);
  if (!o) return null;
  const key = reader.string(o.key, `${path}.key`, { required: true, pattern: KEY, patternHint: 'a short key of lowercase letters, digits, - or _', fix: 'give the category a key such as "billing"; it is stored with tickets' });
  const label = reader.string(o.label, `${path}.label`, { required: true, min: 1, max: 75, fix: 'give it a short name people will recognise (at most 75 characters: Slack\'s limit for a menu option)' });
  const emoji = reader.string(o.emoji, `${path}.emoji`, { max: 32 });
  const description = reader.string(o.description, `${path}.description`, { max: 75, fix: 'shorten it to 75 characters: menus cut longer descriptions' });
  const defaultPriority = reader.oneOf(o.defaultPriority, `${path}.defaultPriority`, PRIORITIES, 'normal');
  const questions: CategoryQuestion[] = [];
  const list = reader.array(o.questions, `${path}.questions`, { what: 'questions', max: 5 }) ?? [];
  list.forEach((item, i) => {
    const q = readQuestion(reader, item, `${path}.questions[${i}]`);
    if (!q) return;
    if (questions.some((other) => other.key === q.key)) reader.problem(`${path}.questions[${i}].key`, `"${q.key}" is used by another question of this category`, 'give each question its own key');
    questions.push(q);
  });
  const discord = readCategorySpace(reader, o.discord, `${path}.discord`, 'discord');
  const slack = readCategorySpace(reader, o.slack, `${path}.slack`, 'slack');
  if (discord) {
    const room = DISCORD_MODAL_FIELDS - 2 - (limits.maxAttachments > 0 ? 1 : 0);
    if (questions.length > room) {
      reader.problem(
        `${path}.questions`,
        `has ${questions.length} questions; a Discord form holds 5 fields and subject, description${limits.maxAttachments > 0 ? ' and the file upload' : ''} take ${5 - room}`,
        `keep at most ${room} questions for categories offered on Discord${limits.maxAttachments > 0 ? ', or set limits.maxAttachments to 0' : ''}`,
      );
    }
  }
  if (!key || !label) return null;
  return { key, label, emoji, description, questions, defaultPriority, discord, slack };
}

function readQuestion(reader: ConfigReader, value: unknown, path: string): CategoryQuestion | null {
  const o = reader.object(value, path, ['key', 'label', 'required', 'placeholder', 'long', 'maxLength']);
  if (!o) return null;
  const key = reader.string(o.key, `${path}.key`, { required: true, pattern: KEY, patternHint: 'a short key of lowercase letters, digits, - or _' });
  const label = reader.string(o.label, `${path}.label`, { required: true, min: 1, max: 45, fix: 'Discord shows at most 45 characters of a field label; shorten it and use "placeholder" for details' });
  const placeholder = reader.string(o.placeholder, `${path}.placeholder`, { max: 100 });
  const required = reader.boolean(o.required, `${path}.required`, false);
  const long = reader.boolean(o.long, `${path}.long`, false);
  const maxLength = o.maxLength === undefined ? null : reader.integer(o.maxLength, `${path}.maxLength`, { min: 1, max: 4000, fallback: 4000 });
  if (!key || !label) return null;
  return { key, label, placeholder, required, long, maxLength };
}

function readCategorySpace(reader: ConfigReader, value: unknown, path: string, platform: 'discord' | 'slack'): CategoryPlatformConfig | null {
  const o = reader.object(value, path, platform === 'discord' ? ['channelId', 'agentRoleIds', 'agentUserIds'] : ['channelId', 'agentUserIds', 'agentUserGroupIds'], false);
  if (!o) return null;
  if (platform === 'discord') {
    return {
      channelId:
        reader.string(o.channelId, `${path}.channelId`, { required: true, pattern: SNOWFLAKE, patternHint: 'a Discord text channel id (17 to 20 digits)', fix: `${DISCORD_ID_FIX} on the text channel where this category's private threads go` }) ?? '',
      agentRoleIds: reader.ids(o.agentRoleIds, `${path}.agentRoleIds`, SNOWFLAKE, 'a Discord role id (17 to 20 digits)', `${DISCORD_ID_FIX} on the role`),
      agentUserIds: reader.ids(o.agentUserIds, `${path}.agentUserIds`, SNOWFLAKE, 'a Discord user id (17 to 20 digits)', `${DISCORD_ID_FIX} on the member`),
    };
  }
  return {
    channelId:
      reader.string(o.channelId, `${path}.channelId`, { required: true, pattern: SLACK_CHANNEL, patternHint: 'a Slack channel id such as C0123ABCD', fix: `${SLACK_CHANNEL_FIX}; use the private staff channel of this category and invite the bot to it` }) ?? '',
    agentUserIds: reader.ids(o.agentUserIds, `${path}.agentUserIds`, SLACK_USER, 'a Slack member id such as U0123ABCD', SLACK_USER_FIX),
    agentRoleIds: reader.ids(o.agentUserGroupIds, `${path}.agentUserGroupIds`, SLACK_USER_GROUP, 'a Slack user group id such as S0123ABCD', SLACK_USER_GROUP_FIX),
  };
}

function checkAcrossDesks(reader: ConfigReader, desks: DeskConfig[]): void {
  const ids = new Map<string, number>();
  const workspaces = new Map<string, number>();
  desks.forEach((desk, i) => {
    if (ids.has(desk.id)) reader.problem(`desks[${i}].id`, `"${desk.id}" is also the id of desks[${ids.get(desk.id)}]`, 'give each desk its own id');
    ids.set(desk.id, i);
    for (const [key, path] of [
      [desk.discord?.guildId ? `discord:${desk.discord.guildId}` : null, 'discord.guildId'],
      [desk.slack?.teamId ? `slack:${desk.slack.teamId}` : null, 'slack.teamId'],
    ] as const) {
      if (!key) continue;
      if (workspaces.has(key)) reader.problem(`desks[${i}].${path}`, `is already served by desks[${workspaces.get(key)}]`, 'a server or workspace belongs to one desk; merge the two desks or remove one');
      workspaces.set(key, i);
    }
  });
}

/** Where a JSON syntax error is, as `line L, column C`, from the offset Node reports. */
function syntaxErrorPlace(text: string, error: Error): string {
  const offset = /position (\d+)/.exec(error.message);
  if (!offset) return '';
  const before = text.slice(0, Number(offset[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` at line ${line}, column ${column}`;
}

/** Reads and checks the desk configuration file. */
export function loadSupportConfig(path: string): { ok: true; config: SupportConfig } | { ok: false; problems: ConfigProblem[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      problems: [
        {
          path: '(file)',
          message: code === 'ENOENT' ? `${path} does not exist` : `${path} cannot be read (${code ?? (error as Error).message})`,
          fix: 'set SUPPORT_CONFIG to your desk configuration, or copy config/support.json and edit it',
        },
      ],
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text) as JsonObject;
  } catch (error) {
    return {
      ok: false,
      problems: [{ path: '(file)', message: `is not valid JSON${syntaxErrorPlace(text, error as Error)}: ${(error as Error).message}`, fix: 'fix the JSON syntax (a missing comma or quote, or a trailing comma)' }],
    };
  }
  return parseSupportConfig(raw);
}

/** The problems as lines for a terminal. */
export function formatConfigProblems(file: string, problems: readonly ConfigProblem[]): string {
  const lines = [`${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:`];
  for (const p of problems) lines.push(`  - ${p.path}: ${p.message}`, `      fix: ${p.fix}`);
  return lines.join('\n');
}
