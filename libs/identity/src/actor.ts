import { OrganisationType } from './organisation.entity';
import { Role } from './role';

/** Who is acting: the authenticated user, its organisation and roles. Passed to every service call. */
export interface Actor {
  /**
   * A user id (maker/checker, `created_by` columns). For an API key it is the id of the admin who
   * issued the key: a key never counts as a second pair of eyes next to the person who made it.
   */
  userId: string;
  organisationId: string;
  organisationType: OrganisationType;
  roles: Role[];
  /** Set when the request authenticated with an ERP API key instead of a user's token. */
  apiKeyId?: string;
}

export const hasRole = (actor: Actor, ...roles: Role[]) => roles.some((role) => actor.roles.includes(role));

/** The admin roles: they manage users and API keys, so an API key can never hold one. */
export const ADMIN_ROLES: readonly Role[] = [Role.BANK_ADMIN, Role.ANCHOR_ADMIN, Role.SUPPLIER_ADMIN];

/**
 * May the actor read an organisation's tax id and bank account in full? Its own admins may, and
 * bank staff (they disburse to that account); everyone else sees them masked.
 */
export const maySeeOrganisationSecrets = (actor: Actor, organisationId: string) =>
  actor.organisationType === OrganisationType.BANK || (actor.organisationId === organisationId && hasRole(actor, ...ADMIN_ROLES));
