import { vi } from 'vitest';
import type { RecordedCall } from '../fakes/slack/index.js';
import type { SlackWorld } from '../helpers/slack-world.js';

type Json = Record<string, unknown>;

export const waitFor = <T>(check: () => T | Promise<T>, timeout = 8000) => vi.waitFor(check, { timeout, interval: 20 });

/** Opens a ticket through `/ticket` and the modal, then waits until both spaces are set up. */
export async function openSlackTicket(
  world: SlackWorld,
  options: { user?: string; category?: string; subject?: string; description?: string; answers?: Record<string, string>; files?: Array<{ name: string; data: Buffer | string; mimetype?: string }> } = {},
) {
  const { slack, ids } = world;
  const user = options.user ?? ids.users.alice;
  const category = options.category ?? 'technical';
  const command = await slack.slashCommand({ user, channel: ids.channels.general, command: '/ticket', text: category });
  await slack.waitForCall((c) => c.method === 'views.open' && c.args.trigger_id === command.triggerId);
  const answers = options.answers ?? (category === 'technical' ? { steps: 'Open the app, tap Pay' } : {});
  const values: Record<string, Record<string, unknown>> = {
    subject: { subject: options.subject ?? 'App crashes when I pay' },
    description: { description: options.description ?? 'Every time I tap Pay the app closes.' },
    ...Object.fromEntries(Object.entries(answers).map(([key, value]) => [`q_${key}`, { answer: value }])),
  };
  if (options.files) values.files = { files: options.files };
  const submitted = await slack.submitView({ user, values });
  if (submitted.ackBody) throw new Error(`form refused: ${JSON.stringify(submitted.ackBody)}`);
  let ticketId = 0;
  await waitFor(async () => {
    const [ticket] = await world.service.list('slack', slack.teamId, { id: user, name: 'requester' }, { status: 'all', text: String(values.subject!.subject), limit: 1 });
    if (!ticket?.requesterThreadId) throw new Error('not opened yet');
    ticketId = ticket.id;
  });
  await world.settle();
  const ticket = await world.service.ticketById(ticketId);
  return { ticket, submitted, number: world.service.label(ticket), staff: { channel: ticket.channelId!, ts: ticket.threadId! }, dm: { channel: ticket.requesterChannelId!, ts: ticket.requesterThreadId! } };
}

/** The bot's reactions on a root message, by emoji name. */
export function botReactions(world: SlackWorld, channel: string, ts: string): string[] {
  return Object.entries(world.slack.reactionsOn(channel, ts))
    .filter(([, users]) => (users as string[]).includes(world.slack.botUserId))
    .map(([name]) => name);
}

export function callsTo(world: SlackWorld, method: string, where: (args: Json) => boolean = () => true): RecordedCall[] {
  return world.slack.calls.filter((c) => c.method === method && where(c.args as Json));
}
