import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A globally unique id per outbox message, used as the BullMQ job id. The bigserial id was not
 * enough: a database re-created against the same Redis starts its ids again at 1, and BullMQ
 * silently ignores a job whose id it still remembers from the old database's completed jobs.
 */
export class OutboxMessageId1764300006000 implements MigrationInterface {
  name = 'OutboxMessageId1764300006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox ADD COLUMN message_id uuid NOT NULL DEFAULT gen_random_uuid()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox DROP COLUMN message_id`);
  }
}
