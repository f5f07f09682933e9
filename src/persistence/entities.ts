import { EntitySchema, type ColumnType } from 'typeorm';
import type {
  Attachment,
  MessageCopyPurpose,
  Participant,
  Ticket,
  TicketEvent,
  TicketMessage,
  TicketRating,
} from '../core/index.js';

export type Dialect = 'sqlite' | 'postgres';

export type MessageRow = Omit<TicketMessage, 'copies' | 'attachments'>;
/** Relation properties exist only so the schema declares its foreign keys; the store never loads them. */
type WithRelations<T, K extends string> = T & { [P in K]?: unknown };
export interface MessageCopyRow {
  id: number;
  messageId: number;
  channelId: string;
  copyMessageId: string;
  purpose: MessageCopyPurpose;
}
export interface MessageRevisionRow {
  id: number;
  messageId: number;
  body: string;
  replacedAt: Date;
}
export interface DeskCounterRow {
  deskId: string;
  lastNumber: number;
}

/**
 * The tables as TypeORM sees them. EntitySchema keeps decorators (and TypeORM) out of the domain types, and
 * every column names its type: tsx emits no decorator metadata to infer one from. The schema itself is
 * created by the hand-written migrations, never by `synchronize`.
 */
export function createEntities(dialect: Dialect) {
  const timestamp: ColumnType = dialect === 'postgres' ? 'timestamptz' : 'datetime';
  const id = { type: 'integer', primary: true, generated: 'increment' } as const;
  const ref = (length = 64) => ({ type: 'varchar', length }) as const;
  const nullableRef = (length = 64) => ({ type: 'varchar', length, nullable: true }) as const;
  const at = { type: timestamp } as const;
  const nullableAt = { type: timestamp, nullable: true } as const;

  const TicketEntity = new EntitySchema<Ticket>({
    name: 'Ticket',
    tableName: 'tickets',
    columns: {
      id,
      deskId: { ...ref(), name: 'desk_id' },
      number: { type: 'integer' },
      platform: ref(16),
      workspaceId: { ...ref(), name: 'workspace_id' },
      categoryKey: { ...ref(), name: 'category_key' },
      subject: { type: 'text' },
      description: { type: 'text' },
      answers: { type: 'simple-json' },
      priority: ref(16),
      status: ref(16),
      requesterId: { ...ref(), name: 'requester_id' },
      requesterName: { type: 'varchar', length: 200, name: 'requester_name' },
      requesterLocale: { ...nullableRef(16), name: 'requester_locale' },
      assigneeId: { ...nullableRef(), name: 'assignee_id' },
      assigneeName: { type: 'varchar', length: 200, nullable: true, name: 'assignee_name' },
      channelId: { ...nullableRef(), name: 'channel_id' },
      threadId: { ...nullableRef(), name: 'thread_id' },
      cardMessageId: { ...nullableRef(), name: 'card_message_id' },
      requesterChannelId: { ...nullableRef(), name: 'requester_channel_id' },
      requesterThreadId: { ...nullableRef(), name: 'requester_thread_id' },
      createdAt: { ...at, name: 'created_at' },
      updatedAt: { ...at, name: 'updated_at' },
      firstResponseAt: { ...nullableAt, name: 'first_response_at' },
      lastActivityAt: { ...at, name: 'last_activity_at' },
      resolvedAt: { ...nullableAt, name: 'resolved_at' },
      closedAt: { ...nullableAt, name: 'closed_at' },
      closedById: { ...nullableRef(), name: 'closed_by_id' },
      closeReason: { type: 'text', nullable: true, name: 'close_reason' },
      sourceKey: { type: 'varchar', length: 200, nullable: true, name: 'source_key' },
      autoCloseAt: { ...nullableAt, name: 'auto_close_at' },
      autoCloseKind: { ...nullableRef(16), name: 'auto_close_kind' },
      autoCloseWarnAt: { ...nullableAt, name: 'auto_close_warn_at' },
      autoCloseWarnedAt: { ...nullableAt, name: 'auto_close_warned_at' },
      firstResponseDueAt: { ...nullableAt, name: 'first_response_due_at' },
      firstResponseFlaggedAt: { ...nullableAt, name: 'first_response_flagged_at' },
      spacesReadyAt: { ...nullableAt, name: 'spaces_ready_at' },
      lastMessageAt: { ...nullableAt, name: 'last_message_at' },
    },
    indices: [
      { name: 'ux_tickets_desk_number', columns: ['deskId', 'number'], unique: true },
      { name: 'ux_tickets_source_key', columns: ['sourceKey'], unique: true },
      { name: 'ix_tickets_thread', columns: ['threadId', 'channelId'] },
      { name: 'ix_tickets_requester_thread', columns: ['requesterThreadId', 'requesterChannelId'] },
      { name: 'ix_tickets_desk_status', columns: ['deskId', 'status', 'number'] },
      { name: 'ix_tickets_desk_requester', columns: ['deskId', 'requesterId', 'status'] },
      { name: 'ix_tickets_desk_assignee', columns: ['deskId', 'assigneeId', 'status'] },
      { name: 'ix_tickets_auto_close', columns: ['autoCloseAt'] },
      { name: 'ix_tickets_auto_close_warn', columns: ['autoCloseWarnAt'] },
      { name: 'ix_tickets_first_response_due', columns: ['firstResponseDueAt'] },
      { name: 'ix_tickets_desk_created', columns: ['deskId', 'createdAt'] },
      { name: 'ix_tickets_desk_requester_created', columns: ['deskId', 'requesterId', 'createdAt'] },
      { name: 'ix_tickets_spaces_ready', columns: ['spacesReadyAt', 'status'] },
    ],
  });

  const MessageEntity = new EntitySchema<WithRelations<MessageRow, 'ticket'>>({
    name: 'TicketMessage',
    tableName: 'ticket_messages',
    columns: {
      id,
      ticketId: { type: 'integer', name: 'ticket_id' },
      channelId: { ...nullableRef(), name: 'channel_id' },
      messageId: { ...nullableRef(), name: 'message_id' },
      authorId: { ...ref(), name: 'author_id' },
      authorName: { type: 'varchar', length: 200, name: 'author_name' },
      authorRole: { ...ref(16), name: 'author_role' },
      visibility: ref(16),
      body: { type: 'text' },
      createdAt: { ...at, name: 'created_at' },
      editedAt: { ...nullableAt, name: 'edited_at' },
      deletedAt: { ...nullableAt, name: 'deleted_at' },
    },
    relations: {
      ticket: { type: 'many-to-one', target: 'Ticket', joinColumn: { name: 'ticket_id' }, onDelete: 'CASCADE' },
    },
    indices: [
      { name: 'ux_ticket_messages_location', columns: ['channelId', 'messageId'], unique: true },
      { name: 'ix_ticket_messages_ticket', columns: ['ticketId', 'createdAt'] },
    ],
  });

  const MessageCopyEntity = new EntitySchema<WithRelations<MessageCopyRow, 'message'>>({
    name: 'MessageCopy',
    tableName: 'message_copies',
    columns: {
      id,
      messageId: { type: 'integer', name: 'message_id' },
      channelId: { ...ref(), name: 'channel_id' },
      copyMessageId: { ...ref(), name: 'copy_message_id' },
      purpose: ref(16),
    },
    relations: {
      message: { type: 'many-to-one', target: 'TicketMessage', joinColumn: { name: 'message_id' }, onDelete: 'CASCADE' },
    },
    indices: [
      { name: 'ux_message_copies_location', columns: ['channelId', 'copyMessageId'], unique: true },
      { name: 'ix_message_copies_message', columns: ['messageId'] },
    ],
  });

  const MessageRevisionEntity = new EntitySchema<WithRelations<MessageRevisionRow, 'message'>>({
    name: 'MessageRevision',
    tableName: 'message_revisions',
    columns: {
      id,
      messageId: { type: 'integer', name: 'message_id' },
      body: { type: 'text' },
      replacedAt: { ...at, name: 'replaced_at' },
    },
    relations: {
      message: { type: 'many-to-one', target: 'TicketMessage', joinColumn: { name: 'message_id' }, onDelete: 'CASCADE' },
    },
    indices: [{ name: 'ix_message_revisions_message', columns: ['messageId'] }],
  });

  const AttachmentEntity = new EntitySchema<WithRelations<Attachment, 'ticket' | 'message'>>({
    name: 'Attachment',
    tableName: 'attachments',
    columns: {
      id,
      ticketId: { type: 'integer', name: 'ticket_id' },
      messageId: { type: 'integer', nullable: true, name: 'message_id' },
      name: { type: 'varchar', length: 255 },
      contentType: { type: 'varchar', length: 255, name: 'content_type' },
      size: { type: 'integer' },
      sha256: { type: 'varchar', length: 64 },
      storageKey: { type: 'varchar', length: 255, name: 'storage_key' },
      sourceUrl: { type: 'text', nullable: true, name: 'source_url' },
      createdAt: { ...at, name: 'created_at' },
    },
    relations: {
      ticket: { type: 'many-to-one', target: 'Ticket', joinColumn: { name: 'ticket_id' }, onDelete: 'CASCADE' },
      message: { type: 'many-to-one', target: 'TicketMessage', joinColumn: { name: 'message_id' }, onDelete: 'CASCADE' },
    },
    indices: [
      { name: 'ix_attachments_ticket', columns: ['ticketId'] },
      { name: 'ix_attachments_message', columns: ['messageId'] },
    ],
  });

  const EventEntity = new EntitySchema<WithRelations<TicketEvent, 'ticket'>>({
    name: 'TicketEvent',
    tableName: 'ticket_events',
    columns: {
      id,
      ticketId: { type: 'integer', name: 'ticket_id' },
      type: ref(32),
      actorId: { ...ref(), name: 'actor_id' },
      actorName: { type: 'varchar', length: 200, name: 'actor_name' },
      fromStatus: { ...nullableRef(16), name: 'from_status' },
      toStatus: { ...nullableRef(16), name: 'to_status' },
      reason: { type: 'text', nullable: true },
      data: { type: 'simple-json', nullable: true },
      createdAt: { ...at, name: 'created_at' },
    },
    relations: {
      ticket: { type: 'many-to-one', target: 'Ticket', joinColumn: { name: 'ticket_id' }, onDelete: 'CASCADE' },
    },
    indices: [{ name: 'ix_ticket_events_ticket', columns: ['ticketId', 'createdAt'] }],
  });

  const ParticipantEntity = new EntitySchema<WithRelations<Participant, 'ticket'>>({
    name: 'TicketParticipant',
    tableName: 'ticket_participants',
    columns: {
      ticketId: { type: 'integer', primary: true, name: 'ticket_id' },
      userId: { ...ref(), primary: true, name: 'user_id' },
      userName: { type: 'varchar', length: 200, name: 'user_name' },
      addedById: { ...ref(), name: 'added_by_id' },
      addedAt: { ...at, name: 'added_at' },
    },
    relations: {
      ticket: { type: 'many-to-one', target: 'Ticket', joinColumn: { name: 'ticket_id' }, onDelete: 'CASCADE' },
    },
  });

  const RatingEntity = new EntitySchema<WithRelations<TicketRating, 'ticket' | 'closing'>>({
    name: 'TicketRating',
    tableName: 'ticket_ratings',
    columns: {
      id,
      ticketId: { type: 'integer', name: 'ticket_id' },
      closingEventId: { type: 'integer', name: 'closing_event_id' },
      requesterId: { ...ref(), name: 'requester_id' },
      score: { type: 'integer' },
      comment: { type: 'text', nullable: true },
      createdAt: { ...at, name: 'created_at' },
      updatedAt: { ...at, name: 'updated_at' },
    },
    relations: {
      ticket: { type: 'many-to-one', target: 'Ticket', joinColumn: { name: 'ticket_id' }, onDelete: 'CASCADE' },
      closing: { type: 'many-to-one', target: 'TicketEvent', joinColumn: { name: 'closing_event_id' }, onDelete: 'CASCADE' },
    },
    indices: [
      { name: 'ux_ticket_ratings_closing', columns: ['closingEventId'], unique: true },
      { name: 'ix_ticket_ratings_ticket', columns: ['ticketId'] },
      { name: 'ix_ticket_ratings_created', columns: ['createdAt'] },
    ],
  });

  const DeskCounterEntity = new EntitySchema<DeskCounterRow>({
    name: 'DeskCounter',
    tableName: 'desk_counters',
    columns: {
      deskId: { ...ref(), primary: true, name: 'desk_id' },
      lastNumber: { type: 'integer', name: 'last_number' },
    },
  });

  return {
    TicketEntity,
    MessageEntity,
    MessageCopyEntity,
    MessageRevisionEntity,
    AttachmentEntity,
    EventEntity,
    ParticipantEntity,
    DeskCounterEntity,
    RatingEntity,
  };
}

export type Entities = ReturnType<typeof createEntities>;
