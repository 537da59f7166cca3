import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where money is paid. A supplier's payout account changes only through a proposed change that a
 * bank checker verifies (maker-checker, the CHECK keeps them apart even if the code slips); at most
 * one change is pending and one verified (in effect) per organisation. Funding writes a
 * disbursement instruction naming the verified account it pays to, one per financing request, with
 * a payment reference the bank's payment system quotes back. Account numbers are encrypted by the
 * application, bound to their row (libs/identity field-encryption).
 *
 * decided_at / superseded_at / created_at of the instruction are clock_timestamp(), taken after the
 * locks are held: they order a verification and a funding that raced, which `now()` (the start
 * of each transaction) would not, and the invariant "funded to an account verified at that time"
 * compares them.
 */
export class PayoutAccounts1764300020000 implements MigrationInterface {
  name = 'PayoutAccounts1764300020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payout_account_changes (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        bank_account text NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING','VERIFIED','REJECTED','SUPERSEDED')),
        reason text,
        proposed_by uuid NOT NULL REFERENCES users(id),
        proposed_by_organisation_id uuid NOT NULL REFERENCES organisations(id),
        decided_by uuid REFERENCES users(id),
        decided_by_organisation_id uuid REFERENCES organisations(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        superseded_at timestamptz,
        CONSTRAINT payout_account_changes_four_eyes CHECK (decided_by IS NULL OR decided_by <> proposed_by),
        CONSTRAINT payout_account_changes_decided CHECK ((status = 'PENDING') = (decided_by IS NULL AND decided_at IS NULL)),
        CONSTRAINT payout_account_changes_superseded CHECK ((status = 'SUPERSEDED') = (superseded_at IS NOT NULL)),
        CONSTRAINT payout_account_changes_rejection_reason CHECK (status <> 'REJECTED' OR reason IS NOT NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX payout_account_changes_one_pending ON payout_account_changes (organisation_id) WHERE status = 'PENDING'`);
    await q.query(`CREATE UNIQUE INDEX payout_account_changes_one_verified ON payout_account_changes (organisation_id) WHERE status = 'VERIFIED'`);
    await q.query(`CREATE INDEX payout_account_changes_organisation_idx ON payout_account_changes (organisation_id, created_at)`);

    await q.query(`CREATE SEQUENCE disbursement_reference_seq`);
    await q.query(`
      CREATE TABLE disbursement_instructions (
        id uuid PRIMARY KEY,
        financing_request_id uuid NOT NULL REFERENCES financing_requests(id),
        payee_organisation_id uuid NOT NULL REFERENCES organisations(id),
        payout_account_change_id uuid NOT NULL REFERENCES payout_account_changes(id),
        bank_account text NOT NULL,
        amount numeric(22,4) NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL,
        value_date date NOT NULL,
        payment_reference text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT disbursement_instructions_one_per_financing UNIQUE (financing_request_id),
        CONSTRAINT disbursement_instructions_payment_reference_key UNIQUE (payment_reference)
      )`);
    await q.query(`CREATE INDEX disbursement_instructions_payee_idx ON disbursement_instructions (payee_organisation_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE disbursement_instructions`);
    await q.query(`DROP SEQUENCE disbursement_reference_seq`);
    await q.query(`DROP TABLE payout_account_changes`);
  }
}
