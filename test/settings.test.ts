import { describe, expect, it } from 'vitest';
import { readSettings } from '../src/settings.js';

describe('environment', () => {
  it('GIVEN nothing WHEN read THEN defaults apply and no platform is configured', () => {
    const result = readSettings({});
    expect(result).toEqual({
      ok: true,
      settings: {
        discord: null,
        slack: null,
        databaseUrl: 'sqlite:data/support.sqlite',
        supportConfigPath: 'config/support.json',
        attachmentsDir: 'data/attachments',
        logLevel: 'info',
        reconcileGraceSeconds: 60,
      },
    });
  });

  it('GIVEN Discord and Slack credentials WHEN read THEN both adapters are configured', () => {
    const result = readSettings({
      DISCORD_TOKEN: 'abc.def.ghi',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_API_URL: 'http://127.0.0.1:9999/api',
      SLACK_BOT_TOKEN: 'xoxb-1-2',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_APP_TOKEN: 'xapp-1',
      SLACK_PORT: '3100',
    });
    expect(result.ok && result.settings.discord).toEqual({ token: 'abc.def.ghi', applicationId: '123456789012345678', apiUrl: 'http://127.0.0.1:9999/api', commandGuildId: null, requestsPerSecond: 50 });
    expect(result.ok && result.settings.slack).toEqual({ botToken: 'xoxb-1-2', signingSecret: 'secret', appToken: 'xapp-1', apiUrl: null, port: 3100, host: null });
  });

  it('GIVEN a request limit Discord granted, or a wrong one WHEN read THEN the limit is used, or the variable is named', () => {
    const base = { DISCORD_TOKEN: 'abc.def.ghi', DISCORD_APPLICATION_ID: '123456789012345678' };
    const raised = readSettings({ ...base, DISCORD_REQUESTS_PER_SECOND: '250' });
    expect(raised.ok && raised.settings.discord?.requestsPerSecond).toBe(250);
    for (const wrong of ['0', 'fast', '2.5']) {
      const result = readSettings({ ...base, DISCORD_REQUESTS_PER_SECOND: wrong });
      expect(result.ok ? [] : result.problems.map((p) => p.variable)).toEqual(['DISCORD_REQUESTS_PER_SECOND']);
    }
  });

  it('GIVEN half-set or swapped credentials WHEN read THEN each problem names the variable and never echoes a secret', () => {
    const result = readSettings({
      DISCORD_TOKEN: 'very-secret-token',
      SLACK_BOT_TOKEN: 'xapp-swapped-secret',
      DATABASE_URL: 'mysql://x',
      LOG_LEVEL: 'loud',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.variable)).toEqual(['DISCORD_APPLICATION_ID', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'DATABASE_URL', 'LOG_LEVEL']);
    expect(JSON.stringify(result.problems)).not.toMatch(/very-secret-token|swapped-secret/);
  });
});
