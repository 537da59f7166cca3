import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An Idempotency-Key is now stored with its response in the request's own transaction: a stored
 * key is always a finished request. Claims left IN_PROGRESS never committed anything and are
 * forgotten; a COMMITTED claim ran but lost its response, which is stored as the 409 its retries
 * received so far, so that the request is never run twice.
 */
export class IdempotencyOneTransaction1764300080000 implements MigrationInterface {
  name = 'IdempotencyOneTransaction1764300080000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM idempotency_keys WHERE state = 'IN_PROGRESS'`);
    await q.query(
      `UPDATE idempotency_keys SET response_status = 409, response_body = $1 WHERE state = 'COMMITTED'`,
      [
        JSON.stringify({
          type: 'https://scf.dev/problems/idempotency_key_response_lost',
          title: 'Conflict',
          status: 409,
          code: 'idempotency_key_response_lost',
          detail: 'the request with this Idempotency-Key was carried out, but its response was lost: read the resulting objects instead of retrying',
        }),
      ],
    );
    await q.query(`ALTER TABLE idempotency_keys DROP COLUMN state`);
    await q.query(`ALTER TABLE idempotency_keys ALTER COLUMN response_status SET NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_keys ALTER COLUMN response_status DROP NOT NULL`);
    await q.query(`ALTER TABLE idempotency_keys ADD COLUMN state text NOT NULL DEFAULT 'DONE'`);
    await q.query(`ALTER TABLE idempotency_keys ALTER COLUMN state DROP DEFAULT`);
    await q.query(`ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_state_check CHECK (state IN ('IN_PROGRESS','COMMITTED','DONE'))`);
  }
}
