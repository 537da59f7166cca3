import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { forbidden, formatAmount, IsoDate } from '@scf/core';
import { ClockService } from '@scf/database';
import { Actor, OrganisationType } from '@scf/identity';

export const MATURITY_BUCKETS = ['overdue', '0-30', '31-60', '61-90', '91-180', '>180'] as const;
export type MaturityBucket = (typeof MATURITY_BUCKETS)[number];

/** Cap on the overdue list: the oldest first, the rest is for a paged report. */
export const OVERDUE_LIST_LIMIT = 500;

export interface ProgramExposure {
  programId: string;
  programName: string;
  anchorId: string;
  anchorName: string;
  currency: string;
  status: string;
  limitAmount: string;
  /** Reserved by requested, approved and funded financing. */
  utilised: string;
  /** Advances of funded financing not yet repaid. */
  outstanding: string;
  overdue: string;
  liveItems: number;
}

export interface AnchorExposure {
  anchorId: string;
  anchorName: string;
  currency: string;
  outstanding: string;
  overdue: string;
  liveItems: number;
}

export interface MaturityLadder {
  currency: string;
  buckets: { bucket: MaturityBucket; amount: string; items: number }[];
}

export interface OverdueItem {
  financingItemId: string;
  financingRequestId: string;
  receivableId: string;
  programId: string;
  supplierId: string;
  supplierName: string;
  currency: string;
  advance: string;
  maturityDate: string;
  daysOverdue: number;
  penaltyAccrued: string;
  penaltyAccruedTo: string | null;
}

export interface PortfolioView {
  businessDate: IsoDate;
  programs: ProgramExposure[];
  anchors: AnchorExposure[];
  maturityLadder: MaturityLadder[];
  overdue: OverdueItem[];
}

/**
 * Funded advances not yet repaid, in programs of the bank. `$1` is the bank. Exposure is what the
 * bank has disbursed; reserved but unfunded limit shows as `utilised` on the program.
 */
const OUTSTANDING = `
  SELECT i.id, i.advance, i.maturity_date, i.status, i.receivable_id, i.financing_request_id, i.penalty_accrued,
         i.penalty_accrued_to, r.program_id, r.supplier_id, r.currency
    FROM financing_items i
    JOIN financing_requests r ON r.id = i.financing_request_id
    JOIN programs p ON p.id = r.program_id
   WHERE p.bank_id = $1 AND i.status IN ('LIVE','OVERDUE') AND r.status IN ('FUNDED','OVERDUE')`;

interface ExposureRow {
  anchor_total: boolean;
  program_id: string | null;
  program_name: string | null;
  status: string | null;
  limit_amount: string | null;
  utilised: string | null;
  anchor_id: string;
  anchor_name: string;
  currency: string;
  outstanding: string;
  overdue: string;
  live_items: number;
}

/** The bank's risk view: exposure per program and anchor, when it falls due, and what is overdue. */
@Injectable()
export class PortfolioService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: ClockService,
  ) {}

  async portfolio(actor: Actor): Promise<PortfolioView> {
    if (actor.organisationType !== OrganisationType.BANK) throw forbidden('bank_only', 'the portfolio is the funding bank\'s view');
    const businessDate = await this.clock.today();
    const bankId = actor.organisationId;

    // Programs are aggregated first, then rolled up per anchor and currency in the same statement.
    const exposures: ExposureRow[] = await this.dataSource.query(
      `WITH outstanding AS (${OUTSTANDING}),
       per_program AS (
         SELECT p.id, p.name, p.status, p.anchor_id, p.currency, p.limit_amount, p.utilised,
                coalesce(sum(o.advance), 0) AS outstanding,
                coalesce(sum(o.advance) FILTER (WHERE o.status = 'OVERDUE'), 0) AS overdue,
                count(o.id)::int AS live_items
           FROM programs p LEFT JOIN outstanding o ON o.program_id = p.id
          WHERE p.bank_id = $1 AND p.status NOT IN ('DRAFT','REJECTED')
          GROUP BY p.id)
       SELECT GROUPING(pp.id) = 1 AS anchor_total, pp.id AS program_id, pp.name AS program_name, pp.status,
              pp.limit_amount, pp.utilised, pp.anchor_id, a.name AS anchor_name, pp.currency,
              sum(pp.outstanding) AS outstanding, sum(pp.overdue) AS overdue, sum(pp.live_items)::int AS live_items
         FROM per_program pp JOIN organisations a ON a.id = pp.anchor_id
        GROUP BY GROUPING SETS ((pp.anchor_id, a.name, pp.currency),
                                (pp.anchor_id, a.name, pp.currency, pp.id, pp.name, pp.status, pp.limit_amount, pp.utilised))
        ORDER BY a.name, pp.anchor_id, pp.currency, pp.name NULLS FIRST, pp.id`,
      [bankId],
    );

    const ladder: { currency: string; bucket: MaturityBucket; amount: string; items: number }[] = await this.dataSource.query(
      `WITH outstanding AS (${OUTSTANDING})
       SELECT currency,
              CASE WHEN status = 'OVERDUE' OR maturity_date < $2::date THEN 'overdue'
                   WHEN maturity_date - $2::date <= 30 THEN '0-30'
                   WHEN maturity_date - $2::date <= 60 THEN '31-60'
                   WHEN maturity_date - $2::date <= 90 THEN '61-90'
                   WHEN maturity_date - $2::date <= 180 THEN '91-180'
                   ELSE '>180' END AS bucket,
              sum(advance) AS amount, count(*)::int AS items
         FROM outstanding GROUP BY 1, 2 ORDER BY 1`,
      [bankId, businessDate],
    );

    const overdue: (Record<string, string> & { days_overdue: number })[] = await this.dataSource.query(
      `WITH outstanding AS (${OUTSTANDING})
       SELECT o.id, o.financing_request_id, o.receivable_id, o.program_id, o.supplier_id, s.name AS supplier_name, o.currency,
              o.advance, o.maturity_date, ($2::date - o.maturity_date) AS days_overdue, o.penalty_accrued, o.penalty_accrued_to
         FROM outstanding o JOIN organisations s ON s.id = o.supplier_id
        WHERE o.status = 'OVERDUE'
        ORDER BY o.maturity_date, o.id
        LIMIT $3`,
      [bankId, businessDate, OVERDUE_LIST_LIMIT],
    );

    return {
      businessDate,
      programs: exposures
        .filter((row) => !row.anchor_total)
        .map((row) => ({
          programId: row.program_id!,
          programName: row.program_name!,
          anchorId: row.anchor_id,
          anchorName: row.anchor_name,
          currency: row.currency,
          status: row.status!,
          limitAmount: formatAmount(row.limit_amount!, row.currency),
          utilised: formatAmount(row.utilised!, row.currency),
          outstanding: formatAmount(row.outstanding, row.currency),
          overdue: formatAmount(row.overdue, row.currency),
          liveItems: row.live_items,
        })),
      anchors: exposures
        .filter((row) => row.anchor_total)
        .map((row) => ({
          anchorId: row.anchor_id,
          anchorName: row.anchor_name,
          currency: row.currency,
          outstanding: formatAmount(row.outstanding, row.currency),
          overdue: formatAmount(row.overdue, row.currency),
          liveItems: row.live_items,
        })),
      maturityLadder: [...new Set(ladder.map((row) => row.currency))].map((currency) => ({
        currency,
        buckets: MATURITY_BUCKETS.map((bucket) => {
          const row = ladder.find((r) => r.currency === currency && r.bucket === bucket);
          return { bucket, amount: formatAmount(row?.amount ?? '0', currency), items: row?.items ?? 0 };
        }),
      })),
      overdue: overdue.map((row) => ({
        financingItemId: row.id,
        financingRequestId: row.financing_request_id,
        receivableId: row.receivable_id,
        programId: row.program_id,
        supplierId: row.supplier_id,
        supplierName: row.supplier_name,
        currency: row.currency,
        advance: formatAmount(row.advance, row.currency),
        maturityDate: row.maturity_date,
        daysOverdue: row.days_overdue,
        penaltyAccrued: formatAmount(row.penalty_accrued, row.currency),
        penaltyAccruedTo: row.penalty_accrued_to ?? null,
      })),
    };
  }
}
