import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Duplicate invoices. `invoice_number_key` is the invoice number normalised as libs/core's
 * normaliseDocumentNumber does (NFKC, lower case, separators removed; the class below is its
 * DOCUMENT_NUMBER_SEPARATORS), computed by PostgreSQL so that every writer, bulk loads included,
 * stores it. A supplier's number is unique among its invoices that are not REJECTED, in any
 * program: a rejected invoice's number may be submitted again, corrected. Near-duplicates are not
 * refused but flagged for the anchor (invoice_duplicate_flags).
 */
export class InvoiceNumberKey1764300040000 implements MigrationInterface {
  name = 'InvoiceNumberKey1764300040000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE invoices ADD COLUMN invoice_number_key text GENERATED ALWAYS AS (
        normalize(regexp_replace(normalize(lower(normalize(invoice_number, NFKC)), NFKC),
                       '[\\s\\-_/\\\\.\\u00ad\\u1680\\u180e\\u2010-\\u2015\\u2028\\u2029\\u2060\\u200b-\\u200f\\u2212\\ufeff]', '', 'g'), NFKC)
      ) STORED`);
    await q.query(`ALTER TABLE invoices ADD CONSTRAINT invoices_number_key_not_empty CHECK (invoice_number_key <> '')`);
    // Spellings that were distinct before and are one invoice now must be resolved by hand first.
    await q.query(`
      DO $$ DECLARE clashes bigint; BEGIN
        SELECT count(*) INTO clashes FROM (
          SELECT 1 FROM invoices WHERE status <> 'REJECTED' GROUP BY supplier_id, invoice_number_key HAVING count(*) > 1) c;
        IF clashes > 0 THEN
          RAISE EXCEPTION '% invoice numbers of one supplier collide once normalised: reject the duplicates, then migrate again', clashes;
        END IF;
      END $$`);
    await q.query(`ALTER TABLE invoices DROP CONSTRAINT invoices_supplier_number_key`);
    await q.query(`CREATE UNIQUE INDEX invoices_supplier_number_key ON invoices (supplier_id, invoice_number_key) WHERE status <> 'REJECTED'`);
    await q.query(`CREATE INDEX invoices_anchor_number_key_idx ON invoices (anchor_id, invoice_number_key) WHERE status <> 'REJECTED'`);
    await q.query(`CREATE INDEX invoices_fingerprint_idx ON invoices (supplier_id, anchor_id, amount, issue_date, due_date) WHERE status <> 'REJECTED'`);

    // A flag says: this invoice looks like `matched_invoice_id`, an earlier one under the same anchor.
    await q.query(`
      CREATE TABLE invoice_duplicate_flags (
        invoice_id uuid NOT NULL REFERENCES invoices(id),
        matched_invoice_id uuid NOT NULL REFERENCES invoices(id),
        rule text NOT NULL CHECK (rule IN ('NUMBER_OF_ANOTHER_SUPPLIER','SAME_AMOUNT_AND_DATES')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (invoice_id, matched_invoice_id, rule),
        CONSTRAINT invoice_duplicate_flags_not_itself CHECK (invoice_id <> matched_invoice_id)
      )`);
    await q.query(`CREATE INDEX invoice_duplicate_flags_matched_idx ON invoice_duplicate_flags (matched_invoice_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE invoice_duplicate_flags`);
    await q.query(`DROP INDEX invoices_fingerprint_idx`);
    await q.query(`DROP INDEX invoices_anchor_number_key_idx`);
    await q.query(`DROP INDEX invoices_supplier_number_key`);
    await q.query(`ALTER TABLE invoices ADD CONSTRAINT invoices_supplier_number_key UNIQUE (supplier_id, invoice_number)`);
    await q.query(`ALTER TABLE invoices DROP COLUMN invoice_number_key`);
  }
}
