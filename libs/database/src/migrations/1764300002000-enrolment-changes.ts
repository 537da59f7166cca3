import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Proposed sub-limit changes of an enrolment (maker-checker). The checker applies one with a
 * guarded update; the CHECK keeps the checker distinct from the proposer even if the code slips.
 */
export class EnrolmentChanges1764300002000 implements MigrationInterface {
  name = 'EnrolmentChanges1764300002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE enrolment_changes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        enrolment_id uuid NOT NULL REFERENCES enrolments(id),
        program_id uuid NOT NULL REFERENCES programs(id),
        sub_limit numeric(22,4) NOT NULL CHECK (sub_limit > 0),
        status text NOT NULL CHECK (status IN ('PENDING','APPROVED','REJECTED')),
        reason text,
        proposed_by uuid NOT NULL REFERENCES users(id),
        decided_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        CONSTRAINT enrolment_changes_four_eyes CHECK (decided_by IS NULL OR decided_by <> proposed_by)
      )`);
    await q.query(`CREATE INDEX enrolment_changes_enrolment_idx ON enrolment_changes (enrolment_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE enrolment_changes`);
  }
}
