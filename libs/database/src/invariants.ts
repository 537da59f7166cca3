/**
 * Whole-database checks of the platform's invariants. Each check is one SQL query returning the
 * offending rows; an empty result means the invariant holds. Used by `npm run check:invariants`
 * and after every end-to-end test file.
 */
export interface InvariantBreach {
  invariant: string;
  rows: Record<string, unknown>[];
}

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

const LIVE_REQUEST = `('REQUESTED','APPROVED','FUNDED','OVERDUE')`;
const LIVE_ITEM = `('LIVE','OVERDUE')`;

export const INVARIANTS: { name: string; sql: string }[] = [
  {
    name: 'program utilisation within its limit',
    sql: `SELECT id, limit_amount, utilised FROM programs WHERE utilised < 0 OR utilised > limit_amount`,
  },
  {
    name: 'enrolment utilisation within its sub-limit',
    sql: `SELECT id, sub_limit, utilised FROM enrolments WHERE utilised < 0 OR utilised > sub_limit`,
  },
  {
    name: 'program utilisation equals the sum of its enrolments',
    sql: `SELECT p.id, p.utilised, COALESCE(SUM(e.utilised), 0) AS enrolments
            FROM programs p LEFT JOIN enrolments e ON e.program_id = p.id
           GROUP BY p.id HAVING p.utilised <> COALESCE(SUM(e.utilised), 0)`,
  },
  {
    name: 'program utilisation equals the advances of its live financings',
    sql: `SELECT p.id, p.utilised, COALESCE(f.advances, 0) AS live_advances
            FROM programs p
            LEFT JOIN (SELECT r.program_id, SUM(i.advance) AS advances
                         FROM financing_items i JOIN financing_requests r ON r.id = i.financing_request_id
                        WHERE i.status IN ${LIVE_ITEM} AND r.status IN ${LIVE_REQUEST}
                        GROUP BY r.program_id) f ON f.program_id = p.id
           WHERE p.utilised <> COALESCE(f.advances, 0)`,
  },
  {
    name: 'enrolment utilisation equals the advances of its live financings',
    sql: `SELECT e.id, e.utilised, COALESCE(f.advances, 0) AS live_advances
            FROM enrolments e
            LEFT JOIN (SELECT r.enrolment_id, SUM(i.advance) AS advances
                         FROM financing_items i JOIN financing_requests r ON r.id = i.financing_request_id
                        WHERE i.status IN ${LIVE_ITEM} AND r.status IN ${LIVE_REQUEST}
                        GROUP BY r.enrolment_id) f ON f.enrolment_id = e.id
           WHERE e.utilised <> COALESCE(f.advances, 0)`,
  },
  {
    name: 'no receivable in two live financings',
    sql: `SELECT i.receivable_id, COUNT(*) AS live_items FROM financing_items i
            JOIN financing_requests r ON r.id = i.financing_request_id
           WHERE i.status IN ${LIVE_ITEM} AND r.status IN ${LIVE_REQUEST}
           GROUP BY i.receivable_id HAVING COUNT(*) > 1`,
  },
  {
    name: 'live items only in live requests, and the reverse',
    sql: `SELECT r.id, r.status, i.id AS item_id, i.status AS item_status FROM financing_requests r
            JOIN financing_items i ON i.financing_request_id = r.id
           WHERE (r.status IN ${LIVE_REQUEST}) <> (i.status IN ${LIVE_ITEM})
             AND NOT (r.status IN ('FUNDED','OVERDUE') AND i.status = 'REPAID')`,
  },
  {
    name: 'financing totals equal the sum of their items',
    sql: `SELECT r.id FROM financing_requests r JOIN financing_items i ON i.financing_request_id = r.id
           GROUP BY r.id
          HAVING r.total_advance <> SUM(i.advance) OR r.total_face <> SUM(i.face_amount)
              OR r.total_discount <> SUM(i.discount) OR r.total_fee <> SUM(i.fee) OR r.total_net_proceeds <> SUM(i.net_proceeds)`,
  },
  {
    name: 'accepted totals equal the sum of the accepted offers',
    sql: `SELECT r.id FROM financing_requests r JOIN financing_items i ON i.financing_request_id = r.id JOIN offers o ON o.id = i.offer_id
           GROUP BY r.id
          HAVING r.accepted_total_discount <> SUM(o.discount) OR r.accepted_total_fee <> SUM(o.fee)
              OR r.accepted_total_net_proceeds <> SUM(o.net_proceeds)`,
  },
  {
    name: 'no open offer of a suspended program or enrolment',
    sql: `SELECT o.id FROM offers o JOIN programs p ON p.id = o.program_id JOIN enrolments e ON e.id = o.enrolment_id
           WHERE o.status = 'OPEN' AND (p.status = 'SUSPENDED' OR e.status = 'SUSPENDED')`,
  },
  {
    name: 'receivable status matches its financing',
    sql: `SELECT rc.id, rc.status, r.status AS financing_status FROM receivables rc
            JOIN financing_items i ON i.receivable_id = rc.id AND i.status IN ${LIVE_ITEM}
            JOIN financing_requests r ON r.id = i.financing_request_id
           WHERE NOT (
             (r.status IN ('REQUESTED','APPROVED') AND rc.status = 'FINANCING_REQUESTED') OR
             (r.status = 'FUNDED' AND rc.status IN ('FINANCED','OVERDUE') AND i.status IN ('LIVE','OVERDUE')) OR
             (r.status = 'OVERDUE' AND rc.status IN ('FINANCED','OVERDUE')))`,
  },
  {
    name: 'a receivable in financing has a live financing (or a repaid one whose reserve is still owed)',
    sql: `SELECT rc.id, rc.status FROM receivables rc
           WHERE rc.status IN ('FINANCING_REQUESTED','FINANCED','OVERDUE')
             AND NOT EXISTS (SELECT 1 FROM financing_items i WHERE i.receivable_id = rc.id AND i.status IN ${LIVE_ITEM})
             AND NOT EXISTS (SELECT 1 FROM financing_items i WHERE i.receivable_id = rc.id AND i.status = 'REPAID'
                               AND i.reserve_released < i.face_amount - i.advance)`,
  },
  {
    name: 'receivable parts sum to its face',
    sql: `SELECT rc.id, rc.face_amount, COALESCE(SUM(p.amount), 0) AS parts FROM receivables rc
            LEFT JOIN receivable_parts p ON p.receivable_id = rc.id
           GROUP BY rc.id HAVING rc.face_amount <> COALESCE(SUM(p.amount), 0)`,
  },
  {
    name: 'confirmed invoices and receivables correspond',
    sql: `SELECT inv.id, inv.status FROM invoices inv LEFT JOIN receivables rc ON rc.invoice_id = inv.id
           WHERE (inv.status = 'CONFIRMED') <> (rc.id IS NOT NULL)
              OR (rc.id IS NOT NULL AND rc.status <> 'SETTLED' AND rc.face_amount <> inv.amount - inv.credited_amount)`,
  },
  {
    name: 'open offers only on open receivables, at most one each',
    sql: `SELECT o.receivable_id, COUNT(*) AS open_offers, MIN(rc.status) AS receivable_status FROM offers o
            JOIN receivables rc ON rc.id = o.receivable_id
           WHERE o.status = 'OPEN' GROUP BY o.receivable_id HAVING COUNT(*) > 1 OR MIN(rc.status) <> 'OPEN'`,
  },
  {
    name: 'a pending discharge leaves its receivable OPEN and without an open offer',
    sql: `SELECT d.id, d.receivable_id, rc.status FROM discharges d JOIN receivables rc ON rc.id = d.receivable_id
           WHERE d.status = 'PENDING'
             AND (rc.status <> 'OPEN' OR EXISTS (SELECT 1 FROM offers o WHERE o.receivable_id = rc.id AND o.status = 'OPEN'))`,
  },
  {
    name: 'an accepted discharge wrote the payment or credit note it claimed',
    sql: `SELECT d.id, d.kind, d.amount, d.outcome_id FROM discharges d
           WHERE d.status IN ('ACKNOWLEDGED','CONFIRMED')
             AND NOT EXISTS (SELECT 1 FROM payments p WHERE d.kind = 'PAYMENT' AND p.id = d.outcome_id AND p.receivable_id = d.receivable_id
                                                        AND p.amount = d.amount AND p.paid_on = d.paid_on)
             AND NOT EXISTS (SELECT 1 FROM credit_notes c WHERE d.kind = 'CREDIT_NOTE' AND c.id = d.outcome_id AND c.invoice_id = d.invoice_id
                                                            AND c.amount = d.amount AND c.credit_note_number = d.credit_note_number)`,
  },
  {
    name: 'an unfinanced receivable is settled exactly when it was paid, once',
    sql: `SELECT rc.id, rc.status FROM receivables rc
           WHERE NOT EXISTS (SELECT 1 FROM financing_items i WHERE i.receivable_id = rc.id AND i.status = 'REPAID')
             AND (rc.status = 'SETTLED') <> EXISTS (SELECT 1 FROM payments t WHERE t.receivable_id = rc.id AND t.financing_item_id IS NULL)`,
  },
  {
    name: 'a financed receivable is settled exactly when its advance is repaid and its reserve released',
    sql: `SELECT rc.id, rc.status, i.id AS item_id, i.principal_paid, i.reserve_released FROM receivables rc
            JOIN financing_items i ON i.receivable_id = rc.id AND i.status = 'REPAID'
           WHERE (rc.status = 'SETTLED') <> (i.principal_paid = i.advance AND i.reserve_released = i.face_amount - i.advance)`,
  },
  {
    name: 'payments sum: what each financing collected equals its standing payments, reversals netted out',
    sql: `SELECT i.id, i.principal_paid, i.penalty_paid, i.reserve_released, t.principal, t.penalty, t.reserve FROM financing_items i
            LEFT JOIN (SELECT financing_item_id, SUM(principal_paid) AS principal, SUM(penalty_paid) AS penalty, SUM(to_supplier) AS reserve
                         FROM payments WHERE financing_item_id IS NOT NULL AND reversed_at IS NULL GROUP BY financing_item_id) t
              ON t.financing_item_id = i.id
           WHERE i.principal_paid <> COALESCE(t.principal, 0) OR i.penalty_paid <> COALESCE(t.penalty, 0)
              OR i.reserve_released <> COALESCE(t.reserve, 0)`,
  },
  {
    name: 'penalty booked equals its accrual ledger, and covers what was paid and waived',
    sql: `SELECT i.id, i.penalty_accrued, i.penalty_paid, i.penalty_waived, a.ledger, w.waived FROM financing_items i
            LEFT JOIN (SELECT financing_item_id, SUM(amount) AS ledger FROM penalty_accruals GROUP BY financing_item_id) a
              ON a.financing_item_id = i.id
            LEFT JOIN (SELECT financing_item_id, SUM(amount) AS waived FROM penalty_waivers WHERE status = 'APPROVED' GROUP BY financing_item_id) w
              ON w.financing_item_id = i.id
           WHERE i.penalty_accrued <> COALESCE(a.ledger, 0) OR i.penalty_waived <> COALESCE(w.waived, 0)
              OR i.penalty_paid + i.penalty_waived > i.penalty_accrued`,
  },
  {
    // "At that time": verified before the instruction was written and not yet superseded (both
    // clock_timestamp()s taken under the organisation's lock, so a race can't reorder them).
    name: 'every funded financing has one disbursement instruction, of its net proceeds, to an account verified at that time',
    sql: `SELECT r.id, r.status, COUNT(d.id) AS instructions FROM financing_requests r
            LEFT JOIN disbursement_instructions d ON d.financing_request_id = r.id
            LEFT JOIN payout_account_changes a ON a.id = d.payout_account_change_id
           WHERE r.status IN ('FUNDED','OVERDUE','REPAID') OR d.id IS NOT NULL
           GROUP BY r.id, r.status
          HAVING COUNT(d.id) <> 1
              OR bool_or(r.status NOT IN ('FUNDED','OVERDUE','REPAID'))
              OR bool_or(d.payee_organisation_id <> r.supplier_id OR a.organisation_id <> r.supplier_id
                         OR d.amount <> r.total_net_proceeds OR d.currency <> r.currency OR d.value_date <> r.value_date
                         OR a.status NOT IN ('VERIFIED','SUPERSEDED') OR a.decided_at > d.created_at
                         OR a.superseded_at <= d.created_at)`,
  },
];

export async function checkInvariants(query: Query): Promise<InvariantBreach[]> {
  const breaches: InvariantBreach[] = [];
  for (const invariant of INVARIANTS) {
    const rows = await query(invariant.sql);
    if (rows.length) breaches.push({ invariant: invariant.name, rows: rows.slice(0, 20) });
  }
  return breaches;
}

export function describeBreaches(breaches: InvariantBreach[]): string {
  return breaches.map((b) => `✗ ${b.invariant} (${b.rows.length}${b.rows.length === 20 ? '+' : ''}):\n${b.rows.map((r) => `    ${JSON.stringify(r)}`).join('\n')}`).join('\n');
}
