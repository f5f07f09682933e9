import { GatewayIntentBits, OAuth2Scopes, REST, Routes } from 'discord.js';
import { config as loadDotenv } from 'dotenv';
import { readSettings, formatSettingProblems, type DiscordSettings } from '../../src/settings.js';
import { INTENTS, REQUIRED_PERMISSION_BITS, REQUIRED_PERMISSIONS } from './client-options.js';
import { slashCommands } from './commands.js';

/** The URL that adds the bot to a server with exactly the permissions it needs. */
export function inviteUrl(applicationId: string): string {
  const url = new URL('https://discord.com/oauth2/authorize');
  url.searchParams.set('client_id', applicationId);
  url.searchParams.set('scope', [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands].join(' '));
  url.searchParams.set('permissions', REQUIRED_PERMISSION_BITS.toString());
  return url.toString();
}

/** Registers every slash command, to one guild when `commandGuildId` is set, else globally. */
export async function deployCommands(discord: Omit<DiscordSettings, 'requestsPerSecond'>): Promise<Array<{ id: string; name: string }>> {
  const rest = new REST(discord.apiUrl ? { api: discord.apiUrl } : {}).setToken(discord.token);
  const route = discord.commandGuildId
    ? Routes.applicationGuildCommands(discord.applicationId, discord.commandGuildId)
    : Routes.applicationCommands(discord.applicationId);
  return (await rest.put(route, { body: slashCommands() })) as Array<{ id: string; name: string }>;
}

/**
 * `npm run deploy-commands`: registers the slash commands, to DISCORD_COMMAND_GUILD_ID when set (instant)
 * or globally, then prints the invite URL and the intents to enable.
 */
async function main(): Promise<number> {
  loadDotenv({ quiet: true });
  const read = readSettings(process.env);
  if (!read.ok) {
    process.stderr.write(`${formatSettingProblems(read.problems)}\n`);
    return 1;
  }
  const discord = read.settings.discord;
  if (!discord) {
    process.stderr.write('Set DISCORD_TOKEN and DISCORD_APPLICATION_ID first (see .env.example and README.md, "Setting up Discord").\n');
    return 1;
  }
  const registered = await deployCommands(discord);
  const where = discord.commandGuildId ? `in server ${discord.commandGuildId}` : 'globally (Discord may take up to an hour to show them everywhere)';
  const intentNames = INTENTS.map((bit) => GatewayIntentBits[bit]);
  process.stdout.write(
    [
      `Registered ${registered.length} commands ${where}: ${registered.map((c) => `/${c.name}`).join(' ')}`,
      '',
      'Invite the bot with exactly the permissions it needs:',
      `  ${inviteUrl(discord.applicationId)}`,
      `  permissions: ${Object.keys(REQUIRED_PERMISSIONS).join(', ')}`,
      '',
      `Gateway intents: ${intentNames.join(', ')}.`,
      'Turn on "Message Content Intent" under Bot > Privileged Gateway Intents in the developer portal.',
      '',
    ].join('\n'),
  );
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`Could not register the commands: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
