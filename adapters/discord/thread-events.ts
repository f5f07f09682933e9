import { DiscordAPIError, MessageType, type APIEmbed, type Message, type PartialMessage, type AnyThreadChannel } from 'discord.js';
import { isRefusal, type Ticket, type TicketMessage } from '../../src/core/index.js';
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
        // Discord refusing a call for good (4xx) is logged, the message kept; anything else (the database, a
        // server error that outlasted the retries) has the thread read back later.
        await this.keptIfRefused(ticketId, () => this.store(ticketId, message));
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
      const { ticketId } = space;
      found += await this.dd.queue.run(`ticket:${ticketId}`, () =>
        this.readTicket(ticketId).catch((error: unknown) => {
          this.readBack.failed(ticketId, error);
          return 0;
        }),
      );
    }
    if (found > 0) this.dd.log.info({ messages: found }, 'caught up with messages written while the bot was away');
    return found;
  }

  /**
   * Reads back one ticket (run on the ticket's queue): first the staff answers stored without their DM to the
   * requester (it failed, or the bot stopped right after storing them), then the thread's unread messages.
   */
  private async readTicket(ticketId: number): Promise<number> {
    const ticket = await this.dd.service.ticketById(ticketId);
    if (ticket.status === 'closed' || !ticket.threadId || !ticket.cardMessageId) return 0;
    let handled = 0;
    if (this.dd.deskOf(ticket).discord?.dmRequester) {
      for (const message of await this.dd.service.uncopiedMessages(ticket, 'notification', ['agent'])) {
        const avatar = this.dd.client.users.cache.get(message.authorId)?.displayAvatarURL() ?? null;
        await this.keptIfRefused(ticket.id, () => this.mirrorToRequester(ticket, message, avatar));
        handled++;
      }
    }
    return handled + (await this.readThread(ticket.id, ticket.threadId, ticket.cardMessageId));
  }

  /** Runs a step; a call Discord refuses for good (4xx) is logged and what follows goes on. */
  private async keptIfRefused(ticketId: number, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      if (!(error instanceof DiscordAPIError) || error.status >= 500) throw error;
      this.dd.log.warn({ err: error, ticketId }, 'Discord refused a call for a ticket message; the message is kept');
    }
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
          await this.keptIfRefused(ticketId, () => this.store(ticketId, message));
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
    // The status is redrawn beside the answer's way to the requester, on a queue of its own: a failing
    // reaction cannot hold the answer back, nor the ticket's next message.
    if (recorded.statusChange) this.updates.statusChangedByMessage(recorded.ticket, recorded.statusChange.from);
    if (recorded.role === 'agent') await this.mirrorToRequester(recorded.ticket, recorded.message, message.author.displayAvatarURL());
  }

  /** A staff answer, sent to the requester by DM: who answered, what, the files, and a link back. */
  private async mirrorToRequester(ticket: Ticket, answer: TicketMessage, avatarUrl: string | null): Promise<void> {
    if (!this.dd.deskOf(ticket).discord?.dmRequester) return;
    const t = this.dd.requesterWords(ticket);
    await this.dd.dmRequester(
      ticket,
      {
        embeds: [replyEmbed(t.dm.reply(this.dd.label(ticket), answer.authorName), answer.body, avatarUrl, t.dm.replyFooter)],
        files: await this.dd.filesFor(answer.attachments),
        components: [linkButton(t.openTicketButton, this.dd.ticketUrl(ticket, answer.messageId ?? undefined))],
      },
      answer,
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
              embeds: [replyEmbed(t.dm.reply(this.dd.label(edit.ticket), edit.message.authorName), edit.message.body, message.author?.displayAvatarURL() ?? null, t.dm.replyFooter)],
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
      if (change) await this.updates.refreshCard(change.ticket).catch(() => undefined);
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

function replyEmbed(title: string, body: string, avatarUrl: string | null, footer: string): APIEmbed {
  return {
    author: { name: truncate(title, 256), ...(avatarUrl ? { icon_url: avatarUrl } : {}) },
    ...(body ? { description: truncate(body, 4000) } : {}),
    footer: { text: truncate(footer, 2048) },
  };
}
