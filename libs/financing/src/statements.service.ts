import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { forbidden, formatAmount, IsoDate, notFound } from '@scf/core';
import { Actor, OrganisationType } from '@scf/identity';
import { PAYMENT_COLUMNS, PaymentRow, PaymentView, paymentView } from './payment.views';

export interface PaymentFilter {
  receivableId?: string;
  financingItemId?: string;
  programId?: string;
  supplierId?: string;
  paidFrom?: IsoDate;
  paidTo?: IsoDate;
}

export interface Window {
  limit: number;
  offset: number;
}

/** What one financing owes and has collected, claim by claim. */
export interface StatementLine {
  financingItemId: string;
  financingRequestId: string;
  receivableId: string;
  programId: string;
  currency: string;
  status: string;
  maturityDate: string;
  faceAmount: string;
  advance: string;
  advanceRepaid: string;
  advanceOutstanding: string;
  reserve: string;
  reserveReleased: string;
  reserveOutstanding: string;
  penaltyAccrued: string;
  penaltyPaid: string;
  penaltyWaived: string;
  penaltyOutstanding: string;
  /** Paid beyond all claims, owed back to the anchor. */
  excess: string;
}

export type StatementTotals = Omit<StatementLine, 'financingItemId' | 'financingRequestId' | 'receivableId' | 'programId' | 'status' | 'maturityDate'> & {
  financings: number;
};

export interface SupplierStatement {
  supplierId: string;
  /** Over every financing of the statement (not only the page), one entry per currency. */
  totals: StatementTotals[];
  lines: { items: StatementLine[]; limit: number; offset: number; hasMore: boolean };
}

const AMOUNTS = [
  'faceAmount', 'advance', 'advanceRepaid', 'advanceOutstanding', 'reserve', 'reserveReleased', 'reserveOutstanding',
  'penaltyAccrued', 'penaltyPaid', 'penaltyWaived', 'penaltyOutstanding', 'excess',
] as const;

/** Per financing item: the claims and what was collected on each, computed in SQL. */
const STATEMENT_SELECT = `
  SELECT i.id AS "financingItemId", r.id AS "financingRequestId", i.receivable_id AS "receivableId", r.program_id AS "programId",
         r.currency, i.status, to_char(i.maturity_date, 'YYYY-MM-DD') AS "maturityDate",
         i.face_amount AS "faceAmount", i.advance, i.principal_paid AS "advanceRepaid", i.advance - i.principal_paid AS "advanceOutstanding",
         i.face_amount - i.advance AS reserve, i.reserve_released AS "reserveReleased",
         i.face_amount - i.advance - i.reserve_released AS "reserveOutstanding",
         i.penalty_accrued AS "penaltyAccrued", i.penalty_paid AS "penaltyPaid", i.penalty_waived AS "penaltyWaived",
         i.penalty_accrued - i.penalty_paid - i.penalty_waived AS "penaltyOutstanding",
         COALESCE((SELECT SUM(t.excess) FROM payments t WHERE t.financing_item_id = i.id AND t.reversed_at IS NULL), 0) AS excess
    FROM financing_items i
    JOIN financing_requests r ON r.id = i.financing_request_id
    JOIN programs p ON p.id = r.program_id
   WHERE r.supplier_id = $1 AND r.funded_at IS NOT NULL AND i.status IN ('LIVE','OVERDUE','REPAID')`;

/** Read views of servicing: payments and the statement per supplier. The bank and the supplier see them; the anchor does not (they show the supplier's price). */
@Injectable()
export class StatementsService {
  constructor(private readonly dataSource: DataSource) {}

  async listPayments(actor: Actor, filter: PaymentFilter, window: Window): Promise<{ rows: PaymentView[] }> {
    const params: unknown[] = [actor.organisationId];
    const conditions = [visiblePayment(actor, '$1')];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      conditions.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.receivableId) add('t.receivable_id = ?', filter.receivableId);
    if (filter.financingItemId) add('t.financing_item_id = ?', filter.financingItemId);
    if (filter.programId) add('rc.program_id = ?', filter.programId);
    if (filter.supplierId) add('rc.supplier_id = ?', filter.supplierId);
    if (filter.paidFrom) add('t.paid_on >= ?::date', filter.paidFrom);
    if (filter.paidTo) add('t.paid_on <= ?::date', filter.paidTo);
    params.push(window.limit + 1, window.offset);
    const rows: PaymentRow[] = await this.dataSource.query(
      `SELECT ${PAYMENT_COLUMNS} FROM payments t JOIN receivables rc ON rc.id = t.receivable_id JOIN programs p ON p.id = rc.program_id
        WHERE ${conditions.join(' AND ')} ORDER BY t.seq DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return { rows: rows.map((row) => paymentView(actor, row)) };
  }

  async getPayment(actor: Actor, paymentId: string): Promise<PaymentView> {
    const [row]: PaymentRow[] = await this.dataSource.query(
      `SELECT ${PAYMENT_COLUMNS} FROM payments t JOIN receivables rc ON rc.id = t.receivable_id JOIN programs p ON p.id = rc.program_id
        WHERE t.id = $2 AND ${visiblePayment(actor, '$1')}`,
      [actor.organisationId, paymentId],
    );
    if (!row) throw notFound('payment');
    return paymentView(actor, row);
  }

  /** A supplier's own statement, or a bank's statement of a supplier over the programs it funds. */
  async supplierStatement(actor: Actor, supplierId: string, programId: string | undefined, window: Window): Promise<SupplierStatement> {
    const params: unknown[] = [supplierId];
    let scope = '';
    if (actor.organisationType === OrganisationType.SUPPLIER) {
      if (actor.organisationId !== supplierId) throw notFound('supplier', 'supplierId');
    } else if (actor.organisationType === OrganisationType.BANK) {
      const [enrolled] = await this.dataSource.query(
        `SELECT 1 FROM enrolments e JOIN programs p ON p.id = e.program_id WHERE e.supplier_id = $1 AND p.bank_id = $2 LIMIT 1`,
        [supplierId, actor.organisationId],
      );
      if (!enrolled) throw notFound('supplier', 'supplierId');
      params.push(actor.organisationId);
      scope += ` AND p.bank_id = $${params.length}`;
    } else {
      throw forbidden('statement_hidden', 'a supplier\'s statement shows its financing prices: the supplier and its bank read it');
    }
    if (programId) {
      params.push(programId);
      scope += ` AND r.program_id = $${params.length}`;
    }
    const lines: Record<string, string>[] = await this.dataSource.query(
      `${STATEMENT_SELECT}${scope} ORDER BY i.maturity_date, i.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, window.limit + 1, window.offset],
    );
    const totals: Record<string, string>[] = await this.dataSource.query(
      `SELECT currency, COUNT(*)::int AS financings, ${AMOUNTS.map((a) => `SUM("${a}") AS "${a}"`).join(', ')}
         FROM (${STATEMENT_SELECT}${scope}) s GROUP BY currency ORDER BY currency`,
      params,
    );
    const money = (row: Record<string, string>) =>
      Object.fromEntries(AMOUNTS.map((a) => [a, formatAmount(row[a], row.currency)])) as Record<(typeof AMOUNTS)[number], string>;
    return {
      supplierId,
      totals: totals.map((row) => ({ currency: row.currency, financings: Number(row.financings), ...money(row) })),
      lines: {
        items: lines.slice(0, window.limit).map((row) => ({
          financingItemId: row.financingItemId,
          financingRequestId: row.financingRequestId,
          receivableId: row.receivableId,
          programId: row.programId,
          currency: row.currency,
          status: row.status,
          maturityDate: row.maturityDate,
          ...money(row),
        })),
        limit: window.limit,
        offset: window.offset,
        hasMore: lines.length > window.limit,
      },
    };
  }
}

function visiblePayment(actor: Actor, param: string): string {
  switch (actor.organisationType) {
    case OrganisationType.SUPPLIER:
      return `rc.supplier_id = ${param}`;
    case OrganisationType.BANK:
      return `p.bank_id = ${param}`;
    case OrganisationType.ANCHOR:
      throw forbidden('payments_hidden', 'payment allocations show the supplier\'s financing price: the supplier and the bank read them');
  }
}
