import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A chain head (audit_chains) may only move forward, onto an event that exists with that hash; it
 * can't be deleted. Together with the append-only business_events, deleting the last events and
 * rewinding the head to hide it needs a database owner disabling triggers — which verification
 * then still detects unless every later hash is forged too.
 */
export class AuditChainHeadGuard1764300005010 implements MigrationInterface {
  name = 'AuditChainHeadGuard1764300005010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_chains_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          IF NEW.last_seq <> 0 OR NEW.last_hash <> repeat('0', 64) THEN
            RAISE EXCEPTION 'an audit chain starts empty' USING ERRCODE = 'insufficient_privilege';
          END IF;
          RETURN NEW;
        ELSIF TG_OP = 'UPDATE' THEN
          IF NEW.chain_id <> OLD.chain_id OR NEW.last_seq <= OLD.last_seq OR NOT EXISTS (
               SELECT 1 FROM business_events e WHERE e.chain_id = NEW.chain_id AND e.seq = NEW.last_seq AND e.hash = NEW.last_hash) THEN
            RAISE EXCEPTION 'an audit chain head only moves forward onto a recorded event' USING ERRCODE = 'insufficient_privilege';
          END IF;
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit chains are permanent' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_chains_forward_only BEFORE INSERT OR UPDATE OR DELETE ON audit_chains
      FOR EACH ROW EXECUTE FUNCTION audit_chains_forward_only()`);
    await q.query(`
      CREATE TRIGGER audit_chains_no_truncate BEFORE TRUNCATE ON audit_chains
      FOR EACH STATEMENT EXECUTE FUNCTION audit_chains_forward_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER audit_chains_no_truncate ON audit_chains`);
    await q.query(`DROP TRIGGER audit_chains_forward_only ON audit_chains`);
    await q.query(`DROP FUNCTION audit_chains_forward_only`);
  }
}
