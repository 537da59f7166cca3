import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An Idempotency-Key whose request has committed its effects but whose response is not stored
 * yet is COMMITTED, written inside the request's own transaction. If the process dies before the
 * response is stored, a retry learns the request was carried out instead of running it again.
 */
export class IdempotencyCommitted1764300007000 implements MigrationInterface {
  name = 'IdempotencyCommitted1764300007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_state_check`);
    await q.query(`ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_state_check CHECK (state IN ('IN_PROGRESS','COMMITTED','DONE'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM idempotency_keys WHERE state = 'COMMITTED'`);
    await q.query(`ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_state_check`);
    await q.query(`ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_state_check CHECK (state IN ('IN_PROGRESS','DONE'))`);
  }
}
