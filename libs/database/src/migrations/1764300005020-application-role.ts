import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `scf_app`: the privileges of the running API and worker, apart from the owner that runs
 * migrations. It is not the tables' owner, so it can't disable the append-only triggers, and it
 * holds no UPDATE, DELETE or TRUNCATE on business_events (nor DELETE/TRUNCATE on audit_chains,
 * nor write access to the migration history). NOLOGIN: a deployment creates its login role as a
 * member, e.g. `CREATE ROLE scf_api LOGIN PASSWORD '…' IN ROLE scf_app`, and points the API and
 * worker DATABASE_URL at it while migrations keep running as the owner.
 * Tables created by later migrations (run by the same owner) get the grants by default privileges.
 */
export class ApplicationRole1764300005020 implements MigrationInterface {
  name = 'ApplicationRole1764300005020';

  async up(q: QueryRunner): Promise<void> {
    // Roles belong to the cluster, not the database: another database may have created it already.
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'scf_app') THEN
          CREATE ROLE scf_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    await q.query(`DO $$ BEGIN EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO scf_app', current_database()); END $$`);
    await q.query(`GRANT USAGE ON SCHEMA public TO scf_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO scf_app`);
    await q.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO scf_app`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO scf_app`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO scf_app`);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON business_events FROM scf_app`);
    await q.query(`REVOKE DELETE, TRUNCATE ON audit_chains FROM scf_app`);
    await q.query(`
      DO $$ BEGIN
        IF to_regclass('public.migrations') IS NOT NULL THEN
          REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON migrations FROM scf_app;
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM scf_app`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM scf_app`);
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM scf_app`);
    await q.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM scf_app`);
    await q.query(`REVOKE USAGE ON SCHEMA public FROM scf_app`);
    await q.query(`DO $$ BEGIN EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM scf_app', current_database()); END $$`);
  }
}
