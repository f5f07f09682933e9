import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi, type Logger as BoltLogger } from '@slack/bolt';
import type { AdapterContext } from '../../src/app.js';
import { checkFileContent, cleanFileName, refuse, type Actor, type DeskConfig, type DeskLimits, type StoredAttachment, type Ticket } from '../../src/core/index.js';
import { catalog, languageFor, type Catalog } from '../../src/i18n/index.js';
import type { Logger } from '../../src/logger.js';
import type { SlackSettings } from '../../src/settings.js';
import { guessContentType } from '../../src/util/content-type.js';
import { downloadBytes, FileTooLargeError } from '../../src/util/download.js';
import { KeyedQueue } from '../../src/util/keyed-queue.js';
import { settleAll } from '../../src/util/settle-all.js';
import { statusesToTakeOff, type ShownStatus } from '../../src/util/status-display.js';
import { withRetries } from '../../src/util/retry.js';
import { PromiseCache } from '../../src/util/promise-cache.js';
import { asJson, requesterCard, staffCard, STATUS_REACTION } from './blocks.js';
import { escapeMrkdwn, truncate } from './mrkdwn.js';
import { leanWebApi, type LeanWebApi, type WebApiArguments, type WebApiResult } from './lean-web-api.js';
import { guardRequests } from './request-gate.js';
import { keptAliveFetch } from '../../src/util/kept-alive-fetch.js';

/** A file as Slack describes it in events and file inputs. */
export interface SlackFile {
  id: string;
  name?: string;
  title?: string;
  mimetype?: string;
  size?: number;
  url_private?: string;
  url_private_download?: string;
}

/** Which of a ticket's two Slack spaces a thread is. */
export type Side = 'staff' | 'requester';

interface Person {
  name: string;
  avatar: string | null;
  locale: string | null;
}

const MESSAGE_FILE_CAP = 25 * 1024 * 1024;
const PEOPLE_TTL_MS = 10 * 60_000;
/** How long a user group's members are trusted before they are read again. */
const USER_GROUP_TTL_MS = 5 * 60_000;
const POSTED_MEMORY = 20_000;
/** How long a Slack request may go unanswered by every listener before the bot refuses it (Slack waits 3 s). */
const UNHANDLED_REQUEST_MS = 2500;

/** Slack answered `ok: false` (channel_not_found, is_archived, …): a refusal that trying again will not change. */
export function isSlackRefusal(error: unknown): boolean {
  return (error as { code?: string }).code === webApi.ErrorCode.PlatformError;
}

/** How many times a post is tried, through rate limits and server errors. */
const POST_TRIES = 12;
/** How many rate limits a call waits out before it gives up (as the WebClient's own retries). */
const RATE_LIMIT_TRIES = 10;

/** Failures worth one more try: Slack's server errors and broken connections, never a refusal (`ok: false`). */
function isPassingFailure(error: unknown): boolean {
  const { code, statusCode } = error as { code?: string; statusCode?: number };
  return (code === webApi.ErrorCode.HTTPError && (statusCode ?? 0) >= 500) || code === webApi.ErrorCode.RequestError;
}

/** Bolt's logger, writing to the bot's pino logger. */
function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const child = logger.child({ platform: 'slack', source: 'bolt' });
  const text = (parts: unknown[]) => parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  return {
    // The WebClient sends a few debug lines per call, built whether debug is on or not: joined only when it is.
    debug: (...m) => {
      if (child.isLevelEnabled('debug')) child.debug(text(m));
    },
    info: (...m) => child.info(text(m)),
    warn: (...m) => child.warn(text(m)),
    error: (...m) => child.error(text(m)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/**
 * What every Slack handler shares: the Bolt app, the core service, an in-memory index of ticket threads
 * (both spaces of every ticket, so other messages cost nothing), the timestamps the bot posted (its echo
 * guard), a per-ticket queue, and the operations that show ticket state on both spaces.
 */
export class SlackDesk {
  readonly app: App;
  /** In Socket Mode, the receiver: its client says when the connection comes back. */
  readonly socketReceiver: SocketModeReceiver | null = null;
  /** `channel:thread_ts` → the ticket and which of its spaces that thread is. */
  readonly spaces = new Map<string, { ticketId: number; side: Side }>();
  readonly queue = new KeyedQueue();
  private readonly posted = new Set<string>();
  private readonly people = new PromiseCache<Person>(PEOPLE_TTL_MS);
  /** User → their DM channel with the bot, trusted for a while without asking Slack again. */
  private readonly dms = new PromiseCache<string>(PEOPLE_TTL_MS);
  botUserId = '';
  botId = '';
  private readonly poster: webApi.WebClient;
  /** The calls every conversation makes, without a WebClient around them (see leanWebApi); they try nothing again by themselves. */
  private readonly lean: LeanWebApi;
  /** The user groups the configuration names, and their members as last read. */
  private userGroupIds: string[] | null = null;
  private readonly userGroups = new PromiseCache<ReadonlySet<string>>(USER_GROUP_TTL_MS, () => this.context.clock.now().getTime());
  /** The workspace's address (`https://name.slack.com/`), for links to messages. */
  teamUrl = '';
  /** Every Web API call (the WebClients', Bolt's `respond`) goes through it; {@link close} ends its connections. */
  readonly fetch = keptAliveFetch();

  constructor(
    readonly context: AdapterContext,
    readonly settings: SlackSettings,
  ) {
    const clientOptions = {
      ...(settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {}),
      fetch: this.fetch,
      // After a rate limit the WebClient waits Retry-After, then this short backoff before it calls again.
      retryConfig: { retries: 10, factor: 2, minTimeout: 100, maxTimeout: 10_000, randomize: true },
    };
    const logger = boltLogger(context.logger);
    // Posts and file shares go through clients of their own that try nothing again by themselves: a post answered
    // with a server error may have been made, and only `post` (or `shareFiles`) knows to look before it tries again.
    this.poster = new webApi.WebClient(settings.botToken, { ...clientOptions, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger });
    this.lean = leanWebApi(this.fetch, { apiUrl: settings.apiUrl ?? 'https://slack.com/api/', token: settings.botToken, logger: context.logger });
    // convoStore: Bolt's conversation-state store, unused here, would run on every event and keep state per conversation.
    if (settings.appToken) {
      this.socketReceiver = new SocketModeReceiver({ appToken: settings.appToken, logger, installerOptions: { clientOptions } });
      this.app = new App({ token: settings.botToken, receiver: this.socketReceiver, socketMode: true, clientOptions, logger, convoStore: false });
    } else {
      const receiver = new HTTPReceiver({
        signingSecret: settings.signingSecret!,
        // Every request is checked before Bolt sees it (see guardRequests), Bolt's own check would be a second one.
        signatureVerification: false,
        logger,
        // A request no listener answers (a payload Bolt cannot type, say) gets a 400 before Slack's 3 seconds
        // run out, rather than a 404 after them; listeners answer far sooner than this.
        unhandledRequestTimeoutMillis: UNHANDLED_REQUEST_MS,
        unhandledRequestHandler: ({ response }) => {
          context.logger.warn('a Slack request no listener answered was refused');
          if (!response.headersSent) {
            response.writeHead(400);
            response.end();
          }
        },
      });
      guardRequests(receiver, { signingSecret: settings.signingSecret!, logger: context.logger, self: () => ({ botId: this.botId, botUserId: this.botUserId }) });
      this.app = new App({ token: settings.botToken, receiver, clientOptions, logger, convoStore: false });
    }
  }

  get client() {
    return this.app.client;
  }

  /**
   * A Web API call that survives Slack's passing failures: the WebClient already waits out rate limits, and
   * this runs a call again after a server error (5xx) or a broken connection.
   */
  call<T>(attempt: () => Promise<T>): Promise<T> {
    return withRetries(attempt, { tries: 6, baseDelayMs: 200, retryable: isPassingFailure });
  }

  /**
   * A lean Web API call (see {@link leanWebApi}) tried again as the WebClient tries its own: after a rate limit,
   * once its Retry-After has passed (up to 10 times), and after a server error or a broken connection (as {@link call}).
   * For calls that doing twice does not harm (a reaction, a card redrawn); posts go through {@link post}.
   */
  private send(method: string, args: WebApiArguments): Promise<WebApiResult> {
    return this.call(async () => {
      for (let limited = 1; ; limited++) {
        try {
          return await this.lean(method, args);
        } catch (error) {
          const { code, retryAfter } = error as { code?: string; retryAfter?: number };
          if (code !== webApi.ErrorCode.RateLimitedError || limited > RATE_LIMIT_TRIES) throw error;
          await new Promise((resolve) => setTimeout(resolve, (retryAfter ?? 1) * 1000 + Math.random() * 100));
        }
      }
    });
  }

  get service() {
    return this.context.service;
  }

  get log() {
    return this.context.logger;
  }

  async identify(): Promise<void> {
    const auth = await this.client.auth.test();
    this.botUserId = String(auth.user_id ?? '');
    this.botId = String(auth.bot_id ?? '');
    this.teamUrl = String(auth.url ?? '');
  }

  async loadIndex(): Promise<void> {
    for (const space of await this.service.spacesOn('slack')) this.index(space.ticketId, space);
  }

  index(ticketId: number, spaces: { channelId: string | null; threadId: string | null; requesterChannelId: string | null; requesterThreadId: string | null }): void {
    if (spaces.channelId && spaces.threadId) this.spaces.set(`${spaces.channelId}:${spaces.threadId}`, { ticketId, side: 'staff' });
    if (spaces.requesterChannelId && spaces.requesterThreadId) this.spaces.set(`${spaces.requesterChannelId}:${spaces.requesterThreadId}`, { ticketId, side: 'requester' });
  }

  /** Remembers what the bot posted, so its own messages coming back are never taken for someone's. */
  remember(channel: string, ts: string | undefined): void {
    if (!ts) return;
    this.posted.add(`${channel}:${ts}`);
    if (this.posted.size > POSTED_MEMORY) this.posted.delete(this.posted.values().next().value!);
  }

  isOwn(channel: string, ts: string | undefined, botId?: string, user?: string): boolean {
    return (!!botId && botId === this.botId) || (!!user && user === this.botUserId) || (!!ts && this.posted.has(`${channel}:${ts}`));
  }

  /** A link to a message (a ticket's root), built as Slack builds permalinks. */
  messageUrl(channel: string, ts: string): string | null {
    return this.teamUrl ? `${this.teamUrl.replace(/\/?$/, '/')}archives/${channel}/p${ts.replace('.', '')}` : null;
  }

  deskForTeam(teamId: string | null | undefined): DeskConfig {
    const desk = teamId ? this.context.desks.forWorkspace('slack', teamId) : null;
    return desk ?? refuse({ code: 'desk_not_configured', workspaceId: teamId ?? 'unknown' });
  }

  deskOf(ticket: Ticket): DeskConfig {
    return this.service.deskOf(ticket);
  }

  label(ticket: Ticket): string {
    return this.service.label(ticket);
  }

  /** Name, avatar and locale of a Slack user, cached for a few minutes. */
  person(userId: string): Promise<Person> {
    return this.people.get(userId, async () => {
      try {
        const { user } = await this.client.users.info({ user: userId, include_locale: true });
        return {
          name: user?.profile?.display_name || user?.real_name || user?.name || userId,
          avatar: user?.profile?.image_72 ?? user?.profile?.image_48 ?? null,
          locale: user?.locale ?? null,
        };
      } catch (error) {
        this.log.warn({ err: error, userId }, 'could not read a Slack user profile');
        return { name: userId, avatar: null, locale: null };
      }
    });
  }

  /**
   * A user's DM channel with the bot. Slack gives the same channel to every `conversations.open` of a user, so it
   * is asked once every few minutes: a requester opening tickets one after another costs one call, not one per
   * ticket (the method allows about 50 calls a minute).
   */
  dmChannel(userId: string): Promise<string> {
    return this.dms.get(userId, async () => {
      const opened = await this.client.conversations.open({ users: userId });
      const channel = opened.channel?.id;
      if (!channel) throw new Error('Slack opened no DM channel');
      return channel;
    });
  }

  async actor(userId: string): Promise<Actor> {
    const [person, roleIds] = await Promise.all([this.person(userId), this.userGroupsOf(userId)]);
    return { id: userId, name: person.name, roleIds, locale: person.locale };
  }

  /**
   * The configured user groups (agents' and moderators') someone belongs to: Slack's user groups play the part
   * of Discord's roles. Each group's members are read at most every few minutes; none is read when no desk
   * names a group.
   */
  private async userGroupsOf(userId: string): Promise<string[]> {
    const groups = this.configuredUserGroups();
    if (groups.length === 0) return [];
    const members = await Promise.all(groups.map((group) => this.userGroupMembers(group)));
    return groups.filter((_, i) => members[i]!.has(userId));
  }

  private configuredUserGroups(): string[] {
    this.userGroupIds ??= [
      ...new Set(
        this.context.desks.config.desks.flatMap((desk) =>
          desk.slack ? [...desk.slack.moderatorRoleIds, ...desk.categories.flatMap((c) => c.slack?.agentRoleIds ?? [])] : [],
        ),
      ),
    ];
    return this.userGroupIds;
  }

  private userGroupMembers(group: string): Promise<ReadonlySet<string>> {
    return this.userGroups
      .get(group, async () => new Set((await this.client.usergroups.users.list({ usergroup: group })).users ?? []))
      .catch((error: unknown) => {
        // Nobody is taken for staff on a group that cannot be read; asked again on the next event.
        this.log.warn({ err: error, group }, 'could not read the members of a Slack user group');
        return new Set<string>();
      });
  }


  async words(userId: string, desk: DeskConfig | null): Promise<Catalog> {
    const person = await this.person(userId);
    return catalog(languageFor(person.locale, desk?.language ?? 'en'));
  }

  deskWords(desk: DeskConfig): Catalog {
    return catalog(desk.language);
  }

  requesterWords(ticket: Ticket): Catalog {
    return catalog(languageFor(ticket.requesterLocale, this.deskOf(ticket).language));
  }

  /** Downloads Slack files with the bot token and stores their bytes; files over the cap are skipped or refused. */
  async storeFiles(files: readonly SlackFile[] | undefined, options: { maxBytes?: number; refuseTooLarge?: boolean; checkContent?: DeskLimits } = {}): Promise<StoredAttachment[]> {
    const maxBytes = options.maxBytes ?? MESSAGE_FILE_CAP;
    const stored: StoredAttachment[] = [];
    for (const file of files ?? []) {
      const url = file.url_private_download ?? file.url_private;
      const name = cleanFileName(file.name ?? file.title ?? file.id);
      if (!url) continue;
      let bytes: Uint8Array;
      try {
        bytes = await downloadBytes(url, { maxBytes, headers: { Authorization: `Bearer ${this.settings.botToken}` } });
      } catch (error) {
        if (!(error instanceof FileTooLargeError)) throw error;
        if (options.refuseTooLarge) refuse({ code: 'invalid_form', problems: [{ field: 'attachments', problem: 'too_large', fileName: name, maxBytes }] });
        this.log.warn({ file: name, maxBytes }, 'file over the size cap was not stored');
        continue;
      }
      const contentType = file.mimetype || guessContentType(name);
      const mismatch = options.checkContent ? checkFileContent(options.checkContent, { name, contentType }, bytes) : null;
      if (mismatch) refuse({ code: 'invalid_form', problems: [mismatch] });
      const put = await this.context.storage.put(bytes);
      stored.push({ ...put, name, contentType, sourceUrl: url });
    }
    return stored;
  }

  /** Uploads stored files into a thread (files.getUploadURLExternal, the bytes, files.completeUploadExternal). */
  async uploadFiles(channel: string, threadTs: string, files: readonly StoredAttachment[], comment: string): Promise<void> {
    if (files.length === 0) return;
    const uploads: Array<{ file: Buffer; filename: string }> = [];
    for (const file of files) uploads.push({ file: Buffer.from(await this.context.storage.get(file.storageKey)), filename: file.name });
    await this.shareFiles(channel, threadTs, comment, uploads);
  }

  /** Uploads one generated file (a transcript, an export) into a conversation or thread. */
  async uploadFile(channel: string, threadTs: string | null, name: string, bytes: Buffer, comment: string): Promise<void> {
    await this.shareFiles(channel, threadTs, comment, [{ file: bytes, filename: name }]);
  }

  /**
   * Uploads files and shares them in one message. Like a post, the last step (files.completeUploadExternal)
   * answered with a server error or a broken connection may have shared them all the same: before trying again
   * the bot looks among its own recent file shares there, so the files are not shared twice (the main client
   * would send the completion again at once).
   */
  private async shareFiles(channel: string, threadTs: string | null, comment: string, uploads: Array<{ file: Buffer; filename: string }>): Promise<void> {
    const since = (Date.now() - 5_000) / 1000;
    const names = uploads.map((u) => u.filename);
    await this.makeOnce(
      () => this.poster.filesUploadV2({ channel_id: channel, ...(threadTs ? { thread_ts: threadTs } : {}), initial_comment: comment, file_uploads: uploads }).then(() => true),
      async () => ((await this.ownShareSince(channel, threadTs, since, names)) ? true : null),
    );
  }

  /** Whether the bot shared files with these names, in this order, in a thread or channel since a time. */
  private async ownShareSince(channel: string, threadTs: string | null, since: number, names: readonly string[]): Promise<boolean> {
    try {
      const page = threadTs
        ? await this.client.conversations.replies({ channel, ts: threadTs, oldest: since.toFixed(6), limit: 100 })
        : await this.client.conversations.history({ channel, oldest: since.toFixed(6), limit: 100 });
      return (page.messages ?? []).some((m) => {
        const files = (m as { files?: Array<{ name?: string }> }).files;
        return m.bot_id === this.botId && m.ts !== threadTs && !!files && files.map((f) => f.name).join('\n') === names.join('\n');
      });
    } catch (error) {
      // Not knowing is not a reason to lose the files: they are uploaded again.
      this.log.warn({ err: error, channel }, 'could not look for files Slack may have shared');
      return false;
    }
  }

  /** Posts in a thread as the bot (or as someone, with their name and avatar) and remembers it as its own. */
  /**
   * Posts a message and gives its ts. Slack has no idempotency key: a post answered with a server error or a
   * broken connection may have been made all the same, so before trying again the bot looks for it among its
   * own recent posts there, and adopts it when found rather than posting it twice.
   */
  async post(channel: string, threadTs: string | null, text: string, extra: { username?: string; icon_url?: string | null; blocks?: unknown[] } = {}): Promise<string> {
    const body = {
      channel,
      text: truncate(text || ' ', 39_000),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(extra.username ? { username: truncate(extra.username, 80) } : {}),
      ...(extra.icon_url ? { icon_url: extra.icon_url } : {}),
      ...(extra.blocks ? { blocks: asJson(extra.blocks) } : {}),
      unfurl_links: false,
      unfurl_media: false,
    };
    // Slack's clock, a little before the first try: posts made since then may be this one.
    const since = (Date.now() - 5_000) / 1000;
    const posted = await this.makeOnce(
      () => this.lean('chat.postMessage', body).then((r) => ({ channel: String(r.channel ?? channel), ts: String(r.ts) })),
      async () => {
        const made = await this.ownPostSince(channel, threadTs, since, body.text, body.username);
        return made ? { channel, ts: made } : null;
      },
    );
    this.remember(posted.channel, posted.ts);
    return posted.ts;
  }

  /**
   * Makes something on Slack (a post, a file share) once, through the client that retries nothing by itself. A
   * rate limit is waited out (nothing was made); after a server error or a broken connection it may have been
   * made all the same, so `made` looks for it before each further try, and what it finds is adopted.
   */
  private async makeOnce<T>(make: () => Promise<T>, made: () => Promise<T | null>): Promise<T> {
    let maybeMade = false;
    for (let attempt = 1; ; attempt++) {
      try {
        return (maybeMade ? await made() : null) ?? (await make());
      } catch (error) {
        const retryAfter = (error as { code?: string; retryAfter?: number }).code === webApi.ErrorCode.RateLimitedError ? (error as { retryAfter: number }).retryAfter : null;
        if ((retryAfter === null && !isPassingFailure(error)) || attempt >= POST_TRIES) throw error;
        maybeMade ||= retryAfter === null;
        const backoff = 200 * 2 ** Math.min(attempt - 1, 5);
        await new Promise((resolve) => setTimeout(resolve, retryAfter !== null ? retryAfter * 1000 : backoff + Math.random() * backoff));
      }
    }
  }

  /** The ts of a post of the bot's with this text (and name), made in a thread or channel since a time. */
  private async ownPostSince(channel: string, threadTs: string | null, since: number, text: string, username: string | undefined): Promise<string | null> {
    try {
      const page = threadTs
        ? await this.client.conversations.replies({ channel, ts: threadTs, oldest: since.toFixed(6), limit: 100 })
        : await this.client.conversations.history({ channel, oldest: since.toFixed(6), limit: 100 });
      const made = page.messages?.find((m) => m.bot_id === this.botId && m.ts !== threadTs && m.text === text && (!username || (m as { username?: string }).username === username));
      return made?.ts ?? null;
    } catch (error) {
      // Not knowing is not a reason to lose the message: it is posted again.
      this.log.warn({ err: error, channel }, 'could not look for a post Slack may have made');
      return null;
    }
  }

  /** A notice from the bot in the staff thread, the requester's thread, or both; kept in the ticket's record. */
  async notice(ticket: Ticket, text: { staff?: string; requester?: string }): Promise<void> {
    if (text.staff && ticket.channelId && ticket.threadId) {
      const ts = await this.post(ticket.channelId, ticket.threadId, escapeMrkdwn(text.staff));
      await this.service.recordBotMessage({ ticketId: ticket.id, channelId: ticket.channelId, messageId: ts, authorId: this.botUserId, authorName: 'Support desk', role: 'system', visibility: 'internal', body: text.staff });
    }
    if (text.requester && ticket.requesterChannelId && ticket.requesterThreadId) {
      const ts = await this.post(ticket.requesterChannelId, ticket.requesterThreadId, escapeMrkdwn(text.requester));
      await this.service.recordBotMessage({ ticketId: ticket.id, channelId: ticket.requesterChannelId, messageId: ts, authorId: this.botUserId, authorName: 'Support desk', role: 'system', visibility: 'public', body: text.requester });
    }
  }

  private async reaction(method: 'add' | 'remove', channel: string, ts: string, name: string): Promise<void> {
    try {
      await this.send(`reactions.${method}`, { channel, timestamp: ts, name });
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code === 'already_reacted' || code === 'no_reaction') return;
      throw error;
    }
  }

  /**
   * Exactly one status reaction on each root message: the old one off (every other one when what shows is
   * `unknown`; none on new roots), the new one on.
   */
  async showStatus(ticket: Ticket, previous: ShownStatus | null): Promise<void> {
    const roots = [
      [ticket.channelId, ticket.threadId],
      [ticket.requesterChannelId, ticket.requesterThreadId],
    ] as const;
    // Both roots, and on each the old reaction off and the new one on, side by side: nothing orders them.
    await settleAll(
      roots.flatMap(([channel, ts]) =>
        !channel || !ts
          ? []
          : [
              ...statusesToTakeOff(ticket.status, previous).map((status) => this.reaction('remove', channel, ts, STATUS_REACTION[status])),
              this.reaction('add', channel, ts, STATUS_REACTION[ticket.status]),
            ],
      ),
    );
  }

  /** Redraws both cards with the ticket's current state. */
  async refreshCards(ticket: Ticket): Promise<void> {
    const desk = this.deskOf(ticket);
    const label = this.label(ticket);
    const updates: Array<Promise<unknown>> = [];
    if (ticket.channelId && ticket.threadId) {
      updates.push(this.send('chat.update', { channel: ticket.channelId, ts: ticket.threadId, text: cardText(label, ticket), blocks: asJson(staffCard(this.deskWords(desk), desk, ticket, label)) }));
    }
    if (ticket.requesterChannelId && ticket.requesterThreadId) {
      updates.push(
        this.send('chat.update', {
          channel: ticket.requesterChannelId,
          ts: ticket.requesterThreadId,
          text: cardText(label, ticket),
          blocks: asJson(requesterCard(this.requesterWords(ticket), desk, ticket, label)),
        }),
      );
    }
    await settleAll(updates);
  }
}

/** The notification text of a card: the subject escaped, so it can never ping or link. */
export function cardText(label: string, ticket: Ticket): string {
  return `${label} · ${escapeMrkdwn(ticket.subject)}`;
}
