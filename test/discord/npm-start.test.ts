import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REQUIRED_PERMISSION_BITS } from '../../adapters/discord/client-options.js';
import { openDatabase } from '../../src/persistence/database.js';
import { FakeDiscord } from '../fakes/discord/index.js';
import { rawDeskConfig, seedSupportGuild, type DiscordSeed } from '../helpers/discord-world.js';
import { root, runBot } from '../helpers/run-bot.js';
import { answerOf } from './helpers.js';

let discord: FakeDiscord;
let seed: DiscordSeed;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  discord = await FakeDiscord.start();
  seed = seedSupportGuild(discord);
  dir = mkdtempSync(join(tmpdir(), 'npm-start-discord-'));
  writeFileSync(join(dir, 'support.json'), JSON.stringify(rawDeskConfig(seed), null, 2));
  env = {
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_COMMAND_GUILD_ID: seed.guildId,
    SUPPORT_CONFIG: join(dir, 'support.json'),
    DATABASE_URL: `sqlite:${join(dir, 'data', 'support.sqlite')}`,
    ATTACHMENTS_DIR: join(dir, 'data', 'attachments'),
  };
});
afterAll(async () => {
  await discord?.stop();
});

describe('the bot as users run it, against the fake Discord', () => {
  it('GIVEN credentials WHEN npm run deploy-commands runs THEN the commands are registered and the invite URL has exactly the needed permissions', async () => {
    const deploy = runBot(env, { cwd: dir, script: 'adapters/discord/deploy-commands.ts' });
    expect(await deploy.exited).toBe(0);
    const { stdout } = deploy.output();
    expect(stdout).toContain(`Registered 13 commands in server ${seed.guildId}: /ticket /close /reopen /claim /assign /priority /resolve /note /add /remove /move /tickets /transcript`);
    expect(stdout).toContain(`https://discord.com/oauth2/authorize?client_id=${discord.applicationId}&scope=bot+applications.commands&permissions=${REQUIRED_PERMISSION_BITS}`);
    expect(stdout).toContain('Gateway intents: Guilds, GuildMessages, MessageContent.');
    const [put] = discord.callsTo('PUT', new RegExp(`/applications/${discord.applicationId}/guilds/${seed.guildId}/commands$`));
    const commands = put!.body as Array<{ name: string; name_localizations?: Record<string, string>; description_localizations?: Record<string, string> }>;
    expect(commands.find((c) => c.name === 'close')).toMatchObject({ name_localizations: { fr: 'fermer' }, description_localizations: { fr: 'Fermer un ticket, avec une raison' } });
  });

  it('GIVEN DISCORD_TOKEN and DISCORD_API_URL WHEN npm start runs THEN it connects, migrates, serves /ticket, and stops cleanly on SIGTERM', async () => {
    const bot = runBot(env, { cwd: dir, timeoutMs: 60_000 });
    try {
      await vi.waitFor(() => expect(discord.identifies.length).toBeGreaterThan(0), { timeout: 20_000, interval: 100 });
      await vi.waitFor(() => expect(bot.output().stdout).toContain('connected to Discord'), { timeout: 20_000, interval: 100 });
      const command = discord.slashCommand({ channelId: seed.channels.general, user: seed.users.alice, name: 'ticket', options: { category: 'billing' } });
      const submit = await discord.submitModal(command, seed.users.alice, { subject: 'Started with npm start', description: 'The real entry point serves this.' });
      expect(await answerOf(submit, 15_000)).toContain('Your ticket CS-0001 is open');
    } finally {
      bot.child.kill('SIGTERM');
    }
    expect(await bot.exited).toBe(0);
    const { stdout } = bot.output();
    expect(stdout).toContain('"msg":"stopped"');
    expect(stdout).not.toContain(discord.token);
    const database = await openDatabase(env.DATABASE_URL!);
    try {
      expect(database.applied).toEqual([]);
      expect(await database.dataSource.query('SELECT number, subject, status FROM tickets')).toEqual([{ number: 1, subject: 'Started with npm start', status: 'open' }]);
    } finally {
      await database.close();
    }
  }, 90_000);

  it('GIVEN the bot started by `npm start` itself WHEN npm is sent SIGTERM (as systemd or Docker do) THEN the bot stops cleanly and no process is left behind', async () => {
    const npm = spawn('npm', ['start'], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, DATABASE_URL: `sqlite:${join(dir, 'data', 'npm.sqlite')}` } });
    let output = '';
    npm.stdout.on('data', (chunk) => (output += chunk));
    npm.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((done) => npm.on('exit', (code) => done(code)));
    let botPid = 0;
    try {
      await vi.waitFor(() => expect(output).toContain('connected to Discord'), { timeout: 60_000, interval: 100 });
      botPid = Number(/"pid":(\d+)/.exec(output)![1]);
      expect(botPid).toBeGreaterThan(0);
    } finally {
      npm.kill('SIGTERM');
    }
    const alive = () => {
      try {
        process.kill(botPid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      expect(await exited).toBe(0);
      expect(output).toContain('"msg":"stopped"');
      await vi.waitFor(() => expect(alive()).toBe(false), { timeout: 5000, interval: 100 });
    } finally {
      // A bot orphaned by a failure here must not outlive the test run.
      if (botPid && alive()) process.kill(botPid, 'SIGKILL');
    }
  }, 90_000);
});
