import { createParamDecorator, ExecutionContext, SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Actor, Role } from '@scf/identity';
import { Problem } from '../http/problem';

export const PUBLIC_ROUTE = 'scf:public';
export const ROLES = 'scf:roles';

/** The route needs no token (login, health, docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The route needs a user (or an API key scoped to) at least one of these roles. */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES, roles),
    ApiBearerAuth(),
    ApiSecurity('apiKey'),
    ApiUnauthorizedResponse({ type: Problem, description: 'missing, invalid, expired or revoked token or API key' }),
    ApiForbiddenResponse({ type: Problem, description: `requires one of: ${roles.join(', ')}` }),
  );

/** The authenticated actor of the request. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  return context.switchToHttp().getRequest().actor;
});
