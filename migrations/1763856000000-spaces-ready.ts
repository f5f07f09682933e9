import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * When a ticket's spaces (thread, cards, files, status) were fully set up. A ticket stored but never marked
 * ready was interrupted half-way through opening: the adapters finish it, or close it and tell the requester.
 */
export class SpacesReady1763856000000 implements MigrationInterface {
  name = 'SpacesReady1763856000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = queryRunner.connection.driver.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    await queryRunner.addColumn('tickets', new TableColumn({ name: 'spaces_ready_at', type: timestamp, isNullable: true }));
    // Tickets set up before this column existed: ready if they have their card, and imported ones have no space to set up.
    await queryRunner.query(`UPDATE tickets SET spaces_ready_at = created_at WHERE card_message_id IS NOT NULL OR source_key LIKE 'import:%'`);
    await queryRunner.createIndex('tickets', new TableIndex({ name: 'ix_tickets_spaces_ready', columnNames: ['spaces_ready_at', 'status'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('tickets', 'ix_tickets_spaces_ready');
    await queryRunner.dropColumn('tickets', 'spaces_ready_at');
  }
}
