import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntitySubscriberInterface, TransactionStartEvent } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@scf/config';

export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'in_progress' }
  | { kind: 'response_lost' }
  | { kind: 'mismatch' };

/**
 * A claim left IN_PROGRESS longer than this belongs to a request that died before committing
 * anything; it may be retried. One left COMMITTED that long died after committing, before its
 * response was stored: it is never run again.
 */
const ABANDONED_AFTER_SECONDS = 60;

interface ClaimedKey {
  organisationId: string;
  key: string;
}

/**
 * Stores the first response of each (organisation, Idempotency-Key). The primary key makes
 * concurrent claims race safely: exactly one INSERT wins, the others see IN_PROGRESS.
 *
 * A claimed request runs inside `within()`: every transaction it opens first moves its key to
 * COMMITTED (a TypeORM subscriber, right after START TRANSACTION, before any hot lock is taken),
 * so the mark commits or rolls back with the request's effects. Whatever happens between the
 * request's COMMIT and the stored response — a crash, a lost connection — a retry never carries
 * the request out a second time.
 */
@Injectable()
export class IdempotencyService implements EntitySubscriberInterface {
  private readonly running = new AsyncLocalStorage<ClaimedKey>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    dataSource.subscribers.push(this);
  }

  /** Runs a claimed request's work; the transactions it opens mark the key COMMITTED. */
  within<T>(organisationId: string, key: string, work: () => T): T {
    return this.running.run({ organisationId, key }, work);
  }

  async afterTransactionStart(event: TransactionStartEvent): Promise<void> {
    const claimed = this.running.getStore();
    if (!claimed) return;
    await event.queryRunner.query(
      `UPDATE idempotency_keys SET state = 'COMMITTED' WHERE organisation_id = $1 AND key = $2 AND state = 'IN_PROGRESS'`,
      [claimed.organisationId, claimed.key],
    );
  }

  async claim(organisationId: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const inserted = await this.dataSource.query(
      `INSERT INTO idempotency_keys (organisation_id, key, request_hash, state, expires_at)
       VALUES ($1, $2, $3, 'IN_PROGRESS', now() + make_interval(hours => $4))
       ON CONFLICT (organisation_id, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, created_at = now(), expires_at = EXCLUDED.expires_at
         WHERE (idempotency_keys.state = 'IN_PROGRESS' AND idempotency_keys.created_at < now() - make_interval(secs => $5)
                AND idempotency_keys.request_hash = EXCLUDED.request_hash)
            OR idempotency_keys.expires_at < now()
       RETURNING 1`,
      [organisationId, key, requestHash, this.config.idempotencyTtlHours, ABANDONED_AFTER_SECONDS],
    );
    if (inserted.length) return { kind: 'claimed' };
    const [row]: { request_hash: string; state: string; response_status: number; response_body: unknown; abandoned: boolean }[] =
      await this.dataSource.query(
        `SELECT request_hash, state, response_status, response_body, created_at < now() - make_interval(secs => $3) AS abandoned
           FROM idempotency_keys WHERE organisation_id = $1 AND key = $2`,
        [organisationId, key, ABANDONED_AFTER_SECONDS],
      );
    if (!row) return this.claim(organisationId, key, requestHash);
    if (row.request_hash !== requestHash) return { kind: 'mismatch' };
    if (row.state === 'IN_PROGRESS') return { kind: 'in_progress' };
    if (row.state === 'COMMITTED') return row.abandoned ? { kind: 'response_lost' } : { kind: 'in_progress' };
    return { kind: 'replay', status: row.response_status, body: row.response_body };
  }

  async complete(organisationId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET state = 'DONE', response_status = $3, response_body = $4 WHERE organisation_id = $1 AND key = $2`,
      [organisationId, key, status, JSON.stringify(body ?? null)],
    );
  }

  /** The request failed: forget the claim so a retry runs afresh, unless the request had committed something. */
  async release(organisationId: string, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_keys WHERE organisation_id = $1 AND key = $2 AND state = 'IN_PROGRESS'`, [
      organisationId,
      key,
    ]);
  }
}
