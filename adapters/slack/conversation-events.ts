import { isRefusal, type RecordedMessage } from '../../src/core/index.js';
import { ReadBack } from '../../src/util/read-back.js';
import { defuseBroadcasts, escapeMrkdwn } from './mrkdwn.js';
import { isSlackRefusal, type Side, type SlackDesk, type SlackFile } from './slack-desk.js';
import type { TicketUpdates } from './ticket-updates.js';

/** The parts of Slack `message` events this adapter reads. */
export interface MessageEvent {
  type: 'message';
  subtype?: string;
  channel: string;
  channel_type?: string;
  ts: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  files?: SlackFile[];
  message?: { ts: string; thread_ts?: string; text?: string; user?: string; bot_id?: string };
  previous_message?: { ts: string; thread_ts?: string; user?: string; bot_id?: string };
  deleted_ts?: string;
}

const NEW_MESSAGE_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);
const HINT_EVERY_MS = 10 * 60_000;

/**
 * Messages in ticket threads, on both spaces: stored with their files, mirrored to the other space with the
 * author's name and avatar, followed when edited or deleted. The bot's own posts are recognised (its bot id
 * and every timestamp it posted) and never mirrored; a message is mirrored once (its location is unique in
 * the database, and so is each platform delivery).
 */
export class ConversationEvents {
  private readonly hinted = new Map<string, number>();
  /** Live messages wait while a catch-up runs, so what was missed is handled before what comes after it. */
  private gate: Promise<unknown> = Promise.resolve();

  private readonly readBack: ReadBack;

  constructor(
    private readonly sd: SlackDesk,
    private readonly updates: TicketUpdates,
  ) {
    this.readBack = new ReadBack(sd.queue, sd.log, (ticketId) => this.readTicket(ticketId));
  }

  private space(channel: string, threadTs: string | undefined) {
    return threadTs ? this.sd.spaces.get(`${channel}:${threadTs}`) : undefined;
  }

  async handle(event: MessageEvent, teamId: string | undefined): Promise<void> {
    await this.gate;
    if (event.subtype === 'message_changed') return this.onEdit(event);
    if (event.subtype === 'message_deleted') return this.onDelete(event);
    if (!NEW_MESSAGE_SUBTYPES.has(event.subtype) || this.sd.isOwn(event.channel, event.ts, event.bot_id, event.user) || !event.user) return;
    const space = event.thread_ts && event.thread_ts !== event.ts ? this.space(event.channel, event.thread_ts) : undefined;
    if (!space) {
      if (event.channel_type === 'im' && !event.thread_ts) return this.hint(event, teamId);
      return;
    }
    return this.sd.queue.run(`ticket:${space.ticketId}`, async () => {
      // A message that could not be stored is read back with every message after it, in order.
      if (this.readBack.has(space.ticketId)) return;
      try {
        // Slack refusing a call for good (an archived channel, say) is logged, the message kept; anything else
        // (the database, a server error that outlasted the retries) has the conversation read back later.
        await this.keptIfRefused(space.ticketId, () => this.onMessage(space.ticketId, space.side, event));
      } catch (error) {
        if (isRefusal(error)) throw error;
        this.readBack.failed(space.ticketId, error);
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
   * Reads what was written in open tickets' two threads while the bot was away (stopped, or disconnected
   * from Socket Mode) and handles it as if it had just arrived: stored, mirrored, in order, once (a message
   * already stored, or a copy the bot posted, is recognised). Returns how many messages it handled.
   */
  async catchUp(): Promise<number> {
    let handled = 0;
    for (const space of await this.sd.service.spacesOn('slack')) {
      if (space.status === 'closed') continue;
      handled += await this.sd.queue.run(`ticket:${space.ticketId}`, () =>
        this.readTicket(space.ticketId).catch((error: unknown) => {
          this.readBack.failed(space.ticketId, error);
          return 0;
        }),
      );
    }
    if (handled > 0) this.sd.log.info({ messages: handled }, 'caught up with messages written while the bot was away');
    return handled;
  }

  /** Reads back one ticket's two threads (run on the ticket's queue) and handles what is not stored yet. */
  private async readTicket(ticketId: number): Promise<number> {
    const ticket = await this.sd.service.ticketById(ticketId);
    if (ticket.status === 'closed' || !ticket.channelId || !ticket.threadId || !ticket.requesterChannelId || !ticket.requesterThreadId) return 0;
    const sides: Array<[Side, string, string]> = [
      ['staff', ticket.channelId, ticket.threadId],
      ['requester', ticket.requesterChannelId, ticket.requesterThreadId],
    ];
    // Stored messages whose mirror is missing (it failed, or the bot stopped right after storing them) first.
    let handled = 0;
    for (const message of await this.sd.service.uncopiedMessages(ticket, 'mirror', ['requester', 'participant', 'agent'])) {
      const toStaff = message.channelId === ticket.requesterChannelId;
      if (!toStaff && message.authorRole !== 'agent') continue;
      await this.keptIfRefused(ticket.id, () => this.mirror({ ticket, message }, toStaff ? ticket.channelId : ticket.requesterChannelId, toStaff ? ticket.threadId : ticket.requesterThreadId));
      handled++;
    }
    // Anything written while away is later than the ticket's last change, give or take a minute of clocks.
    const oldest = String(Math.floor(ticket.updatedAt.getTime() / 1000) - 60);
    const missed: Array<{ side: Side; event: MessageEvent }> = [];
    for (const [side, channel, threadTs] of sides) {
      let cursor: string | undefined;
      do {
        const page = await this.sd.call(() => this.sd.client.conversations.replies({ channel, ts: threadTs, oldest, limit: 200, ...(cursor ? { cursor } : {}) }));
        for (const message of page.messages ?? []) {
          const m = message as unknown as MessageEvent;
          if (m.ts === threadTs || !m.user || this.sd.isOwn(channel, m.ts, m.bot_id, m.user) || !NEW_MESSAGE_SUBTYPES.has(m.subtype)) continue;
          if (await this.sd.service.messageAt(channel, m.ts)) continue;
          missed.push({ side, event: { ...m, type: 'message', channel, thread_ts: threadTs } });
        }
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
    }
    missed.sort((a, b) => Number(a.event.ts) - Number(b.event.ts));
    for (const { side, event } of missed) await this.keptIfRefused(ticket.id, () => this.onMessage(ticket.id, side, event));
    return handled + missed.length;
  }

  /** Runs a step of a read-back; a call Slack refuses for good is logged and the read-back goes on. */
  private async keptIfRefused(ticketId: number, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      if (!isSlackRefusal(error)) throw error;
      this.sd.log.warn({ err: error, ticketId }, 'Slack refused a call for a ticket message; the message is kept');
    }
  }

  /** Stops retrying read-backs (at shutdown). */
  stop(): void {
    this.readBack.stop();
  }

  private async onMessage(ticketId: number, side: Side, event: MessageEvent): Promise<void> {
    // A message delivered again is recognised by its place when it is recorded; its files are not fetched twice.
    if (event.files?.length && (await this.sd.service.messageAt(event.channel, event.ts))) return;
    const author = await this.sd.actor(event.user!);
    const files = await this.sd.storeFiles(event.files);
    const incoming = {
      ticketId, author, channelId: event.channel, messageId: event.ts, body: event.text ?? '', files,
      at: new Date(Number(event.ts) * 1000), space: side,
    };
    const text = (event.text ?? '').trimStart();
    // The ticket's desk is read only for what may be a note (a staff message starting like some desk's prefix).
    const prefix = side === 'staff' && this.mayBeNote(text) ? (this.sd.deskOf(await this.sd.service.ticketById(ticketId)).slack?.notePrefix ?? 'note:') : null;
    if (prefix !== null && text.toLowerCase().startsWith(prefix.toLowerCase())) {
      try {
        const note = await this.sd.service.recordNote({ ...incoming, body: text.slice(prefix.length).trim() });
        if (!note.duplicate) await this.sd.client.reactions.add({ channel: event.channel, timestamp: event.ts, name: 'memo' }).catch(() => undefined);
        return;
      } catch (error) {
        if (!isRefusal(error)) throw error;
      }
    }
    const recorded = await this.sd.service.recordMessage(incoming);
    if (recorded.duplicate) return;
    // The status is redrawn beside the message's delivery, on a queue of its own: a failing reaction cannot
    // hold the message back, nor the ticket's next one.
    if (recorded.statusChange) this.updates.statusChangedByMessage(recorded.ticket, recorded.statusChange.from);
    await this.deliver(recorded, side, event);
  }

  private mayBeNote(text: string): boolean {
    const lower = text.toLowerCase();
    return this.sd.context.desks.config.desks.some((desk) => desk.slack && lower.startsWith(desk.slack.notePrefix.toLowerCase()));
  }

  /** What a recorded message means for the other space: a mirrored copy, or a word to its author. */
  private async deliver(recorded: RecordedMessage, side: Side, event: MessageEvent): Promise<void> {
    if (side === 'staff' && recorded.message.visibility === 'internal') {
      const t = await this.sd.words(event.user!, this.sd.deskOf(recorded.ticket));
      await this.sd.client.chat.postEphemeral({ channel: event.channel, user: event.user!, thread_ts: event.thread_ts, text: t.slack.notStaffHere }).catch(() => undefined);
      return;
    }
    if (side === 'requester' && recorded.ticket.status === 'closed') {
      await this.sd.post(event.channel, event.thread_ts!, escapeMrkdwn(this.sd.requesterWords(recorded.ticket).slack.closedKept(this.sd.label(recorded.ticket))));
      return;
    }
    if (side === 'requester') await this.mirror(recorded, recorded.ticket.channelId, recorded.ticket.threadId);
    else if (recorded.role === 'agent') await this.mirror(recorded, recorded.ticket.requesterChannelId, recorded.ticket.requesterThreadId);
  }

  /** Posts a copy of a message in the ticket's other space, as its author, with its files. */
  private async mirror(recorded: Pick<RecordedMessage, 'message' | 'ticket'>, channel: string | null, threadTs: string | null): Promise<void> {
    if (!channel || !threadTs) return;
    const { message, ticket } = recorded;
    const author = await this.sd.person(message.authorId);
    if (message.body) {
      const ts = await this.sd.post(channel, threadTs, defuseBroadcasts(message.body), { username: author.name, icon_url: author.avatar });
      await this.sd.service.recordCopy(message.id, { channelId: channel, messageId: ts, purpose: 'mirror' });
    }
    const words = channel === ticket.requesterChannelId ? this.sd.requesterWords(ticket) : this.sd.deskWords(this.sd.deskOf(ticket));
    await this.sd.uploadFiles(channel, threadTs, message.attachments, words.slack.filesFrom(escapeMrkdwn(author.name), message.attachments.length));
  }

  private onEdit(event: MessageEvent): Promise<void> | void {
    const edited = event.message;
    if (!edited || this.sd.isOwn(event.channel, edited.ts, edited.bot_id, edited.user)) return;
    const space = this.space(event.channel, edited.thread_ts);
    if (!space) return;
    return this.sd.queue.run(`ticket:${space.ticketId}`, async () => {
      const edit = await this.sd.service.recordEdit(event.channel, edited.ts, edited.text ?? '');
      if (!edit) return;
      for (const copy of edit.message.copies.filter((c) => c.purpose === 'mirror')) {
        await this.sd.call(() => this.sd.client.chat.update({ channel: copy.channelId, ts: copy.messageId, text: defuseBroadcasts(edit.message.body) || ' ' }));
      }
    });
  }

  private onDelete(event: MessageEvent): Promise<void> | void {
    const previous = event.previous_message;
    const ts = event.deleted_ts ?? previous?.ts;
    if (!ts || (previous && this.sd.isOwn(event.channel, ts, previous.bot_id, previous.user))) return;
    const space = this.space(event.channel, previous?.thread_ts);
    if (!space) return;
    return this.sd.queue.run(`ticket:${space.ticketId}`, async () => {
      const deleted = await this.sd.service.recordDeletion(event.channel, ts);
      if (!deleted) return;
      for (const copy of deleted.message.copies.filter((c) => c.purpose === 'mirror')) {
        await this.sd.call(() => this.sd.client.chat.delete({ channel: copy.channelId, ts: copy.messageId })).catch((error: unknown) => this.sd.log.warn({ err: error }, 'could not follow a deletion'));
      }
    });
  }

  /** A requester writing to the bot outside any ticket thread is told where to write, now and then. */
  private async hint(event: MessageEvent, teamId: string | undefined): Promise<void> {
    const last = this.hinted.get(event.user!) ?? 0;
    if (Date.now() - last < HINT_EVERY_MS) return;
    this.hinted.set(event.user!, Date.now());
    if (this.hinted.size > 5000) this.hinted.delete(this.hinted.keys().next().value!);
    const desk = teamId ? this.sd.context.desks.forWorkspace('slack', teamId) : null;
    const t = await this.sd.words(event.user!, desk);
    await this.sd.post(event.channel, null, t.slack.outsideThread);
  }
}

