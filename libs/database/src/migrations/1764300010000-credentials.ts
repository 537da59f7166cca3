import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Nobody chooses another person's password: a user is INVITED (no password) until they redeem a
 * single-use invitation; password resets use the same kind of token. Only a SHA-256 of each token
 * is kept. Admins deactivate and reactivate users. `outgoing_mail` holds the messages a mail relay
 * is to deliver (password-reset links): the only place a reset token is ever shown.
 */
export class Credentials1764300010000 implements MigrationInterface {
  name = 'Credentials1764300010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('INVITED', 'ACTIVE', 'DEACTIVATED'))`);
    await q.query(`ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_password_of_own CHECK (status = 'INVITED' OR password_hash IS NOT NULL)`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_invited_without_password CHECK (status <> 'INVITED' OR password_hash IS NULL)`);
    await q.query(`
      CREATE TABLE credential_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        purpose text NOT NULL CHECK (purpose IN ('INVITATION', 'PASSWORD_RESET')),
        token_hash text NOT NULL CHECK (token_hash ~ '^[0-9a-f]{64}$'),
        issued_by uuid REFERENCES users(id),
        issued_by_organisation_id uuid REFERENCES organisations(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz,
        revoked_by uuid REFERENCES users(id),
        CONSTRAINT credential_tokens_token_hash_key UNIQUE (token_hash),
        CONSTRAINT credential_tokens_expiry CHECK (expires_at > created_at),
        CONSTRAINT credential_tokens_used_or_revoked CHECK (used_at IS NULL OR revoked_at IS NULL)
      )`);
    await q.query(`CREATE INDEX credential_tokens_user_idx ON credential_tokens (user_id, purpose)`);
    await q.query(`
      CREATE TABLE outgoing_mail (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        recipient text NOT NULL,
        subject text NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX outgoing_mail_recipient_idx ON outgoing_mail (lower(recipient), created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outgoing_mail`);
    await q.query(`DROP TABLE credential_tokens`);
    await q.query(`DELETE FROM users WHERE status = 'INVITED'`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_invited_without_password, DROP CONSTRAINT users_password_of_own`);
    await q.query(`ALTER TABLE users ALTER COLUMN password_hash SET NOT NULL`);
    await q.query(`ALTER TABLE users DROP COLUMN status`);
  }
}
