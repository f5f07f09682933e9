import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The platform's time of a ticket's newest public message. Slack does not promise to deliver events in order
 * (a delivery that timed out comes again later), so a message can arrive after a newer one: it is stored in
 * its place, but it does not move the status back.
 */
export class LastMessageAt1763942400000 implements MigrationInterface {
  name = 'LastMessageAt1763942400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = queryRunner.connection.driver.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    await queryRunner.addColumn('tickets', new TableColumn({ name: 'last_message_at', type: timestamp, isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('tickets', 'last_message_at');
  }
}
