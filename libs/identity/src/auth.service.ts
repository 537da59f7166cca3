import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError } from '@scf/core';
import { Actor } from './actor';
import { Organisation, OrganisationType } from './organisation.entity';
import { Role } from './role';
import { User } from './user.entity';
import { verifyPassword } from './password-hasher';

interface TokenClaims {
  sub: string;
  org: string;
  orgType: OrganisationType;
  roles: Role[];
  ver: number;
}

const MAX_FAILED_LOGINS = 5;
const LOCKOUT_MS = 15 * 60 * 1000;
const unauthenticated = (message = 'invalid credentials') => new DomainError('UNAUTHENTICATED', 'unauthenticated', message);

@Injectable()
export class AuthService {
  constructor(
    private readonly jwt: JwtService,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Organisation) private readonly organisations: Repository<Organisation>,
  ) {}

  /** Checks the password; repeated failures lock the account for a while. One message for every failure. */
  async login(email: string, password: string): Promise<{ accessToken: string; expiresIn: number; actor: Actor }> {
    const user = await this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = lower(:email)', { email })
      .getOne();
    if (!user) throw unauthenticated();
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
    const organisation = await this.organisations.findOneByOrFail({ id: user.organisationId });
    const actor: Actor = { userId: user.id, organisationId: organisation.id, organisationType: organisation.type, roles: user.roles };
    const claims: TokenClaims = { sub: user.id, org: organisation.id, orgType: organisation.type, roles: user.roles, ver: user.tokenVersion };
    const accessToken = await this.jwt.signAsync(claims);
    const { exp, iat } = this.jwt.decode(accessToken) as { exp: number; iat: number };
    return { accessToken, expiresIn: exp - iat, actor };
  }

  /** Verifies signature and expiry, then that the token was not revoked by a logout. */
  async authenticate(token: string): Promise<Actor> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch {
      throw unauthenticated('invalid or expired token');
    }
    const rows: { token_version: number; roles: Role[] }[] = await this.users.query(
      `SELECT token_version, roles FROM users WHERE id = $1`,
      [claims.sub],
    );
    if (!rows.length || rows[0].token_version !== claims.ver) throw unauthenticated('token revoked');
    return { userId: claims.sub, organisationId: claims.org, organisationType: claims.orgType, roles: rows[0].roles };
  }

  /** Invalidates every token issued to the user so far. */
  async logout(actor: Actor): Promise<void> {
    await this.users.increment({ id: actor.userId }, 'tokenVersion', 1);
  }
}
