import { OrganisationType } from './organisation.entity';

export enum Role {
  BANK_ADMIN = 'BANK_ADMIN',
  /** maker: proposes programs, limits, pricing, enrolments */
  BANK_CREDIT_OFFICER = 'BANK_CREDIT_OFFICER',
  /** checker: approves what a maker proposed, and financing above the auto-approval threshold */
  BANK_APPROVER = 'BANK_APPROVER',
  /** funds approved financing and records repayments */
  BANK_OPERATIONS = 'BANK_OPERATIONS',
  ANCHOR_ADMIN = 'ANCHOR_ADMIN',
  ANCHOR_PAYABLES = 'ANCHOR_PAYABLES',
  SUPPLIER_ADMIN = 'SUPPLIER_ADMIN',
  SUPPLIER_FINANCE = 'SUPPLIER_FINANCE',
}

/** Which roles a user of each organisation type may hold. */
export const ROLES_BY_ORGANISATION_TYPE: Record<OrganisationType, Role[]> = {
  [OrganisationType.BANK]: [Role.BANK_ADMIN, Role.BANK_CREDIT_OFFICER, Role.BANK_APPROVER, Role.BANK_OPERATIONS],
  [OrganisationType.ANCHOR]: [Role.ANCHOR_ADMIN, Role.ANCHOR_PAYABLES],
  [OrganisationType.SUPPLIER]: [Role.SUPPLIER_ADMIN, Role.SUPPLIER_FINANCE],
};
