import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { parseIsoDate } from '@scf/core';
import { BusinessDaysService } from '@scf/database';
import { JOBS, JobHandler, JobPayloads } from '@scf/queue';
import { OfferGenerator } from '../offer-generator';

/**
 * At each program's end of day, for the business date it has reached: expires stale offers,
 * withdraws those that can no longer be financed, re-prices the rest for the new value date and
 * opens offers wherever one is missing. Every step is idempotent, so a crash mid-run simply reruns
 * the program; its completion is recorded last.
 */
@Injectable()
export class DailyOffersHandler implements JobHandler<typeof JOBS.DAILY_OFFERS> {
  readonly job = JOBS.DAILY_OFFERS;
  private readonly logger = new Logger(DailyOffersHandler.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly generator: OfferGenerator,
    private readonly businessDays: BusinessDaysService,
  ) {}

  async handle(data: JobPayloads[typeof JOBS.DAILY_OFFERS]) {
    const businessDate = data.businessDate === undefined ? undefined : parseIsoDate(data.businessDate, 'businessDate');
    const due = await this.businessDays.dueForEndOfDay(this.job, businessDate);
    if (due.length === 0) return { businessDate, skipped: true };

    const totals = { businessDate, programs: due.length, expired: 0, withdrawn: 0, superseded: 0, opened: 0 };
    for (const program of due) {
      totals.expired += await this.generator.closeInChunks(
        'EXPIRED',
        `SELECT o.id FROM offers o WHERE o.program_id = $1 AND o.status = 'OPEN' AND o.expires_on < $2::date`,
        [program.programId, program.businessDate],
      );
      totals.withdrawn += await this.generator.closeInChunks(
        'WITHDRAWN',
        `SELECT o.id FROM offers o
           JOIN receivables r ON r.id = o.receivable_id
           JOIN enrolments e ON e.id = o.enrolment_id
          WHERE o.program_id = $1 AND o.status = 'OPEN' AND (r.status <> 'OPEN' OR e.status <> 'APPROVED')`,
        [program.programId],
      );
      const result = await this.generator.refresh(program.programId, program.businessDate);
      totals.withdrawn += result.withdrawn;
      totals.superseded += result.superseded;
      totals.opened += result.opened;
      await this.businessDays.recordEndOfDay(this.dataSource.manager, this.job, program.programId, program.businessDate);
    }
    this.logger.log(`offers end of day: ${JSON.stringify(totals)}`);
    return totals;
  }
}
