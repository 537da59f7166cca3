import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Append-only, hash-chained history of business events. One chain per program (or per
 * organisation for events outside a program), so unrelated programs never wait on each other.
 * Rows can't be changed or deleted through the application: a trigger refuses it.
 */
export class BusinessEvents1764300001000 implements MigrationInterface {
  name = 'BusinessEvents1764300001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_chains (
        chain_id text PRIMARY KEY,
        last_seq bigint NOT NULL,
        last_hash text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE business_events (
        chain_id text NOT NULL,
        seq bigint NOT NULL,
        occurred_at timestamptz NOT NULL,
        actor_user_id uuid,
        organisation_id uuid,
        action text NOT NULL,
        object_type text NOT NULL,
        object_id text NOT NULL,
        before jsonb,
        after jsonb,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        PRIMARY KEY (chain_id, seq)
      )`);
    await q.query(`CREATE INDEX business_events_object_idx ON business_events (object_type, object_id)`);
    await q.query(`CREATE INDEX business_events_organisation_idx ON business_events (organisation_id, occurred_at)`);
    await q.query(`
      CREATE FUNCTION business_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'business_events is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER business_events_no_update_delete BEFORE UPDATE OR DELETE ON business_events
      FOR EACH ROW EXECUTE FUNCTION business_events_append_only()`);
    await q.query(`
      CREATE TRIGGER business_events_no_truncate BEFORE TRUNCATE ON business_events
      FOR EACH STATEMENT EXECUTE FUNCTION business_events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE business_events`);
    await q.query(`DROP FUNCTION business_events_append_only`);
    await q.query(`DROP TABLE audit_chains`);
  }
}
