import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseSupportConfig, formatConfigProblems } from '../../config/support-config.js';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { REQUIRED_PERMISSIONS } from '../../adapters/discord/client-options.js';
import { deployCommands } from '../../adapters/discord/deploy-commands.js';
import type { DiscordDesk } from '../../adapters/discord/discord-desk.js';
import { startApp, type RunningApp } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import type { Settings } from '../../src/settings.js';
import type { SupportConfig } from '../../src/core/index.js';
import { FakeDiscord, type PermissionName, type SeededGuild } from '../fakes/discord/index.js';
import { TestClock } from './builders.js';

export type DiscordSeed = SeededGuild<
  'billingAgents' | 'technicalAgents' | 'moderators',
  'billing' | 'technical' | 'log' | 'general',
  'alice' | 'bob' | 'anna' | 'tom' | 'mia' | 'francois' | 'quiet'
>;

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** Keeps what the bot logs, to assert on real output. */
export function logSink() {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { stream, lines };
}

export interface DiscordWorldOptions {
  limits?: Record<string, unknown>;
  autoClose?: Record<string, unknown>;
  desk?: Record<string, unknown>;
  /** Merged into the desk's `discord` section. */
  discord?: Record<string, unknown>;
  /** Both categories without questions (so the form can carry the category select). */
  categoriesWithoutQuestions?: boolean;
  botPermissions?: PermissionName[];
  /** The bot's database (default: a sqlite file in the world's folder). */
  databaseUrl?: string;
}

/** A support server: agents' and moderators' roles, two category channels, a staff-only log channel, members. */
export function seedSupportGuild(discord: FakeDiscord, options: DiscordWorldOptions = {}): DiscordSeed {
  return discord.seedGuild({
    name: 'Help Desk',
    botPermissions: options.botPermissions ?? (Object.keys(REQUIRED_PERMISSIONS) as PermissionName[]),
    roles: { billingAgents: {}, technicalAgents: {}, moderators: { permissions: ['ManageThreads'] } },
    channels: {
      general: {},
      billing: {},
      technical: {},
      log: {
        overwrites: [
          { role: 'everyone', deny: ['ViewChannel'] },
          { role: 'billingAgents', allow: ['ViewChannel'] },
          { role: 'technicalAgents', allow: ['ViewChannel'] },
          { role: 'moderators', allow: ['ViewChannel'] },
          { user: 'bot', allow: ['ViewChannel'] },
        ],
      },
    },
    users: {
      alice: { globalName: 'Alice', locale: 'en-US' },
      bob: { globalName: 'Bob', locale: 'en-GB' },
      anna: { globalName: 'Anna', roles: ['billingAgents'] },
      tom: { globalName: 'Tom', roles: ['technicalAgents'] },
      mia: { globalName: 'Mia', roles: ['moderators'] },
      francois: { globalName: 'François', locale: 'fr' },
      quiet: { globalName: 'Quiet', dmsClosed: true },
    },
  });
}

/** The desk configuration for that server, as a user would write it. */
export function rawDeskConfig(seed: DiscordSeed, options: DiscordWorldOptions = {}) {
  return {
    desks: [
      {
        id: 'main',
        ticketPrefix: 'CS-',
        language: 'en',
        discord: { guildId: seed.guildId, moderatorRoleIds: [seed.roles.moderators], logChannelId: seed.channels.log, ...options.discord },
        limits: { maxOpenPerUser: 5, cooldownSeconds: 0, maxAttachments: 3, maxAttachmentBytes: 65536, ...options.limits },
        autoClose: { requesterReopenDays: 7, ...options.autoClose },
        categories: [
          {
            key: 'billing',
            label: 'Billing',
            emoji: '💳',
            description: 'Payments and invoices',
            questions: options.categoriesWithoutQuestions ? [] : [{ key: 'order', label: 'Order number', required: false }],
            discord: { channelId: seed.channels.billing, agentRoleIds: [seed.roles.billingAgents] },
          },
          {
            key: 'technical',
            label: 'Technical problem',
            questions: options.categoriesWithoutQuestions ? [] : [{ key: 'steps', label: 'Steps to reproduce', required: true, long: true }],
            discord: { channelId: seed.channels.technical, agentRoleIds: [seed.roles.technicalAgents] },
          },
        ],
        ...options.desk,
      },
    ],
  };
}

/**
 * A fake Discord guild seeded like a real support server, the desk configuration that matches it, and
 * the real bot (composition root, sqlite file, real discord.js) connected to it.
 */
export class DiscordWorld {
  /** Starts at the real time: Discord stamps messages with real time, the core with this clock. */
  readonly clock = new TestClock(new Date().toISOString());
  readonly logs = logSink();
  private constructor(
    readonly discord: FakeDiscord,
    readonly seed: DiscordSeed,
    readonly app: RunningApp,
    readonly dir: string,
  ) {}

  private settings!: Settings;
  private config!: SupportConfig;

  static async start(options: DiscordWorldOptions = {}): Promise<DiscordWorld> {
    const discord = await FakeDiscord.start();
    const seed = seedSupportGuild(discord, options);
    const raw = rawDeskConfig(seed, options);
    const parsed = parseSupportConfig(raw);
    if (!parsed.ok) throw new Error(formatConfigProblems('discord world', parsed.problems));
    const dir = mkdtempSync(join(tmpdir(), 'discord-world-'));
    const settings: Settings = {
      discord: { token: discord.token, applicationId: discord.applicationId, apiUrl: discord.apiUrl, commandGuildId: null, requestsPerSecond: 50 },
      slack: null,
      databaseUrl: options.databaseUrl ?? `sqlite:${join(dir, 'support.sqlite')}`,
      supportConfigPath: '(test)',
      attachmentsDir: join(dir, 'attachments'),
      logLevel: 'debug',
      reconcileGraceSeconds: 60,
    };
    await deployCommands(settings.discord!);
    const world = new DiscordWorld(discord, seed, undefined as unknown as RunningApp, dir);
    world.settings = settings;
    world.config = parsed.config;
    await world.boot();
    return world;
  }

  private async boot(): Promise<void> {
    const logger = createLogger({ level: 'debug', destination: this.logs.stream, secrets: [this.discord.token] });
    const app = await startApp({ settings: this.settings, config: this.config, logger, adapters: { discord: createDiscordAdapter }, clock: this.clock, schedulerIntervalMs: 0 });
    (this as { app: RunningApp }).app = app;
  }

  /** Stops the bot and starts it again on the same database and fake Discord, as a process restart would. */
  async restart(): Promise<void> {
    await this.app.stop();
    await this.boot();
  }

  /** Stops the bot (the fake Discord goes on without it) until {@link startBot}. */
  async stopBot(): Promise<void> {
    await this.app.stop();
  }

  async startBot(): Promise<void> {
    await this.boot();
  }

  /** One pass of the desk's scheduler at the test clock's time. */
  tick() {
    return this.app.scheduler.tick();
  }

  get service() {
    return this.app.service;
  }

  get desk(): DiscordDesk {
    return (this.app.adapters[0] as unknown as { desk: DiscordDesk }).desk;
  }

  get database() {
    return this.app.database;
  }

  /** Waits until every event the bot has received so far is fully handled. */
  async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      await this.desk.queue.drain();
    }
  }

  async stop(): Promise<void> {
    await this.app.stop();
    await this.discord.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
