import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@scf/audit';
import { DayCountBasis, IsoDate, parseIsoDate } from '@scf/core';
import { BusinessDaysService } from '@scf/database';
import { JOBS, JobHandler, JobPayloads } from '@scf/queue';
import { FinancingService } from '../financing.service';
import { bookPenalty } from '../penalty';
import { lockProgramForServicing } from '../servicing-locks';

export interface DailyFinancingResult {
  /** The date every program ran for when the job named one; otherwise each program's own. */
  businessDate?: IsoDate;
  programsClosed: number;
  requestsOverdue: number;
  requestsLapsed: number;
  itemsAccrued: number;
  programsExpired: number;
}

interface OverdueItemRow {
  id: string;
  advance: string;
  principal_paid: string;
  maturity_date: string;
  penalty_accrued: string;
  penalty_accrued_to: string | null;
  penalty_numerator: string;
  currency: string;
  grace_days: number;
  penalty_rate: string;
  day_count_basis: DayCountBasis;
}

/**
 * End of day for financing, per program for the business date it has reached in its own time zone
 * (BusinessDaysService.dueForEndOfDay). Each program closes its day in its own transaction that
 * first claims the program and date (end_of_day_runs): a crash loses at most the program under
 * way, and a re-run, a resumed run or a concurrent one skips the programs already closed, so
 * nothing is booked twice (the penalty ledger's key on financing × day is the backstop). Closing a
 * day: funded items past maturity + grace become OVERDUE, penalty is booked into the ledger,
 * unfunded requests that can no longer be funded lapse, and a program past its validity expires.
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
    const result: DailyFinancingResult = { businessDate: date, programsClosed: 0, requestsOverdue: 0, requestsLapsed: 0, itemsAccrued: 0, programsExpired: 0 };
    for (const { programId, businessDate } of await this.businessDays.dueForEndOfDay(this.job, date)) {
      const closed = await this.dataSource.transaction((manager) => this.closeProgramDay(manager, programId, businessDate));
      if (!closed) continue;
      result.programsClosed += 1;
      result.requestsOverdue += closed.requestsOverdue;
      result.itemsAccrued += closed.itemsAccrued;
      result.requestsLapsed += closed.requestsLapsed;
      result.programsExpired += closed.programsExpired;
    }
    return result;
  }

  /**
   * One program's day. The program row is taken first, as repayments, reversals and waivers take
   * it, so none of them interleaves with the booking; the run is recorded first under that lock,
   * so a second run for the same date finds it and does nothing.
   */
  private async closeProgramDay(manager: EntityManager, programId: string, businessDate: IsoDate) {
    await lockProgramForServicing(manager, programId);
    if (!(await this.businessDays.recordEndOfDay(manager, this.job, programId, businessDate))) return undefined;
    const requestsOverdue = await this.markOverdue(manager, programId, businessDate);
    const itemsAccrued = await this.bookPenalties(manager, programId, businessDate);
    const requestsLapsed = await this.financing.lapseUnfundable(manager, programId, businessDate);
    const programsExpired = await this.expireProgram(manager, programId, businessDate);
    return { requestsOverdue, itemsAccrued, requestsLapsed, programsExpired };
  }

  /** Returns how many requests became overdue; each gets a business event. */
  private async markOverdue(manager: EntityManager, programId: string, businessDate: IsoDate): Promise<number> {
    const [requests]: [{ id: string; program_id: string }[], number] = await manager.query(
      `WITH overdue_items AS (
         UPDATE financing_items i SET status = 'OVERDUE'
           FROM financing_requests r, programs p
          WHERE r.id = i.financing_request_id AND p.id = r.program_id AND r.program_id = $2
            AND i.status = 'LIVE' AND r.status IN ('FUNDED','OVERDUE')
            AND i.maturity_date + p.grace_days < $1::date
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

  /**
   * Books each overdue financing's penalty for the days up to the date into the ledger, at the
   * program's penalty rate in force now, on the advance outstanding now (see bookPenalty).
   */
  private async bookPenalties(manager: EntityManager, programId: string, businessDate: IsoDate): Promise<number> {
    const items: OverdueItemRow[] = await manager.query(
      `SELECT i.id, i.advance, i.principal_paid, i.maturity_date, i.penalty_accrued, i.penalty_accrued_to, i.penalty_numerator,
              r.currency, p.grace_days, p.penalty_rate, p.day_count_basis
         FROM financing_items i
         JOIN financing_requests r ON r.id = i.financing_request_id
         JOIN programs p ON p.id = r.program_id
        WHERE r.program_id = $1 AND i.status = 'OVERDUE' AND (i.penalty_accrued_to IS NULL OR i.penalty_accrued_to < $2::date)
        ORDER BY i.id`,
      [programId, businessDate],
    );
    const ledger = { item: [] as string[], date: [] as string[], outstanding: [] as string[], rate: [] as string[], amount: [] as string[] };
    const totals = { item: [] as string[], numerator: [] as string[], accrued: [] as string[] };
    for (const item of items) {
      const booking = bookPenalty(
        {
          advance: item.advance,
          principalPaid: item.principal_paid,
          currency: item.currency,
          maturityDate: item.maturity_date,
          graceDays: item.grace_days,
          basis: Number(item.day_count_basis) as DayCountBasis,
          penaltyRate: item.penalty_rate,
          accruedTo: item.penalty_accrued_to,
          numerator: item.penalty_numerator,
          accrued: item.penalty_accrued,
        },
        businessDate,
      );
      if (booking.days.length === 0) continue;
      for (const day of booking.days) {
        ledger.item.push(item.id);
        ledger.date.push(day.accrualDate);
        ledger.outstanding.push(day.advanceOutstanding.toString());
        ledger.rate.push(day.penaltyRate.toString());
        ledger.amount.push(day.amount.toString());
      }
      totals.item.push(item.id);
      totals.numerator.push(booking.numerator.toString());
      totals.accrued.push(booking.accrued.toString());
    }
    if (totals.item.length === 0) return 0;
    await manager.query(
      `INSERT INTO penalty_accruals (financing_item_id, accrual_date, program_id, advance_outstanding, penalty_rate, amount)
       SELECT v.item, v.day, $1, v.outstanding, v.rate, v.amount
         FROM unnest($2::uuid[], $3::date[], $4::numeric[], $5::numeric[], $6::numeric[]) AS v(item, day, outstanding, rate, amount)`,
      [programId, ledger.item, ledger.date, ledger.outstanding, ledger.rate, ledger.amount],
    );
    await manager.query(
      `UPDATE financing_items i SET penalty_numerator = v.numerator, penalty_accrued = v.accrued, penalty_accrued_to = $1::date
         FROM unnest($2::uuid[], $3::numeric[], $4::numeric[]) AS v(id, numerator, accrued)
        WHERE i.id = v.id`,
      [businessDate, totals.item, totals.numerator, totals.accrued],
    );
    return totals.item.length;
  }

  /** A program is valid through its valid_to date; the day after, it finances nothing new. */
  private async expireProgram(manager: EntityManager, programId: string, businessDate: IsoDate): Promise<number> {
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
