import { randomBytes } from 'node:crypto';
import type { APIMessage } from 'discord.js';
import type { Domain, MessageInput, UploadedFile } from './domain.js';
import { Errors } from './errors.js';
import { contentTypeFor, imageSize, sanitizeFilename } from './files.js';
import type { AttachmentRecord, ChannelRecord, MessageRecord } from './model.js';
import { ChannelKind, type Store } from './store.js';
import { checkModal, flattenComponents } from './validation.js';

type Json = Record<string, unknown>;

/** The first callback the bot sent for an interaction. */
export interface InteractionCallback {
  type: number;
  data?: Json;
  files: Array<{ name: string; size: number; contentType: string | null }>;
  at: number;
  withResponse: boolean;
}

/** A file a test user attaches (slash-command attachment option, modal upload, message). */
export interface TestFile {
  name: string;
  contentType?: string;
  bytes: Buffer;
}

/** Everything the fake remembers about one interaction. */
export interface InteractionRecord {
  id: string;
  token: string;
  type: number;
  createdAt: number;
  payload: Json;
  userId: string;
  guildId: string | null;
  channelId: string;
  locale: string;
  sourceMessageId: string | null;
  metadata: Json;
  commandName: string | null;
  callback: InteractionCallback | null;
  originalMessageId: string | null;
  followUpIds: string[];
  modal: Json | null;
  waiters: Array<(callback: InteractionCallback) => void>;
}

/** Where a modal came from, for `submitModal` without a handle. */
export interface ModalSource {
  modal: Json;
  guildId?: string | null;
  channelId: string;
  sourceMessageId?: string | null;
  triggeringMetadata?: Json;
}

/** Values a test user types into a modal, by the `custom_id` of each input. */
export type ModalValues = Record<string, string | string[] | boolean | null>;

/** A test's view of one interaction it started. */
export class InteractionHandle {
  /** @internal */
  constructor(
    readonly record: InteractionRecord,
    private readonly store: Store,
  ) {}

  /** The interaction id. */
  get id(): string {
    return this.record.id;
  }

  /** The interaction token (also the webhook token of its follow-ups). */
  get token(): string {
    return this.record.token;
  }

  /** The INTERACTION_CREATE payload that was dispatched. */
  get payload(): Json {
    return this.record.payload;
  }

  /** The first callback, or null while the bot has not answered. */
  get callback(): InteractionCallback | null {
    return this.record.callback;
  }

  /** The modal the bot answered with (ids assigned as Discord does), if it answered with type 9. */
  get modal(): Json | undefined {
    return this.record.modal ?? undefined;
  }

  /** Waits for the bot's first callback (rejects after `timeoutMs`). */
  response(timeoutMs = 3000): Promise<InteractionCallback> {
    if (this.record.callback) return Promise.resolve(this.record.callback);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`FakeDiscord: no callback for interaction ${this.record.id} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.record.waiters.push((callback) => {
        clearTimeout(timer);
        resolve(callback);
      });
    });
  }

  /** The message `@original` points at (the reply, or the updated component message), or null. */
  original(): APIMessage | null {
    const message = this.record.originalMessageId ? this.store.messages.get(this.record.originalMessageId) : undefined;
    return message && !message.deleted ? this.store.apiMessage(message) : null;
  }

  /** Follow-up messages the bot sent, oldest first. */
  followUps(): APIMessage[] {
    return this.record.followUpIds
      .map((id) => this.store.messages.get(id)!)
      .filter((m) => !m.deleted)
      .map((m) => this.store.apiMessage(m));
  }
}

const COMMAND = 2;
const COMPONENT = 3;
const MODAL_SUBMIT = 5;

/** Interactions: building what Discord sends, and answering callbacks and webhook calls. */
export class Interactions {
  readonly records = new Map<string, InteractionRecord>();

  constructor(
    private readonly store: Store,
    private readonly domain: Domain,
    private readonly dispatch: (guildId: string | null, payload: Json) => void,
    private readonly settings: { timeoutMs: number; tokenTtlMs: number; maxUploadBytes: number },
  ) {}

  private createAttachment(channelId: string, file: TestFile): AttachmentRecord {
    const filename = sanitizeFilename(file.name);
    const size = imageSize(file.bytes);
    const record: AttachmentRecord = {
      id: this.store.ids.next(),
      channelId,
      filename,
      size: file.bytes.length,
      contentType: contentTypeFor(filename, file.contentType),
      description: null,
      title: null,
      bytes: file.bytes,
      ephemeral: true,
      width: size?.width ?? null,
      height: size?.height ?? null,
    };
    if (record.size > this.settings.maxUploadBytes) throw new Error(`FakeDiscord: ${file.name} is over the upload limit`);
    this.store.attachments.set(record.id, record);
    return record;
  }

  /** The fields every interaction carries: ids, token, guild/channel/member or DM user, locale, permissions. */
  private base(type: number, userId: string, channel: ChannelRecord, locale: string): { record: InteractionRecord; payload: Json } {
    const user = this.store.requireUser(userId);
    const id = this.store.ids.next();
    const token = Buffer.from(`interaction:${id}:${randomBytes(48).toString('base64url')}`).toString('base64url');
    const guildId = channel.guildId;
    const payload: Json = {
      app_permissions: this.store.permissions(this.store.botUserId, channel).toString(),
      application_id: this.store.applicationId,
      attachment_size_limit: this.settings.maxUploadBytes,
      authorizing_integration_owners: { '0': guildId ?? '0' },
      channel: { ...this.store.apiChannel(channel), permissions: this.store.permissions(userId, channel).toString() },
      channel_id: channel.id,
      context: guildId ? 0 : 1,
      entitlement_sku_ids: [],
      entitlements: [],
      id,
      locale,
      token,
      type,
      version: 1,
    };
    if (guildId) {
      const guild = this.store.guilds.get(guildId)!;
      const member = this.store.member(guildId, userId);
      if (!member) throw new Error(`FakeDiscord: user ${userId} is not a member of guild ${guildId}`);
      payload.guild = { id: guildId, locale: guild.preferredLocale, features: [] };
      payload.guild_id = guildId;
      payload.guild_locale = guild.preferredLocale;
      payload.member = { ...this.store.apiMember(member), permissions: this.store.permissions(userId, channel).toString() };
    } else {
      payload.user = this.store.apiUser(user);
    }
    const record: InteractionRecord = {
      id,
      token,
      type,
      createdAt: Date.now(),
      payload,
      userId,
      guildId,
      channelId: channel.id,
      locale,
      sourceMessageId: null,
      metadata: {
        id,
        type,
        user: this.store.apiUser(user),
        authorizing_integration_owners: { '0': guildId ?? '0' },
      },
      commandName: null,
      callback: null,
      originalMessageId: null,
      followUpIds: [],
      modal: null,
      waiters: [],
    };
    return { record, payload };
  }

  private start(record: InteractionRecord): InteractionHandle {
    this.records.set(record.id, record);
    this.dispatch(record.guildId, record.payload);
    return new InteractionHandle(record, this.store);
  }

  private interactionChannel(channelId: string, userId: string): ChannelRecord {
    const channel = this.store.requireChannel(channelId);
    if (channel.type !== ChannelKind.DM && !this.store.canView(userId, channel)) {
      throw new Error(`FakeDiscord: user ${userId} cannot see channel ${channelId}`);
    }
    return channel;
  }

  /** Dispatches a chat-input command as a user would run it; the command must be registered. */
  slashCommand(args: {
    guildId?: string | null;
    channelId: string;
    userId: string;
    name: string;
    subcommandGroup?: string;
    subcommand?: string;
    options?: Record<string, string | number | boolean | TestFile>;
    locale?: string;
  }): InteractionHandle {
    const channel = this.interactionChannel(args.channelId, args.userId);
    const guildId = args.guildId ?? channel.guildId;
    const command =
      [...this.store.commands.values()].find((c) => c.guildId === guildId && c.body.name === args.name && (c.body.type ?? 1) === 1) ??
      [...this.store.commands.values()].find((c) => c.guildId === null && c.body.name === args.name && (c.body.type ?? 1) === 1);
    if (!command) throw new Error(`FakeDiscord: no chat-input command "${args.name}" is registered (global or in guild ${guildId})`);
    const user = this.store.requireUser(args.userId);
    const { record, payload } = this.base(COMMAND, args.userId, channel, args.locale ?? user.locale);
    const resolved: Record<string, Json> = {};
    let defs = (command.body.options ?? []) as Json[];
    const wrap: Array<{ name: string; type: number }> = [];
    for (const [name, type] of [
      [args.subcommandGroup, 2],
      [args.subcommand, 1],
    ] as const) {
      if (!name) continue;
      const def = defs.find((d) => d.name === name && d.type === type);
      if (!def) throw new Error(`FakeDiscord: command ${args.name} has no ${type === 1 ? 'subcommand' : 'group'} ${name}`);
      wrap.push({ name, type });
      defs = (def.options ?? []) as Json[];
    }
    if (!args.subcommand && defs.some((d) => d.type === 1 || d.type === 2)) {
      throw new Error(`FakeDiscord: command ${args.name} needs a subcommand`);
    }
    const options = Object.entries(args.options ?? {}).map(([name, value]) => {
      const def = defs.find((d) => d.name === name);
      if (!def) throw new Error(`FakeDiscord: command ${args.name} has no option ${name}`);
      return this.commandOption(def, value, channel, resolved);
    });
    for (const def of defs) {
      if (def.required === true && !(String(def.name) in (args.options ?? {}))) {
        throw new Error(`FakeDiscord: option ${String(def.name)} of ${args.name} is required`);
      }
    }
    let tree: Json[] = options;
    for (const level of [...wrap].reverse()) tree = [{ name: level.name, type: level.type, options: tree }];
    payload.data = {
      id: command.id,
      name: args.name,
      type: 1,
      ...(command.guildId ? { guild_id: command.guildId } : {}),
      ...(tree.length ? { options: tree } : {}),
      ...(Object.keys(resolved).length ? { resolved } : {}),
    };
    record.commandName = [args.name, args.subcommandGroup, args.subcommand].filter(Boolean).join(' ');
    return this.start(record);
  }

  private commandOption(def: Json, value: unknown, channel: ChannelRecord, resolved: Record<string, Json>): Json {
    const type = def.type as number;
    const name = def.name as string;
    const choices = def.choices as Array<{ value: unknown }> | undefined;
    if (choices && !choices.some((c) => c.value === value)) throw new Error(`FakeDiscord: ${String(value)} is not a choice of option ${name}`);
    const add = (kind: string, id: string, data: Json) => ((resolved[kind] ??= {})[id] = data);
    switch (type) {
      case 3:
      case 4:
      case 5:
      case 10:
        return { name, type, value };
      case 6:
      case 9: {
        const id = String(value);
        const user = this.store.user(id);
        const role = channel.guildId ? this.store.guilds.get(channel.guildId)?.roles.get(id) : undefined;
        if (user) {
          add('users', id, this.store.apiUser(user) as unknown as Json);
          const member = channel.guildId ? this.store.member(channel.guildId, id) : undefined;
          if (member) {
            const { user: _u, ...rest } = this.store.apiMember(member) as unknown as Json;
            add('members', id, { ...rest, permissions: this.store.permissions(id, channel).toString() });
          }
        } else if (role && type === 9) {
          add('roles', id, this.store.apiRole(role) as unknown as Json);
        } else {
          throw new Error(`FakeDiscord: unknown user ${id} for option ${name}`);
        }
        return { name, type, value: id };
      }
      case 7: {
        const target = this.store.requireChannel(String(value));
        const api = this.store.apiChannel(target) as unknown as Json;
        add('channels', target.id, {
          id: target.id,
          name: target.name,
          type: target.type,
          permissions: this.store.permissions(this.store.botUserId, target).toString(),
          ...(target.thread ? { parent_id: target.parentId, thread_metadata: api.thread_metadata } : {}),
        });
        return { name, type, value: target.id };
      }
      case 8: {
        const role = channel.guildId ? this.store.guilds.get(channel.guildId)?.roles.get(String(value)) : undefined;
        if (!role) throw new Error(`FakeDiscord: unknown role ${String(value)} for option ${name}`);
        add('roles', role.id, this.store.apiRole(role) as unknown as Json);
        return { name, type, value: role.id };
      }
      case 11: {
        const attachment = this.createAttachment(channel.id, value as TestFile);
        add('attachments', attachment.id, this.store.apiAttachment(attachment) as unknown as Json);
        return { name, type, value: attachment.id };
      }
      default:
        throw new Error(`FakeDiscord: option type ${type} is not supported`);
    }
  }

  private findMessage(channelId: string, messageId: string, userId: string): MessageRecord {
    const message = this.store.messages.get(messageId);
    if (!message || message.deleted || message.channelId !== channelId) throw new Error(`FakeDiscord: no message ${messageId} in ${channelId}`);
    if (message.ephemeralTo !== null && message.ephemeralTo !== userId) {
      throw new Error(`FakeDiscord: message ${messageId} is ephemeral and only ${message.ephemeralTo} sees it`);
    }
    return message;
  }

  /** Dispatches a component interaction (button click, select) on a message the bot sent. */
  component(args: {
    channelId: string;
    messageId: string;
    userId: string;
    customId: string;
    values?: string[];
    locale?: string;
  }): InteractionHandle {
    const message = this.findMessage(args.channelId, args.messageId, args.userId);
    const component = flattenComponents(message.components).find((c) => c.custom_id === args.customId);
    if (!component) throw new Error(`FakeDiscord: message ${message.id} has no component ${args.customId}`);
    if (component.disabled === true) throw new Error(`FakeDiscord: component ${args.customId} is disabled`);
    const type = component.type as number;
    if ((type === 2) !== (args.values === undefined)) {
      throw new Error(`FakeDiscord: component ${args.customId} is ${type === 2 ? 'a button: no values' : 'a select: give values'}`);
    }
    const channel = this.interactionChannel(args.channelId, args.userId);
    const user = this.store.requireUser(args.userId);
    const { record, payload } = this.base(COMPONENT, args.userId, channel, args.locale ?? user.locale);
    const data: Json = { custom_id: args.customId, component_type: type, id: component.id };
    if (args.values) {
      const min = (component.min_values as number | undefined) ?? 1;
      const max = (component.max_values as number | undefined) ?? 1;
      if (args.values.length < min || args.values.length > max) throw new Error(`FakeDiscord: select ${args.customId} takes ${min}..${max} values`);
      if (type === 3) {
        const allowed = ((component.options ?? []) as Json[]).map((o) => o.value);
        for (const v of args.values) if (!allowed.includes(v)) throw new Error(`FakeDiscord: ${v} is not an option of ${args.customId}`);
      }
      data.values = args.values;
      const resolved = this.resolveSelect(type, args.values, channel);
      if (resolved) data.resolved = resolved;
    }
    payload.data = data;
    payload.message = this.store.apiMessage(message);
    record.sourceMessageId = message.id;
    record.metadata = { ...record.metadata, interacted_message_id: message.id };
    return this.start(record);
  }

  private resolveSelect(type: number, values: string[], channel: ChannelRecord): Json | null {
    if (type < 5 || type > 8) return null;
    const resolved: Record<string, Json> = {};
    const add = (kind: string, id: string, data: unknown) => ((resolved[kind] ??= {})[id] = data as Json);
    for (const id of values) {
      const user = this.store.user(id);
      const role = channel.guildId ? this.store.guilds.get(channel.guildId)?.roles.get(id) : undefined;
      const target = this.store.channel(id);
      if ((type === 5 || type === 7) && user) {
        add('users', id, this.store.apiUser(user));
        const member = channel.guildId ? this.store.member(channel.guildId, id) : undefined;
        if (member) {
          const { user: _u, ...rest } = this.store.apiMember(member) as unknown as Json;
          add('members', id, { ...rest, permissions: this.store.permissions(id, channel).toString() });
        }
      } else if ((type === 6 || type === 7) && role) {
        add('roles', id, this.store.apiRole(role));
      } else if (type === 8 && target) {
        const permissions = this.store.permissions(this.store.botUserId, target).toString();
        add('channels', id, { id, name: target.name, type: target.type, permissions });
      } else {
        throw new Error(`FakeDiscord: ${id} cannot be selected in a type ${type} select`);
      }
    }
    return resolved;
  }

  /** Dispatches a modal submit built from the modal the bot sent, as the Discord client fills it in. */
  submitModal(source: ModalSource, userId: string, values: ModalValues, files: Record<string, TestFile[]> = {}, locale?: string): InteractionHandle {
    const channel = this.interactionChannel(source.channelId, userId);
    const user = this.store.requireUser(userId);
    const { record, payload } = this.base(MODAL_SUBMIT, userId, channel, locale ?? user.locale);
    const used = new Set<string>();
    const attachments: Record<string, Json> = {};
    const take = (customId: string) => {
      used.add(customId);
      return values[customId];
    };
    const child = (c: Json, inLabel: boolean): Json => {
      const customId = c.custom_id as string;
      const required = c.required !== false;
      const out: Json = { type: c.type, id: c.id, custom_id: customId };
      switch (c.type) {
        case 4: {
          const raw = take(customId);
          const value = typeof raw === 'string' ? raw : '';
          if (raw !== undefined && typeof raw !== 'string') throw new Error(`FakeDiscord: text input ${customId} takes a string`);
          if (required && !value) throw new Error(`FakeDiscord: text input ${customId} is required`);
          const min = (c.min_length as number | undefined) ?? 0;
          const max = (c.max_length as number | undefined) ?? 4000;
          if (value && (value.length < min || value.length > max)) throw new Error(`FakeDiscord: ${customId} must be ${min}..${max} characters`);
          out.value = value;
          return out;
        }
        case 19: {
          used.add(customId);
          const uploads = files[customId] ?? [];
          const min = (c.min_values as number | undefined) ?? (required ? 1 : 0);
          const max = (c.max_values as number | undefined) ?? 1;
          if (uploads.length < (required ? Math.max(min, 1) : 0) || uploads.length > max) {
            throw new Error(`FakeDiscord: file upload ${customId} takes ${required ? Math.max(min, 1) : 0}..${max} files`);
          }
          out.values = uploads.map((file) => {
            const record = this.createAttachment(channel.id, file);
            attachments[record.id] = this.store.apiAttachment(record) as unknown as Json;
            return record.id;
          });
          return out;
        }
        case 21: {
          const raw = take(customId);
          if (raw !== undefined && raw !== null && typeof raw !== 'string') throw new Error(`FakeDiscord: radio group ${customId} takes a string`);
          if (required && !raw) throw new Error(`FakeDiscord: radio group ${customId} is required`);
          out.value = raw ?? null;
          return out;
        }
        case 23: {
          const raw = take(customId);
          out.value = raw === true;
          return out;
        }
        default: {
          const raw = take(customId);
          const list = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [String(raw)];
          const min = (c.min_values as number | undefined) ?? (inLabel && !required ? 0 : 1);
          const max = (c.max_values as number | undefined) ?? 1;
          if ((required || list.length) && (list.length < min || list.length > max)) {
            throw new Error(`FakeDiscord: ${customId} takes ${min}..${max} values`);
          }
          if (c.type === 3 || c.type === 22) {
            const allowed = ((c.options ?? []) as Json[]).map((o) => o.value);
            for (const v of list) if (!allowed.includes(v)) throw new Error(`FakeDiscord: ${v} is not an option of ${customId}`);
          }
          out.values = list;
          return out;
        }
      }
    };
    const components = ((source.modal.components ?? []) as Json[]).map((c): Json => {
      if (c.type === 18) return { type: 18, id: c.id, component: child(c.component as Json, true) };
      if (c.type === 1) return { type: 1, id: c.id, components: ((c.components ?? []) as Json[]).map((i) => child(i, false)) };
      return { type: c.type, id: c.id };
    });
    for (const key of [...Object.keys(values), ...Object.keys(files)]) {
      if (!used.has(key)) throw new Error(`FakeDiscord: the modal has no input ${key}`);
    }
    payload.data = {
      custom_id: source.modal.custom_id,
      components,
      ...(Object.keys(attachments).length ? { resolved: { attachments } } : {}),
    };
    if (source.sourceMessageId) {
      const message = this.store.messages.get(source.sourceMessageId);
      if (message && !message.deleted) payload.message = this.store.apiMessage(message);
      record.sourceMessageId = source.sourceMessageId;
    }
    record.metadata = {
      ...record.metadata,
      ...(source.triggeringMetadata ? { triggering_interaction_metadata: source.triggeringMetadata } : {}),
    };
    return this.start(record);
  }

  /** The modal source of a handle whose interaction the bot answered with a modal. */
  modalSource(handle: InteractionHandle): ModalSource {
    const record = handle.record;
    if (!record.modal) {
      throw new Error(`FakeDiscord: interaction ${record.id} was answered with type ${record.callback?.type ?? 'nothing'}, not a modal`);
    }
    return {
      modal: record.modal,
      guildId: record.guildId,
      channelId: record.channelId,
      sourceMessageId: record.sourceMessageId,
      triggeringMetadata: record.metadata,
    };
  }

  private messageMetadata(record: InteractionRecord): { metadata: Json; legacy: Json | null; type: number } {
    const user = this.store.apiUser(this.store.requireUser(record.userId));
    const member = record.guildId ? this.store.member(record.guildId, record.userId) : undefined;
    const legacy =
      record.type === COMMAND
        ? {
            id: record.id,
            type: record.type,
            name: record.commandName ?? '',
            user,
            ...(member ? { member: this.store.apiMemberNoUser(member) } : {}),
          }
        : null;
    return { metadata: record.metadata, legacy, type: record.type === COMMAND ? 20 : 0 };
  }

  private postAsInteraction(
    record: InteractionRecord,
    input: MessageInput,
    files: UploadedFile[],
    options: { loading?: boolean; metadata?: Json } = {},
  ): MessageRecord {
    const channel = this.store.requireChannel(record.channelId);
    const meta = this.messageMetadata(record);
    return this.domain.postMessage(channel, input, files, {
      interaction: {
        id: record.id,
        ephemeralTo: record.userId,
        type: meta.type,
        metadata: options.metadata ?? meta.metadata,
        legacy: meta.legacy,
        loading: options.loading ?? false,
      },
    });
  }

  /** `POST /interactions/{id}/{token}/callback`: answers 204, or 200 with the callback response when asked. */
  callback(id: string, token: string, body: Json, files: UploadedFile[], withResponse: boolean): { status: number; body?: Json } {
    const record = this.records.get(id);
    if (!record || record.token !== token) throw Errors.unknownInteraction();
    if (record.callback) throw Errors.alreadyAcknowledged();
    if (Date.now() - record.createdAt > this.settings.timeoutMs) throw Errors.unknownInteraction();
    const type = body.type;
    const data = (body.data ?? {}) as Json;
    const fromComponent = record.type === COMPONENT || (record.type === MODAL_SUBMIT && record.sourceMessageId !== null);
    const invalidType = () =>
      Errors.invalidForm({
        type: [{ code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: 'Interaction response type is invalid for this interaction' }],
      });
    let message: MessageRecord | null = null;
    switch (type) {
      case 4:
        message = this.postAsInteraction(record, data as MessageInput, files);
        record.originalMessageId = message.id;
        break;
      case 5:
        message = this.postAsInteraction(record, { flags: ((data.flags as number | undefined) ?? 0) & 64 }, [], { loading: true });
        record.originalMessageId = message.id;
        break;
      case 6:
        if (!fromComponent) throw invalidType();
        record.originalMessageId = record.sourceMessageId;
        break;
      case 7: {
        if (!fromComponent) throw invalidType();
        const source = this.store.messages.get(record.sourceMessageId!);
        if (!source || source.deleted) throw Errors.unknownMessage();
        message = this.domain.editMessage(source, data as MessageInput, files, { asWebhook: true });
        record.originalMessageId = source.id;
        break;
      }
      case 9:
        if (record.type !== COMMAND && record.type !== COMPONENT) throw invalidType();
        record.modal = checkModal(data);
        break;
      case 1:
      case 8:
        throw invalidType();
      default:
        throw Errors.invalidForm({ type: [{ code: 'BASE_TYPE_CHOICES', message: 'Value must be one of {1, 4, 5, 6, 7, 8, 9, 10, 12}.' }] });
    }
    const callback: InteractionCallback = {
      type: type as number,
      ...(body.data !== undefined ? { data: body.data as Json } : {}),
      files: files.map((f) => ({ name: f.filename, size: f.bytes.length, contentType: f.contentType })),
      at: Date.now(),
      withResponse,
    };
    record.callback = callback;
    for (const waiter of record.waiters.splice(0)) waiter(callback);
    if (!withResponse) return { status: 204 };
    const original = record.originalMessageId ? this.store.messages.get(record.originalMessageId) : undefined;
    const interaction: Json = {
      id: record.id,
      type: record.type,
      ...(original ? { response_message_id: original.id } : {}),
      ...(original ? { response_message_loading: (original.flags & 128) !== 0 } : {}),
      ...(original ? { response_message_ephemeral: (original.flags & 64) !== 0 } : {}),
    };
    const resource =
      (type === 4 || type === 7) && message
        ? { type, message: this.store.apiMessage(message) }
        : type === 5 || type === 6 || type === 9
          ? { type }
          : undefined;
    return { status: 200, body: { interaction, ...(resource ? { resource } : {}) } };
  }

  /** The interaction behind a webhook `{application}/{token}` pair. */
  webhook(applicationId: string, token: string): InteractionRecord {
    if (applicationId !== this.store.applicationId) throw Errors.unknownWebhook();
    const record = [...this.records.values()].find((r) => r.token === token);
    if (!record || Date.now() - record.createdAt > this.settings.tokenTtlMs) throw Errors.invalidWebhookToken();
    return record;
  }

  /** A message of this interaction (`@original` or a follow-up id). */
  webhookMessage(record: InteractionRecord, messageId: string): MessageRecord {
    const id = messageId === '@original' ? record.originalMessageId : messageId;
    const owned = id !== null && (id === record.originalMessageId || record.followUpIds.includes(id));
    const message = owned ? this.store.messages.get(id) : undefined;
    if (!message || message.deleted) throw Errors.unknownMessage();
    return message;
  }

  /** `PATCH /webhooks/{app}/{token}/messages/{id}`: a deferred reply loses its loading state on its first edit. */
  editWebhookMessage(record: InteractionRecord, messageId: string, body: Json, files: UploadedFile[]): MessageRecord {
    const message = this.webhookMessage(record, messageId);
    const wasLoading = (message.flags & 128) !== 0;
    if (wasLoading) message.flags &= ~128;
    try {
      return this.domain.editMessage(message, body as MessageInput, files, { asWebhook: true, markEdited: !wasLoading });
    } catch (error) {
      if (wasLoading) message.flags |= 128;
      throw error;
    }
  }

  /** `POST /webhooks/{app}/{token}`: a follow-up; right after a deferral it fills in the loading reply instead. */
  followUp(record: InteractionRecord, body: Json, files: UploadedFile[]): MessageRecord {
    if (!record.callback || record.callback.type === 9) throw Errors.unknownWebhook();
    const original = record.originalMessageId ? this.store.messages.get(record.originalMessageId) : undefined;
    if (record.callback.type === 5 && original && (original.flags & 128) !== 0 && !original.deleted) {
      const { flags: _ignored, ...rest } = body;
      return this.editWebhookMessage(record, original.id, rest, files);
    }
    const message = this.postAsInteraction(record, body as MessageInput, files, {
      metadata: { ...record.metadata, ...(original ? { original_response_message_id: original.id } : {}) },
    });
    record.followUpIds.push(message.id);
    return message;
  }
}
