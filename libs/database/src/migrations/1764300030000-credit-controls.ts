import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Credit controls at every step (issue 8):
 * - a financing request keeps the amounts the supplier accepted beside those funded (firm offers),
 *   backfilled from the accepted offers; nothing is ever funded with net proceeds ≤ 0;
 * - each enrolment counts the advance auto-approved on its business date, so the program's
 *   auto-approval threshold caps a supplier's auto-approved exposure per day;
 * - reactivating a suspended program or enrolment is a change a checker approves, like a term
 *   or sub-limit change (one pending reactivation at a time).
 */
export class CreditControls1764300030000 implements MigrationInterface {
  name = 'CreditControls1764300030000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE financing_requests
        ADD COLUMN accepted_total_discount numeric(22,4),
        ADD COLUMN accepted_total_fee numeric(22,4),
        ADD COLUMN accepted_total_net_proceeds numeric(22,4)`);
    await q.query(`
      UPDATE financing_requests r
         SET accepted_total_discount = a.discount, accepted_total_fee = a.fee, accepted_total_net_proceeds = a.net_proceeds
        FROM (SELECT i.financing_request_id, sum(o.discount) AS discount, sum(o.fee) AS fee, sum(o.net_proceeds) AS net_proceeds
                FROM financing_items i JOIN offers o ON o.id = i.offer_id
               GROUP BY i.financing_request_id) a
       WHERE a.financing_request_id = r.id`);
    await q.query(`
      ALTER TABLE financing_requests
        ALTER COLUMN accepted_total_discount SET NOT NULL,
        ALTER COLUMN accepted_total_fee SET NOT NULL,
        ALTER COLUMN accepted_total_net_proceeds SET NOT NULL,
        ADD CONSTRAINT financing_requests_net_proceeds_positive CHECK (total_net_proceeds > 0 AND accepted_total_net_proceeds > 0)`);
    await q.query(`ALTER TABLE financing_items ADD CONSTRAINT financing_items_net_proceeds_positive CHECK (net_proceeds > 0)`);

    await q.query(`
      ALTER TABLE enrolments
        ADD COLUMN auto_approved_on date,
        ADD COLUMN auto_approved_advance numeric(22,4) NOT NULL DEFAULT 0 CHECK (auto_approved_advance >= 0)`);

    await q.query(`ALTER TABLE program_changes ADD COLUMN kind text NOT NULL DEFAULT 'TERMS' CHECK (kind IN ('TERMS','REACTIVATION'))`);
    await q.query(`CREATE UNIQUE INDEX program_changes_one_pending_reactivation ON program_changes (program_id) WHERE kind = 'REACTIVATION' AND status = 'PENDING'`);
    await q.query(`
      ALTER TABLE enrolment_changes
        ADD COLUMN kind text NOT NULL DEFAULT 'SUB_LIMIT' CHECK (kind IN ('SUB_LIMIT','REACTIVATION')),
        ALTER COLUMN sub_limit DROP NOT NULL,
        ADD CONSTRAINT enrolment_changes_sub_limit_of_kind CHECK ((kind = 'SUB_LIMIT') = (sub_limit IS NOT NULL))`);
    await q.query(`CREATE UNIQUE INDEX enrolment_changes_one_pending_reactivation ON enrolment_changes (enrolment_id) WHERE kind = 'REACTIVATION' AND status = 'PENDING'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM enrolment_changes WHERE kind = 'REACTIVATION'`);
    await q.query(`DROP INDEX enrolment_changes_one_pending_reactivation`);
    await q.query(`ALTER TABLE enrolment_changes DROP CONSTRAINT enrolment_changes_sub_limit_of_kind, DROP COLUMN kind, ALTER COLUMN sub_limit SET NOT NULL`);
    await q.query(`DELETE FROM program_changes WHERE kind = 'REACTIVATION'`);
    await q.query(`DROP INDEX program_changes_one_pending_reactivation`);
    await q.query(`ALTER TABLE program_changes DROP COLUMN kind`);
    await q.query(`ALTER TABLE enrolments DROP COLUMN auto_approved_on, DROP COLUMN auto_approved_advance`);
    await q.query(`ALTER TABLE financing_items DROP CONSTRAINT financing_items_net_proceeds_positive`);
    await q.query(`
      ALTER TABLE financing_requests
        DROP CONSTRAINT financing_requests_net_proceeds_positive,
        DROP COLUMN accepted_total_discount, DROP COLUMN accepted_total_fee, DROP COLUMN accepted_total_net_proceeds`);
  }
}
