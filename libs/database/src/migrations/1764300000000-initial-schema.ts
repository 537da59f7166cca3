import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole first schema. Money is numeric(22,4) (every ISO 4217 minor unit fits; amounts are
 * rounded to the currency's own minor unit by libs/core before they reach SQL). Rates are
 * numeric(12,8). Invariants that must survive a bug in the application are CHECK constraints
 * and partial unique indexes, not code.
 */
export class InitialSchema1764300000000 implements MigrationInterface {
  name = 'InitialSchema1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);

    await q.query(`
      CREATE TABLE organisations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type text NOT NULL CHECK (type IN ('BANK','ANCHOR','SUPPLIER')),
        name text NOT NULL,
        tax_id text,
        bank_account text,
        created_by_organisation_id uuid REFERENCES organisations(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        email text NOT NULL,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        roles text[] NOT NULL CHECK (cardinality(roles) > 0),
        token_version integer NOT NULL DEFAULT 0,
        failed_logins integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
    await q.query(`CREATE INDEX users_organisation_idx ON users (organisation_id)`);

    await q.query(`
      CREATE TABLE programs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        bank_id uuid NOT NULL REFERENCES organisations(id),
        anchor_id uuid NOT NULL REFERENCES organisations(id),
        name text NOT NULL,
        currency char(3) NOT NULL,
        limit_amount numeric(22,4) NOT NULL CHECK (limit_amount > 0),
        utilised numeric(22,4) NOT NULL DEFAULT 0,
        valid_from date NOT NULL,
        valid_to date NOT NULL,
        base_rate numeric(12,8) NOT NULL CHECK (base_rate >= 0),
        margin numeric(12,8) NOT NULL CHECK (margin >= 0),
        advance_rate numeric(12,8) NOT NULL CHECK (advance_rate > 0 AND advance_rate <= 1),
        fee_rate numeric(12,8) NOT NULL CHECK (fee_rate >= 0 AND fee_rate < 1),
        day_count_basis smallint NOT NULL CHECK (day_count_basis IN (360,365)),
        min_tenor_days integer NOT NULL CHECK (min_tenor_days >= 1),
        max_tenor_days integer NOT NULL,
        grace_days integer NOT NULL CHECK (grace_days >= 0),
        penalty_rate numeric(12,8) NOT NULL CHECK (penalty_rate >= 0),
        offer_validity_days integer NOT NULL CHECK (offer_validity_days >= 1),
        auto_approval_threshold numeric(22,4) NOT NULL CHECK (auto_approval_threshold >= 0),
        status text NOT NULL CHECK (status IN ('DRAFT','ACTIVE','SUSPENDED','EXPIRED','REJECTED')),
        pricing_version integer NOT NULL DEFAULT 1,
        created_by uuid NOT NULL REFERENCES users(id),
        approved_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT programs_utilisation_within_limit CHECK (utilised >= 0 AND utilised <= limit_amount),
        CONSTRAINT programs_validity CHECK (valid_to > valid_from),
        CONSTRAINT programs_tenor CHECK (max_tenor_days >= min_tenor_days),
        CONSTRAINT programs_four_eyes CHECK (approved_by IS NULL OR approved_by <> created_by)
      )`);
    await q.query(`CREATE INDEX programs_bank_idx ON programs (bank_id)`);
    await q.query(`CREATE INDEX programs_anchor_idx ON programs (anchor_id)`);

    await q.query(`
      CREATE TABLE program_changes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        program_id uuid NOT NULL REFERENCES programs(id),
        changes jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING','APPROVED','REJECTED')),
        reason text,
        proposed_by uuid NOT NULL REFERENCES users(id),
        decided_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        CONSTRAINT program_changes_four_eyes CHECK (decided_by IS NULL OR decided_by <> proposed_by)
      )`);
    await q.query(`CREATE INDEX program_changes_program_idx ON program_changes (program_id, created_at)`);

    await q.query(`
      CREATE TABLE enrolments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        program_id uuid NOT NULL REFERENCES programs(id),
        supplier_id uuid NOT NULL REFERENCES organisations(id),
        sub_limit numeric(22,4) NOT NULL CHECK (sub_limit > 0),
        utilised numeric(22,4) NOT NULL DEFAULT 0,
        status text NOT NULL CHECK (status IN ('PENDING','APPROVED','SUSPENDED','REJECTED')),
        proposed_by uuid NOT NULL REFERENCES users(id),
        approved_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT enrolments_utilisation_within_sub_limit CHECK (utilised >= 0 AND utilised <= sub_limit),
        CONSTRAINT enrolments_four_eyes CHECK (approved_by IS NULL OR approved_by <> proposed_by),
        CONSTRAINT enrolments_program_supplier_key UNIQUE (program_id, supplier_id)
      )`);
    await q.query(`CREATE INDEX enrolments_supplier_idx ON enrolments (supplier_id)`);

    await q.query(`
      CREATE TABLE invoices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        program_id uuid NOT NULL REFERENCES programs(id),
        supplier_id uuid NOT NULL REFERENCES organisations(id),
        anchor_id uuid NOT NULL REFERENCES organisations(id),
        invoice_number text NOT NULL,
        currency char(3) NOT NULL,
        amount numeric(22,4) NOT NULL CHECK (amount > 0),
        credited_amount numeric(22,4) NOT NULL DEFAULT 0,
        issue_date date NOT NULL,
        due_date date NOT NULL,
        status text NOT NULL CHECK (status IN ('SUBMITTED','CONFIRMED','REJECTED')),
        rejection_reason text,
        submitted_by_organisation_id uuid NOT NULL REFERENCES organisations(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        CONSTRAINT invoices_dates CHECK (due_date > issue_date),
        CONSTRAINT invoices_credit_below_amount CHECK (credited_amount >= 0 AND credited_amount < amount),
        CONSTRAINT invoices_supplier_number_key UNIQUE (supplier_id, invoice_number)
      )`);
    await q.query(`CREATE INDEX invoices_program_status_idx ON invoices (program_id, status)`);
    await q.query(`CREATE INDEX invoices_anchor_status_idx ON invoices (anchor_id, status, created_at)`);

    await q.query(`
      CREATE TABLE credit_notes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        invoice_id uuid NOT NULL REFERENCES invoices(id),
        credit_note_number text NOT NULL,
        amount numeric(22,4) NOT NULL CHECK (amount > 0),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT credit_notes_invoice_number_key UNIQUE (invoice_id, credit_note_number)
      )`);

    await q.query(`
      CREATE TABLE receivables (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        invoice_id uuid NOT NULL UNIQUE REFERENCES invoices(id),
        program_id uuid NOT NULL REFERENCES programs(id),
        supplier_id uuid NOT NULL REFERENCES organisations(id),
        anchor_id uuid NOT NULL REFERENCES organisations(id),
        currency char(3) NOT NULL,
        face_amount numeric(22,4) NOT NULL CHECK (face_amount > 0),
        due_date date NOT NULL,
        status text NOT NULL CHECK (status IN ('OPEN','FINANCING_REQUESTED','FINANCED','OVERDUE','SETTLED')),
        created_at timestamptz NOT NULL DEFAULT now(),
        settled_at timestamptz
      )`);
    await q.query(`CREATE INDEX receivables_supplier_idx ON receivables (supplier_id, status, due_date, id)`);
    await q.query(`CREATE INDEX receivables_program_status_idx ON receivables (program_id, status, id)`);

    // A receivable's parts and their holders: one part at confirmation; splits and transfers
    // to tier-2 suppliers add parts. The parts always sum to the face (checked by the invariant checker).
    await q.query(`
      CREATE TABLE receivable_parts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        receivable_id uuid NOT NULL REFERENCES receivables(id),
        holder_id uuid NOT NULL REFERENCES organisations(id),
        amount numeric(22,4) NOT NULL CHECK (amount > 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX receivable_parts_receivable_idx ON receivable_parts (receivable_id)`);

    await q.query(`
      CREATE TABLE offers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        receivable_id uuid NOT NULL REFERENCES receivables(id),
        program_id uuid NOT NULL REFERENCES programs(id),
        enrolment_id uuid NOT NULL REFERENCES enrolments(id),
        supplier_id uuid NOT NULL REFERENCES organisations(id),
        currency char(3) NOT NULL,
        face_amount numeric(22,4) NOT NULL,
        advance numeric(22,4) NOT NULL CHECK (advance > 0),
        discount numeric(22,4) NOT NULL CHECK (discount >= 0),
        fee numeric(22,4) NOT NULL CHECK (fee >= 0),
        net_proceeds numeric(22,4) NOT NULL CHECK (net_proceeds > 0),
        annual_rate numeric(12,8) NOT NULL,
        effective_annual_cost numeric(12,6) NOT NULL,
        tenor_days integer NOT NULL,
        value_date date NOT NULL,
        maturity_date date NOT NULL,
        expires_on date NOT NULL,
        pricing_version integer NOT NULL,
        status text NOT NULL CHECK (status IN ('OPEN','ACCEPTED','EXPIRED','SUPERSEDED','WITHDRAWN')),
        created_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz,
        CONSTRAINT offers_amounts CHECK (advance = discount + fee + net_proceeds AND advance <= face_amount)
      )`);
    // At most one open offer per receivable, whatever the worker does.
    await q.query(`CREATE UNIQUE INDEX offers_one_open_per_receivable ON offers (receivable_id) WHERE status = 'OPEN'`);
    await q.query(`CREATE INDEX offers_supplier_open_idx ON offers (supplier_id, status, expires_on)`);
    await q.query(`CREATE INDEX offers_program_open_idx ON offers (program_id) WHERE status = 'OPEN'`);

    await q.query(`
      CREATE TABLE financing_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        program_id uuid NOT NULL REFERENCES programs(id),
        enrolment_id uuid NOT NULL REFERENCES enrolments(id),
        supplier_id uuid NOT NULL REFERENCES organisations(id),
        currency char(3) NOT NULL,
        total_face numeric(22,4) NOT NULL,
        total_advance numeric(22,4) NOT NULL CHECK (total_advance > 0),
        total_discount numeric(22,4) NOT NULL,
        total_fee numeric(22,4) NOT NULL,
        total_net_proceeds numeric(22,4) NOT NULL,
        status text NOT NULL CHECK (status IN ('REQUESTED','APPROVED','FUNDED','OVERDUE','REPAID','REJECTED','CANCELLED')),
        auto_approved boolean NOT NULL DEFAULT false,
        requested_by uuid NOT NULL REFERENCES users(id),
        approved_by uuid REFERENCES users(id),
        funded_by uuid REFERENCES users(id),
        rejection_reason text,
        value_date date,
        created_at timestamptz NOT NULL DEFAULT now(),
        approved_at timestamptz,
        funded_at timestamptz,
        closed_at timestamptz,
        CONSTRAINT financing_four_eyes CHECK (approved_by IS NULL OR approved_by <> requested_by)
      )`);
    await q.query(`CREATE INDEX financing_requests_supplier_idx ON financing_requests (supplier_id, status, created_at)`);
    await q.query(`CREATE INDEX financing_requests_program_idx ON financing_requests (program_id, status)`);

    await q.query(`
      CREATE TABLE financing_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        financing_request_id uuid NOT NULL REFERENCES financing_requests(id),
        receivable_id uuid NOT NULL REFERENCES receivables(id),
        offer_id uuid NOT NULL UNIQUE REFERENCES offers(id),
        face_amount numeric(22,4) NOT NULL,
        advance numeric(22,4) NOT NULL CHECK (advance > 0),
        discount numeric(22,4) NOT NULL,
        fee numeric(22,4) NOT NULL,
        net_proceeds numeric(22,4) NOT NULL,
        tenor_days integer NOT NULL,
        maturity_date date NOT NULL,
        penalty_accrued numeric(22,4) NOT NULL DEFAULT 0,
        penalty_accrued_to date,
        status text NOT NULL CHECK (status IN ('LIVE','OVERDUE','REPAID','RELEASED')),
        CONSTRAINT financing_items_amounts CHECK (advance = discount + fee + net_proceeds)
      )`);
    // No receivable in two live financings.
    await q.query(`CREATE UNIQUE INDEX financing_items_one_live_per_receivable ON financing_items (receivable_id) WHERE status IN ('LIVE','OVERDUE')`);
    await q.query(`CREATE INDEX financing_items_request_idx ON financing_items (financing_request_id)`);
    await q.query(`CREATE INDEX financing_items_maturity_idx ON financing_items (maturity_date) WHERE status IN ('LIVE','OVERDUE')`);

    await q.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        receivable_id uuid NOT NULL UNIQUE REFERENCES receivables(id),
        financing_item_id uuid REFERENCES financing_items(id),
        currency char(3) NOT NULL,
        amount numeric(22,4) NOT NULL CHECK (amount > 0),
        to_bank numeric(22,4) NOT NULL DEFAULT 0,
        to_supplier numeric(22,4) NOT NULL DEFAULT 0,
        penalty_due numeric(22,4) NOT NULL DEFAULT 0,
        paid_on date NOT NULL,
        recorded_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT payments_split CHECK (to_bank + to_supplier = amount)
      )`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        organisation_id uuid NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        state text NOT NULL CHECK (state IN ('IN_PROGRESS','DONE')),
        response_status integer,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (organisation_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (expires_at)`);

    await q.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        queue text NOT NULL,
        job_name text NOT NULL,
        job_id text,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        relayed_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_pending_idx ON outbox (id) WHERE relayed_at IS NULL`);

    await q.query(`
      CREATE TABLE scheduled_runs (
        job_name text NOT NULL,
        business_date date NOT NULL,
        completed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (job_name, business_date)
      )`);

    // Non-production business clock (CLOCK=manual): lets tests and demos move the business date.
    await q.query(`
      CREATE TABLE clock (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        business_date date NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'clock', 'scheduled_runs', 'outbox', 'idempotency_keys', 'payments', 'financing_items',
      'financing_requests', 'offers', 'receivable_parts', 'receivables', 'credit_notes', 'invoices',
      'enrolments', 'program_changes', 'programs', 'users', 'organisations',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
