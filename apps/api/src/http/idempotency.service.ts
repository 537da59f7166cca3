import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@scf/config';
import { DomainError } from '@scf/core';

export type IdempotencyClaim =
  | { kind: 'claimed'; request: ClaimedRequest }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' };

/** A claimed request: its one transaction, which carries its writes and, at the end, its key. */
export interface ClaimedRequest {
  organisationId: string;
  key: string;
  requestHash: string;
  queryRunner: QueryRunner;
}

/**
 * Stores the first response of each (organisation, Idempotency-Key), in the very transaction that
 * carries the request's writes.
 *
 * A claim opens one transaction and takes a transaction-level advisory lock on the key: it is
 * held exactly as long as the request is alive (a crash or a lost connection ends the transaction
 * and frees it), so a running claim is never taken over and a dead one leaves nothing behind.
 * While the request runs, every query it makes — `dataSource.transaction(…)` (a savepoint then),
 * `dataSource.query(…)`, repositories — goes through that one transaction (`createQueryRunner` is
 * routed to it). The response is stored with the writes at COMMIT: after the commit a retry
 * replays it, before it nothing happened; there is no state in between.
 */
@Injectable()
export class IdempotencyService {
  private readonly running = new AsyncLocalStorage<QueryRunner>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const createQueryRunner = dataSource.createQueryRunner.bind(dataSource);
    dataSource.createQueryRunner = (mode) => this.running.getStore() ?? createQueryRunner(mode);
  }

  async claim(organisationId: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const queryRunner = this.dataSource.createQueryRunner();
    try {
      await queryRunner.startTransaction();
      const [{ locked }] = await queryRunner.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [lockOf(organisationId, key)]);
      if (!locked) return await closed(queryRunner, { kind: 'in_progress' });
      const [stored]: { request_hash: string; response_status: number; response_body: unknown; expired: boolean }[] = await queryRunner.query(
        `SELECT request_hash, response_status, response_body, expires_at < now() AS expired FROM idempotency_keys WHERE organisation_id = $1 AND key = $2`,
        [organisationId, key],
      );
      if (stored && !stored.expired) {
        if (stored.request_hash !== requestHash) return await closed(queryRunner, { kind: 'mismatch' });
        return await closed(queryRunner, { kind: 'replay', status: stored.response_status, body: stored.response_body });
      }
      if (stored) await queryRunner.query(`DELETE FROM idempotency_keys WHERE organisation_id = $1 AND key = $2`, [organisationId, key]);
      return { kind: 'claimed', request: { organisationId, key, requestHash, queryRunner } };
    } catch (error) {
      await closed(queryRunner, undefined);
      throw error;
    }
  }

  /** Runs a claimed request's work: every query it makes joins the claim's transaction. */
  async within<T>(request: ClaimedRequest, work: () => Promise<T>): Promise<T> {
    const { queryRunner } = request;
    // The request's own code releases "its" query runners as it goes; the claim's ends in complete/abandon.
    const release = queryRunner.release;
    queryRunner.release = async () => undefined;
    try {
      return await this.running.run(queryRunner, work);
    } finally {
      queryRunner.release = release;
    }
  }

  /**
   * Stores the response and commits it with the request's writes. The key row is new in this
   * transaction; a row count other than 1 means someone stored it meanwhile without holding the
   * lock, and then nothing of this request may commit.
   */
  async complete(request: ClaimedRequest, status: number, body: unknown): Promise<void> {
    const { queryRunner } = request;
    try {
      const stored = await queryRunner.query(
        `INSERT INTO idempotency_keys (organisation_id, key, request_hash, response_status, response_body, expires_at)
         VALUES ($1, $2, $3, $4, $5, now() + make_interval(hours => $6))
         ON CONFLICT (organisation_id, key) DO NOTHING RETURNING 1`,
        [request.organisationId, request.key, request.requestHash, status, JSON.stringify(body ?? null), this.config.idempotencyTtlHours],
      );
      if (stored.length !== 1) {
        throw new DomainError('CONFLICT', 'idempotency_key_in_progress', 'another request with this Idempotency-Key was carried out meanwhile: retry to read its response');
      }
      await queryRunner.commitTransaction();
    } catch (error) {
      await closed(queryRunner, undefined);
      throw error;
    }
    await queryRunner.release();
  }

  /** The request failed: nothing of it commits, and a retry with the key runs afresh. */
  async abandon(request: ClaimedRequest): Promise<void> {
    await closed(request.queryRunner, undefined);
  }
}

/** One 64-bit advisory lock key per (organisation, key); a collision only makes a retry wait. */
function lockOf(organisationId: string, key: string): string {
  return createHash('sha256').update(`${organisationId}\n${key}`).digest().readBigInt64BE().toString();
}

/** Rolls back to the very start (a failed request may have left a savepoint open) and returns the connection. */
async function closed<T>(queryRunner: QueryRunner, result: T): Promise<T> {
  try {
    while (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction();
  } catch {
    // The connection is gone: PostgreSQL has rolled the transaction back by itself.
  } finally {
    await queryRunner.release();
  }
  return result;
}
