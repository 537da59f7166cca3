import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@scf/audit';
import { DayCountBasis, IsoDate, parseIsoDate } from '@scf/core';
import { BusinessDaysService } from '@scf/database';
import { JOBS, JobHandler, JobPayloads } from '@scf/queue';
import { FinancingService } from '../financing.service';
import { penaltyAsOf } from '../penalty';

const ACCRUAL_BATCH = 1000;

export interface DailyFinancingResult {
  /** The date every program ran for when the job named one; otherwise each program's own. */
  businessDate?: IsoDate;
  programs: number;
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
 * End of day for financing, per program for the business date it has reached (see
 * BusinessDaysService.dueForEndOfDay), each program in its own transaction: funded items past maturity + grace become
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
    private readonly businessDays: BusinessDaysService,
    private readonly audit: AuditService,
    private readonly financing: FinancingService,
  ) {}

  async handle(data: JobPayloads[typeof JOBS.DAILY_FINANCING]): Promise<DailyFinancingResult> {
    const date = data.businessDate === undefined ? undefined : parseIsoDate(data.businessDate, 'businessDate');
    const result: DailyFinancingResult = { businessDate: date, programs: 0, requestsOverdue: 0, requestsLapsed: 0, itemsAccrued: 0, programsExpired: 0 };
    for (const { programId, businessDate } of await this.businessDays.dueForEndOfDay(this.job, date)) {
      await this.dataSource.transaction(async (manager) => {
        // Claimed first: a concurrent run for the same program and date waits here, then skips it.
        if (!(await this.businessDays.recordEndOfDay(manager, this.job, programId, businessDate))) return;
        result.programs += 1;
        result.requestsOverdue += await this.markOverdue(manager, programId, businessDate);
        result.itemsAccrued += await this.accruePenalties(manager, programId, businessDate);
        result.requestsLapsed += await this.financing.lapseUnfundable(manager, programId, businessDate);
        result.programsExpired += await this.expirePrograms(manager, programId, businessDate);
      });
    }
    return result;
  }

  /** Returns how many requests became overdue; each gets a business event. */
  private async markOverdue(manager: EntityManager, programId: string, businessDate: IsoDate): Promise<number> {
    const [requests]: [{ id: string; program_id: string }[], number] = await manager.query(
      `WITH overdue_items AS (
         UPDATE financing_items i SET status = 'OVERDUE'
           FROM financing_requests r, programs p
          WHERE r.id = i.financing_request_id AND p.id = r.program_id
            AND i.status = 'LIVE' AND r.status IN ('FUNDED','OVERDUE')
            AND i.maturity_date + p.grace_days < $1::date AND r.program_id = $2
         RETURNING i.receivable_id, i.financing_request_id),
       overdue_receivables AS (
         UPDATE receivables SET status = 'OVERDUE'
          WHERE id IN (SELECT receivable_id FROM overdue_items) AND status = 'FINANCED')
       UPDATE financing_requests SET status = 'OVERDUE'
        WHERE id IN (SELECT financing_request_id FROM overdue_items) AND status = 'FUNDED'
       RETURNING id, program_id`,
      [businessDate, programId],
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
  private async accruePenalties(manager: EntityManager, programId: string, businessDate: IsoDate): Promise<number> {
    let accrued = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const items: OverdueItemRow[] = await manager.query(
        `SELECT i.id, i.advance, i.maturity_date, r.currency, p.grace_days, p.penalty_rate, p.day_count_basis
           FROM financing_items i
           JOIN financing_requests r ON r.id = i.financing_request_id
           JOIN programs p ON p.id = r.program_id
          WHERE i.status = 'OVERDUE' AND (i.penalty_accrued_to IS NULL OR i.penalty_accrued_to <= $1::date) AND i.id > $2
            AND r.program_id = $4
          ORDER BY i.id LIMIT $3`,
        [businessDate, after, ACCRUAL_BATCH, programId],
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
  private async expirePrograms(manager: EntityManager, programId: string, businessDate: IsoDate): Promise<number> {
    const [programs]: [{ id: string }[], number] = await manager.query(
      `UPDATE programs SET status = 'EXPIRED', updated_at = now() WHERE id = $2 AND status = 'ACTIVE' AND valid_to < $1::date RETURNING id`,
      [businessDate, programId],
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
