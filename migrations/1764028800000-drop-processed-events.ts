import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * `processed_events` kept the id of every Slack event that brought a ticket message. Nothing ever read it: a
 * second delivery is recognised by where its message is (its channel and timestamp), and the table grew by a
 * row per message for good, each a write of its own. It holds no one's content, so it goes.
 */
export class DropProcessedEvents1764028800000 implements MigrationInterface {
  name = 'DropProcessedEvents1764028800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('processed_events', true);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const timestamp = queryRunner.connection.driver.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    await queryRunner.createTable(
      new Table({
        name: 'processed_events',
        columns: [
          { name: 'key', type: 'varchar', length: '255', isPrimary: true, isNullable: false },
          { name: 'processed_at', type: timestamp, isNullable: false },
        ],
        indices: [new TableIndex({ name: 'ix_processed_events_at', columnNames: ['processed_at'] })],
      }),
    );
  }
}
