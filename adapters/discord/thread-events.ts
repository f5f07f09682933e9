import { EmbedBuilder, MessageType, type Message, type PartialMessage, type AnyThreadChannel } from 'discord.js';
import { isRefusal, type RecordedMessage } from '../../src/core/index.js';
import { ReadBack } from '../../src/util/read-back.js';
import type { DiscordDesk } from './discord-desk.js';
import { linkButton, truncate } from './render.js';
import type { TicketUpdates } from './ticket-updates.js';

const STORED_TYPES = new Set<MessageType>([MessageType.Default, MessageType.Reply]);

/**
 * Everything that happens in ticket threads: messages (stored with their files; staff answers mirrored to the
 * requester by DM), edits and deletions (recorded, and followed in the DM copies), threads archived or
 * deleted by hand. Messages outside ticket threads are dropped after one map lookup, without a query.
 */
export class ThreadEvents {
  /** Live messages wait while a catch-up runs, so what was missed is handled before what comes after it. */
  private gate: Promise<unknown> = Promise.resolve();

  private readonly readBack: ReadBack;

  constructor(
    private readonly dd: DiscordDesk,
    private readonly updates: TicketUpdates,
  ) {
    this.readBack = new ReadBack(dd.queue, dd.log, (ticketId) => this.readTicket(ticketId));
  }

  private ticketOf(channelId: string): number | undefined {
    return this.dd.threads.get(channelId);
  }

  async onMessage(message: Message): Promise<void> {
    const ticketId = this.ticketOf(message.channelId);
    if (ticketId === undefined || message.author.id === this.dd.client.user?.id || !STORED_TYPES.has(message.type)) return;
    await this.gate;
    return this.dd.queue.run(`ticket:${ticketId}`, async () => {
      // A message that could not be stored is read back with every message after it, in order.
      if (this.readBack.has(ticketId)) return;
      try {
        await this.store(ticketId, message);
      } catch (error) {
        if (isRefusal(error)) throw error;
        this.readBack.failed(ticketId, error);
      }
    });
  }

  /** Starts a catch-up (see {@link catchUp}); live messages arriving meanwhile wait for it. */
  startCatchUp(): Promise<number> {
    const run = this.catchUp();
    this.gate = run.catch(() => 0);
    return run;
  }

  /**
   * Reads what was written in open tickets' threads while the bot was away (stopped, or reconnected without
   * Discord replaying events) and handles it as if it had just arrived: in order, and once (a message already
   * stored is recognised). A ticket whose read-back fails is tried again later. Returns how many messages it found.
   */
  async catchUp(): Promise<number> {
    let found = 0;
    for (const space of await this.dd.service.spacesOn('discord')) {
      if (space.status === 'closed' || !space.threadId || !space.cardMessageId) continue;
      const { ticketId, threadId, cardMessageId } = space;
      found += await this.dd.queue.run(`ticket:${ticketId}`, () =>
        this.readThread(ticketId, threadId, cardMessageId).catch((error: unknown) => {
          this.readBack.failed(ticketId, error);
          return 0;
        }),
      );
    }
    if (found > 0) this.dd.log.info({ messages: found }, 'caught up with messages written while the bot was away');
    return found;
  }

  /** Reads back one ticket's thread (run on the ticket's queue). */
  private async readTicket(ticketId: number): Promise<number> {
    const ticket = await this.dd.service.ticketById(ticketId);
    if (ticket.status === 'closed' || !ticket.threadId || !ticket.cardMessageId) return 0;
    return this.readThread(ticket.id, ticket.threadId, ticket.cardMessageId);
  }

  /** Stores the thread's messages after the last one stored (or the card), oldest first. */
  private async readThread(ticketId: number, threadId: string, cardMessageId: string): Promise<number> {
    const thread = this.dd.client.channels.cache.get(threadId) ?? (await this.dd.client.channels.fetch(threadId).catch(() => null));
    if (!thread?.isThread()) return 0;
    let after = (await this.dd.service.latestMessageIn(threadId))?.messageId ?? cardMessageId;
    let handled = 0;
    for (;;) {
      const page = await thread.messages.fetch({ after, limit: 100, cache: false });
      const oldestFirst = [...page.values()].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      for (const message of oldestFirst) {
        if (message.author.id !== this.dd.client.user?.id && STORED_TYPES.has(message.type)) {
          await this.store(ticketId, message);
          handled++;
        }
        after = message.id;
      }
      if (page.size < 100) return handled;
    }
  }

  /** Stops retrying read-backs (at shutdown). */
  stop(): void {
    this.readBack.stop();
  }

  private async store(ticketId: number, message: Message): Promise<void> {
    const files = await this.dd.storeFiles(message.attachments);
    // Messages read back over REST (a catch-up) come without their author's member: fetch it for the roles.
    const member = message.member ?? (message.guild ? await message.guild.members.fetch(message.author.id).catch(() => null) : null);
    const recorded = await this.dd.service.recordMessage({
      ticketId,
      author: this.dd.actor(message.author, member),
      channelId: message.channelId,
      messageId: message.id,
      body: message.content,
      files,
      at: message.createdAt,
    });
    if (recorded.duplicate) return;
    if (recorded.role === 'agent') await this.mirrorToRequester(recorded, message);
    // The status shows after the answer reached the requester: a failing reaction must not hold it back.
    if (recorded.statusChange) this.updates.statusChangedByMessage(recorded.ticket.id, recorded.statusChange.from);
  }

  /** A staff answer, sent to the requester by DM: who answered, what, the files, and a link back. */
  private async mirrorToRequester(recorded: RecordedMessage, message: Message): Promise<void> {
    const { ticket } = recorded;
    if (!this.dd.deskOf(ticket).discord?.dmRequester) return;
    const t = this.dd.requesterWords(ticket);
    await this.dd.dmRequester(
      ticket,
      {
        embeds: [replyEmbed(t.dm.reply(this.dd.label(ticket), recorded.message.authorName), recorded.message.body, message.author.displayAvatarURL(), t.dm.replyFooter)],
        files: await this.dd.filesFor(recorded.message.attachments),
        components: [linkButton(t.openTicketButton, this.dd.ticketUrl(ticket, message.id))],
      },
      recorded.message,
    );
  }

  async onMessageUpdate(message: Message | PartialMessage): Promise<void> {
    const ticketId = this.ticketOf(message.channelId);
    if (ticketId === undefined || message.author?.id === this.dd.client.user?.id || message.content === null) return;
    const content = message.content;
    await this.gate;
    return this.dd.queue.run(`ticket:${ticketId}`, async () => {
      const edit = await this.dd.service.recordEdit(message.channelId, message.id, content, message.editedAt ?? undefined);
      if (!edit) return;
      const t = this.dd.requesterWords(edit.ticket);
      for (const copy of edit.message.copies.filter((c) => c.purpose === 'notification')) {
        await this.dd.client.rest
          .patch(`/channels/${copy.channelId}/messages/${copy.messageId}`, {
            body: {
              embeds: [replyEmbed(t.dm.reply(this.dd.label(edit.ticket), edit.message.authorName), edit.message.body, message.author?.displayAvatarURL() ?? null, t.dm.replyFooter).toJSON()],
              allowed_mentions: { parse: [] },
            },
          })
          .catch((error: unknown) => this.dd.log.warn({ err: error, ticketId }, 'could not follow an edit in the DM copy'));
      }
    });
  }

  async onMessageDelete(message: Message | PartialMessage): Promise<void> {
    const ticketId = this.ticketOf(message.channelId);
    if (ticketId === undefined) return;
    await this.gate;
    return this.dd.queue.run(`ticket:${ticketId}`, async () => {
      const deleted = await this.dd.service.recordDeletion(message.channelId, message.id);
      if (!deleted) return;
      for (const copy of deleted.message.copies.filter((c) => c.purpose === 'notification')) {
        await this.dd.client.rest
          .delete(`/channels/${copy.channelId}/messages/${copy.messageId}`)
          .catch((error: unknown) => this.dd.log.warn({ err: error, ticketId }, 'could not follow a deletion in the DM copy'));
      }
    });
  }

  /**
   * A ticket thread archived and locked by hand closes the ticket. Archived without a lock is what Discord
   * does to quiet threads by itself; the ticket stays as it is and the next message unarchives the thread.
   */
  onThreadUpdate(thread: AnyThreadChannel): Promise<void> | void {
    const ticketId = this.ticketOf(thread.id);
    if (ticketId === undefined || !thread.archived || !thread.locked) return;
    return this.dd.queue.run(`ticket:${ticketId}`, async () => {
      const change = await this.dd.service.systemClose(ticketId, 'The ticket thread was archived and locked in Discord');
      if (change) await this.dd.refreshCard(change.ticket).catch(() => undefined);
    });
  }

  onThreadDelete(thread: AnyThreadChannel): Promise<void> | void {
    const ticketId = this.ticketOf(thread.id);
    if (ticketId === undefined) return;
    return this.dd.queue.run(`ticket:${ticketId}`, async () => {
      await this.dd.service.systemClose(ticketId, 'The ticket thread was deleted in Discord');
    });
  }
}

function replyEmbed(title: string, body: string, avatarUrl: string | null, footer: string): EmbedBuilder {
  const embed = new EmbedBuilder().setAuthor({ name: truncate(title, 256), ...(avatarUrl ? { iconURL: avatarUrl } : {}) }).setFooter({ text: footer });
  if (body) embed.setDescription(truncate(body, 4000));
  return embed;
}
