import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@scf/audit';
import { DayCountBasis, IsoDate, parseIsoDate } from '@scf/core';
import { ClockService } from '@scf/database';
import { JOBS, JobHandler, JobPayloads } from '@scf/queue';
import { FinancingService } from '../financing.service';
import { penaltyAsOf } from '../penalty';

const ACCRUAL_BATCH = 1000;

export interface DailyFinancingResult {
  businessDate: IsoDate;
  requestsOverdue: number;
  requestsLapsed: number;
  itemsAccrued: number;
  programsExpired: number;
}

interface OverdueItemRow {
  id: string;
  advance: string;
  maturity_date: string;
  currency: string;
  grace_days: number;
  penalty_rate: string;
  day_count_basis: DayCountBasis;
}

/**
 * End of day for financing, for one business date: funded items past maturity + grace become
 * OVERDUE (with their request and receivable), penalty interest is recomputed from scratch as of
 * that date (see penaltyAsOf for the convention), unfunded requests that can no longer be funded
 * lapse (FinancingService.lapseUnfundable), and programs past their validity expire.
 * Running it twice for a date changes nothing the second time; running it for an earlier date
 * never lowers a penalty already accrued to a later one.
 */
@Injectable()
export class DailyFinancingHandler implements JobHandler<typeof JOBS.DAILY_FINANCING> {
  readonly job = JOBS.DAILY_FINANCING;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: ClockService,
    private readonly audit: AuditService,
    private readonly financing: FinancingService,
  ) {}

  async handle(data: JobPayloads[typeof JOBS.DAILY_FINANCING]): Promise<DailyFinancingResult> {
    const businessDate = data.businessDate === undefined ? await this.clock.today() : parseIsoDate(data.businessDate, 'businessDate');
    return this.dataSource.transaction(async (manager) => {
      const requestsOverdue = await this.markOverdue(manager, businessDate);
      const itemsAccrued = await this.accruePenalties(manager, businessDate);
      const requestsLapsed = await this.financing.lapseUnfundable(manager, businessDate);
      const programsExpired = await this.expirePrograms(manager, businessDate);
      await manager.query(
        `INSERT INTO scheduled_runs (job_name, business_date) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [this.job, businessDate],
      );
      return { businessDate, requestsOverdue, requestsLapsed, itemsAccrued, programsExpired };
    });
  }

  /** Returns how many requests became overdue; each gets a business event. */
  private async markOverdue(manager: EntityManager, businessDate: IsoDate): Promise<number> {
    const [requests]: [{ id: string; program_id: string }[], number] = await manager.query(
      `WITH overdue_items AS (
         UPDATE financing_items i SET status = 'OVERDUE'
           FROM financing_requests r, programs p
          WHERE r.id = i.financing_request_id AND p.id = r.program_id
            AND i.status = 'LIVE' AND r.status IN ('FUNDED','OVERDUE')
            AND i.maturity_date + p.grace_days < $1::date
         RETURNING i.receivable_id, i.financing_request_id),
       overdue_receivables AS (
         UPDATE receivables SET status = 'OVERDUE'
          WHERE id IN (SELECT receivable_id FROM overdue_items) AND status = 'FINANCED')
       UPDATE financing_requests SET status = 'OVERDUE'
        WHERE id IN (SELECT financing_request_id FROM overdue_items) AND status = 'FUNDED'
       RETURNING id, program_id`,
      [businessDate],
    );
    await this.audit.record(
      manager,
      requests.map((request) => ({
        chainId: request.program_id,
        actor: null,
        action: 'financing.overdue',
        objectType: 'financing_request',
        objectId: request.id,
        before: { status: 'FUNDED' },
        after: { status: 'OVERDUE', businessDate },
      })),
    );
    return requests.length;
  }

  /** Penalty as of the business date for every overdue item, in batches, priced by libs/core. */
  private async accruePenalties(manager: EntityManager, businessDate: IsoDate): Promise<number> {
    let accrued = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const items: OverdueItemRow[] = await manager.query(
        `SELECT i.id, i.advance, i.maturity_date, r.currency, p.grace_days, p.penalty_rate, p.day_count_basis
           FROM financing_items i
           JOIN financing_requests r ON r.id = i.financing_request_id
           JOIN programs p ON p.id = r.program_id
          WHERE i.status = 'OVERDUE' AND (i.penalty_accrued_to IS NULL OR i.penalty_accrued_to <= $1::date) AND i.id > $2
          ORDER BY i.id LIMIT $3`,
        [businessDate, after, ACCRUAL_BATCH],
      );
      if (items.length === 0) return accrued;
      const penalties = items.map(
        (item) =>
          penaltyAsOf(
            {
              advance: item.advance,
              currency: item.currency,
              maturityDate: item.maturity_date,
              graceDays: item.grace_days,
              penaltyRate: item.penalty_rate,
              basis: Number(item.day_count_basis) as DayCountBasis,
            },
            businessDate,
          ).penalty,
      );
      await manager.query(
        `UPDATE financing_items i SET penalty_accrued = v.penalty, penalty_accrued_to = $1::date
           FROM unnest($2::uuid[], $3::numeric[]) AS v(id, penalty)
          WHERE i.id = v.id`,
        [businessDate, items.map((item) => item.id), penalties.map((penalty) => penalty.toString())],
      );
      accrued += items.length;
      after = items[items.length - 1].id;
    }
  }

  /** A program is valid through its valid_to date; the day after, it finances nothing new. */
  private async expirePrograms(manager: EntityManager, businessDate: IsoDate): Promise<number> {
    const [programs]: [{ id: string }[], number] = await manager.query(
      `UPDATE programs SET status = 'EXPIRED', updated_at = now() WHERE status = 'ACTIVE' AND valid_to < $1::date RETURNING id`,
      [businessDate],
    );
    await this.audit.record(
      manager,
      programs.map((program) => ({
        chainId: program.id,
        actor: null,
        action: 'program.expired',
        objectType: 'program',
        objectId: program.id,
        before: { status: 'ACTIVE' },
        after: { status: 'EXPIRED', businessDate },
      })),
    );
    return programs.length;
  }
}
