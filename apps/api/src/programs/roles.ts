import { Role } from '@scf/identity';

export const ALL_ROLES = Object.values(Role);
export const BANK_ROLES = [Role.BANK_ADMIN, Role.BANK_CREDIT_OFFICER, Role.BANK_APPROVER, Role.BANK_OPERATIONS];
/** The program's bank and anchor; suppliers see only their own enrolment. */
export const PROGRAM_PARTY_ROLES = [...BANK_ROLES, Role.ANCHOR_ADMIN, Role.ANCHOR_PAYABLES];
