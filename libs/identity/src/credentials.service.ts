import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@scf/audit';
import { conflict, invalid, notFound } from '@scf/core';
import { Actor } from './actor';
import { hashPassword } from './password-hasher';
import { UserStatus } from './user.entity';

export enum CredentialPurpose {
  INVITATION = 'INVITATION',
  PASSWORD_RESET = 'PASSWORD_RESET',
}

/** Who made a change, as written to the business event log (absent for a bootstrap command). */
export interface ChangedBy {
  userId: string;
  organisationId: string;
}

/** Returned to the inviter once (later it will be mailed); only its hash is stored. */
export interface IssuedInvitation {
  id: string;
  userId: string;
  email: string;
  token: string;
  expiresAt: Date;
}

export const INVITATION_TTL_HOURS = 72;
export const PASSWORD_RESET_TTL_MINUTES = 60;

// A token carries 256 random bits, so a fast unsalted hash is enough: there is nothing to guess.
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const invalidToken = () => invalid('invalid_token', 'the token is unknown, already used, revoked or expired: ask for a new one', 'token');

/**
 * Single-use, expiring tokens through which people set their own passwords: the invitation of a
 * new user (the inviter never chooses it) and the reset of a forgotten one.
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** In the caller's transaction, with the INVITED user it has just written. */
  async invite(manager: EntityManager, user: { id: string; email: string }, invitedBy: ChangedBy | null): Promise<IssuedInvitation> {
    const token = newToken();
    const [row]: { id: string; expires_at: Date }[] = await manager.query(
      `INSERT INTO credential_tokens (user_id, purpose, token_hash, issued_by, issued_by_organisation_id, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(hours => $6))
       RETURNING id, expires_at`,
      [user.id, CredentialPurpose.INVITATION, hashToken(token), invitedBy?.userId ?? null, invitedBy?.organisationId ?? null, INVITATION_TTL_HOURS],
    );
    return { id: row.id, userId: user.id, email: user.email, token, expiresAt: row.expires_at };
  }

  /** The invitee chooses their password; the user becomes ACTIVE and can log in. */
  async acceptInvitation(token: string, password: string): Promise<void> {
    if (!TOKEN_PATTERN.test(token)) throw invalidToken();
    const passwordHash = await hashPassword(password);
    await this.dataSource.transaction(async (manager) => {
      const userId = await this.redeem(manager, CredentialPurpose.INVITATION, token);
      const [[user]]: [{ organisation_id: string }[], number] = await manager.query(
        `UPDATE users SET password_hash = $2, status = $3 WHERE id = $1 AND status = $4 RETURNING organisation_id`,
        [userId, passwordHash, UserStatus.ACTIVE, UserStatus.INVITED],
      );
      if (!user) throw invalidToken();
      await this.record(manager, { userId, organisationId: user.organisation_id }, 'user.invitation-accepted', userId);
    });
  }

  /** The inviting organisation withdraws an invitation not yet accepted; revoking twice is harmless. */
  async revokeInvitation(actor: Actor, invitationId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [invitation]: { user_id: string; used_at: Date | null; revoked_at: Date | null; organisation_id: string }[] = await manager.query(
        `SELECT t.user_id, t.used_at, t.revoked_at, u.organisation_id
           FROM credential_tokens t JOIN users u ON u.id = t.user_id
          WHERE t.id = $1 AND t.purpose = $2 AND t.issued_by_organisation_id = $3
          FOR UPDATE OF t`,
        [invitationId, CredentialPurpose.INVITATION, actor.organisationId],
      );
      if (!invitation) throw notFound('invitation', 'invitationId');
      if (invitation.revoked_at) return;
      if (invitation.used_at) throw conflict('invitation_accepted', 'the invitation was accepted already: deactivate the user instead');
      await manager.query(`UPDATE credential_tokens SET revoked_at = now(), revoked_by = $2 WHERE id = $1`, [invitationId, actor.userId]);
      await this.audit.record(manager, [
        {
          chainId: invitation.organisation_id,
          actor: { userId: actor.userId, organisationId: actor.organisationId },
          action: 'user.invitation-revoked',
          objectType: 'user',
          objectId: invitation.user_id,
          after: { invitationId },
        },
      ]);
    });
  }

  /**
   * Sends a reset link to an active user's address. Says nothing about whether the account exists:
   * the caller always gets the same answer, and the token goes only where the mail goes.
   */
  async requestPasswordReset(email: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [user]: { id: string; email: string }[] = await manager.query(
        `SELECT id, email FROM users WHERE lower(email) = lower($1) AND status = $2 FOR UPDATE`,
        [email, UserStatus.ACTIVE],
      );
      if (!user) return;
      // Only the newest link works: an older one lying in a mailbox is worth nothing.
      await manager.query(
        `UPDATE credential_tokens SET revoked_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL AND revoked_at IS NULL`,
        [user.id, CredentialPurpose.PASSWORD_RESET],
      );
      const token = newToken();
      await manager.query(
        `INSERT INTO credential_tokens (user_id, purpose, token_hash, expires_at) VALUES ($1, $2, $3, now() + make_interval(mins => $4))`,
        [user.id, CredentialPurpose.PASSWORD_RESET, hashToken(token), PASSWORD_RESET_TTL_MINUTES],
      );
      await manager.query(`INSERT INTO outgoing_mail (recipient, subject, body) VALUES ($1, $2, $3)`, [
        user.email,
        'Reset your password',
        `Someone asked to reset the password of this account. If it was you, set a new one within ${PASSWORD_RESET_TTL_MINUTES} minutes ` +
          `with POST /v1/auth/password-reset/confirm and this token:\n\n${token}\n\nOtherwise ignore this message.`,
      ]);
    });
  }

  /** Sets a new password with a reset token; ends every session and lifts a lockout. */
  async resetPassword(token: string, password: string): Promise<void> {
    if (!TOKEN_PATTERN.test(token)) throw invalidToken();
    const passwordHash = await hashPassword(password);
    await this.dataSource.transaction(async (manager) => {
      const userId = await this.redeem(manager, CredentialPurpose.PASSWORD_RESET, token);
      const [[user]]: [{ organisation_id: string }[], number] = await manager.query(
        `UPDATE users SET password_hash = $2, token_version = token_version + 1, failed_logins = 0, locked_until = NULL
          WHERE id = $1 AND status = $3 RETURNING organisation_id`,
        [userId, passwordHash, UserStatus.ACTIVE],
      );
      if (!user) throw invalidToken();
      await this.record(manager, { userId, organisationId: user.organisation_id }, 'user.password-reset', userId);
    });
  }

  /** Marks the token used in one guarded statement: of two concurrent redemptions one wins. */
  private async redeem(manager: EntityManager, purpose: CredentialPurpose, token: string): Promise<string> {
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [[row]]: [{ user_id: string }[], number] = await manager.query(
      `UPDATE credential_tokens SET used_at = now()
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
        RETURNING user_id`,
      [hashToken(token), purpose],
    );
    if (!row) throw invalidToken();
    return row.user_id;
  }

  private record(manager: EntityManager, actor: ChangedBy, action: string, userId: string): Promise<void> {
    return this.audit.record(manager, [{ chainId: actor.organisationId, actor, action, objectType: 'user', objectId: userId }]);
  }
}
