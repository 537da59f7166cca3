import { formatAmount } from '@scf/core';
import { Reader, redact } from '@scf/programs';

/** Read through FIELD_VISIBILITY.payment: the anchor is told what it paid, not how it was split. */
export interface PaymentView {
  id: string;
  receivableId: string;
  financingItemId?: string | null;
  /** The payment file it came in, if any. */
  paymentRunId?: string | null;
  currency: string;
  amount: string;
  /** Penalty and advance collected for the bank. */
  toBank?: string;
  /** Reserve F − A released to the supplier (the whole amount when unfinanced). */
  toSupplier?: string;
  /** Penalty booked and outstanding when the payment was recorded. */
  penaltyDue?: string;
  penaltyPaid?: string;
  principalPaid?: string;
  /** Paid beyond everything owed: owed back to the anchor. */
  excess?: string;
  paidOn: string;
  createdAt: string;
  reversedAt: string | null;
}

export interface PaymentRow {
  id: string;
  seq: string;
  receivable_id: string;
  financing_item_id: string | null;
  payment_run_id: string | null;
  currency: string;
  amount: string;
  to_bank: string;
  to_supplier: string;
  penalty_due: string;
  penalty_paid: string;
  principal_paid: string;
  excess: string;
  paid_on: string;
  item_status_before: string | null;
  receivable_status_before: string;
  created_at: Date;
  reversed_at: Date | null;
}

export const PAYMENT_COLUMNS = `t.id, t.seq, t.receivable_id, t.financing_item_id, t.payment_run_id, t.currency, t.amount, t.to_bank,
  t.to_supplier, t.penalty_due, t.penalty_paid, t.principal_paid, t.excess, to_char(t.paid_on, 'YYYY-MM-DD') AS paid_on,
  t.item_status_before, t.receivable_status_before, t.created_at, t.reversed_at`;

export function paymentView(reader: Reader, row: PaymentRow): PaymentView {
  const money = (value: string) => formatAmount(value, row.currency);
  return redact<PaymentView>(reader, 'payment', {
    id: row.id,
    receivableId: row.receivable_id,
    financingItemId: row.financing_item_id,
    paymentRunId: row.payment_run_id,
    currency: row.currency,
    amount: money(row.amount),
    toBank: money(row.to_bank),
    toSupplier: money(row.to_supplier),
    penaltyDue: money(row.penalty_due),
    penaltyPaid: money(row.penalty_paid),
    principalPaid: money(row.principal_paid),
    excess: money(row.excess),
    paidOn: row.paid_on,
    createdAt: row.created_at.toISOString(),
    reversedAt: row.reversed_at?.toISOString() ?? null,
  });
}
