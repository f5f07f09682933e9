import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatConfigProblems, parseSupportConfig } from '../../config/support-config.js';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.js';
import { startApp, type RunningApp } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { FakeSlack, type DefaultScenario } from '../fakes/slack/index.js';
import { TestClock } from '../helpers/builders.js';
import { POSTGRES_URL, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { logSink } from '../helpers/discord-world.js';
import { manifest, rawSlackDeskConfig } from '../helpers/slack-world.js';
import { waitFor } from './helpers.js';

describe.skipIf(!POSTGRES_URL)(`two bot processes on one PostgreSQL${POSTGRES_URL ? '' : ' [skipped, set TEST_DATABASE_URL to run]'}`, () => {
  const clock = new TestClock(new Date().toISOString());
  let slack: FakeSlack;
  let database: TestDatabase;
  const apps: RunningApp[] = [];

  beforeAll(async () => {
    slack = await FakeSlack.start({ scenario: 'default', scopes: manifest.oauth_config.scopes.bot, events: manifest.settings.event_subscriptions.bot_events });
    database = await createTestDatabase('postgres');
    const parsed = parseSupportConfig(rawSlackDeskConfig(slack, { autoClose: { pendingAfterHours: 10, resolvedAfterHours: 10, warnBeforeHours: 2 }, limits: { maxOpenPerUser: 20 } }));
    if (!parsed.ok) throw new Error(formatConfigProblems('two processes', parsed.problems));
    const dir = mkdtempSync(join(tmpdir(), 'two-processes-'));
    // Two processes: each its own DataSource, Bolt app and scheduler, on the same database and workspace.
    for (const name of ['a', 'b']) {
      apps.push(
        await startApp({
          settings: {
            discord: null,
            slack: { botToken: slack.botToken, signingSecret: slack.signingSecret, appToken: null, apiUrl: slack.apiUrl, port: 0, host: '127.0.0.1' },
            databaseUrl: database.url,
            supportConfigPath: '(test)',
            attachmentsDir: join(dir, 'attachments'),
            logLevel: 'info',
            reconcileGraceSeconds: 60,
          },
          config: parsed.config,
          logger: createLogger({ destination: logSink().stream }).child({ process: name }),
          adapters: { slack: createSlackAdapter },
          clock,
          schedulerIntervalMs: 0,
        }),
      );
    }
    slack.useHttp((apps[0]!.adapters[0] as SlackAdapter).url()!);
  });
  afterAll(async () => {
    for (const app of apps) await app.stop();
    await slack?.stop();
    await database?.drop();
  });

  it('GIVEN pending tickets WHEN both processes run their schedulers at once THEN each ticket is warned once and closed once', async () => {
    const ids = slack.scenario as DefaultScenario;
    const opened: Array<{ id: number; staff: [string, string]; dm: [string, string] }> = [];
    for (const subject of ['First', 'Second', 'Third', 'Fourth', 'Fifth']) {
      const command = await slack.slashCommand({ user: ids.users.alice, channel: ids.channels.general, command: '/ticket', text: 'technical' });
      await slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === command.triggerId);
      await slack.submitView({ user: ids.users.alice, values: { subject: { subject: `${subject} question` }, description: { description: 'Details of the question.' }, q_steps: { answer: 'Try' } } });
    }
    await waitFor(async () => expect((await apps[0]!.service.list('slack', slack.teamId, { id: ids.users.max, name: 'Max' }, { status: 'all' })).filter((t) => t.requesterThreadId)).toHaveLength(5));
    for (const ticket of await apps[0]!.service.list('slack', slack.teamId, { id: ids.users.max, name: 'Max' }, { status: 'all' })) {
      await slack.userMessage({ user: ids.users.agnes, channel: ticket.channelId!, thread_ts: ticket.threadId!, text: 'Answered' });
      opened.push({ id: ticket.id, staff: [ticket.channelId!, ticket.threadId!], dm: [ticket.requesterChannelId!, ticket.requesterThreadId!] });
    }
    await waitFor(async () => {
      for (const t of opened) expect((await apps[1]!.service.ticketById(t.id)).status).toBe('pending');
    });

    clock.advance({ hours: 8, minutes: 30 });
    const warnings = await Promise.all(apps.map((app) => app.scheduler.tick()));
    expect(warnings.reduce((sum, run) => sum + run.warned, 0)).toBe(5);
    clock.advance({ hours: 2 });
    const closings = await Promise.all(apps.map((app) => app.scheduler.tick()));
    expect(closings.reduce((sum, run) => sum + run.autoClosed, 0)).toBe(5);
    expect((await Promise.all(apps.map((app) => app.scheduler.tick()))).map((run) => run.autoClosed + run.warned)).toEqual([0, 0]);

    for (const t of opened) {
      const dmTexts = slack.messagesIn(t.dm[0], { thread_ts: t.dm[1] }).map((m) => String(m.text));
      expect(dmTexts.filter((text) => text.includes('will close automatically'))).toHaveLength(1);
      expect(dmTexts.filter((text) => text.includes('was closed'))).toHaveLength(1);
      const closedEvents = (await apps[0]!.service.record(t.id, { id: ids.users.max, name: 'Max' })).events.filter((e) => e.type === 'closed');
      expect(closedEvents).toHaveLength(1);
      expect(slack.calls.filter((c) => c.method === 'reactions.add' && c.args.channel === t.staff[0] && c.args.timestamp === t.staff[1] && c.args.name === 'lock')).toHaveLength(1);
    }
  });
});
