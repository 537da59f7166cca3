import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { parseIsoDate } from '@scf/core';
import { ClockService } from '@scf/database';
import { JOBS, JobHandler, JobPayloads } from '@scf/queue';
import { OfferGenerator } from '../offer-generator';

/**
 * Once per business date: expires stale offers, withdraws those that can no longer be financed,
 * re-prices the rest for the new value date and opens offers wherever one is missing. Every step
 * is idempotent, so a crash mid-run simply reruns; completion is recorded last.
 */
@Injectable()
export class DailyOffersHandler implements JobHandler<typeof JOBS.DAILY_OFFERS> {
  readonly job = JOBS.DAILY_OFFERS;
  private readonly logger = new Logger(DailyOffersHandler.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly generator: OfferGenerator,
    private readonly clock: ClockService,
  ) {}

  async handle(data: JobPayloads[typeof JOBS.DAILY_OFFERS]) {
    const businessDate = data.businessDate ? parseIsoDate(data.businessDate, 'businessDate') : await this.clock.today();
    const done = await this.dataSource.query(`SELECT 1 FROM scheduled_runs WHERE job_name = $1 AND business_date = $2`, [
      this.job,
      businessDate,
    ]);
    if (done.length) return { businessDate, skipped: true };

    const expired = await this.generator.closeInChunks(
      'EXPIRED',
      `SELECT o.id FROM offers o WHERE o.status = 'OPEN' AND o.expires_on < $1::date`,
      [businessDate],
    );
    const withdrawn = await this.generator.closeInChunks(
      'WITHDRAWN',
      `SELECT o.id FROM offers o
         JOIN receivables r ON r.id = o.receivable_id
         JOIN enrolments e ON e.id = o.enrolment_id
        WHERE o.status = 'OPEN' AND (r.status <> 'OPEN' OR e.status <> 'APPROVED')`,
      [],
    );
    const programs: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM programs WHERE status = 'ACTIVE' AND $1::date BETWEEN valid_from AND valid_to
       UNION SELECT DISTINCT program_id FROM offers WHERE status = 'OPEN'
       ORDER BY id`,
      [businessDate],
    );
    const totals = { businessDate, expired, withdrawn, superseded: 0, opened: 0 };
    for (const { id } of programs) {
      const result = await this.generator.refresh(id, businessDate);
      totals.withdrawn += result.withdrawn;
      totals.superseded += result.superseded;
      totals.opened += result.opened;
    }
    await this.dataSource.query(
      `INSERT INTO scheduled_runs (job_name, business_date) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [this.job, businessDate],
    );
    this.logger.log(`offers for ${businessDate}: ${JSON.stringify(totals)}`);
    return totals;
  }
}
