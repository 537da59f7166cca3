import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@scf/config';
import { DomainError, forbidden, invalid } from '@scf/core';
import { Actor } from './actor';
import { OrganisationType } from './organisation.entity';
import { Role } from './role';
import { User, UserStatus } from './user.entity';
import { hashPassword, verifyPassword } from './password-hasher';

interface TokenClaims {
  sub: string;
  org: string;
  orgType: OrganisationType;
  roles: Role[];
  ver: number;
  /** When the session began (password login, seconds since epoch): a refresh never extends past SESSION_MAX_SECONDS from it. */
  auth_time?: number;
}

export interface Session {
  accessToken: string;
  expiresIn: number;
  actor: Actor;
}

const MAX_FAILED_LOGINS = 5;
const LOCKOUT_MS = 15 * 60 * 1000;
const unauthenticated = (message = 'invalid credentials') => new DomainError('UNAUTHENTICATED', 'unauthenticated', message);

@Injectable()
export class AuthService {
  private dummyHash?: Promise<string>;

  constructor(
    private readonly jwt: JwtService,
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Checks the password; repeated failures lock the account for a while. Every refusal (unknown
   * email, invitation not yet accepted, deactivated, locked, wrong password) is the same 401 after
   * the same argon2 verification, so neither the answer nor its timing tells whether an account exists.
   */
  async login(email: string, password: string): Promise<Session> {
    const [user]: { id: string; password_hash: string | null; status: UserStatus; failed_logins: number; locked: boolean; token_version: number; organisation_id: string; type: OrganisationType; roles: Role[] }[] =
      await this.users.query(
        `SELECT u.id, u.password_hash, u.status, u.failed_logins, coalesce(u.locked_until > now(), false) AS locked, u.token_version,
                u.organisation_id, o.type, u.roles
           FROM users u JOIN organisations o ON o.id = u.organisation_id
          WHERE lower(u.email) = lower($1)`,
        [email],
      );
    const matches = await verifyPassword(user?.password_hash ?? (await (this.dummyHash ??= hashPassword('no-such-user-password'))), password);
    if (!user?.password_hash || user.locked) throw unauthenticated();
    if (!matches) {
      await this.users.query(
        `UPDATE users SET failed_logins = failed_logins + 1,
           locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + ($3 || ' milliseconds')::interval ELSE locked_until END
         WHERE id = $1`,
        [user.id, MAX_FAILED_LOGINS, LOCKOUT_MS],
      );
      throw unauthenticated();
    }
    if (user.status !== UserStatus.ACTIVE) throw unauthenticated();
    if (user.failed_logins > 0) await this.users.update(user.id, { failedLogins: 0, lockedUntil: null });
    return this.issue({ sub: user.id, org: user.organisation_id, orgType: user.type, roles: user.roles, ver: user.token_version, auth_time: nowSeconds() });
  }

  /**
   * Verifies signature and expiry, then that the token was not revoked (logout, password change or
   * reset, deactivation). Organisation, type and roles come from the database, never from the token.
   */
  async authenticate(token: string): Promise<Actor> {
    const { claims, actor } = await this.verify(token);
    return { userId: claims.sub, ...actor };
  }

  /**
   * The user proves the current password and chooses a new one. Every other session ends (the
   * token version moves on); the caller gets a fresh token for the session it is in.
   */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<Session> {
    if (actor.apiKeyId) throw forbidden('api_key_not_allowed', 'an API key has no password');
    const user = await this.users.createQueryBuilder('u').addSelect('u.passwordHash').where('u.id = :id', { id: actor.userId }).getOneOrFail();
    if (!user.passwordHash || !(await verifyPassword(user.passwordHash, currentPassword))) {
      throw invalid('wrong_password', 'the current password is not right', 'currentPassword');
    }
    const passwordHash = await hashPassword(newPassword);
    const [[row]]: [{ token_version: number }[], number] = await this.users.query(
      `UPDATE users SET password_hash = $2, token_version = token_version + 1 WHERE id = $1 AND status = $3 RETURNING token_version`,
      [actor.userId, passwordHash, UserStatus.ACTIVE],
    );
    if (!row) throw unauthenticated('token revoked');
    return this.issue({
      sub: actor.userId,
      org: actor.organisationId,
      orgType: actor.organisationType,
      roles: actor.roles,
      ver: row.token_version,
      auth_time: nowSeconds(),
    });
  }

  /**
   * A fresh token for a valid, unexpired, unrevoked one, with the user's current roles. The session
   * still ends SESSION_MAX_SECONDS after the password login: then the user must log in again.
   */
  async refresh(token: string): Promise<Session> {
    const { claims, actor, iat } = await this.verify(token);
    const began = claims.auth_time ?? iat;
    if (nowSeconds() - began > this.config.sessionMaxSeconds) {
      throw new DomainError('UNAUTHENTICATED', 'session_expired', 'the session is too old to refresh: log in again');
    }
    return this.issue({ ...claims, org: actor.organisationId, orgType: actor.organisationType, roles: actor.roles, auth_time: began });
  }

  /** Invalidates every token issued to the user so far. */
  async logout(actor: Actor): Promise<void> {
    if (actor.apiKeyId) throw forbidden('api_key_not_allowed', 'an API key has no session to end: revoke the key instead');
    await this.users.increment({ id: actor.userId }, 'tokenVersion', 1);
  }

  private async verify(token: string): Promise<{ claims: TokenClaims; actor: Omit<Actor, 'userId'>; iat: number }> {
    let verified: TokenClaims & { iat: number; exp: number };
    try {
      verified = await this.jwt.verifyAsync(token);
    } catch {
      throw unauthenticated('invalid or expired token');
    }
    const [user]: { token_version: number; status: UserStatus; organisation_id: string; type: OrganisationType; roles: Role[] }[] = await this.users.query(
      `SELECT u.token_version, u.status, u.organisation_id, o.type, u.roles
         FROM users u JOIN organisations o ON o.id = u.organisation_id
        WHERE u.id = $1`,
      [verified.sub],
    );
    if (!user || user.token_version !== verified.ver || user.status !== UserStatus.ACTIVE) throw unauthenticated('token revoked');
    // A token naming another organisation than its user's was not issued by us as it reads: refuse it.
    if (user.organisation_id !== verified.org) throw unauthenticated('invalid token');
    const { sub, org, orgType, roles, ver, auth_time } = verified;
    return {
      claims: { sub, org, orgType, roles, ver, auth_time },
      actor: { organisationId: user.organisation_id, organisationType: user.type, roles: user.roles },
      iat: verified.iat,
    };
  }

  private async issue(claims: TokenClaims): Promise<Session> {
    const accessToken = await this.jwt.signAsync(claims);
    const { exp, iat } = this.jwt.decode(accessToken) as { exp: number; iat: number };
    return {
      accessToken,
      expiresIn: exp - iat,
      actor: { userId: claims.sub, organisationId: claims.org, organisationType: claims.orgType, roles: claims.roles },
    };
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
