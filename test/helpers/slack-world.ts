import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatConfigProblems, parseSupportConfig } from '../../config/support-config.js';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.js';
import { startApp, type RunningApp } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import type { Settings } from '../../src/settings.js';
import type { SupportConfig } from '../../src/core/index.js';
import { FakeSlack, type DefaultScenario } from '../fakes/slack/index.js';
import { TestClock } from './builders.js';
import { logSink } from './discord-world.js';

/** The app manifest in the repository: the fake Slack grants exactly its scopes and event subscriptions. */
export const manifest = JSON.parse(readFileSync(new URL('../../adapters/slack/manifest.json', import.meta.url), 'utf8')) as {
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] } };
  features: { slash_commands: Array<{ command: string }> };
};

export interface SlackWorldOptions {
  mode?: 'http' | 'socket';
  limits?: Record<string, unknown>;
  autoClose?: Record<string, unknown>;
  desk?: Record<string, unknown>;
  /** Members (user ids) of a user group made in the fake and named as the billing category's agents. */
  billingAgentGroup?: (ids: DefaultScenario) => string[];
  /** The bot's database (default: a sqlite file in the world's folder). */
  databaseUrl?: string;
}

/** The desk configuration for the fake workspace's default scenario, as a user would write it. */
export function rawSlackDeskConfig(slack: FakeSlack, options: SlackWorldOptions = {}) {
  const ids = slack.scenario as DefaultScenario;
  const billingGroup = options.billingAgentGroup ? slack.addUserGroup({ handle: 'billing-team', users: options.billingAgentGroup(ids) }) : null;
  return {
    desks: [
      {
        id: 'main',
        ticketPrefix: 'CS-',
        language: 'en',
        slack: { teamId: slack.teamId, moderatorUserIds: [ids.users.max], notePrefix: 'note:' },
        limits: { maxOpenPerUser: 5, cooldownSeconds: 0, maxAttachments: 3, maxAttachmentBytes: 65536, ...options.limits },
        autoClose: { requesterReopenDays: 7, ...options.autoClose },
        categories: [
          {
            key: 'technical',
            label: 'Technical problem',
            emoji: '🛠️',
            questions: [{ key: 'steps', label: 'Steps to reproduce', required: true, long: true }],
            slack: { channelId: ids.channels.staff, agentUserIds: [ids.users.agnes] },
          },
          {
            key: 'billing',
            label: 'Billing',
            emoji: '💳',
            questions: [{ key: 'order', label: 'Order number', required: false }],
            slack: { channelId: ids.channels.billing, agentUserIds: [ids.users.agnes], ...(billingGroup ? { agentUserGroupIds: [billingGroup] } : {}) },
          },
        ],
        ...options.desk,
      },
    ],
  };
}

/** A fake Slack workspace and the real bot (Bolt, sqlite file) connected to it over HTTP or Socket Mode. */
export class SlackWorld {
  readonly clock = new TestClock(new Date().toISOString());
  readonly logs = logSink();
  app!: RunningApp;

  private constructor(
    readonly slack: FakeSlack,
    readonly dir: string,
  ) {}

  get ids(): DefaultScenario {
    return this.slack.scenario as DefaultScenario;
  }

  static async start(options: SlackWorldOptions = {}): Promise<SlackWorld> {
    const mode = options.mode ?? 'http';
    const slack = await FakeSlack.start({ scenario: 'default', scopes: manifest.oauth_config.scopes.bot, events: manifest.settings.event_subscriptions.bot_events });
    const parsed = parseSupportConfig(rawSlackDeskConfig(slack, options));
    if (!parsed.ok) throw new Error(formatConfigProblems('slack world', parsed.problems));
    const dir = mkdtempSync(join(tmpdir(), 'slack-world-'));
    const world = new SlackWorld(slack, dir);
    const settings: Settings = {
      discord: null,
      slack: {
        botToken: slack.botToken,
        signingSecret: mode === 'http' ? slack.signingSecret : null,
        appToken: mode === 'socket' ? slack.appToken : null,
        apiUrl: slack.apiUrl,
        port: 0,
        host: '127.0.0.1',
      },
      databaseUrl: options.databaseUrl ?? `sqlite:${join(dir, 'support.sqlite')}`,
      supportConfigPath: '(test)',
      attachmentsDir: join(dir, 'attachments'),
      logLevel: 'debug',
      reconcileGraceSeconds: 60,
    };
    world.settings = settings;
    world.config = parsed.config;
    world.mode = mode;
    await world.startBot();
    return world;
  }

  private settings!: Settings;
  /** The desk configuration the bot runs with. */
  config!: SupportConfig;
  private mode: 'http' | 'socket' = 'http';

  /** Starts the bot (again) on this world's database and fake workspace. */
  async startBot(): Promise<void> {
    const logger = createLogger({ level: 'debug', destination: this.logs.stream, secrets: [this.slack.botToken, this.slack.appToken, this.slack.signingSecret] });
    this.app = await startApp({ settings: this.settings, config: this.config, logger, adapters: { slack: createSlackAdapter }, clock: this.clock, schedulerIntervalMs: 0 });
    if (this.mode === 'http') this.slack.useHttp(this.adapter.url()!);
    else {
      this.slack.useSocketMode();
      await this.slack.waitForSocket(5000);
    }
  }

  /** Stops the bot; the fake workspace goes on without it until {@link startBot}. */
  async stopBot(): Promise<void> {
    await this.app.stop();
  }

  /** One pass of the desk's scheduler at the test clock's time. */
  tick() {
    return this.app.scheduler.tick();
  }

  get adapter(): SlackAdapter {
    return this.app.adapters[0] as SlackAdapter;
  }

  get service() {
    return this.app.service;
  }

  get database() {
    return this.app.database;
  }

  async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      await this.slack.idle();
      await this.adapter.desk.queue.drain();
    }
  }

  async stop(): Promise<void> {
    await this.app?.stop();
    await this.slack.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
