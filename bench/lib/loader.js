'use strict';

/**
 * Bulk loading by SQL. Loading is not what the benchmark measures, so parties, programs,
 * enrolments, invoices and receivables are written with INSERT … SELECT generate_series, with
 * deterministic ids (md5 → uuid) so later statements can refer to rows without reading them back.
 * Everything loaded satisfies the platform's invariants (libs/database/src/invariants.ts).
 */

const PASSWORD = 'Bench-password-1';
const BUSINESS_DATE = '2026-03-02';
/** The first KEY_SUPPLIERS suppliers hold KEY_SHARE of every book (a Pareto-like skew, as real books have). */
const KEY_SUPPLIERS = 32;
const KEY_SHARE = 50; // percent

/** A deterministic, valid version-4 UUID (the API's validators refuse other versions). */
const uuidOf = (expr) => `overlay(overlay(md5(${expr}) placing '4' from 13) placing '8' from 17)::uuid`;
const programId = (p) => uuidOf(`'bench-program-' || ${p}`);
const supplierId = (s) => uuidOf(`'bench-supplier-' || ${s}`);
const anchorId = (p) => uuidOf(`'bench-anchor-' || ${p}`);
const enrolmentId = (s) => uuidOf(`'bench-enrolment-' || ${s}`);
const BANK_ID = uuidOf(`'bench-bank'`);
const user = (name) => uuidOf(`'bench-user-' || ${name}`);

async function hashPassword() {
  const argon2 = require('argon2');
  return argon2.hash(PASSWORD, { type: argon2.argon2id });
}

/**
 * One bank (admin, maker, checker, operations), `programs` anchors with one ACTIVE CNY program
 * each, `suppliers` suppliers each enrolled (APPROVED) in program s % programs. Limits and the
 * auto-approval threshold are high so that acceptances auto-approve and never hit a limit.
 */
async function loadParties(db, { programs, suppliers }) {
  const hash = await hashPassword();
  const sql = `
    INSERT INTO organisations (id, type, name) VALUES (${BANK_ID}, 'BANK', 'Bench Bank');
    INSERT INTO users (id, organisation_id, email, display_name, password_hash, roles) VALUES
      (${user(`'bank-admin'`)}, ${BANK_ID}, 'admin@bank.bench.test', 'Bank admin', $hash$${hash}$hash$, '{BANK_ADMIN}'),
      (${user(`'bank-maker'`)}, ${BANK_ID}, 'maker@bank.bench.test', 'Bank maker', $hash$${hash}$hash$, '{BANK_CREDIT_OFFICER}'),
      (${user(`'bank-checker'`)}, ${BANK_ID}, 'checker@bank.bench.test', 'Bank checker', $hash$${hash}$hash$, '{BANK_APPROVER}'),
      (${user(`'bank-ops'`)}, ${BANK_ID}, 'ops@bank.bench.test', 'Bank operations', $hash$${hash}$hash$, '{BANK_OPERATIONS}');

    INSERT INTO organisations (id, type, name, created_by_organisation_id)
      SELECT ${anchorId('p')}, 'ANCHOR', 'Bench Anchor ' || p, ${BANK_ID} FROM generate_series(0, ${programs - 1}) p;
    INSERT INTO users (id, organisation_id, email, display_name, password_hash, roles)
      SELECT ${user(`'anchor-' || p`)}, ${anchorId('p')}, 'anchor-' || p || '@bench.test', 'Anchor admin ' || p,
             $hash$${hash}$hash$, '{ANCHOR_ADMIN,ANCHOR_PAYABLES}'
        FROM generate_series(0, ${programs - 1}) p;

    -- Every day a business day, as the tests' programs: the figures price the same dates as before calendars.
    INSERT INTO calendars (bank_id, code, name, weekend_days) VALUES (${BANK_ID}, 'EVERYDAY', 'Every day', '{}');
    INSERT INTO programs (id, bank_id, anchor_id, name, currency, limit_amount, valid_from, valid_to, base_rate, margin,
                          advance_rate, fee_rate, day_count_basis, min_tenor_days, max_tenor_days, grace_days, penalty_rate,
                          offer_validity_days, auto_approval_threshold, time_zone, calendar_code, status, created_by, approved_by)
      SELECT ${programId('p')}, ${BANK_ID}, ${anchorId('p')}, 'Bench program ' || p, 'CNY', 10000000000000, '2026-01-01', '2027-12-31',
             0.0385, 0.0120, 0.90, 0.001, 360, 7, 180, 5, 0.18, 30, 1000000000000, 'Asia/Shanghai', 'EVERYDAY', 'ACTIVE',
             ${user(`'bank-maker'`)}, ${user(`'bank-checker'`)}
        FROM generate_series(0, ${programs - 1}) p;

    INSERT INTO organisations (id, type, name, created_by_organisation_id)
      SELECT ${supplierId('s')}, 'SUPPLIER', 'Bench Supplier ' || s, ${anchorId(`s % ${programs}`)} FROM generate_series(0, ${suppliers - 1}) s;
    INSERT INTO users (id, organisation_id, email, display_name, password_hash, roles)
      SELECT ${user(`'supplier-' || s`)}, ${supplierId('s')}, 'supplier-' || s || '@bench.test', 'Supplier admin ' || s,
             $hash$${hash}$hash$, '{SUPPLIER_ADMIN,SUPPLIER_FINANCE}'
        FROM generate_series(0, ${suppliers - 1}) s;
    INSERT INTO enrolments (id, program_id, supplier_id, sub_limit, status, proposed_by, approved_by)
      SELECT ${enrolmentId('s')}, ${programId(`s % ${programs}`)}, ${supplierId('s')}, 100000000000, 'APPROVED',
             ${user(`'anchor-' || (s % ${programs})`)}, ${user(`'bank-checker'`)}
        FROM generate_series(0, ${suppliers - 1}) s;

    INSERT INTO clock (id, business_date) VALUES (true, '${BUSINESS_DATE}')
      ON CONFLICT (id) DO UPDATE SET business_date = EXCLUDED.business_date;
  `;
  await db.query(sql);
  const { rows } = await db.query(
    `SELECT p.id, p.anchor_id, (SELECT email FROM users u WHERE u.organisation_id = p.anchor_id LIMIT 1) AS anchor_email
       FROM generate_series(0, $1::int - 1) i JOIN programs p ON p.id = ${programId('i')} ORDER BY i`,
    [programs],
  );
  return {
    programs: rows.map((r) => ({ id: r.id, anchorId: r.anchor_id, anchorEmail: r.anchor_email })),
    supplierEmail: (s) => `supplier-${s}@bench.test`,
    supplierIdSql: supplierId,
  };
}

/**
 * `count` confirmed invoices with their receivables (and one part each), spread over the suppliers
 * with the key-supplier skew. `settledPercent` of them are past maturity and SETTLED with a payment
 * (so that "status=OPEN" filters something out); the rest are OPEN and due in 30–169 days.
 */
async function loadReceivables(db, { tag, count, programs, suppliers, settledPercent = 0 }) {
  const key = Math.min(KEY_SUPPLIERS, suppliers);
  const others = Math.max(1, suppliers - key);
  const supplierOf = `CASE WHEN i % 100 < ${KEY_SHARE} OR ${suppliers} <= ${key} THEN i % ${key} ELSE ${key} + i % ${others} END`;
  await db.query(`DROP TABLE IF EXISTS bench_rows`);
  await db.query(`
    CREATE UNLOGGED TABLE bench_rows AS
    SELECT i, s, s % ${programs} AS p, settled,
           (10000 + ((i::bigint * 7919) % 99000000) / 100.0)::numeric(22,4) AS face,
           CASE WHEN settled THEN DATE '${BUSINESS_DATE}' - 1 - (i % 300) ELSE DATE '${BUSINESS_DATE}' + 30 + ((i * 13) % 140) END AS due
      FROM (SELECT i, ${supplierOf} AS s, (i * 31) % 100 < ${settledPercent} AS settled
              FROM generate_series(1, ${count}) i) g`);
  const inv = uuidOf(`'${tag}-inv-' || r.i`);
  const rcv = uuidOf(`'${tag}-rcv-' || r.i`);
  await db.query(`
    INSERT INTO invoices (id, program_id, supplier_id, anchor_id, invoice_number, currency, amount, issue_date, due_date,
                          status, submitted_by_organisation_id, decided_at)
    SELECT ${inv}, ${programId('r.p')}, ${supplierId('r.s')}, ${anchorId('r.p')}, '${tag}-' || r.i, 'CNY', r.face,
           r.due - 60, r.due, 'CONFIRMED', ${supplierId('r.s')}, now()
      FROM bench_rows r`);
  await db.query(`
    INSERT INTO receivables (id, invoice_id, program_id, supplier_id, anchor_id, currency, face_amount, due_date, status, settled_at)
    SELECT ${rcv}, ${inv}, ${programId('r.p')}, ${supplierId('r.s')}, ${anchorId('r.p')}, 'CNY', r.face, r.due,
           CASE WHEN r.settled THEN 'SETTLED' ELSE 'OPEN' END, CASE WHEN r.settled THEN now() END
      FROM bench_rows r`);
  await db.query(`
    INSERT INTO receivable_parts (receivable_id, holder_id, amount)
    SELECT ${rcv}, ${supplierId('r.s')}, r.face FROM bench_rows r`);
  if (settledPercent > 0) {
    await db.query(`
      INSERT INTO payments (receivable_id, currency, amount, to_bank, to_supplier, paid_on, recorded_by)
      SELECT ${rcv}, 'CNY', r.face, 0, r.face, r.due, ${user(`'bank-ops'`)} FROM bench_rows r WHERE r.settled`);
  }
  await db.query(`DROP TABLE bench_rows`);
  await db.query(`ANALYZE invoices; ANALYZE receivables; ANALYZE receivable_parts; ANALYZE payments`);
}

module.exports = { uuidOf, supplierId, loadParties, loadReceivables, PASSWORD, BUSINESS_DATE, KEY_SUPPLIERS, KEY_SHARE };
