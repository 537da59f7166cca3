import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@scf/core';
import { AuthService, Role } from '@scf/identity';
import { PUBLIC_ROUTE, ROLES } from './auth.decorators';

/** Every route is authenticated unless marked @Public(); @Roles() narrows it further. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest();
    const header: unknown = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9\-_.]+)$/.exec(header) : null;
    if (!match) throw new DomainError('UNAUTHENTICATED', 'unauthenticated', 'a bearer token is required');
    request.actor = await this.auth.authenticate(match[1]);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.some((role) => request.actor.roles.includes(role))) {
      throw new DomainError('FORBIDDEN', 'role_required', `requires one of: ${roles.join(', ')}`);
    }
    return true;
  }
}
