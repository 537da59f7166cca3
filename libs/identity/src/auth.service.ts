import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@scf/config';
import { DomainError, forbidden } from '@scf/core';
import { Actor } from './actor';
import { Organisation, OrganisationType } from './organisation.entity';
import { Role } from './role';
import { User } from './user.entity';
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
    @InjectRepository(Organisation) private readonly organisations: Repository<Organisation>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Checks the password; repeated failures lock the account for a while. One message for every failure. */
  async login(email: string, password: string): Promise<Session> {
    const user = await this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = lower(:email)', { email })
      .getOne();
    if (!user) {
      // As slow as a wrong password, so that response times do not tell which emails have accounts.
      await verifyPassword(await (this.dummyHash ??= hashPassword('no-such-user-password')), password);
      throw unauthenticated();
    }
    if (user.lockedUntil && user.lockedUntil > new Date()) {
      throw new DomainError('UNAUTHENTICATED', 'account_locked', 'too many failed logins: try again later');
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      await this.users.query(
        `UPDATE users SET failed_logins = failed_logins + 1,
           locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + ($3 || ' milliseconds')::interval ELSE locked_until END
         WHERE id = $1`,
        [user.id, MAX_FAILED_LOGINS, LOCKOUT_MS],
      );
      throw unauthenticated();
    }
    if (user.failedLogins > 0) await this.users.update(user.id, { failedLogins: 0, lockedUntil: null });
    const organisation = await this.organisations.findOneOrFail({ where: { id: user.organisationId }, select: { id: true, type: true } });
    return this.issue({ sub: user.id, org: organisation.id, orgType: organisation.type, roles: user.roles, ver: user.tokenVersion, auth_time: nowSeconds() });
  }

  /** Verifies signature and expiry, then that the token was not revoked by a logout. */
  async authenticate(token: string): Promise<Actor> {
    const { claims, roles } = await this.verify(token);
    return { userId: claims.sub, organisationId: claims.org, organisationType: claims.orgType, roles };
  }

  /**
   * A fresh token for a valid, unexpired, unrevoked one, with the user's current roles. The session
   * still ends SESSION_MAX_SECONDS after the password login: then the user must log in again.
   */
  async refresh(token: string): Promise<Session> {
    const { claims, roles, iat } = await this.verify(token);
    const began = claims.auth_time ?? iat;
    if (nowSeconds() - began > this.config.sessionMaxSeconds) {
      throw new DomainError('UNAUTHENTICATED', 'session_expired', 'the session is too old to refresh: log in again');
    }
    return this.issue({ ...claims, roles, auth_time: began });
  }

  /** Invalidates every token issued to the user so far. */
  async logout(actor: Actor): Promise<void> {
    if (actor.apiKeyId) throw forbidden('api_key_not_allowed', 'an API key has no session to end: revoke the key instead');
    await this.users.increment({ id: actor.userId }, 'tokenVersion', 1);
  }

  private async verify(token: string): Promise<{ claims: TokenClaims; roles: Role[]; iat: number }> {
    let verified: TokenClaims & { iat: number; exp: number };
    try {
      verified = await this.jwt.verifyAsync(token);
    } catch {
      throw unauthenticated('invalid or expired token');
    }
    const rows: { token_version: number; roles: Role[] }[] = await this.users.query(
      `SELECT token_version, roles FROM users WHERE id = $1`,
      [verified.sub],
    );
    if (!rows.length || rows[0].token_version !== verified.ver) throw unauthenticated('token revoked');
    const { sub, org, orgType, roles, ver, auth_time } = verified;
    return { claims: { sub, org, orgType, roles, ver, auth_time }, roles: rows[0].roles, iat: verified.iat };
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
