import { formatAmount } from '@scf/core';
import { Actor, OrganisationType } from '@scf/identity';
import { Reader, redact } from '@scf/programs';
import { FinancingItemStatus } from './financing-item.entity';
import { FinancingStatus } from './financing-request.entity';

/** financing_requests as read with manager.query (snake_case, numerics as strings). */
export interface FinancingRequestRow {
  id: string;
  program_id: string;
  enrolment_id: string;
  supplier_id: string;
  currency: string;
  total_face: string;
  total_advance: string;
  total_discount: string;
  total_fee: string;
  total_net_proceeds: string;
  accepted_total_discount: string;
  accepted_total_fee: string;
  accepted_total_net_proceeds: string;
  status: FinancingStatus;
  auto_approved: boolean;
  rejection_reason: string | null;
  value_date: string | null;
  created_at: Date;
  approved_at: Date | null;
  funded_at: Date | null;
  closed_at: Date | null;
}

export interface FinancingItemRow {
  id: string;
  financing_request_id: string;
  receivable_id: string;
  offer_id: string;
  face_amount: string;
  advance: string;
  discount: string;
  fee: string;
  net_proceeds: string;
  tenor_days: number;
  maturity_date: string;
  penalty_accrued: string;
  penalty_accrued_to: string | null;
  status: FinancingItemStatus;
}

/** The optional fields are the supplier's price, left out for the anchor (FIELD_VISIBILITY.financingItem). */
export interface FinancingItemView {
  id: string;
  receivableId: string;
  offerId?: string;
  faceAmount: string;
  advance?: string;
  discount?: string;
  fee?: string;
  netProceeds?: string;
  tenorDays?: number;
  maturityDate: string;
  status: FinancingItemStatus;
  penaltyAccrued?: string;
  penaltyAccruedTo?: string | null;
}

/** The optional fields are the supplier's price and the bank's decision, left out for the anchor (FIELD_VISIBILITY.financingRequest). */
export interface FinancingSummaryView {
  id: string;
  programId: string;
  enrolmentId: string;
  supplierId: string;
  currency: string;
  status: FinancingStatus;
  autoApproved?: boolean;
  totalFace: string;
  totalAdvance?: string;
  totalDiscount?: string;
  totalFee?: string;
  totalNetProceeds?: string;
  /** What the supplier accepted; differs from the totals above only if funding re-priced a later value date. */
  acceptedTotalDiscount?: string;
  acceptedTotalFee?: string;
  acceptedTotalNetProceeds?: string;
  valueDate?: string | null;
  rejectionReason?: string | null;
  createdAt: string;
  approvedAt: string | null;
  fundedAt: string | null;
  closedAt: string | null;
}

export interface FinancingView extends FinancingSummaryView {
  items: FinancingItemView[];
}

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/** A request as the reader may see it. */
export function financingSummaryView(reader: Reader, row: FinancingRequestRow): FinancingSummaryView {
  return redact(reader, 'financingRequest', summary(row));
}

function summary(row: FinancingRequestRow): FinancingSummaryView {
  const money = (value: string) => formatAmount(value, row.currency);
  return {
    id: row.id,
    programId: row.program_id,
    enrolmentId: row.enrolment_id,
    supplierId: row.supplier_id,
    currency: row.currency,
    status: row.status,
    autoApproved: row.auto_approved,
    totalFace: money(row.total_face),
    totalAdvance: money(row.total_advance),
    totalDiscount: money(row.total_discount),
    totalFee: money(row.total_fee),
    totalNetProceeds: money(row.total_net_proceeds),
    acceptedTotalDiscount: money(row.accepted_total_discount),
    acceptedTotalFee: money(row.accepted_total_fee),
    acceptedTotalNetProceeds: money(row.accepted_total_net_proceeds),
    valueDate: row.value_date,
    rejectionReason: row.rejection_reason,
    createdAt: row.created_at.toISOString(),
    approvedAt: iso(row.approved_at),
    fundedAt: iso(row.funded_at),
    closedAt: iso(row.closed_at),
  };
}

/** The items' order in every view: maturity, then id. */
function byMaturityThenId(a: FinancingItemRow, b: FinancingItemRow): number {
  const [x, y] = [`${a.maturity_date} ${a.id}`, `${b.maturity_date} ${b.id}`];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A request with its items, as the reader may see it. */
export function financingView(reader: Reader, row: FinancingRequestRow, items: FinancingItemRow[]): FinancingView {
  const money = (value: string) => formatAmount(value, row.currency);
  return redact<FinancingView>(reader, 'financingRequest', {
    ...summary(row),
    items: [...items].sort(byMaturityThenId).map((item) => ({
      id: item.id,
      receivableId: item.receivable_id,
      offerId: item.offer_id,
      faceAmount: money(item.face_amount),
      advance: money(item.advance),
      discount: money(item.discount),
      fee: money(item.fee),
      netProceeds: money(item.net_proceeds),
      tenorDays: item.tenor_days,
      maturityDate: item.maturity_date,
      status: item.status,
      penaltyAccrued: money(item.penalty_accrued),
      penaltyAccruedTo: item.penalty_accrued_to,
    })),
  });
}

/**
 * SQL condition on `r` (financing_requests) and `p` (its program) that keeps what the actor's
 * organisation may see: a supplier its own requests, a bank those in the programs it funds, an
 * anchor those in its programs. `param` is the placeholder bound to the organisation id.
 */
export function visibleFinancingCondition(actor: Actor, param: string): string {
  switch (actor.organisationType) {
    case OrganisationType.SUPPLIER:
      return `r.supplier_id = ${param}`;
    case OrganisationType.BANK:
      return `p.bank_id = ${param}`;
    case OrganisationType.ANCHOR:
      return `p.anchor_id = ${param}`;
  }
}
