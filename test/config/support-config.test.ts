import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatConfigProblems, loadSupportConfig, parseSupportConfig } from '../../config/support-config.js';
import { DEFAULT_LIMITS } from '../../src/core/index.js';
import { aDeskConfig } from '../helpers/builders.js';

function problemsOf(raw: unknown) {
  const result = parseSupportConfig(raw);
  if (result.ok) throw new Error('expected problems, the configuration was accepted');
  return result.problems;
}

function withDesk(change: (desk: Record<string, unknown> & { categories: Array<Record<string, unknown>> }) => void) {
  const raw = aDeskConfig().raw();
  change(raw.desks[0]!);
  return raw;
}

describe('desk configuration', () => {
  it('GIVEN the example in config/ WHEN loaded THEN it is valid, with defaults filled in', () => {
    const result = loadSupportConfig('config/support.json');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const desk = result.config.desks[0]!;
    expect(desk.ticketPrefix).toBe('CS-');
    expect(desk.categories.map((c) => c.key)).toEqual(['billing', 'technical', 'account']);
    expect(desk.limits.subjectMaxLength).toBe(DEFAULT_LIMITS.subjectMaxLength);
    expect(desk.hours).toMatchObject({ timezone: 'Europe/Paris', days: ['mon', 'tue', 'wed', 'thu', 'fri'] });
    expect(desk.slack?.notePrefix).toBe('note:');
  });

  it('GIVEN a misspelt key WHEN loaded THEN the problem names its path and suggests the right key', () => {
    const problems = problemsOf(withDesk((d) => (d.limits = { maxOpenPerUsr: 3 })));
    expect(problems).toEqual([{ path: 'desks[0].limits.maxOpenPerUsr', message: 'is not a setting the bot knows', fix: 'did you mean "maxOpenPerUser"? Rename it.' }]);
  });

  it('GIVEN several mistakes WHEN loaded THEN every one is listed with how to fix it', () => {
    const problems = problemsOf(
      withDesk((d) => {
        d.language = 'de';
        d.limits = { maxAttachments: 25, cooldownSeconds: -1 };
        d.categories[0]!.discord = { channelId: 'general', agentRoleIds: ['123'] };
        d.categories[1]!.key = 'billing';
        d.hours = { timezone: 'Mars/Olympus', days: 'mon-fri', from: '18:00', to: '09:00' };
      }),
    );
    expect(problems.map((p) => p.path)).toEqual([
      'desks[0].language',
      'desks[0].limits.cooldownSeconds',
      'desks[0].limits.maxAttachments',
      'desks[0].hours.timezone',
      'desks[0].hours.to',
      'desks[0].categories[0].discord.channelId',
      'desks[0].categories[0].discord.agentRoleIds[0]',
      'desks[0].categories[1].key',
    ]);
    for (const p of problems) expect(p.fix.length).toBeGreaterThan(5);
    expect(problems[0]!.message).toBe('must be one of en, fr, got "de"');
    expect(problems[2]!.message).toBe('must be a whole number from 0 to 10, got 25');
    const text = formatConfigProblems('config/support.json', problems);
    expect(text).toContain('config/support.json has 8 problems:');
    expect(text).toContain('  - desks[0].categories[0].discord.channelId: must be a Discord text channel id (17 to 20 digits), got "general"');
  });

  it('GIVEN Slack user groups as agents and moderators WHEN loaded THEN they are read as roles, and a wrong id is named with where to find it', () => {
    const good = parseSupportConfig(
      withDesk((d) => {
        (d.slack as Record<string, unknown>).moderatorUserGroupIds = ['S0MODS001'];
        (d.categories[0]!.slack as Record<string, unknown>).agentUserGroupIds = ['S0BILLING'];
      }),
    );
    expect(good.ok).toBe(true);
    if (!good.ok) return;
    expect(good.config.desks[0]!.slack!.moderatorRoleIds).toEqual(['S0MODS001']);
    expect(good.config.desks[0]!.categories[0]!.slack!.agentRoleIds).toEqual(['S0BILLING']);
    const problems = problemsOf(withDesk((d) => ((d.categories[0]!.slack as Record<string, unknown>).agentUserGroupIds = ['billing-team'])));
    expect(problems).toEqual([
      expect.objectContaining({ path: 'desks[0].categories[0].slack.agentUserGroupIds[0]', message: 'must be a Slack user group id such as S0123ABCD, got "billing-team"' }),
    ]);
    expect(problems[0]!.fix).toContain('User groups');
  });

  it('GIVEN a Discord category with more questions than a modal holds WHEN loaded THEN it says how many fit', () => {
    const problems = problemsOf(
      withDesk((d) => {
        d.categories[0]!.questions = ['a', 'b', 'c'].map((key) => ({ key, label: key }));
      }),
    );
    expect(problems).toEqual([
      expect.objectContaining({ path: 'desks[0].categories[0].questions', fix: expect.stringContaining('keep at most 2 questions') }),
    ]);
  });

  it('GIVEN two desks on one server WHEN loaded THEN the second is refused', () => {
    const raw = aDeskConfig().raw();
    raw.desks.push({ ...structuredClone(raw.desks[0]!), id: 'other' });
    expect(problemsOf(raw).map((p) => p.path)).toEqual(['desks[1].discord.guildId', 'desks[1].slack.teamId']);
  });

  it('GIVEN a desk for neither platform or without categories WHEN loaded THEN it says what is missing', () => {
    const problems = problemsOf(
      withDesk((d) => {
        delete d.discord;
        delete d.slack;
        d.categories = [];
      }),
    );
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ['desks[0]', 'serves neither Discord nor Slack'],
      ['desks[0].categories', 'needs at least 1 categories, has 0'],
    ]);
  });

  it('GIVEN a file with a JSON syntax error WHEN loaded THEN the line and column are given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-'));
    const file = join(dir, 'support.json');
    writeFileSync(file, '{\n  "desks": [\n    { "id": "main", }\n  ]\n}\n');
    const result = loadSupportConfig(file);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]!.message).toMatch(/^is not valid JSON at line 3, column \d+/);
    const missing = loadSupportConfig(join(dir, 'nope.json'));
    expect(missing).toMatchObject({ ok: false, problems: [{ message: `${join(dir, 'nope.json')} does not exist` }] });
  });
});
