import { randomBytes } from 'node:crypto';
import type { Domain, MessageInput, UploadedFile } from './domain.js';
import { DiscordHttpError, Errors } from './errors.js';
import type { Interactions } from './interactions.js';
import type { ChannelRecord, CommandRecord, MessageRecord } from './model.js';
import { has } from './permissions.js';
import { compareSnowflakes, discordTimestamp } from './snowflake.js';
import { ChannelKind, type Store } from './store.js';
import { FormCheck } from './validation.js';

type Json = Record<string, unknown>;

/** A parsed REST request. */
export interface RestRequest {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  files: UploadedFile[];
}

/** What a route answers. */
export interface RestResponse {
  status: number;
  body?: unknown;
}

type Handler = (req: RestRequest) => RestResponse;

interface Route {
  method: string;
  segments: string[];
  auth: boolean;
  handler: Handler;
}

/** Application settings the REST API reports. */
export interface RestSettings {
  applicationName: string;
  applicationFlags: number;
  privilegedGuildMembers: () => boolean;
  gatewayUrl: () => string;
  sessionStartLimit: () => { total: number; remaining: number; reset_after: number; max_concurrency: number };
  onGuildMemberUpdate: (guildId: string, userId: string) => void;
}

const ok = (body: unknown, status = 200): RestResponse => ({ status, body });
const noContent = (): RestResponse => ({ status: 204 });
const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Discord's REST API v10 over the fake's state: routing, checks, and the recorded answers. */
export class RestApi {
  private readonly routes: Route[] = [];
  readonly verifyKey = randomBytes(32).toString('hex');

  constructor(
    private readonly store: Store,
    private readonly domain: Domain,
    private readonly interactions: Interactions,
    private readonly settings: RestSettings,
  ) {
    this.register();
  }

  private add(method: string, path: string, handler: Handler, auth = true): void {
    this.routes.push({ method, segments: path.split('/').filter(Boolean), auth, handler });
  }

  /**
   * Finds the route for a decoded path (without `/api/v10`). Literal segments win over parameters.
   * Returns `method-not-allowed` when the path exists under another method.
   */
  match(method: string, segments: string[]): { route: Route; params: Record<string, string> } | 'method-not-allowed' | null {
    let best: { route: Route; params: Record<string, string>; score: number } | null = null;
    let pathExists = false;
    for (const route of this.routes) {
      if (route.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let score = 0;
      const fits = route.segments.every((seg, i) => {
        const actual = segments[i]!;
        if (seg.startsWith(':')) {
          params[seg.slice(1)] = actual;
          return true;
        }
        score += 1;
        return seg === actual;
      });
      if (!fits) continue;
      pathExists = true;
      if (route.method !== method) continue;
      if (!best || score > best.score) best = { route, params, score };
    }
    if (best) return { route: best.route, params: best.params };
    return pathExists ? 'method-not-allowed' : null;
  }

  private channel(id: string): ChannelRecord {
    const channel = this.store.channel(id);
    if (!channel) throw Errors.unknownChannel();
    if (channel.type === ChannelKind.DM) {
      if (!channel.recipientIds.length) throw Errors.unknownChannel();
      return channel;
    }
    if (!this.store.canView(this.store.botUserId, channel)) throw Errors.missingAccess();
    return channel;
  }

  private message(channel: ChannelRecord, id: string): MessageRecord {
    const message = this.store.messages.get(id);
    if (!message || message.deleted || message.channelId !== channel.id || message.ephemeralTo !== null) throw Errors.unknownMessage();
    return message;
  }

  private thread(id: string): ChannelRecord {
    const channel = this.channel(id);
    if (!channel.thread) throw Errors.wrongChannelType();
    return channel;
  }

  private guild(id: string) {
    const guild = this.store.guilds.get(id);
    if (!guild || !guild.members.has(this.store.botUserId)) throw Errors.unknownGuild();
    return guild;
  }

  private user(id: string): string {
    return id === '@me' ? this.store.botUserId : id;
  }

  private intQuery(check: FormCheck, query: URLSearchParams, name: string, def: number, min: number, max: number): number {
    const raw = query.get(name);
    if (raw === null) return def;
    const n = Number(raw);
    if (!Number.isInteger(n)) {
      check.add(name, { code: 'NUMBER_TYPE_COERCE', message: `Value "${raw}" is not int.` });
      return def;
    }
    if (n < min) check.add(name, { code: 'NUMBER_TYPE_MIN', message: `int value should be greater than or equal to ${min}.` });
    if (n > max) check.add(name, { code: 'NUMBER_TYPE_MAX', message: `int value should be less than or equal to ${max}.` });
    return n;
  }

  private application(): Json {
    const bot = this.store.apiUser(this.store.botUser);
    return {
      id: this.store.applicationId,
      name: this.settings.applicationName,
      icon: null,
      description: '',
      summary: '',
      type: null,
      hook: true,
      bot_public: true,
      bot_require_code_grant: false,
      bot,
      verify_key: this.verifyKey,
      flags: this.settings.applicationFlags,
      flags_new: String(this.settings.applicationFlags),
      redirect_uris: [],
      interactions_endpoint_url: null,
      role_connections_verification_url: null,
      event_webhooks_url: null,
      event_webhooks_status: 1,
      event_webhooks_types: [],
      owner: this.store.apiUser(this.store.requireUser(this.ownerUserId())),
      approximate_guild_count: [...this.store.guilds.values()].filter((g) => g.members.has(this.store.botUserId)).length,
      approximate_user_install_count: 0,
      approximate_user_authorization_count: 0,
      explicit_content_filter: 0,
      team: null,
      tags: [],
      integration_types_config: { '0': { oauth2_install_params: { scopes: ['bot', 'applications.commands'], permissions: '0' } } },
      eligible_oauth2_scopes: ['bot', 'applications.commands'],
    };
  }

  private ownerUserId(): string {
    const first = [...this.store.guilds.values()][0];
    return first?.ownerId ?? this.store.botUserId;
  }

  private commandView(command: CommandRecord): Json {
    return {
      ...command.body,
      id: command.id,
      application_id: command.applicationId,
      version: command.version,
      ...(command.guildId ? { guild_id: command.guildId } : {}),
    };
  }

  private checkCommand(check: FormCheck, raw: unknown, path: string): Json {
    const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Json;
    const pre = path ? `${path}.` : '';
    const type = (body.type as number | undefined) ?? 1;
    check.oneOf(`${pre}type`, type, [1, 2, 3, 4]);
    const name = body.name;
    check.length(`${pre}name`, name, 1, 32);
    if (type === 1 && typeof name === 'string' && (!COMMAND_NAME.test(name) || name !== name.toLowerCase())) {
      check.add(`${pre}name`, { code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' });
    }
    if (type === 1) check.length(`${pre}description`, body.description, 1, 100);
    else if (body.description) {
      check.fail(`${pre}description`, 'APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION', 'Context menu commands cannot have description');
    }
    const checkOptions = (options: unknown, p: string, depth: number) => {
      if (options === undefined || options === null) return;
      if (!Array.isArray(options)) return check.add(p, { code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
      check.maxLength(p, options, 25);
      let optionalSeen = false;
      const names = new Set<string>();
      options.forEach((o: Json, i: number) => {
        const op = `${p}.${i}`;
        check.oneOf(`${op}.type`, o.type, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        check.length(`${op}.name`, o.name, 1, 32);
        if (typeof o.name === 'string' && (!COMMAND_NAME.test(o.name) || o.name !== o.name.toLowerCase())) {
          check.add(`${op}.name`, { code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' });
        }
        if (typeof o.name === 'string') {
          if (names.has(o.name)) check.fail(`${op}.name`, 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', 'Option name already exists');
          names.add(o.name);
        }
        check.length(`${op}.description`, o.description, 1, 100);
        if (o.required === true && optionalSeen) {
          check.fail(p, 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
        }
        if (o.required !== true && o.type !== 1 && o.type !== 2) optionalSeen = true;
        check.maxLength(`${op}.choices`, o.choices, 25);
        if (o.type === 1 || o.type === 2) {
          if (depth >= (o.type === 2 ? 1 : 2)) check.fail(`${op}.type`, 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Invalid nesting');
          checkOptions(o.options, `${op}.options`, depth + 1);
        }
      });
    };
    if (type === 1) checkOptions(body.options, `${pre}options`, 0);
    return { ...body, type };
  }

  private upsertCommands(guildId: string | null, bodies: unknown[], replace: boolean): CommandRecord[] {
    const check = new FormCheck();
    const normalized = bodies.map((b, i) => this.checkCommand(check, b, replace ? String(i) : ''));
    const seen = new Set<string>();
    normalized.forEach((b, i) => {
      const key = `${String(b.type)}:${String(b.name)}`;
      if (seen.has(key)) check.add(`${i}.name`, { code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: `Application command names must be unique` });
      seen.add(key);
    });
    check.done();
    const existing = [...this.store.commands.values()].filter((c) => c.guildId === guildId);
    const result: CommandRecord[] = [];
    for (const b of normalized) {
      const body: Json = {
        type: b.type,
        name: b.name,
        description: b.description ?? '',
        default_member_permissions: b.default_member_permissions ?? null,
        ...(b.name_localizations ? { name_localizations: b.name_localizations } : {}),
        ...(b.description_localizations ? { description_localizations: b.description_localizations } : {}),
        ...(guildId ? {} : { dm_permission: b.dm_permission !== false }),
        contexts: b.contexts ?? null,
        integration_types: b.integration_types ?? [0],
        ...(b.options ? { options: b.options } : {}),
        nsfw: b.nsfw === true,
      };
      const previous = existing.find((c) => c.body.name === b.name && c.body.type === b.type);
      const changed = !previous || JSON.stringify(previous.body) !== JSON.stringify(body);
      const record: CommandRecord = {
        id: previous?.id ?? this.store.ids.next(),
        applicationId: this.store.applicationId,
        guildId,
        version: changed ? this.store.ids.next() : previous!.version,
        body,
      };
      this.store.commands.set(record.id, record);
      result.push(record);
    }
    if (replace) {
      const keep = new Set(result.map((c) => c.id));
      for (const c of existing) if (!keep.has(c.id)) this.store.commands.delete(c.id);
    }
    return result;
  }

  private commandsOf(appId: string, guildId: string | null): CommandRecord[] {
    if (appId !== this.store.applicationId) throw new DiscordHttpError(403, { message: 'Missing Access', code: 50001 });
    if (guildId) this.guild(guildId);
    return [...this.store.commands.values()].filter((c) => c.guildId === guildId);
  }

  private threadList(threads: ChannelRecord[], hasMore: boolean): Json {
    return {
      threads: threads.map((t) => this.store.apiChannel(t)),
      members: threads.filter((t) => t.thread!.members.has(this.store.botUserId)).map((t) => this.store.apiThreadMember(t, this.store.botUserId)),
      has_more: hasMore,
    };
  }

  private archivedThreads(parent: ChannelRecord, query: URLSearchParams, filter: (t: ChannelRecord) => boolean): Json {
    const check = new FormCheck();
    const limit = this.intQuery(check, query, 'limit', 50, 2, 100);
    check.done();
    const before = query.get('before');
    const beforeMs = before ? Date.parse(before) : Number.POSITIVE_INFINITY;
    const threads = [...this.store.channels.values()]
      .filter((c) => c.parentId === parent.id && c.thread?.archived && !c.deleted && filter(c))
      .filter((c) => Date.parse(c.thread!.archiveTimestamp) < beforeMs)
      .sort((a, b) => Date.parse(b.thread!.archiveTimestamp) - Date.parse(a.thread!.archiveTimestamp));
    return this.threadList(threads.slice(0, limit), threads.length > limit);
  }

  private bodyOf(req: RestRequest): Json {
    return (typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? req.body : {}) as Json;
  }

  private register(): void {
    const bot = () => this.store.botUserId;

    this.add('GET', '/gateway', () => ok({ url: this.settings.gatewayUrl() }), false);
    this.add('GET', '/gateway/bot', () =>
      ok({ url: this.settings.gatewayUrl(), shards: 1, session_start_limit: this.settings.sessionStartLimit() }),
    );

    this.add('GET', '/users/@me', () => ok(this.store.apiCurrentUser()));
    this.add('GET', '/users/:user', (req) => {
      const user = this.store.user(this.user(req.params.user!));
      if (!user) throw Errors.unknownUser();
      return ok(this.store.apiUser(user));
    });
    this.add('GET', '/users/@me/guilds', () =>
      ok(
        [...this.store.guilds.values()]
          .filter((g) => g.members.has(bot()))
          .map((g) => ({
            id: g.id,
            name: g.name,
            icon: null,
            banner: null,
            owner: g.ownerId === bot(),
            permissions: this.store.guildPermissions(g.id, bot()).toString(),
            features: [],
          })),
      ),
    );
    this.add('POST', '/users/@me/channels', (req) => {
      const body = this.bodyOf(req);
      const check = new FormCheck();
      check.required('recipient_id', body.recipient_id);
      check.done();
      const user = this.store.user(String(body.recipient_id));
      if (!user || user.id === bot()) throw new DiscordHttpError(400, { message: 'Invalid Recipient(s)', code: 50033 });
      return ok(this.store.apiChannel(this.domain.openDm(user.id)));
    });

    this.add('GET', '/applications/@me', () => ok(this.application()));
    this.add('GET', '/oauth2/applications/@me', () => ok(this.application()));

    for (const scoped of [false, true]) {
      const base = scoped ? '/applications/:app/guilds/:guild/commands' : '/applications/:app/commands';
      const guildOf = (req: RestRequest) => (scoped ? req.params.guild! : null);
      this.add('GET', base, (req) => ok(this.commandsOf(req.params.app!, guildOf(req)).map((c) => this.commandView(c))));
      this.add('PUT', base, (req) => {
        this.commandsOf(req.params.app!, guildOf(req));
        if (!Array.isArray(req.body)) throw Errors.invalidForm({ _root: [{ code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }] });
        return ok(this.upsertCommands(guildOf(req), req.body, true).map((c) => this.commandView(c)));
      });
      this.add('POST', base, (req) => {
        const before = this.commandsOf(req.params.app!, guildOf(req)).map((c) => c.id);
        const [record] = this.upsertCommands(guildOf(req), [req.body], false);
        return ok(this.commandView(record!), before.includes(record!.id) ? 200 : 201);
      });
      this.add('GET', `${base}/:command`, (req) => {
        const c = this.commandsOf(req.params.app!, guildOf(req)).find((x) => x.id === req.params.command);
        if (!c) throw Errors.unknownCommand();
        return ok(this.commandView(c));
      });
      this.add('PATCH', `${base}/:command`, (req) => {
        const c = this.commandsOf(req.params.app!, guildOf(req)).find((x) => x.id === req.params.command);
        if (!c) throw Errors.unknownCommand();
        const [record] = this.upsertCommands(guildOf(req), [{ ...c.body, ...this.bodyOf(req) }], false);
        return ok(this.commandView(record!));
      });
      this.add('DELETE', `${base}/:command`, (req) => {
        const c = this.commandsOf(req.params.app!, guildOf(req)).find((x) => x.id === req.params.command);
        if (!c) throw Errors.unknownCommand();
        this.store.commands.delete(c.id);
        return noContent();
      });
    }

    this.add(
      'POST',
      '/interactions/:id/:token/callback',
      (req) => {
        const withResponse = req.query.get('with_response') === 'true';
        const result = this.interactions.callback(req.params.id!, req.params.token!, this.bodyOf(req), req.files, withResponse);
        return result.body === undefined ? { status: result.status } : ok(result.body, result.status);
      },
      false,
    );
    this.add(
      'POST',
      '/webhooks/:app/:token',
      (req) => {
        const record = this.interactions.webhook(req.params.app!, req.params.token!);
        const message = this.interactions.followUp(record, this.bodyOf(req), req.files);
        return req.query.get('wait') === 'false' ? noContent() : ok(this.store.apiMessage(message));
      },
      false,
    );
    this.add(
      'GET',
      '/webhooks/:app/:token/messages/:message',
      (req) => {
        const record = this.interactions.webhook(req.params.app!, req.params.token!);
        return ok(this.store.apiMessage(this.interactions.webhookMessage(record, req.params.message!)));
      },
      false,
    );
    this.add(
      'PATCH',
      '/webhooks/:app/:token/messages/:message',
      (req) => {
        const record = this.interactions.webhook(req.params.app!, req.params.token!);
        return ok(this.store.apiMessage(this.interactions.editWebhookMessage(record, req.params.message!, this.bodyOf(req), req.files)));
      },
      false,
    );
    this.add(
      'DELETE',
      '/webhooks/:app/:token/messages/:message',
      (req) => {
        const record = this.interactions.webhook(req.params.app!, req.params.token!);
        this.domain.deleteMessage(this.interactions.webhookMessage(record, req.params.message!), { asWebhook: true });
        return noContent();
      },
      false,
    );

    this.add('GET', '/channels/:channel', (req) => ok(this.store.apiChannel(this.channel(req.params.channel!))));
    this.add('PATCH', '/channels/:channel', (req) => {
      const channel = this.channel(req.params.channel!);
      const body = this.bodyOf(req);
      if (channel.thread) return ok(this.store.apiChannel(this.domain.updateThread(bot(), channel, body)));
      if (channel.type === ChannelKind.DM) throw Errors.cannotExecuteOnDm();
      if (!this.store.can(bot(), channel, 'ManageChannels')) throw Errors.missingPermissions();
      const check = new FormCheck();
      if (body.name !== undefined) check.length('name', body.name, 1, 100);
      if (body.topic !== undefined && body.topic !== null) check.maxLength('topic', body.topic, 1024);
      check.done();
      this.domain.checkRename(channel, body.name);
      if (typeof body.name === 'string') channel.name = body.name;
      if (body.topic !== undefined) channel.topic = (body.topic as string | null) ?? null;
      if (typeof body.nsfw === 'boolean') channel.nsfw = body.nsfw;
      if (typeof body.rate_limit_per_user === 'number') channel.rateLimitPerUser = body.rate_limit_per_user;
      if (typeof body.position === 'number') channel.position = body.position;
      if (body.parent_id !== undefined) channel.parentId = (body.parent_id as string | null) ?? null;
      if (Array.isArray(body.permission_overwrites)) {
        if (!this.store.can(bot(), channel, 'ManageRoles')) throw Errors.missingPermissions();
        channel.overwrites = (body.permission_overwrites as Json[]).map((o) => ({
          id: String(o.id),
          type: Number(o.type) === 1 ? 1 : 0,
          allow: BigInt(String(o.allow ?? '0')),
          deny: BigInt(String(o.deny ?? '0')),
        }));
      }
      this.domain.dispatchChannelUpdate(channel);
      return ok(this.store.apiChannel(channel));
    });
    this.add('DELETE', '/channels/:channel', (req) => {
      const channel = this.channel(req.params.channel!);
      const view = this.store.apiChannel(channel);
      if (channel.type === ChannelKind.DM) return ok(view);
      this.domain.deleteChannel(bot(), channel);
      return ok(view);
    });

    this.add('GET', '/channels/:channel/messages', (req) => {
      const channel = this.channel(req.params.channel!);
      const check = new FormCheck();
      const limit = this.intQuery(check, req.query, 'limit', 50, 1, 100);
      check.done();
      if (channel.type !== ChannelKind.DM && !this.store.can(bot(), channel, 'ReadMessageHistory')) return ok([]);
      const all = this.store.visibleMessagesIn(channel.id);
      const before = req.query.get('before');
      const after = req.query.get('after');
      const around = req.query.get('around');
      let picked: MessageRecord[];
      if (around) {
        const older = all.filter((m) => compareSnowflakes(m.id, around) < 0);
        const newer = all.filter((m) => compareSnowflakes(m.id, around) >= 0);
        const half = Math.floor(limit / 2);
        const takeNewer = Math.min(newer.length, limit - Math.min(older.length, half));
        const takeOlder = Math.min(older.length, limit - takeNewer);
        picked = [...older.slice(older.length - takeOlder), ...newer.slice(0, takeNewer)];
      } else if (after) {
        picked = all.filter((m) => compareSnowflakes(m.id, after) > 0).slice(0, limit);
      } else {
        const pool = before ? all.filter((m) => compareSnowflakes(m.id, before) < 0) : all;
        picked = pool.slice(Math.max(0, pool.length - limit));
      }
      return ok(picked.reverse().map((m) => this.store.apiMessage(m)));
    });
    this.add('POST', '/channels/:channel/messages', (req) => {
      const channel = this.channel(req.params.channel!);
      return ok(this.store.apiMessage(this.domain.postMessage(channel, this.bodyOf(req) as MessageInput, req.files)));
    });
    this.add('GET', '/channels/:channel/messages/:message', (req) => {
      const channel = this.channel(req.params.channel!);
      if (channel.type !== ChannelKind.DM && !this.store.can(bot(), channel, 'ReadMessageHistory')) throw Errors.missingAccess();
      return ok(this.store.apiMessage(this.message(channel, req.params.message!)));
    });
    this.add('PATCH', '/channels/:channel/messages/:message', (req) => {
      const channel = this.channel(req.params.channel!);
      const message = this.message(channel, req.params.message!);
      return ok(this.store.apiMessage(this.domain.editMessage(message, this.bodyOf(req) as MessageInput, req.files)));
    });
    this.add('DELETE', '/channels/:channel/messages/:message', (req) => {
      const channel = this.channel(req.params.channel!);
      this.domain.deleteMessage(this.message(channel, req.params.message!));
      return noContent();
    });

    this.add('PUT', '/channels/:channel/messages/:message/reactions/:emoji/:user', (req) => {
      if (req.params.user !== '@me') return { status: 405, body: Errors.methodNotAllowed().body };
      const channel = this.channel(req.params.channel!);
      this.domain.addReaction(bot(), this.message(channel, req.params.message!), req.params.emoji!);
      return noContent();
    });
    this.add('DELETE', '/channels/:channel/messages/:message/reactions/:emoji/:user', (req) => {
      const channel = this.channel(req.params.channel!);
      const message = this.message(channel, req.params.message!);
      const userId = this.user(req.params.user!);
      if (userId !== bot() && !this.store.can(bot(), channel, 'ManageMessages')) throw Errors.missingPermissions();
      this.domain.removeReaction(userId, message, req.params.emoji!);
      return noContent();
    });
    this.add('GET', '/channels/:channel/messages/:message/reactions/:emoji', (req) => {
      const channel = this.channel(req.params.channel!);
      const message = this.message(channel, req.params.message!);
      const emoji = this.domain.parseEmoji(req.params.emoji!);
      const check = new FormCheck();
      const limit = this.intQuery(check, req.query, 'limit', 25, 1, 100);
      check.done();
      const after = req.query.get('after') ?? '0';
      const users = [...(message.reactions.get(emoji.name)?.userIds ?? [])]
        .sort(compareSnowflakes)
        .filter((id) => compareSnowflakes(id, after) > 0)
        .slice(0, limit);
      return ok(users.map((id) => this.store.apiUser(this.store.requireUser(id))));
    });
    this.add('DELETE', '/channels/:channel/messages/:message/reactions/:emoji', (req) => {
      const channel = this.channel(req.params.channel!);
      this.domain.clearReactions(this.message(channel, req.params.message!), req.params.emoji!);
      return noContent();
    });
    this.add('DELETE', '/channels/:channel/messages/:message/reactions', (req) => {
      const channel = this.channel(req.params.channel!);
      this.domain.clearReactions(this.message(channel, req.params.message!), null);
      return noContent();
    });

    const pin = (req: RestRequest, pinned: boolean): RestResponse => {
      const channel = this.channel(req.params.channel!);
      const message = this.message(channel, req.params.message!);
      const perms = this.store.permissions(bot(), channel);
      if (channel.type !== ChannelKind.DM && !has(perms, 'ManageMessages') && !has(perms, 'PinMessages')) throw Errors.missingPermissions();
      if (channel.thread?.archived) throw Errors.threadArchived();
      if (message.pinned === pinned) return noContent();
      message.pinned = pinned;
      message.pinnedAt = pinned ? discordTimestamp(Date.now()) : null;
      if (pinned) channel.lastPinTimestamp = message.pinnedAt;
      this.domain.dispatchMessageUpdate(message);
      if (pinned) {
        const notice = this.store.newMessage({
          channelId: channel.id,
          authorId: bot(),
          type: 6,
          messageReference: { type: 0, message_id: message.id, channel_id: channel.id, ...(channel.guildId ? { guild_id: channel.guildId } : {}) },
        });
        this.store.addMessage(notice);
        channel.lastMessageId = notice.id;
        this.domain.dispatchMessageCreate(notice);
      }
      return noContent();
    };
    this.add('PUT', '/channels/:channel/messages/pins/:message', (req) => pin(req, true));
    this.add('DELETE', '/channels/:channel/messages/pins/:message', (req) => pin(req, false));
    this.add('PUT', '/channels/:channel/pins/:message', (req) => pin(req, true));
    this.add('DELETE', '/channels/:channel/pins/:message', (req) => pin(req, false));
    const pinned = (channel: ChannelRecord) =>
      this.store.visibleMessagesIn(channel.id).filter((m) => m.pinned).sort((a, b) => Date.parse(b.pinnedAt!) - Date.parse(a.pinnedAt!));
    this.add('GET', '/channels/:channel/messages/pins', (req) => {
      const channel = this.channel(req.params.channel!);
      return ok({ items: pinned(channel).map((m) => ({ pinned_at: m.pinnedAt, message: this.store.apiMessage(m) })), has_more: false });
    });
    this.add('GET', '/channels/:channel/pins', (req) => ok(pinned(this.channel(req.params.channel!)).map((m) => this.store.apiMessage(m))));
    this.add('POST', '/channels/:channel/typing', (req) => {
      this.channel(req.params.channel!);
      return noContent();
    });

    this.add('POST', '/channels/:channel/threads', (req) => {
      const parent = this.channel(req.params.channel!);
      return ok(this.store.apiChannel(this.domain.createThread(bot(), parent, this.bodyOf(req))), 201);
    });
    this.add('GET', '/channels/:channel/thread-members', (req) => {
      const thread = this.thread(req.params.channel!);
      if (!this.settings.privilegedGuildMembers()) throw Errors.missingAccess();
      const withMember = req.query.get('with_member') === 'true';
      const check = new FormCheck();
      const limit = this.intQuery(check, req.query, 'limit', 100, 1, 100);
      check.done();
      const after = req.query.get('after') ?? '0';
      const ids = [...thread.thread!.members.keys()].sort(compareSnowflakes).filter((id) => compareSnowflakes(id, after) > 0);
      return ok((withMember ? ids.slice(0, limit) : ids).map((id) => this.store.apiThreadMember(thread, id, withMember)));
    });
    this.add('GET', '/channels/:channel/thread-members/:user', (req) => {
      const thread = this.thread(req.params.channel!);
      const userId = this.user(req.params.user!);
      if (!thread.thread!.members.has(userId)) throw Errors.unknownMember();
      return ok(this.store.apiThreadMember(thread, userId, req.query.get('with_member') === 'true'));
    });
    this.add('PUT', '/channels/:channel/thread-members/:user', (req) => {
      const thread = this.thread(req.params.channel!);
      this.domain.addThreadMember(bot(), thread, this.user(req.params.user!));
      return noContent();
    });
    this.add('DELETE', '/channels/:channel/thread-members/:user', (req) => {
      const thread = this.thread(req.params.channel!);
      this.domain.removeThreadMember(bot(), thread, this.user(req.params.user!));
      return noContent();
    });
    this.add('GET', '/channels/:channel/threads/archived/private', (req) => {
      const parent = this.channel(req.params.channel!);
      if (!this.store.can(bot(), parent, 'ReadMessageHistory') || !this.store.can(bot(), parent, 'ManageThreads')) throw Errors.missingPermissions();
      return ok(this.archivedThreads(parent, req.query, (t) => t.type === ChannelKind.PrivateThread));
    });
    this.add('GET', '/channels/:channel/threads/archived/public', (req) => {
      const parent = this.channel(req.params.channel!);
      if (!this.store.can(bot(), parent, 'ReadMessageHistory')) throw Errors.missingPermissions();
      return ok(this.archivedThreads(parent, req.query, (t) => t.type !== ChannelKind.PrivateThread));
    });
    this.add('GET', '/channels/:channel/users/@me/threads/archived/private', (req) => {
      const parent = this.channel(req.params.channel!);
      if (!this.store.can(bot(), parent, 'ReadMessageHistory')) throw Errors.missingPermissions();
      return ok(this.archivedThreads(parent, req.query, (t) => t.type === ChannelKind.PrivateThread && t.thread!.members.has(bot())));
    });

    this.add('GET', '/guilds/:guild', (req) => ok(this.store.apiGuild(this.guild(req.params.guild!), req.query.get('with_counts') === 'true')));
    this.add('GET', '/guilds/:guild/channels', (req) => {
      const guild = this.guild(req.params.guild!);
      return ok(this.store.guildChannels(guild.id).map((c) => this.store.apiChannel(c)));
    });
    this.add('GET', '/guilds/:guild/roles', (req) => {
      const guild = this.guild(req.params.guild!);
      return ok(this.store.rolesOf(guild).map((r) => this.store.apiRole(r)));
    });
    this.add('GET', '/guilds/:guild/threads/active', (req) => {
      const guild = this.guild(req.params.guild!);
      return ok(this.threadList(this.store.activeThreads(guild.id).filter((t) => this.store.canView(bot(), t)), false));
    });
    this.add('GET', '/guilds/:guild/members/:user', (req) => {
      const guild = this.guild(req.params.guild!);
      const member = guild.members.get(this.user(req.params.user!));
      if (!member) throw Errors.unknownMember();
      return ok(this.store.apiMember(member));
    });
    this.add('GET', '/guilds/:guild/members', (req) => {
      const guild = this.guild(req.params.guild!);
      if (!this.settings.privilegedGuildMembers()) throw Errors.missingAccess();
      const check = new FormCheck();
      const limit = this.intQuery(check, req.query, 'limit', 1, 1, 1000);
      check.done();
      const after = req.query.get('after') ?? '0';
      const members = [...guild.members.values()]
        .sort((a, b) => compareSnowflakes(a.userId, b.userId))
        .filter((m) => compareSnowflakes(m.userId, after) > 0)
        .slice(0, limit);
      return ok(members.map((m) => this.store.apiMember(m)));
    });
    this.add('GET', '/guilds/:guild/members/search', (req) => {
      const guild = this.guild(req.params.guild!);
      const check = new FormCheck();
      const query = req.query.get('query');
      check.required('query', query);
      const limit = this.intQuery(check, req.query, 'limit', 1, 1, 1000);
      check.done();
      const q = query!.toLowerCase();
      const members = [...guild.members.values()].filter((m) => {
        const user = this.store.requireUser(m.userId);
        return [user.username, user.globalName, m.nick].some((n) => n?.toLowerCase().startsWith(q));
      });
      return ok(members.slice(0, limit).map((m) => this.store.apiMember(m)));
    });
    for (const method of ['PUT', 'DELETE'] as const) {
      this.add(method, '/guilds/:guild/members/:user/roles/:role', (req) => {
        const guild = this.guild(req.params.guild!);
        const member = guild.members.get(req.params.user!);
        if (!member) throw Errors.unknownMember();
        const role = guild.roles.get(req.params.role!);
        if (!role || role.id === guild.id) throw Errors.unknownRole();
        if (!has(this.store.guildPermissions(guild.id, bot()), 'ManageRoles')) throw Errors.missingPermissions();
        const botTop = Math.max(...this.store.member(guild.id, bot())!.roleIds.map((id) => guild.roles.get(id)?.position ?? 0), 0);
        if (role.position >= botTop || role.managed) throw Errors.missingPermissions();
        const present = member.roleIds.includes(role.id);
        if (method === 'PUT' && !present) member.roleIds.push(role.id);
        if (method === 'DELETE' && present) member.roleIds = member.roleIds.filter((id) => id !== role.id);
        if (present !== (method === 'PUT')) this.settings.onGuildMemberUpdate(guild.id, member.userId);
        return noContent();
      });
    }
  }
}
