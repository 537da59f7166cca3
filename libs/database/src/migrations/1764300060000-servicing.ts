import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Servicing of funded financing: a receivable may be repaid in several payments, each allocated
 * penalty → advance → reserve, with any excess owed back to the payer; penalty interest is a
 * claim booked day by day in a ledger; reversals of a payment and waivers of penalty are
 * maker-checker; payment files are recorded as runs; the end-of-day run records its progress per
 * program and business date so that a re-run or a resumed run never accrues twice.
 */
export class Servicing1764300060000 implements MigrationInterface {
  name = 'Servicing1764300060000';

  async up(q: QueryRunner): Promise<void> {
    // What has been collected on each financing, kept beside what it owes (advance, penalty, reserve).
    await q.query(`
      ALTER TABLE financing_items
        ADD COLUMN principal_paid numeric(22,4) NOT NULL DEFAULT 0,
        ADD COLUMN penalty_paid numeric(22,4) NOT NULL DEFAULT 0,
        ADD COLUMN penalty_waived numeric(22,4) NOT NULL DEFAULT 0,
        ADD COLUMN reserve_released numeric(22,4) NOT NULL DEFAULT 0,
        -- Σ over accrued days of (advance outstanding × penalty rate): penalty_accrued is this / basis,
        -- rounded once, so a daily booking never accumulates rounding errors.
        ADD COLUMN penalty_numerator numeric(40,12) NOT NULL DEFAULT 0`);
    await q.query(`UPDATE financing_items SET principal_paid = advance, reserve_released = face_amount - advance WHERE status = 'REPAID'`);
    await q.query(`UPDATE financing_items i SET penalty_numerator = i.penalty_accrued * p.day_count_basis
                     FROM financing_requests r JOIN programs p ON p.id = r.program_id WHERE r.id = i.financing_request_id`);
    await q.query(`
      ALTER TABLE financing_items
        ADD CONSTRAINT financing_items_principal_paid CHECK (principal_paid >= 0 AND principal_paid <= advance),
        ADD CONSTRAINT financing_items_penalty_settled CHECK (penalty_paid >= 0 AND penalty_waived >= 0 AND penalty_paid + penalty_waived <= penalty_accrued),
        ADD CONSTRAINT financing_items_reserve_released CHECK (reserve_released >= 0 AND reserve_released <= face_amount - advance),
        ADD CONSTRAINT financing_items_repaid_in_full CHECK (status <> 'REPAID' OR principal_paid = advance)`);

    // The penalty ledger: one row per financing per accrued day; the key makes a second booking impossible.
    await q.query(`
      CREATE TABLE penalty_accruals (
        financing_item_id uuid NOT NULL REFERENCES financing_items(id),
        accrual_date date NOT NULL,
        program_id uuid NOT NULL REFERENCES programs(id),
        advance_outstanding numeric(22,4) NOT NULL CHECK (advance_outstanding >= 0),
        penalty_rate numeric(12,8) NOT NULL CHECK (penalty_rate >= 0),
        amount numeric(22,4) NOT NULL CHECK (amount >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (financing_item_id, accrual_date)
      )`);
    // Penalty booked before the ledger existed: one row carrying it, so the ledger explains every total.
    await q.query(`
      INSERT INTO penalty_accruals (financing_item_id, accrual_date, program_id, advance_outstanding, penalty_rate, amount)
      SELECT i.id, i.penalty_accrued_to, r.program_id, i.advance, p.penalty_rate, i.penalty_accrued
        FROM financing_items i JOIN financing_requests r ON r.id = i.financing_request_id JOIN programs p ON p.id = r.program_id
       WHERE i.penalty_accrued > 0 AND i.penalty_accrued_to IS NOT NULL`);

    await q.query(`
      CREATE TABLE payment_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        line_count integer NOT NULL CHECK (line_count > 0),
        recorded_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    // Several payments per financed receivable; an unfinanced receivable is still paid exactly once.
    await q.query(`ALTER TABLE payments DROP CONSTRAINT payments_receivable_id_key`);
    await q.query(`CREATE UNIQUE INDEX payments_one_unfinanced_per_receivable ON payments (receivable_id) WHERE financing_item_id IS NULL`);
    await q.query(`CREATE INDEX payments_receivable_idx ON payments (receivable_id, created_at)`);
    await q.query(`CREATE INDEX payments_financing_item_idx ON payments (financing_item_id) WHERE financing_item_id IS NOT NULL`);
    await q.query(`
      ALTER TABLE payments
        ADD COLUMN penalty_paid numeric(22,4) NOT NULL DEFAULT 0,
        ADD COLUMN principal_paid numeric(22,4) NOT NULL DEFAULT 0,
        ADD COLUMN excess numeric(22,4) NOT NULL DEFAULT 0,
        ADD COLUMN item_status_before text,
        ADD COLUMN request_status_before text,
        ADD COLUMN receivable_status_before text,
        ADD COLUMN payment_run_id uuid REFERENCES payment_runs(id),
        ADD COLUMN line_no integer,
        ADD COLUMN reversed_at timestamptz,
        -- Recording order, even within one transaction (a run): reversals go newest first.
        ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY`);
    await q.query(`UPDATE payments SET principal_paid = to_bank WHERE financing_item_id IS NOT NULL`);
    await q.query(`ALTER TABLE payments DROP CONSTRAINT payments_split`);
    await q.query(`
      ALTER TABLE payments ADD CONSTRAINT payments_split CHECK (
        to_bank + to_supplier + excess = amount AND to_bank = penalty_paid + principal_paid
        AND penalty_paid >= 0 AND principal_paid >= 0 AND to_supplier >= 0 AND excess >= 0)`);

    await q.query(`
      CREATE TABLE payment_reversals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        payment_id uuid NOT NULL REFERENCES payments(id),
        program_id uuid NOT NULL REFERENCES programs(id),
        reason text NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING','APPROVED','REJECTED')),
        rejection_reason text,
        proposed_by uuid NOT NULL REFERENCES users(id),
        decided_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        CONSTRAINT payment_reversals_four_eyes CHECK (decided_by IS NULL OR decided_by <> proposed_by)
      )`);
    await q.query(`CREATE UNIQUE INDEX payment_reversals_one_open_per_payment ON payment_reversals (payment_id) WHERE status IN ('PENDING','APPROVED')`);

    await q.query(`
      CREATE TABLE penalty_waivers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        financing_item_id uuid NOT NULL REFERENCES financing_items(id),
        program_id uuid NOT NULL REFERENCES programs(id),
        amount numeric(22,4) NOT NULL CHECK (amount > 0),
        reason text NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING','APPROVED','REJECTED')),
        rejection_reason text,
        proposed_by uuid NOT NULL REFERENCES users(id),
        decided_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        CONSTRAINT penalty_waivers_four_eyes CHECK (decided_by IS NULL OR decided_by <> proposed_by)
      )`);
    // Several waivers may await a decision: each approval is checked against the penalty then outstanding.
    await q.query(`CREATE INDEX penalty_waivers_item_idx ON penalty_waivers (financing_item_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE penalty_waivers`);
    await q.query(`DROP TABLE payment_reversals`);
    await q.query(`DELETE FROM payments WHERE reversed_at IS NOT NULL`);
    await q.query(`ALTER TABLE payments DROP CONSTRAINT payments_split`);
    await q.query(`ALTER TABLE payments ADD CONSTRAINT payments_split CHECK (to_bank + to_supplier = amount)`);
    await q.query(`
      ALTER TABLE payments DROP COLUMN penalty_paid, DROP COLUMN principal_paid, DROP COLUMN excess, DROP COLUMN item_status_before,
        DROP COLUMN request_status_before, DROP COLUMN receivable_status_before, DROP COLUMN payment_run_id, DROP COLUMN line_no,
        DROP COLUMN reversed_at, DROP COLUMN seq`);
    await q.query(`DROP INDEX payments_financing_item_idx`);
    await q.query(`DROP INDEX payments_receivable_idx`);
    await q.query(`DROP INDEX payments_one_unfinanced_per_receivable`);
    await q.query(`ALTER TABLE payments ADD CONSTRAINT payments_receivable_id_key UNIQUE (receivable_id)`);
    await q.query(`DROP TABLE payment_runs`);
    await q.query(`DROP TABLE penalty_accruals`);
    await q.query(`
      ALTER TABLE financing_items DROP CONSTRAINT financing_items_principal_paid, DROP CONSTRAINT financing_items_penalty_settled,
        DROP CONSTRAINT financing_items_reserve_released, DROP CONSTRAINT financing_items_repaid_in_full,
        DROP COLUMN principal_paid, DROP COLUMN penalty_paid, DROP COLUMN penalty_waived, DROP COLUMN reserve_released,
        DROP COLUMN penalty_numerator`);
  }
}
