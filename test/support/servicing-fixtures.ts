import { randomUUID } from 'node:crypto';
import { Platform } from './platform';

/**
 * Funded financings written straight to the database, many at once, in exactly the state funding
 * leaves them: a FINANCED receivable, its ACCEPTED offer, a FUNDED request of one LIVE item, and the
 * advance in the program's and enrolment's utilisation, and the disbursement instruction to the
 * supplier's verified payout account. For payment runs and invariant checks.
 * Each has face 1,000.00, advance 900.00 (reserve 100.00), value date 2026-03-01, maturity 2026-05-27.
 */
export async function seedFundedFinancings(
  platform: Platform,
  parties: { programId: string; enrolmentId: string; supplierId: string; anchorId: string; requestedBy: string; fundedBy: string },
  count: number,
): Promise<string[]> {
  const tag = `SEED-${randomUUID().slice(0, 8)}`;
  const { programId, enrolmentId, supplierId, anchorId, requestedBy, fundedBy } = parties;
  await platform.sql(
    `INSERT INTO invoices (program_id, supplier_id, anchor_id, invoice_number, currency, amount, issue_date, due_date, status,
       submitted_by_organisation_id, decided_at)
     SELECT $1, $2, $3, $4 || '-' || g, 'CNY', 1000.00, '2026-02-01', '2026-05-27', 'CONFIRMED', $2, now() FROM generate_series(1, $5) g`,
    [programId, supplierId, anchorId, tag, count],
  );
  const receivables = await platform.sql<{ id: string }>(
    `INSERT INTO receivables (invoice_id, program_id, supplier_id, anchor_id, currency, face_amount, due_date, status)
     SELECT id, program_id, supplier_id, anchor_id, 'CNY', amount, due_date, 'FINANCED' FROM invoices WHERE invoice_number LIKE $1 || '-%'
     RETURNING id`,
    [tag],
  );
  const ids = receivables.map((r) => r.id);
  await platform.sql(`INSERT INTO receivable_parts (receivable_id, holder_id, amount) SELECT id, $2, 1000.00 FROM unnest($1::uuid[]) id`, [ids, supplierId]);
  // 900.00 × 0.0505 × 87 / 360 = 10.98; fee 900.00 × 0.001 = 0.90; net 888.12
  await platform.sql(
    `INSERT INTO offers (id, receivable_id, program_id, enrolment_id, supplier_id, currency, face_amount, advance, discount, fee,
       net_proceeds, annual_rate, effective_annual_cost, tenor_days, value_date, maturity_date, expires_on, pricing_version, status, closed_at)
     SELECT gen_random_uuid(), id, $2, $3, $4, 'CNY', 1000.00, 900.00, 10.98, 0.90, 888.12, 0.0505, 0.0517, 87, '2026-03-01', '2026-05-27',
            '2026-03-04', 1, 'ACCEPTED', now()
       FROM unnest($1::uuid[]) id`,
    [ids, programId, enrolmentId, supplierId],
  );
  // One request per offer, sharing the offer's id so that items can find both.
  await platform.sql(
    `INSERT INTO financing_requests (id, program_id, enrolment_id, supplier_id, currency, total_face, total_advance, total_discount,
       total_fee, total_net_proceeds, accepted_total_discount, accepted_total_fee, accepted_total_net_proceeds, status, requested_by,
       approved_by, funded_by, value_date, approved_at, funded_at)
     SELECT o.id, $2, $3, $4, 'CNY', 1000.00, 900.00, 10.98, 0.90, 888.12, 10.98, 0.90, 888.12, 'FUNDED', $5, $6, $6, '2026-03-01', now(), now()
       FROM offers o WHERE o.receivable_id = ANY($1::uuid[])`,
    [ids, programId, enrolmentId, supplierId, requestedBy, fundedBy],
  );
  await platform.sql(
    `INSERT INTO financing_items (financing_request_id, receivable_id, offer_id, face_amount, advance, discount, fee, net_proceeds,
       tenor_days, maturity_date, status)
     SELECT o.id, o.receivable_id, o.id, 1000.00, 900.00, 10.98, 0.90, 888.12, 87, '2026-05-27', 'LIVE' FROM offers o WHERE o.receivable_id = ANY($1::uuid[])`,
    [ids],
  );
  // Paid, as funding pays, to the supplier's verified payout account (the seeded enrolment verified one).
  await platform.sql(
    `INSERT INTO disbursement_instructions (id, financing_request_id, payee_organisation_id, payout_account_change_id, bank_account, amount,
       currency, value_date, payment_reference)
     SELECT gen_random_uuid(), o.id, $2, a.id, a.bank_account, 888.12, 'CNY', '2026-03-01', 'SEED-' || o.id
       FROM offers o, (SELECT id, bank_account FROM payout_account_changes WHERE organisation_id = $2 AND status = 'VERIFIED') a
      WHERE o.receivable_id = ANY($1::uuid[])`,
    [ids, supplierId],
  );
  await platform.sql(`UPDATE programs SET utilised = utilised + $2 WHERE id = $1`, [programId, 900 * count]);
  await platform.sql(`UPDATE enrolments SET utilised = utilised + $2 WHERE id = $1`, [enrolmentId, 900 * count]);
  return ids;
}
