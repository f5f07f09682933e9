import { Table, TableColumn, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * What a ticket's life needs after it opens: auto-close timers and their warning, the first-response target
 * and its overdue flag (kept in the database, so a restart loses none and fires none twice), and the
 * requester's satisfaction rating, one per closing.
 */
export class TicketTimersAndRatings1763769600000 implements MigrationInterface {
  name = 'TicketTimersAndRatings1763769600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = queryRunner.connection.driver.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    const at = (name: string) => new TableColumn({ name, type: timestamp, isNullable: true });
    await queryRunner.addColumns('tickets', [
      at('auto_close_at'),
      new TableColumn({ name: 'auto_close_kind', type: 'varchar', length: '16', isNullable: true }),
      at('auto_close_warn_at'),
      at('auto_close_warned_at'),
      at('first_response_due_at'),
      at('first_response_flagged_at'),
    ]);
    await queryRunner.createIndices('tickets', [
      new TableIndex({ name: 'ix_tickets_auto_close', columnNames: ['auto_close_at'] }),
      new TableIndex({ name: 'ix_tickets_auto_close_warn', columnNames: ['auto_close_warn_at'] }),
      new TableIndex({ name: 'ix_tickets_first_response_due', columnNames: ['first_response_due_at'] }),
      new TableIndex({ name: 'ix_tickets_desk_created', columnNames: ['desk_id', 'created_at'] }),
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'ticket_ratings',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'ticket_id', type: 'integer' },
          { name: 'closing_event_id', type: 'integer' },
          { name: 'requester_id', type: 'varchar', length: '64' },
          { name: 'score', type: 'integer' },
          { name: 'comment', type: 'text', isNullable: true },
          { name: 'created_at', type: timestamp },
          { name: 'updated_at', type: timestamp },
        ],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['ticket_id'], referencedTableName: 'tickets', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
          new TableForeignKey({ columnNames: ['closing_event_id'], referencedTableName: 'ticket_events', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
        ],
        indices: [
          new TableIndex({ name: 'ux_ticket_ratings_closing', columnNames: ['closing_event_id'], isUnique: true }),
          new TableIndex({ name: 'ix_ticket_ratings_ticket', columnNames: ['ticket_id'] }),
          new TableIndex({ name: 'ix_ticket_ratings_created', columnNames: ['created_at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('ticket_ratings');
    for (const index of ['ix_tickets_auto_close', 'ix_tickets_auto_close_warn', 'ix_tickets_first_response_due', 'ix_tickets_desk_created']) {
      await queryRunner.dropIndex('tickets', index);
    }
    for (const column of ['auto_close_at', 'auto_close_kind', 'auto_close_warn_at', 'auto_close_warned_at', 'first_response_due_at', 'first_response_flagged_at']) {
      await queryRunner.dropColumn('tickets', column);
    }
  }
}
