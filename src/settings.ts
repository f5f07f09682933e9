import { parseDatabaseUrl } from './persistence/database.js';

export interface DiscordSettings {
  token: string;
  applicationId: string;
  /** REST base handed to discord.js (`rest.api`); null for Discord's own. */
  apiUrl: string | null;
  /** Register commands to this guild only (instant) instead of globally. */
  commandGuildId: string | null;
  /** Discord's global limit for this bot (50 unless Discord raised it); interaction answers are outside it. */
  requestsPerSecond: number;
}

export interface SlackSettings {
  botToken: string;
  /** HTTP mode: requests are verified with it. */
  signingSecret: string | null;
  /** Socket Mode when set. */
  appToken: string | null;
  /** Web API base handed to Bolt (`clientOptions.slackApiUrl`); null for Slack's own. */
  apiUrl: string | null;
  port: number;
  /** The interface the HTTP receiver listens on; null for all of them. */
  host: string | null;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Everything the bot reads from its environment (`.env`), checked. */
export interface Settings {
  discord: DiscordSettings | null;
  slack: SlackSettings | null;
  databaseUrl: string;
  supportConfigPath: string;
  attachmentsDir: string;
  logLevel: LogLevel;
  /** How old a half-done ticket opening must be before another start or pass finishes it. */
  reconcileGraceSeconds: number;
}

export interface SettingProblem {
  variable: string;
  message: string;
  fix: string;
}

type Env = Record<string, string | undefined>;

const DISCORD_PORTAL = 'https://discord.com/developers/applications';
const SLACK_APPS = 'https://api.slack.com/apps';

function value(env: Env, name: string): string | null {
  const v = env[name]?.trim();
  return v ? v : null;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Reads and checks the environment. Each rule names the variable and how to fix it; every problem is
 * reported at once. Secrets are never echoed back.
 */
export function readSettings(env: Env): { ok: true; settings: Settings } | { ok: false; problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];
  const problem = (variable: string, message: string, fix: string) => problems.push({ variable, message, fix });

  const discordToken = value(env, 'DISCORD_TOKEN');
  const applicationId = value(env, 'DISCORD_APPLICATION_ID');
  const discordApiUrl = value(env, 'DISCORD_API_URL');
  const commandGuildId = value(env, 'DISCORD_COMMAND_GUILD_ID');
  const requestsPerSecondText = value(env, 'DISCORD_REQUESTS_PER_SECOND');
  const requestsPerSecond = requestsPerSecondText === null ? 50 : Number(requestsPerSecondText);
  let discord: DiscordSettings | null = null;
  if (discordToken && /\s/.test(discordToken)) {
    problem('DISCORD_TOKEN', 'contains spaces', `paste the token alone, as shown after "Reset Token" on the Bot page of your application at ${DISCORD_PORTAL}`);
  }
  if (applicationId && !/^\d{17,20}$/.test(applicationId)) {
    problem('DISCORD_APPLICATION_ID', 'is not a Discord id (17 to 20 digits)', `copy the Application ID from the General Information page at ${DISCORD_PORTAL}`);
  }
  if (discordToken && !applicationId) {
    problem('DISCORD_APPLICATION_ID', 'is missing while DISCORD_TOKEN is set', `copy the Application ID from the General Information page at ${DISCORD_PORTAL}`);
  }
  if (applicationId && !discordToken) {
    problem('DISCORD_TOKEN', 'is missing while DISCORD_APPLICATION_ID is set', `create a token with "Reset Token" on the Bot page at ${DISCORD_PORTAL}`);
  }
  if (discordApiUrl && !isHttpUrl(discordApiUrl)) problem('DISCORD_API_URL', 'is not an http(s) URL', 'remove it to use Discord, or give a URL such as http://127.0.0.1:8080/api');
  if (commandGuildId && !/^\d{17,20}$/.test(commandGuildId)) problem('DISCORD_COMMAND_GUILD_ID', 'is not a Discord server id', 'remove it to register commands globally, or copy the server id (Developer Mode, right-click the server)');
  if (!Number.isInteger(requestsPerSecond) || requestsPerSecond < 1) {
    problem('DISCORD_REQUESTS_PER_SECOND', 'is not a whole number of requests per second', "remove it for Discord's usual 50, or give the limit Discord granted your bot");
  }
  if (discordToken && applicationId) {
    discord = { token: discordToken, applicationId, apiUrl: discordApiUrl, commandGuildId, requestsPerSecond };
  }

  const botToken = value(env, 'SLACK_BOT_TOKEN');
  const signingSecret = value(env, 'SLACK_SIGNING_SECRET');
  const appToken = value(env, 'SLACK_APP_TOKEN');
  const slackApiUrl = value(env, 'SLACK_API_URL');
  const slackPort = value(env, 'SLACK_PORT');
  const slackHost = value(env, 'SLACK_HOST');
  let slack: SlackSettings | null = null;
  if (botToken && !botToken.startsWith('xoxb-')) {
    problem('SLACK_BOT_TOKEN', 'does not start with xoxb-', `use the Bot User OAuth Token from OAuth & Permissions at ${SLACK_APPS} (not the user or app-level token)`);
  }
  if (appToken && !appToken.startsWith('xapp-')) {
    problem('SLACK_APP_TOKEN', 'does not start with xapp-', `create an app-level token with the connections:write scope under Basic Information > App-Level Tokens at ${SLACK_APPS}`);
  }
  if (botToken && !signingSecret && !appToken) {
    problem('SLACK_SIGNING_SECRET', 'is missing while SLACK_BOT_TOKEN is set', `copy the Signing Secret from Basic Information at ${SLACK_APPS} (and set SLACK_APP_TOKEN too for Socket Mode)`);
  }
  if (!botToken && (signingSecret || appToken)) {
    problem('SLACK_BOT_TOKEN', 'is missing while other Slack settings are set', `install the app to your workspace and copy the Bot User OAuth Token from OAuth & Permissions at ${SLACK_APPS}`);
  }
  if (slackApiUrl && !isHttpUrl(slackApiUrl)) problem('SLACK_API_URL', 'is not an http(s) URL', 'remove it to use Slack, or give a URL such as http://127.0.0.1:8081/api/');
  let port = 3000;
  if (slackPort) {
    port = Number(slackPort);
    if (!Number.isInteger(port) || port < 0 || port > 65535) problem('SLACK_PORT', 'is not a port number', 'give a number from 1 to 65535 (the port Slack sends requests to), or remove it for 3000');
  }
  if (botToken && (signingSecret || appToken)) {
    slack = { botToken, signingSecret, appToken, apiUrl: slackApiUrl, port, host: slackHost };
  }

  const databaseUrl = value(env, 'DATABASE_URL') ?? 'sqlite:data/support.sqlite';
  if (!parseDatabaseUrl(databaseUrl)) {
    problem('DATABASE_URL', 'is neither sqlite:PATH nor a postgres:// URL', 'remove it for sqlite:data/support.sqlite, or set postgres://user:password@host:5432/database');
  }
  const grace = value(env, 'SUPPORT_RECONCILE_GRACE_SECONDS');
  const reconcileGraceSeconds = grace === null ? 60 : Number(grace);
  if (!Number.isInteger(reconcileGraceSeconds) || reconcileGraceSeconds < 0 || reconcileGraceSeconds > 86_400) {
    problem('SUPPORT_RECONCILE_GRACE_SECONDS', 'is not a number of seconds', 'give a whole number from 0 to 86400, or remove it for 60');
  }
  const logLevel = (value(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) problem('LOG_LEVEL', `"${logLevel}" is not a log level`, `use one of ${LOG_LEVELS.join(', ')}`);

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    settings: {
      discord,
      slack,
      databaseUrl,
      supportConfigPath: value(env, 'SUPPORT_CONFIG') ?? 'config/support.json',
      attachmentsDir: value(env, 'ATTACHMENTS_DIR') ?? 'data/attachments',
      logLevel: logLevel as LogLevel,
      reconcileGraceSeconds,
    },
  };
}

/** What to tell someone who started the bot without any platform credentials. */
export const NO_PLATFORM_MESSAGE = `No platform to serve: set the credentials of Discord, Slack, or both, in .env (copy .env.example) or the environment.

  Discord: DISCORD_TOKEN and DISCORD_APPLICATION_ID
    ${DISCORD_PORTAL} > your application
    - General Information: Application ID
    - Bot: Reset Token
  Slack:   SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP), plus SLACK_APP_TOKEN for Socket Mode
    ${SLACK_APPS} > your app
    - OAuth & Permissions: Bot User OAuth Token (xoxb-...)
    - Basic Information: Signing Secret, and App-Level Tokens (xapp-..., scope connections:write)

README.md ("Setting up Discord", "Setting up Slack") walks through creating the applications.`;

export function formatSettingProblems(problems: readonly SettingProblem[]): string {
  const lines = [`The environment has ${problems.length} problem${problems.length === 1 ? '' : 's'} (see .env.example):`];
  for (const p of problems) lines.push(`  - ${p.variable}: ${p.message}`, `      fix: ${p.fix}`);
  return lines.join('\n');
}

/** The secret values to scrub from logs. */
export function secretsOf(settings: Settings): string[] {
  return [settings.discord?.token, settings.slack?.botToken, settings.slack?.signingSecret, settings.slack?.appToken].filter(
    (s): s is string => !!s,
  );
}
