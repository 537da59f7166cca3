import { OrganisationType } from './organisation.entity';
import { Role } from './role';

/** Who is acting: the authenticated user, its organisation and roles. Passed to every service call. */
export interface Actor {
  userId: string;
  organisationId: string;
  organisationType: OrganisationType;
  roles: Role[];
}

export const hasRole = (actor: Actor, ...roles: Role[]) => roles.some((role) => actor.roles.includes(role));
