import {
  ChannelType,
  Client,
  DiscordAPIError,
  GuildMember,
  PermissionsBitField,
  RESTEvents,
  Routes,
  SnowflakeUtil,
  type APIAllowedMentions,
  type APIEmbed,
  type APIMessage,
  type Attachment,
  type Collection,
  type Guild,
  type GuildTextBasedChannel,
  type RawFile,
  type ThreadChannel,
  type User,
} from 'discord.js';
import type { AdapterContext } from '../../src/app.js';
import {
  checkFileContent,
  cleanFileName,
  type DeskLimits,
  findCategory,
  refuse,
  type Actor,
  type DeskConfig,
  type StoredAttachment,
  type Ticket,
  type TicketMessage,
} from '../../src/core/index.js';
import { catalog, languageFor, wordsFor, type Catalog } from '../../src/i18n/index.js';
import type { DiscordSettings } from '../../src/settings.js';
import { referenceId } from '../../src/logger.js';
import { downloadBytes, FileTooLargeError } from '../../src/util/download.js';
import { guessContentType } from '../../src/util/content-type.js';
import { KeyedQueue } from '../../src/util/keyed-queue.js';
import { keptAliveFetch } from '../../src/util/kept-alive-fetch.js';
import { PromiseCache } from '../../src/util/promise-cache.js';
import { settleAll } from '../../src/util/settle-all.js';
import { statusesToTakeOff, type ShownStatus } from '../../src/util/status-display.js';
import { discordClientOptions, REQUIRED_PERMISSIONS } from './client-options.js';
import type { PendingForm } from './ticket-form.js';
import { cardButtons, cardEmbed, categoryName, joinButton, linkButton, plain, STATUS_EMOJI, threadName, threadUrl, truncate, type ButtonRow } from './render.js';

/** A refusal worded by the adapter itself (not a core rule), shown to the user as is. */
export class UserFacingError extends Error {
  constructor(readonly words: (t: Catalog) => string) {
    super('user-facing refusal');
  }
}

/** The bot lacks permissions in a channel; the names are Discord's permission names. */
export class MissingPermissionsError extends Error {
  constructor(
    readonly channelId: string,
    readonly missing: string[],
  ) {
    super(`missing permissions in ${channelId}: ${missing.join(', ')}`);
  }
}

/** Files in ticket threads are kept up to this size whatever the form limit (Discord's own upload limit for Nitro users is higher). */
const MESSAGE_FILE_CAP = 25 * 1024 * 1024;
const DISCORD_ERRORS = { unknownMember: 10007, unknownChannel: 10003, unknownMessage: 10008, cannotDm: 50007, archived: 50083, missingPermissions: 50013 };
/** How long the id of a member's DM channel is kept (Discord gives the same channel every time it is asked). */
const DM_CHANNEL_TTL_MS = 6 * 60 * 60 * 1000;

/** A message the bot posts, in Discord's own JSON (render.ts tells why not discord.js's builders), with its files. */
export interface OutgoingMessage {
  content?: string;
  embeds?: APIEmbed[];
  components?: ButtonRow[];
  files?: RawFile[];
  /** Who it may ping: nobody unless named here. */
  allowedMentions?: APIAllowedMentions;
  /** A nonce of the caller's (the same one for the same message after a restart); else a new one. */
  nonce?: string;
}

/** A message the bot posted: where, its id, and Discord's time for it. */
export interface PostedMessage {
  channelId: string;
  id: string;
  createdAt: Date;
}

/**
 * What every Discord handler shares: the client, the core service, the in-memory index of ticket threads
 * (so messages elsewhere cost nothing), a per-ticket queue (so a ticket's events are handled in order), and
 * the operations that render ticket state on Discord (card, status reaction, notices, DMs, archive).
 */
export class DiscordDesk {
  readonly client: Client;
  /** Ticket thread id → ticket id, for every ticket the bot ever opened on Discord. */
  readonly threads = new Map<string, number>();
  readonly queue = new KeyedQueue();
  /** Forms held back while their requester reads suggested articles, by the form's nonce. */
  readonly pendingForms = new Map<string, PendingForm>();
  /**
   * Thread creations Discord answered with a server error (`channel:name`): discord.js tries them again, and
   * the failed try may have made a thread all the same (threads take no nonce). See {@link dropTwins}.
   */
  private readonly threadCreateErrors = new Set<string>();
  /** A member's DM channel with the bot, by their user id: one question to Discord per member for hours. */
  private readonly dmChannels = new PromiseCache<string>(DM_CHANNEL_TTL_MS);
  /** Every REST call goes through it; the adapter's stop ends its connections. */
  readonly fetch = keptAliveFetch();

  constructor(
    readonly context: AdapterContext,
    readonly settings: DiscordSettings,
  ) {
    this.client = new Client(discordClientOptions(settings.apiUrl, settings.requestsPerSecond, this.fetch));
    this.client.rest.on(RESTEvents.Response, (request, response) => {
      const channel = request.method === 'POST' && response.status >= 500 ? /^\/channels\/(\d+)\/threads$/.exec(request.path)?.[1] : undefined;
      const name = (request.data.body as { name?: unknown } | undefined)?.name;
      if (channel && typeof name === 'string') this.threadCreateErrors.add(`${channel}:${name}`);
    });
  }

  /**
   * After a thread creation that met a server error: the ticket's other threads (same name, the bot's, in that
   * channel), made by a try whose answer was lost, are deleted, so the ticket keeps the thread it uses.
   */
  private async dropTwins(channel: GuildTextBasedChannel, thread: ThreadChannel): Promise<void> {
    if (!this.threadCreateErrors.delete(`${channel.id}:${thread.name}`)) return;
    try {
      const active = await channel.guild.channels.fetchActiveThreads();
      const twins = active.threads.filter((t) => t.parentId === channel.id && t.ownerId === this.client.user?.id && t.name === thread.name && t.id !== thread.id);
      for (const twin of twins.values()) await twin.delete('A twin of a ticket thread, made by a request Discord answered with an error');
    } catch (error) {
      // The ticket has its thread; a twin left behind is logged, not a reason to fail the opening.
      this.log.warn({ err: error, threadId: thread.id }, 'could not look for or delete a twin of a ticket thread');
    }
  }

  get service() {
    return this.context.service;
  }

  get log() {
    return this.context.logger;
  }

  async loadThreadIndex(): Promise<void> {
    for (const space of await this.service.spacesOn('discord')) {
      if (space.threadId) this.threads.set(space.threadId, space.ticketId);
    }
  }

  deskForGuild(guildId: string | null): DeskConfig | null {
    return guildId ? this.context.desks.forWorkspace('discord', guildId) : null;
  }

  deskOf(ticket: Ticket): DeskConfig {
    return this.service.deskOf(ticket);
  }

  /** Words for one person: their client's locale, else the desk's language. */
  words(locale: string | null | undefined, desk: DeskConfig | null): Catalog {
    return wordsFor(locale, desk?.language ?? 'en');
  }

  /** Words for a shared space (the thread, the log channel): the desk's language. */
  deskWords(desk: DeskConfig): Catalog {
    return catalog(desk.language);
  }

  /** Words for the requester, in the locale they opened the ticket with. */
  requesterWords(ticket: Ticket): Catalog {
    return catalog(languageFor(ticket.requesterLocale, this.deskOf(ticket).language));
  }

  label(ticket: Ticket): string {
    return this.service.label(ticket);
  }

  /** A platform user as the core sees them: id, display name, role ids. */
  actor(user: User, member: GuildMember | { roles: string[] | unknown; nick?: string | null } | null, locale?: string | null): Actor {
    let roleIds: string[] = [];
    let name = user.globalName ?? user.username;
    if (member instanceof GuildMember) {
      roleIds = [...member.roles.cache.keys()];
      name = member.displayName;
    } else if (member && Array.isArray(member.roles)) {
      roleIds = member.roles as string[];
      name = member.nick ?? name;
    }
    return { id: user.id, name, roleIds, locale: locale ?? null };
  }

  ticketUrl(ticket: Ticket, messageId?: string): string {
    return threadUrl(ticket.workspaceId, ticket.threadId ?? '0', messageId);
  }

  /** Checks the bot's permissions in a channel before doing something that needs them. */
  checkPermissions(channel: GuildTextBasedChannel, needed: Array<keyof typeof REQUIRED_PERMISSIONS>): void {
    const me = channel.guild.members.me;
    const granted = me ? channel.permissionsFor(me) : null;
    const missing = needed.filter((name) => !granted?.has(REQUIRED_PERMISSIONS[name]));
    if (missing.length > 0) throw new MissingPermissionsError(channel.id, missing);
  }

  /** The permissions the bot lacks in a channel, by name, to explain a 50013 from Discord. */
  missingIn(channelId: string | null): string[] {
    const channel = channelId ? this.client.channels.cache.get(channelId) : null;
    if (!channel || !('guild' in channel) || !channel.guild) return [];
    const me = channel.guild.members.me;
    const target = channel.isThread() ? channel.parent : channel;
    const granted = me && target && 'permissionsFor' in target ? target.permissionsFor(me) : null;
    if (!granted) return [];
    return Object.entries(REQUIRED_PERMISSIONS)
      .filter(([, bit]) => !new PermissionsBitField(granted).has(bit))
      .map(([name]) => name);
  }

  async guild(guildId: string): Promise<Guild> {
    return this.client.guilds.cache.get(guildId) ?? this.client.guilds.fetch(guildId);
  }

  async thread(ticket: Ticket): Promise<ThreadChannel | null> {
    if (!ticket.threadId) return null;
    try {
      const channel = this.client.channels.cache.get(ticket.threadId) ?? (await this.client.channels.fetch(ticket.threadId));
      return channel?.isThread() ? channel : null;
    } catch (error) {
      if (error instanceof DiscordAPIError && error.code === DISCORD_ERRORS.unknownChannel) return null;
      throw error;
    }
  }

  /**
   * Downloads a message's or form's files and stores their bytes; files over the cap are refused by
   * size, never half stored. The CDN URL is kept only as information: it expires.
   */
  async storeFiles(
    files: Collection<string, Attachment> | readonly Attachment[] | null | undefined,
    options: { maxBytes?: number; refuseTooLarge?: boolean; checkContent?: DeskLimits } = {},
  ): Promise<StoredAttachment[]> {
    const maxBytes = options.maxBytes ?? MESSAGE_FILE_CAP;
    const list = files ? [...files.values()] : [];
    const stored: StoredAttachment[] = [];
    for (const file of list) {
      const name = cleanFileName(file.name);
      const contentType = file.contentType ?? guessContentType(name);
      let bytes: Uint8Array;
      try {
        bytes = await downloadBytes(file.url, { maxBytes });
      } catch (error) {
        if (!(error instanceof FileTooLargeError)) throw error;
        if (options.refuseTooLarge) refuse({ code: 'invalid_form', problems: [{ field: 'attachments', problem: 'too_large', fileName: name, maxBytes }] });
        this.log.warn({ file: name, size: file.size, maxBytes }, 'file over the size cap was not stored');
        continue;
      }
      const mismatch = options.checkContent ? checkFileContent(options.checkContent, { name, contentType }, bytes) : null;
      if (mismatch) refuse({ code: 'invalid_form', problems: [mismatch] });
      const put = await this.context.storage.put(bytes);
      stored.push({ ...put, name, contentType, sourceUrl: file.url });
    }
    return stored;
  }

  /** Stored attachments as files to upload again (into the thread, a DM). */
  async filesFor(attachments: readonly StoredAttachment[]): Promise<RawFile[]> {
    const files: RawFile[] = [];
    for (const attachment of attachments) files.push({ name: attachment.name, data: Buffer.from(await this.context.storage.get(attachment.storageKey)) });
    return files;
  }

  /**
   * Posts a message through the REST client itself. discord.js's `send` resolves its options anew at every call
   * (modules looked up again, the keys of JSON that is already Discord's converted one by one) and builds a
   * Message the bot never reads: about a twentieth of the bot's CPU per ticket opened, and more per staff answer.
   * Every post carries a nonce Discord enforces: a post tried again after a server error whose work was in fact
   * done gets back the message made the first time, not a second one.
   */
  async post(channelId: string, message: OutgoingMessage): Promise<PostedMessage> {
    const { files = [], allowedMentions = { parse: [] }, nonce = SnowflakeUtil.generate().toString(), ...json } = message;
    const body = { ...json, allowed_mentions: allowedMentions, nonce, enforce_nonce: true, ...(files.length > 0 ? { attachments: files.map((_, i) => ({ id: String(i) })) } : {}) };
    const posted = (await this.client.rest.post(Routes.channelMessages(channelId), { body, ...(files.length > 0 ? { files } : {}) })) as APIMessage;
    return { channelId: posted.channel_id, id: posted.id, createdAt: new Date(posted.timestamp) };
  }

  /** The member's DM channel with the bot (made by Discord the first time). */
  private dmChannel(userId: string): Promise<string> {
    return this.dmChannels.get(userId, async () => ((await this.client.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string }).id);
  }

  private async reaction(method: 'put' | 'delete', channelId: string, messageId: string, emoji: string): Promise<void> {
    const route = Routes.channelMessageOwnReaction(channelId, messageId, encodeURIComponent(emoji));
    try {
      await (method === 'put' ? this.client.rest.put(route) : this.client.rest.delete(route));
    } catch (error) {
      if (method === 'delete' && error instanceof DiscordAPIError && error.code === DISCORD_ERRORS.unknownMessage) return;
      throw error;
    }
  }

  /**
   * Shows the ticket's status as exactly one bot reaction on its card: the old one off (every other one when
   * what shows is `unknown`; none on a new card), the new one on.
   */
  async showStatus(ticket: Ticket, previous: ShownStatus | null): Promise<void> {
    if (!ticket.threadId || !ticket.cardMessageId) return;
    await settleAll([
      ...statusesToTakeOff(ticket.status, previous).map((status) => this.reaction('delete', ticket.threadId!, ticket.cardMessageId!, STATUS_EMOJI[status])),
      this.reaction('put', ticket.threadId, ticket.cardMessageId, STATUS_EMOJI[ticket.status]),
    ]);
  }

  /** Redraws the card with the ticket's current state. */
  async refreshCard(ticket: Ticket): Promise<void> {
    if (!ticket.threadId || !ticket.cardMessageId) return;
    const desk = this.deskOf(ticket);
    const t = this.deskWords(desk);
    await this.client.rest.patch(Routes.channelMessage(ticket.threadId, ticket.cardMessageId), {
      body: { embeds: [cardEmbed(t, desk, ticket, this.label(ticket))], components: [cardButtons(t, ticket)], allowed_mentions: { parse: [] } },
    });
  }

  /** Posts a notice from the bot in the ticket's thread and keeps it in the ticket's record. */
  async postNotice(ticket: Ticket, text: string, extra: Omit<OutgoingMessage, 'content'> = {}): Promise<void> {
    const thread = await this.thread(ticket);
    if (!thread) return;
    const message = await this.post(thread.id, { content: truncate(text, 2000), ...extra });
    await this.service.recordBotMessage({
      ticketId: ticket.id,
      channelId: thread.id,
      messageId: message.id,
      authorId: this.client.user!.id,
      authorName: this.client.user!.username,
      role: 'system',
      visibility: 'public',
      body: text,
      at: message.createdAt,
    });
  }

  /**
   * Sends the requester a direct message and records it as a copy of `about` when given, so edits and
   * deletions can follow. Requesters who do not accept DMs are skipped quietly.
   */
  async dmRequester(ticket: Ticket, payload: OutgoingMessage, about?: TicketMessage): Promise<boolean> {
    try {
      // A DM about a stored message has that message's nonce: sent again after a restart (Discord had made it,
      // the bot never heard back), Discord returns the one it made.
      const dm = { ...(about ? { nonce: `dm-${about.id}` } : {}), ...payload };
      const message = await this.post(await this.dmChannel(ticket.requesterId), dm).catch(async (error: unknown) => {
        // The DM channel kept for the member is unknown to Discord now: ask for theirs again, once.
        if (!(error instanceof DiscordAPIError && error.code === DISCORD_ERRORS.unknownChannel)) throw error;
        this.dmChannels.forget(ticket.requesterId);
        return this.post(await this.dmChannel(ticket.requesterId), dm);
      });
      if (about) await this.service.recordCopy(about.id, { channelId: message.channelId, messageId: message.id, purpose: 'notification' });
      return true;
    } catch (error) {
      if (error instanceof DiscordAPIError && error.code === DISCORD_ERRORS.cannotDm) {
        this.log.info({ ticketId: ticket.id }, 'requester does not accept direct messages');
        return false;
      }
      throw error;
    }
  }

  /** Posts in the desk's log channel, when it has one. Returns the message id. */
  async postToLog(desk: DeskConfig, payload: OutgoingMessage): Promise<{ channelId: string; messageId: string } | null> {
    const channelId = desk.discord?.logChannelId;
    if (!channelId) return null;
    const channel = this.client.channels.cache.get(channelId) ?? (await this.client.channels.fetch(channelId).catch(() => null));
    if (!channel?.isSendable()) {
      this.log.warn({ channelId }, 'log channel is missing or not a text channel');
      return null;
    }
    const message = await this.post(channel.id, payload);
    return { channelId, messageId: message.id };
  }

  /** Adds people to a ticket's thread; people who left the server are skipped. */
  async addToThread(thread: ThreadChannel, userIds: readonly string[]): Promise<void> {
    for (const userId of new Set(userIds)) {
      try {
        await thread.members.add(userId);
      } catch (error) {
        if (error instanceof DiscordAPIError && error.code === DISCORD_ERRORS.unknownMember) continue;
        throw error;
      }
    }
  }

  /**
   * Brings a category's agents into a ticket (after a move): agent users are added, agent roles are mentioned
   * (a role mention in a private thread adds its members); only those roles may ping.
   */
  async bringAgents(ticket: Ticket, thread: ThreadChannel, text: string): Promise<void> {
    const desk = this.deskOf(ticket);
    const space = findCategory(desk, ticket.categoryKey)?.discord;
    if (!space) return;
    await this.addToThread(thread, space.agentUserIds);
    if (space.agentRoleIds.length > 0) {
      await this.post(thread.id, {
        content: truncate(`${text} ${space.agentRoleIds.map((id) => `<@&${id}>`).join(' ')}`, 2000),
        allowedMentions: { parse: [], roles: space.agentRoleIds },
      });
    }
  }

  /**
   * Opens the ticket's space: the private thread, the requester and agents in it, the card (which mentions the
   * category's agent roles: in a private thread that brings their members in), the form's files, the status.
   * All of it is recorded in one write at the end; runs under the ticket's queue, so nothing else of the ticket
   * is handled before. An opening interrupted by a crash is finished by {@link reconcile}: it finds the thread
   * by its name and the card in the thread, and does the rest. A thread this call created is deleted if a later
   * step fails.
   */
  async openSpace(opened: { ticket: Ticket; openingMessage: TicketMessage }, channel: GuildTextBasedChannel): Promise<Ticket> {
    const { openingMessage } = opened;
    let ticket = opened.ticket;
    const desk = this.deskOf(ticket);
    const t = this.deskWords(desk);
    const label = this.label(ticket);
    if (!('threads' in channel) || channel.type !== ChannelType.GuildText) throw new Error(`category channel ${channel.id} is not a text channel`);
    let thread = ticket.threadId ? await this.thread(ticket) : null;
    const created = !thread;
    if (!thread) {
      thread = await channel.threads.create({
        name: threadName(label, ticket.subject),
        type: ChannelType.PrivateThread,
        invitable: false,
        autoArchiveDuration: 10080,
        reason: `Support ticket ${label}`,
      });
      await this.dropTwins(channel, thread);
    }
    this.threads.set(thread.id, ticket.id);
    ticket = { ...ticket, channelId: thread.parentId ?? channel.id, threadId: thread.id };
    try {
      const space = findCategory(desk, ticket.categoryKey)?.discord;
      await this.addToThread(thread, [ticket.requesterId, ...(space?.agentUserIds ?? [])]);
      let cardId = ticket.cardMessageId ?? (created ? null : await this.ownCard(thread, label));
      if (!cardId) {
        const roles = space?.agentRoleIds ?? [];
        const card = await this.post(thread.id, {
          content: truncate([t.card.welcome(`<@${ticket.requesterId}>`), ...roles.map((id) => `<@&${id}>`)].join(' '), 2000),
          embeds: [cardEmbed(t, desk, ticket, label)],
          components: [cardButtons(t, ticket)],
          allowedMentions: { parse: [], users: [ticket.requesterId], roles },
        });
        cardId = card.id;
      }
      ticket = { ...ticket, cardMessageId: cardId };
      if (openingMessage.attachments.length > 0 && !openingMessage.copies.some((c) => c.purpose === 'reupload')) {
        const upload = await this.post(thread.id, { files: await this.filesFor(openingMessage.attachments) });
        await this.service.recordCopy(openingMessage.id, { channelId: thread.id, messageId: upload.id, purpose: 'reupload' });
      }
      await this.showStatus(ticket, null);
      return await this.service.spacesSetUp(
        ticket.id,
        { channelId: ticket.channelId, threadId: thread.id, cardMessageId: cardId },
        { messageId: openingMessage.id, channelId: thread.id, platformMessageId: cardId },
      );
    } catch (error) {
      if (created) {
        await thread.delete(`Ticket ${label} could not be set up`).catch(() => undefined);
        this.threads.delete(thread.id);
      }
      throw error;
    }
  }

  /** The card the bot posted in a ticket's thread before it could record it (its title starts with the label). */
  private async ownCard(thread: ThreadChannel, label: string): Promise<string | null> {
    const recent = await thread.messages.fetch({ limit: 50 });
    const card = recent.find((m) => m.author.id === this.client.user?.id && (m.embeds[0]?.title ?? '').startsWith(label));
    return card?.id ?? null;
  }

  /**
   * Finishes the openings a stopped process left half done: a ticket stored without its thread or card gets
   * them now (a thread created just before the stop is found by its name and adopted), and the requester is
   * told it is ready; one that cannot be set up is closed, and the requester told why. Returns how many.
   */
  async reconcile(graceMs: number): Promise<number> {
    const stuck = await this.service.incompleteOpenings('discord', graceMs);
    for (const found of stuck) {
      await this.queue.run(`ticket:${found.id}`, async () => {
        let ticket = await this.service.ticketById(found.id);
        if (ticket.status === 'closed' || ticket.spacesReadyAt) return;
        const r = this.requesterWords(ticket);
        try {
          const category = findCategory(this.deskOf(ticket), ticket.categoryKey)?.discord;
          const channel = category ? (this.client.channels.cache.get(category.channelId) as GuildTextBasedChannel | undefined) : undefined;
          if (!channel) throw new Error(`the channel of category ${ticket.categoryKey} is not visible to the bot`);
          if (!ticket.threadId) {
            const orphan = await this.orphanThread(channel, ticket);
            if (orphan) ticket = await this.service.attachSpaces(ticket.id, { channelId: channel.id, threadId: orphan });
          }
          const record = await this.service.systemRecord(ticket.id, false);
          ticket = await this.openSpace({ ticket, openingMessage: record.messages[0]! }, channel);
          this.log.info({ ticketId: ticket.id, ticket: this.label(ticket) }, 'finished a ticket opening left half done');
          await this.dmRequester(ticket, { content: r.ticketReady(this.label(ticket)), components: [linkButton(r.openTicketButton, this.ticketUrl(ticket))] });
          await this.announce(ticket);
        } catch (error) {
          const ref = referenceId();
          this.log.error({ err: error, ref, ticketId: ticket.id }, 'could not finish a ticket opening left half done');
          await this.service.systemClose(ticket.id, 'The ticket could not be set up');
          await this.dmRequester(ticket, { content: r.openFailed(ref) }).catch(() => undefined);
        }
      });
    }
    return stuck.length;
  }

  /** A thread the bot created for this ticket before it could record it: in the category channel, named after it. */
  private async orphanThread(channel: GuildTextBasedChannel, ticket: Ticket): Promise<string | null> {
    const active = await channel.guild.channels.fetchActiveThreads();
    const prefix = `${this.label(ticket)} · `;
    const thread = active.threads.find((t) => t.parentId === channel.id && t.ownerId === this.client.user?.id && t.name.startsWith(prefix));
    return thread?.id ?? null;
  }

  /** Tells the staff in the log channel that a ticket opened, with a button to join its thread. */
  async announce(ticket: Ticket): Promise<void> {
    const desk = this.deskOf(ticket);
    const t = this.deskWords(desk);
    await this.postToLog(desk, {
      content: truncate(`${t.card.staffNotice(this.label(ticket), categoryName(desk, ticket.categoryKey))} ${plain(ticket.subject)} (<@${ticket.requesterId}>)`, 2000),
      components: [joinButton(t, ticket.id)],
    });
  }

  /** Archives and locks a closed ticket's thread, after its last notice and reaction (archived threads take neither). */
  async archive(ticket: Ticket): Promise<void> {
    const thread = await this.thread(ticket);
    if (thread && !thread.archived) await thread.edit({ archived: true, locked: true, reason: `Ticket ${this.label(ticket)} closed` });
  }

  async unarchive(ticket: Ticket): Promise<ThreadChannel | null> {
    const thread = await this.thread(ticket);
    if (thread && (thread.archived || thread.locked)) await thread.edit({ archived: false, locked: false, reason: `Ticket ${this.label(ticket)} reopened` });
    return thread;
  }

  /** A short line for user text shown by the bot. */
  plain(text: string, max = 1000): string {
    return truncate(plain(text), max);
  }
}

export { DISCORD_ERRORS };
