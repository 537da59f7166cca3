import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The debtor cannot discharge itself. The anchor's record of its own payment of an unfinanced
 * receivable, and its credit note on a confirmed one, wait here as PENDING until the supplier
 * acknowledges them or the bank's operations confirm them; only then are the payment or the
 * credit note written. At most one per receivable is pending, and the anchor never decides one.
 */
export class Discharges1764300040010 implements MigrationInterface {
  name = 'Discharges1764300040010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE discharges (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('PAYMENT','CREDIT_NOTE')),
        receivable_id uuid NOT NULL REFERENCES receivables(id),
        invoice_id uuid NOT NULL REFERENCES invoices(id),
        program_id uuid NOT NULL REFERENCES programs(id),
        supplier_id uuid NOT NULL REFERENCES organisations(id),
        anchor_id uuid NOT NULL REFERENCES organisations(id),
        currency char(3) NOT NULL,
        amount numeric(22,4) NOT NULL CHECK (amount > 0),
        paid_on date,
        credit_note_number text,
        status text NOT NULL CHECK (status IN ('PENDING','ACKNOWLEDGED','CONFIRMED','REJECTED')),
        claimed_by uuid NOT NULL REFERENCES users(id),
        decided_by uuid REFERENCES users(id),
        decided_by_organisation_id uuid REFERENCES organisations(id),
        decision_reason text,
        outcome_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        CONSTRAINT discharges_payment_has_date CHECK ((kind = 'PAYMENT') = (paid_on IS NOT NULL)),
        CONSTRAINT discharges_credit_note_has_number CHECK ((kind = 'CREDIT_NOTE') = (credit_note_number IS NOT NULL)),
        CONSTRAINT discharges_decided CHECK ((status = 'PENDING') = (decided_by IS NULL) AND (decided_by IS NULL) = (decided_at IS NULL)
                                             AND (decided_by IS NULL) = (decided_by_organisation_id IS NULL)),
        CONSTRAINT discharges_outcome CHECK ((status IN ('ACKNOWLEDGED','CONFIRMED')) = (outcome_id IS NOT NULL)),
        CONSTRAINT discharges_rejection_reason CHECK ((status = 'REJECTED') = (decision_reason IS NOT NULL)),
        CONSTRAINT discharges_debtor_cannot_decide CHECK (decided_by_organisation_id IS DISTINCT FROM anchor_id)
      )`);
    await q.query(`CREATE UNIQUE INDEX discharges_one_pending_per_receivable ON discharges (receivable_id) WHERE status = 'PENDING'`);
    await q.query(`CREATE INDEX discharges_supplier_idx ON discharges (supplier_id, status, created_at)`);
    await q.query(`CREATE INDEX discharges_anchor_idx ON discharges (anchor_id, status, created_at)`);
    await q.query(`CREATE INDEX discharges_program_idx ON discharges (program_id, status, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE discharges`);
  }
}
