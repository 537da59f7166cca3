import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@scf/audit';
import { conflict, invalid, notFound } from '@scf/core';
import { Actor, ADMIN_ROLES } from './actor';
import { Role, ROLES_BY_ORGANISATION_TYPE } from './role';
import { User, UserStatus } from './user.entity';

/**
 * An organisation's admins manage its users: list them, deactivate and reactivate them, change
 * their roles. The organisation always keeps an active admin: the last one can neither lose the
 * admin role nor be deactivated, not even by themselves.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  list(actor: Actor, window: { limit: number; offset: number }): Promise<User[]> {
    return this.dataSource.getRepository(User).find({
      where: { organisationId: actor.organisationId },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: window.limit + 1,
      skip: window.offset,
    });
  }

  /** Takes effect at once: every session of the user ends (the token version moves on). */
  deactivate(actor: Actor, userId: string): Promise<User> {
    return this.change(actor, userId, 'user.deactivated', async (manager, user) => {
      if (user.status !== UserStatus.ACTIVE) throw conflict('invalid_state', `the user is ${user.status}, not ACTIVE`);
      await this.keepAnAdmin(manager, user, []);
      return { status: UserStatus.DEACTIVATED, tokenVersion: user.tokenVersion + 1 };
    });
  }

  reactivate(actor: Actor, userId: string): Promise<User> {
    return this.change(actor, userId, 'user.reactivated', async (_, user) => {
      if (user.status !== UserStatus.DEACTIVATED) throw conflict('invalid_state', `the user is ${user.status}, not DEACTIVATED`);
      return { status: UserStatus.ACTIVE };
    });
  }

  /** The user is looked up first: for another organisation's user the answer is 404, whatever the roles. */
  changeRoles(actor: Actor, userId: string, roles: Role[]): Promise<User> {
    return this.change(actor, userId, 'user.roles-changed', async (manager, user) => {
      const allowed = ROLES_BY_ORGANISATION_TYPE[actor.organisationType];
      if (!roles.length) throw invalid('roles_required', 'name at least one role', 'roles');
      const wrong = roles.find((role) => !allowed.includes(role));
      if (wrong) throw invalid('role_not_allowed', `role ${wrong} is not available to a ${actor.organisationType} user`, 'roles');
      await this.keepAnAdmin(manager, user, roles);
      return { roles: [...new Set(roles)] };
    });
  }

  /**
   * One organisation's user changes are serialised (an advisory lock), so two admins demoting each
   * other at the same moment can't both succeed and leave nobody in charge.
   */
  private change(actor: Actor, userId: string, action: string, decide: (manager: EntityManager, user: User) => Promise<Partial<User>>): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('users:' || $1))`, [actor.organisationId]);
      const user = await manager.findOne(User, { where: { id: userId, organisationId: actor.organisationId } });
      if (!user) throw notFound('user', 'userId');
      const before = { status: user.status, roles: user.roles };
      const changes = await decide(manager, user);
      await manager.update(User, user.id, changes);
      Object.assign(user, changes);
      await this.audit.record(manager, [
        {
          chainId: actor.organisationId,
          actor: { userId: actor.userId, organisationId: actor.organisationId },
          action,
          objectType: 'user',
          objectId: user.id,
          before,
          after: { status: user.status, roles: user.roles },
        },
      ]);
      return user;
    });
  }

  /** Refuses a change that takes the admin role (or the account) from the organisation's last active admin. */
  private async keepAnAdmin(manager: EntityManager, user: User, rolesAfter: Role[]): Promise<void> {
    const isAdmin = (roles: Role[]) => roles.some((role) => ADMIN_ROLES.includes(role));
    if (user.status !== UserStatus.ACTIVE || !isAdmin(user.roles) || isAdmin(rolesAfter)) return;
    const [{ others }] = await manager.query(
      `SELECT count(*)::int AS others FROM users WHERE organisation_id = $1 AND id <> $2 AND status = $3 AND roles && $4::text[]`,
      [user.organisationId, user.id, UserStatus.ACTIVE, ADMIN_ROLES],
    );
    if (others === 0) throw conflict('last_admin', 'this is the organisation\'s last active admin: make another user admin first');
  }
}
