import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

/**
 * The first schema: tickets, their messages (with mirrored copies and revisions), attachments, events,
 * participants, processed platform deliveries and per-desk ticket counters. Written with TypeORM's
 * portable Table API so one migration serves sqlite and PostgreSQL; only the timestamp type differs.
 */
export class InitialSchema1763683200000 implements MigrationInterface {
  name = 'InitialSchema1763683200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = queryRunner.connection.driver.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
    const ref = (name: string, nullable = false, length = 64): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
    const text = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable });
    const at = (name: string, nullable = false): TableColumnOptions => ({ name, type: timestamp, isNullable: nullable });
    const integer = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable });
    const cascadeTo = (table: string, column: string) =>
      new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete: 'CASCADE' });

    await queryRunner.createTable(
      new Table({
        name: 'tickets',
        columns: [
          id,
          ref('desk_id'),
          integer('number'),
          ref('platform', false, 16),
          ref('workspace_id'),
          ref('category_key'),
          text('subject'),
          text('description'),
          text('answers'),
          ref('priority', false, 16),
          ref('status', false, 16),
          ref('requester_id'),
          ref('requester_name', false, 200),
          ref('requester_locale', true, 16),
          ref('assignee_id', true),
          ref('assignee_name', true, 200),
          ref('channel_id', true),
          ref('thread_id', true),
          ref('card_message_id', true),
          ref('requester_channel_id', true),
          ref('requester_thread_id', true),
          at('created_at'),
          at('updated_at'),
          at('first_response_at', true),
          at('last_activity_at'),
          at('resolved_at', true),
          at('closed_at', true),
          ref('closed_by_id', true),
          text('close_reason', true),
          ref('source_key', true, 200),
        ],
        indices: [
          new TableIndex({ name: 'ux_tickets_desk_number', columnNames: ['desk_id', 'number'], isUnique: true }),
          new TableIndex({ name: 'ux_tickets_source_key', columnNames: ['source_key'], isUnique: true }),
          new TableIndex({ name: 'ix_tickets_thread', columnNames: ['thread_id', 'channel_id'] }),
          new TableIndex({ name: 'ix_tickets_requester_thread', columnNames: ['requester_thread_id', 'requester_channel_id'] }),
          new TableIndex({ name: 'ix_tickets_desk_status', columnNames: ['desk_id', 'status', 'number'] }),
          new TableIndex({ name: 'ix_tickets_desk_requester', columnNames: ['desk_id', 'requester_id', 'status'] }),
          new TableIndex({ name: 'ix_tickets_desk_assignee', columnNames: ['desk_id', 'assignee_id', 'status'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'ticket_messages',
        columns: [
          id,
          integer('ticket_id'),
          ref('channel_id', true),
          ref('message_id', true),
          ref('author_id'),
          ref('author_name', false, 200),
          ref('author_role', false, 16),
          ref('visibility', false, 16),
          text('body'),
          at('created_at'),
          at('edited_at', true),
          at('deleted_at', true),
        ],
        foreignKeys: [cascadeTo('tickets', 'ticket_id')],
        indices: [
          new TableIndex({ name: 'ux_ticket_messages_location', columnNames: ['channel_id', 'message_id'], isUnique: true }),
          new TableIndex({ name: 'ix_ticket_messages_ticket', columnNames: ['ticket_id', 'created_at'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'message_copies',
        columns: [id, integer('message_id'), ref('channel_id'), ref('copy_message_id'), ref('purpose', false, 16)],
        foreignKeys: [cascadeTo('ticket_messages', 'message_id')],
        indices: [
          new TableIndex({ name: 'ux_message_copies_location', columnNames: ['channel_id', 'copy_message_id'], isUnique: true }),
          new TableIndex({ name: 'ix_message_copies_message', columnNames: ['message_id'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'message_revisions',
        columns: [id, integer('message_id'), text('body'), at('replaced_at')],
        foreignKeys: [cascadeTo('ticket_messages', 'message_id')],
        indices: [new TableIndex({ name: 'ix_message_revisions_message', columnNames: ['message_id'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'attachments',
        columns: [
          id,
          integer('ticket_id'),
          integer('message_id', true),
          ref('name', false, 255),
          ref('content_type', false, 255),
          integer('size'),
          ref('sha256', false, 64),
          ref('storage_key', false, 255),
          text('source_url', true),
          at('created_at'),
        ],
        foreignKeys: [cascadeTo('tickets', 'ticket_id'), cascadeTo('ticket_messages', 'message_id')],
        indices: [
          new TableIndex({ name: 'ix_attachments_ticket', columnNames: ['ticket_id'] }),
          new TableIndex({ name: 'ix_attachments_message', columnNames: ['message_id'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'ticket_events',
        columns: [
          id,
          integer('ticket_id'),
          ref('type', false, 32),
          ref('actor_id'),
          ref('actor_name', false, 200),
          ref('from_status', true, 16),
          ref('to_status', true, 16),
          text('reason', true),
          text('data', true),
          at('created_at'),
        ],
        foreignKeys: [cascadeTo('tickets', 'ticket_id')],
        indices: [new TableIndex({ name: 'ix_ticket_events_ticket', columnNames: ['ticket_id', 'created_at'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'ticket_participants',
        columns: [
          { ...integer('ticket_id'), isPrimary: true },
          { ...ref('user_id'), isPrimary: true },
          ref('user_name', false, 200),
          ref('added_by_id'),
          at('added_at'),
        ],
        foreignKeys: [cascadeTo('tickets', 'ticket_id')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'processed_events',
        columns: [{ ...ref('key', false, 255), isPrimary: true }, at('processed_at')],
        indices: [new TableIndex({ name: 'ix_processed_events_at', columnNames: ['processed_at'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'desk_counters',
        columns: [{ ...ref('desk_id'), isPrimary: true }, integer('last_number')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'desk_counters',
      'processed_events',
      'ticket_participants',
      'ticket_events',
      'attachments',
      'message_revisions',
      'message_copies',
      'ticket_messages',
      'tickets',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
