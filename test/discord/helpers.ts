import { createHash } from 'node:crypto';
import type { APIMessage } from 'discord.js';
import { vi } from 'vitest';
import type { InteractionHandle, RecordedCall } from '../fakes/discord/index.js';
import type { DiscordWorld } from '../helpers/discord-world.js';

type Json = Record<string, unknown>;

/** What the bot answered an interaction with, as the user sees it: the reply text (or embeds' text). */
export async function answerOf(handle: InteractionHandle, timeoutMs = 8000): Promise<string> {
  const callback = await handle.response(timeoutMs);
  const data = (callback.data ?? {}) as Json;
  if (callback.type === 4 || callback.type === 7) return textOf(data);
  let text = '';
  await vi.waitFor(
    () => {
      const original = handle.original();
      text = original ? textOf(original as unknown as Json) : '';
      if (!text || text === '') throw new Error('no answer yet');
    },
    { timeout: timeoutMs, interval: 20 },
  );
  return text;
}

function textOf(message: Json): string {
  const embeds = (message.embeds as Json[] | undefined) ?? [];
  return [message.content as string | undefined, ...embeds.flatMap((e) => [e.title, e.description])].filter(Boolean).join('\n');
}

/** The custom id of a component in a message or callback, by a prefix of its custom id. */
export function componentId(message: { components?: unknown }, prefix: string): string {
  const ids: string[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const n = node as Json;
    if (typeof n.custom_id === 'string') ids.push(n.custom_id);
    for (const child of [...((n.components as unknown[]) ?? []), n.component]) walk(child);
  };
  for (const row of (message.components as unknown[]) ?? []) walk(row);
  const found = ids.find((id) => id.startsWith(prefix));
  if (!found) throw new Error(`no component ${prefix}* among ${ids.join(', ')}`);
  return found;
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A tiny valid PNG. */
export const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.from([0, 0, 0, 2, 0, 0, 0, 3, 8, 6, 0, 0, 0, 0x9a, 0x9c, 0x18, 0x73]),
]);

/** Every message-creating call the bot made, with its body. */
export function messagePosts(calls: readonly RecordedCall[]): Array<RecordedCall & { body: Json }> {
  return calls.filter(
    (c) =>
      (c.method === 'POST' && /\/channels\/\d+\/messages$/.test(c.path)) ||
      (c.method === 'POST' && /\/webhooks\/\d+\/[^/]+$/.test(c.path)) ||
      (c.method === 'PATCH' && /\/(channels\/\d+\/messages\/\d+|webhooks\/\d+\/[^/]+\/messages\/.+)$/.test(c.path)) ||
      (c.method === 'POST' && /\/interactions\/\d+\/[^/]+\/callback/.test(c.path) && [4, 7].includes((c.body as Json | undefined)?.type as number)),
  ) as Array<RecordedCall & { body: Json }>;
}

/** Opens a ticket through the real flow and returns its thread and card once the bot has set it up. */
export async function openTicket(
  world: DiscordWorld,
  options: { user?: string; category?: string; subject?: string; description?: string; answers?: Record<string, string>; files?: Array<{ name: string; contentType?: string; bytes: Buffer }>; locale?: string } = {},
) {
  const { discord, seed } = world;
  const user = options.user ?? seed.users.alice;
  const category = options.category ?? 'billing';
  const command = discord.slashCommand({ channelId: seed.channels.general, user, name: 'ticket', options: { category }, locale: options.locale });
  const values: Record<string, string> = {
    subject: options.subject ?? 'Charged twice for order 42',
    description: options.description ?? 'My card was charged twice for the same order last week.',
    ...Object.fromEntries(Object.entries(options.answers ?? { order: 'A-1042' }).map(([k, v]) => [`q:${k}`, v])),
  };
  const submit = await discord.submitModal(command, user, values, options.files ? { files: options.files } : {});
  const answer = await answerOf(submit);
  const number = /ticket (CS-\d{4}) is open/.exec(answer)?.[1];
  if (!number) throw new Error(`no ticket opened: ${answer}`);
  const ticket = await world.service.ticketByReference('discord', seed.guildId, number);
  const threadId = ticket.threadId!;
  return { command, submit, answer, ticket, threadId, cardId: ticket.cardMessageId!, number };
}

export function messagesIn(world: DiscordWorld, channelId: string): APIMessage[] {
  return world.discord.messagesIn(channelId);
}
