import { createHash } from 'node:crypto';
import type { Attachment, AuthorRole, Ticket, TicketEvent, TicketEventType, TicketMessage, TicketRecord } from '../../src/core/index.js';

/** Someone who writes in or acts on the test ticket. */
export interface Person {
  id: string;
  name: string;
  role: AuthorRole;
}

export const people = {
  alice: { id: 'U-ALICE', name: 'Alice Martin', role: 'requester' },
  anna: { id: 'U-ANNA', name: 'Anna (billing agent)', role: 'agent' },
  bob: { id: 'U-BOB', name: 'Bob', role: 'participant' },
  bot: { id: 'B-DESK', name: 'Support desk', role: 'bot' },
} satisfies Record<string, Person>;

/** A file as sent: its bytes, or only a size when the bytes should never be read. */
export interface FileSpec {
  name: string;
  contentType: string;
  bytes?: Uint8Array;
  size?: number;
  sourceUrl?: string;
}

export interface MessageOptions {
  internal?: boolean;
  files?: FileSpec[];
  /** Earlier bodies, oldest first; the message was edited once per entry. */
  earlierVersions?: string[];
  deleted?: boolean;
}

/** An attachment storage in memory that remembers which keys were read. */
export class MemoryAttachments {
  readonly requested: string[] = [];
  private readonly files = new Map<string, Uint8Array>();

  put(storageKey: string, bytes: Uint8Array): void {
    this.files.set(storageKey, bytes);
  }

  forget(storageKey: string): void {
    this.files.delete(storageKey);
  }

  readonly load = async (storageKey: string): Promise<Uint8Array> => {
    this.requested.push(storageKey);
    const bytes = this.files.get(storageKey);
    if (!bytes) throw new Error(`no attachment stored under ${storageKey}`);
    return bytes;
  };
}

const OPENED_AT = Date.parse('2026-11-23T10:00:00Z');
const MINUTE = 60_000;

/** Builds a {@link TicketRecord} one message or event at a time; each step happens a minute after the last. */
export class TicketRecordBuilder {
  readonly attachments = new MemoryAttachments();
  private ticket: Ticket = {
    id: 42,
    deskId: 'test',
    number: 42,
    platform: 'discord',
    workspaceId: 'G-1',
    categoryKey: 'billing',
    subject: 'Charged twice for my order',
    description: 'I was charged twice for the same order last week.',
    answers: [{ key: 'order', label: 'Order number', value: 'A-1042' }],
    priority: 'normal',
    status: 'open',
    requesterId: people.alice.id,
    requesterName: people.alice.name,
    requesterLocale: 'en-GB',
    assigneeId: null,
    assigneeName: null,
    createdAt: new Date(OPENED_AT),
    updatedAt: new Date(OPENED_AT),
    firstResponseAt: null,
    lastActivityAt: new Date(OPENED_AT),
    resolvedAt: null,
    closedAt: null,
    closedById: null,
    closeReason: null,
    channelId: 'C-1',
    threadId: 'T-1',
    cardMessageId: 'M-CARD',
    requesterChannelId: null,
    requesterThreadId: null,
    sourceKey: null,
    autoCloseAt: null,
    autoCloseKind: null,
    autoCloseWarnAt: null,
    autoCloseWarnedAt: null,
    firstResponseDueAt: null,
    firstResponseFlaggedAt: null,
      spacesReadyAt: null,
      lastMessageAt: null,
  };
  private readonly messages: TicketMessage[] = [];
  private readonly events: TicketEvent[] = [];
  private readonly revisions: TicketRecord['revisions'] = {};
  private minutes = 0;
  private nextId = 1;

  constructor() {
    this.event('opened', people.alice, { toStatus: 'open', createdAt: new Date(OPENED_AT) });
  }

  with(fields: Partial<Ticket>): this {
    Object.assign(this.ticket, fields);
    return this;
  }

  message(author: Person, body: string, options: MessageOptions = {}): this {
    const createdAt = this.tick();
    const id = this.nextId++;
    const versions = options.earlierVersions ?? [];
    if (versions.length > 0) this.revisions[id] = versions.map((old) => ({ body: old, replacedAt: this.tick() }));
    this.messages.push({
      id,
      ticketId: this.ticket.id,
      channelId: 'C-1',
      messageId: `M-${id}`,
      authorId: author.id,
      authorName: author.name,
      authorRole: author.role,
      visibility: options.internal ? 'internal' : 'public',
      body,
      createdAt,
      editedAt: versions.length > 0 ? (this.revisions[id]?.at(-1)?.replacedAt ?? null) : null,
      deletedAt: options.deleted ? this.tick() : null,
      copies: [{ channelId: 'DM-ALICE', messageId: `DM-${id}`, purpose: 'mirror' }],
      attachments: (options.files ?? []).map((file) => this.attachment(id, file, createdAt)),
    });
    return this;
  }

  event(type: TicketEventType, actor: Person, fields: Partial<TicketEvent> = {}): this {
    this.events.push({
      id: this.events.length + 1,
      ticketId: this.ticket.id,
      type,
      actorId: actor.id,
      actorName: actor.name,
      fromStatus: null,
      toStatus: null,
      reason: null,
      data: null,
      ...fields,
      createdAt: fields.createdAt ?? this.tick(),
    });
    return this;
  }

  claimedBy(agent: Person): this {
    this.with({ assigneeId: agent.id, assigneeName: agent.name });
    return this.event('claimed', agent);
  }

  closedBy(actor: Person, reason: string): this {
    this.event('closed', actor, { fromStatus: this.ticket.status, toStatus: 'closed', reason });
    return this.with({ status: 'closed', closedAt: this.events.at(-1)?.createdAt ?? null, closedById: actor.id, closeReason: reason });
  }

  build(): TicketRecord {
    return structuredClone({
      ticket: this.ticket,
      messages: this.messages,
      events: this.events,
      revisions: this.revisions,
      includesInternal: this.messages.some((m) => m.visibility === 'internal'),
    });
  }

  private attachment(messageId: number, file: FileSpec, createdAt: Date): Attachment {
    const sha256 = createHash('sha256').update(file.bytes ?? file.name).digest('hex');
    if (file.bytes) this.attachments.put(sha256, file.bytes);
    return {
      id: this.nextId++,
      ticketId: this.ticket.id,
      messageId,
      name: file.name,
      contentType: file.contentType,
      size: file.bytes?.byteLength ?? file.size ?? 0,
      sha256,
      storageKey: sha256,
      sourceUrl: file.sourceUrl ?? null,
      createdAt,
    };
  }

  private tick(): Date {
    this.minutes += 1;
    return new Date(OPENED_AT + this.minutes * MINUTE);
  }
}

export const aTicketRecord = () => new TicketRecordBuilder();
