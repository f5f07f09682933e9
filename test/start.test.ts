import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBot } from './helpers/run-bot.js';

describe('npm start', () => {
  it('GIVEN no platform credentials WHEN started THEN it says which variables to set and where, and exits 1', async () => {
    const bot = runBot({});
    expect(await bot.exited).toBe(1);
    const { stderr } = bot.output();
    expect(stderr).toContain('No platform to serve');
    expect(stderr).toContain('DISCORD_TOKEN and DISCORD_APPLICATION_ID');
    expect(stderr).toContain('SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET');
    expect(stderr).toContain('https://discord.com/developers/applications');
    expect(stderr).toContain('https://api.slack.com/apps');
    expect(existsSync(join(bot.cwd, 'data'))).toBe(false);
  });

  it('GIVEN a configuration with a mistake WHEN started THEN the mistake is named with its fix, and it exits 1', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bot-start-'));
    writeFileSync(join(cwd, 'support.json'), JSON.stringify({ desks: [{ id: 'main', discord: { guildId: '1100000000000000001' }, categories: [{ key: 'billing', label: 'Billing', discord: { channelId: '#billing' } }] }] }));
    const bot = runBot({ DISCORD_TOKEN: 'token.for.test', DISCORD_APPLICATION_ID: '1100000000000000999', SUPPORT_CONFIG: 'support.json' }, { cwd });
    expect(await bot.exited).toBe(1);
    expect(bot.output().stderr).toContain('support.json has 1 problem:');
    expect(bot.output().stderr).toContain('desks[0].categories[0].discord.channelId: must be a Discord text channel id (17 to 20 digits), got "#billing"');
  });

  it('GIVEN a bad environment WHEN started THEN the variable is named without echoing the secret, and it exits 1', async () => {
    const bot = runBot({ SLACK_BOT_TOKEN: 'xapp-not-a-bot-token', SLACK_SIGNING_SECRET: 'abc' });
    expect(await bot.exited).toBe(1);
    expect(bot.output().stderr).toContain('SLACK_BOT_TOKEN: does not start with xoxb-');
    expect(bot.output().stderr).not.toContain('xapp-not-a-bot-token');
  });
});
