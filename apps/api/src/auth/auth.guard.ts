import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '@scf/core';
import { Actor, ApiKeysService, AuthService, Role } from '@scf/identity';
import { PUBLIC_ROUTE, ROLES } from './auth.decorators';

type Credential = { kind: 'token'; value: string } | { kind: 'apiKey'; value: string };

const unauthenticated = (message: string) => new DomainError('UNAUTHENTICATED', 'unauthenticated', message);

/**
 * Every route is authenticated unless marked @Public(); @Roles() narrows it further. A caller
 * presents a user's token (`Authorization: Bearer …`) or an organisation's API key
 * (`Authorization: ApiKey …` or `X-API-Key: …`), never both.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const credential = credentialOf(request);
    const actor = credential.kind === 'token' ? await this.auth.authenticate(credential.value) : await this.apiKeys.authenticate(credential.value);
    request.actor = actor;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.some((role) => actor.roles.includes(role))) {
      throw new DomainError('FORBIDDEN', 'role_required', `requires one of: ${roles.join(', ')}`);
    }
    return true;
  }
}

function credentialOf(request: Request): Credential {
  const header = request.headers.authorization;
  const apiKeyHeader = request.headers['x-api-key'];
  if (header !== undefined && apiKeyHeader !== undefined) throw unauthenticated('send either Authorization or X-API-Key, not both');
  if (typeof apiKeyHeader === 'string') return { kind: 'apiKey', value: apiKeyHeader.trim() };
  const bearer = typeof header === 'string' ? /^Bearer ([A-Za-z0-9\-_.]+)$/.exec(header) : null;
  if (bearer) return { kind: 'token', value: bearer[1] };
  const apiKey = typeof header === 'string' ? /^ApiKey (\S+)$/.exec(header) : null;
  if (apiKey) return { kind: 'apiKey', value: apiKey[1] };
  throw unauthenticated('a bearer token or an API key is required');
}
