import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/persistence/database.js';
import { FakeSlack } from '../fakes/slack/index.js';
import type { DefaultScenario } from '../fakes/slack/index.js';
import { manifest, rawSlackDeskConfig } from '../helpers/slack-world.js';
import { freePort, runBot } from '../helpers/run-bot.js';

let slack: FakeSlack;
let dir: string;
beforeEach(async () => {
  slack = await FakeSlack.start({ scenario: 'default', scopes: manifest.oauth_config.scopes.bot, events: manifest.settings.event_subscriptions.bot_events });
  dir = mkdtempSync(join(tmpdir(), 'npm-start-slack-'));
  writeFileSync(join(dir, 'support.json'), JSON.stringify(rawSlackDeskConfig(slack), null, 2));
});
afterEach(async () => {
  await slack?.stop();
});

describe.each(['http', 'socket'] as const)('npm start with Slack credentials (%s)', (mode) => {
  it('GIVEN SLACK_API_URL pointing at the fake WHEN npm start runs THEN it serves /ticket and stops cleanly on SIGTERM', async () => {
    const ids = slack.scenario as DefaultScenario;
    const port = await freePort();
    const env: Record<string, string> = {
      SLACK_BOT_TOKEN: slack.botToken,
      ...(mode === 'http' ? { SLACK_SIGNING_SECRET: slack.signingSecret, SLACK_PORT: String(port), SLACK_HOST: '127.0.0.1' } : { SLACK_APP_TOKEN: slack.appToken }),
      SLACK_API_URL: slack.apiUrl,
      SUPPORT_CONFIG: join(dir, 'support.json'),
      DATABASE_URL: `sqlite:${join(dir, 'support.sqlite')}`,
      ATTACHMENTS_DIR: join(dir, 'attachments'),
    };
    const bot = runBot(env, { cwd: dir, timeoutMs: 60_000 });
    try {
      await vi.waitFor(() => expect(bot.output().stdout).toContain('connected to Slack'), { timeout: 20_000, interval: 100 });
      if (mode === 'http') slack.useHttp(`http://127.0.0.1:${port}/slack/events`);
      else {
        slack.useSocketMode();
        await slack.waitForSocket(5000);
      }
      const command = await slack.slashCommand({ user: ids.users.alice, channel: ids.channels.general, command: '/ticket', text: 'billing' });
      await slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === command.triggerId, 5000);
      await slack.submitView({ user: ids.users.alice, values: { subject: { subject: 'Started with npm start' }, description: { description: 'The real entry point serves this.' } } });
      await vi.waitFor(() => expect(slack.messagesIn(ids.channels.billing).length).toBe(1), { timeout: 10_000, interval: 50 });
    } finally {
      bot.child.kill('SIGTERM');
    }
    expect(await bot.exited).toBe(0);
    expect(bot.output().stdout).not.toContain(slack.botToken);
    const database = await openDatabase(env.DATABASE_URL!);
    try {
      expect(await database.dataSource.query('SELECT subject, status, platform FROM tickets')).toEqual([{ subject: 'Started with npm start', status: 'open', platform: 'slack' }]);
    } finally {
      await database.close();
    }
  }, 90_000);
});
