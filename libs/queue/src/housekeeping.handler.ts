import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobHandler } from './job-handler';
import { JOBS } from './queues';

/** Relayed outbox rows are kept a week for tracing, then dropped. */
const OUTBOX_RETENTION_DAYS = 7;

/**
 * Keeps the bookkeeping tables small: idempotency keys past their expiry (each is kept for at
 * least IDEMPOTENCY_TTL_HOURS) and outbox rows relayed more than a week ago. Idempotent.
 */
@Injectable()
export class HousekeepingHandler implements JobHandler<typeof JOBS.HOUSEKEEPING> {
  readonly job = JOBS.HOUSEKEEPING;

  constructor(private readonly dataSource: DataSource) {}

  async handle(): Promise<{ idempotencyKeys: number; outboxRows: number }> {
    const [, idempotencyKeys] = await this.dataSource.query(`DELETE FROM idempotency_keys WHERE expires_at < now()`);
    const [, outboxRows] = await this.dataSource.query(
      `DELETE FROM outbox WHERE relayed_at < now() - make_interval(days => $1)`,
      [OUTBOX_RETENTION_DAYS],
    );
    return { idempotencyKeys, outboxRows };
  }
}
