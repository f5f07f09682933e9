import { Events } from 'discord.js';
import type { AdapterContext } from '../../src/app.js';
import type { PlatformAdapter } from '../../src/platform-adapter.js';
import { DiscordDesk } from './discord-desk.js';
import { InteractionRouter } from './interactions.js';
import { StaffCommands } from './staff-commands.js';
import { ThreadEvents } from './thread-events.js';
import { TicketUpdates } from './ticket-updates.js';

/**
 * The Discord adapter: the real discord.js client, its gateway events registered here by name (every entry
 * point is in this file), turned into core calls by the handlers.
 */
export function createDiscordAdapter(context: AdapterContext): PlatformAdapter & { desk: DiscordDesk } {
  const settings = context.settings.discord;
  if (!settings) throw new Error('Discord settings are missing');
  const dd = new DiscordDesk(context, settings);
  const updates = new TicketUpdates(dd);
  const staff = new StaffCommands(dd, updates);
  const router = new InteractionRouter(dd, staff);
  const threads = new ThreadEvents(dd, updates);
  const inFlight = new Set<Promise<unknown>>();
  let accepting = false;

  /** Runs an event handler, keeping track of it for shutdown and logging what escapes it. */
  const track = (name: string, run: () => Promise<void> | void) => {
    if (!accepting) return;
    const work = Promise.resolve()
      .then(run)
      .catch((error: unknown) => dd.log.error({ err: error, event: name }, 'event handler failed'));
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  const client = dd.client;
  client.on(Events.InteractionCreate, (interaction) => track('interactionCreate', () => router.handle(interaction)));
  client.on(Events.MessageCreate, (message) => track('messageCreate', () => threads.onMessage(message)));
  client.on(Events.MessageUpdate, (_old, message) => track('messageUpdate', () => threads.onMessageUpdate(message)));
  client.on(Events.MessageDelete, (message) => track('messageDelete', () => threads.onMessageDelete(message)));
  client.on(Events.ThreadUpdate, (_old, thread) => track('threadUpdate', () => threads.onThreadUpdate(thread)));
  client.on(Events.ThreadDelete, (thread) => track('threadDelete', () => threads.onThreadDelete(thread)));
  // A new gateway session (start, or a reconnection Discord did not resume) may have missed messages.
  client.on(Events.ShardReady, () => track('catchUp', async () => void (await threads.startCatchUp())));
  client.on(Events.Warn, (message) => dd.log.warn({ platform: 'discord' }, message));
  client.on(Events.Error, (error) => dd.log.error({ err: error, platform: 'discord' }, 'discord client error'));
  client.rest.on('rateLimited', (info) => dd.log.debug({ route: info.route, retryAfter: info.retryAfter }, 'discord rate limit'));

  return {
    platform: 'discord',
    desk: dd,
    notifier: updates,
    async start() {
      await dd.loadThreadIndex();
      accepting = true;
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(settings.token);
      await ready;
      dd.log.info({ user: client.user?.tag, guilds: client.guilds.cache.size, tickets: dd.threads.size }, 'connected to Discord');
    },
    reconcile: (graceMs: number) => dd.reconcile(graceMs),
    async stop() {
      accepting = false;
      threads.stop();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await dd.queue.drain();
      await client.destroy();
      dd.fetch.close();
    },
  };
}
