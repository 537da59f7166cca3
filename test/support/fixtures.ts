import { randomUUID } from 'node:crypto';
import { OrganisationsService, OrganisationType, Role } from '@scf/identity';
import { Platform } from './platform';
import { verifyPayoutAccount } from './payout-fixtures';

export const PASSWORD = 'Test-password-123';

export interface Session {
  token: string;
  userId: string;
  organisationId: string;
}

export interface Bank {
  id: string;
  admin: Session;
  maker: Session;
  checker: Session;
  operations: Session;
}

const unique = () => randomUUID().slice(0, 8);

export async function login(platform: Platform, email: string, password = PASSWORD): Promise<Session> {
  const res = await platform.http().post('/v1/auth/login').send({ email, password });
  if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.accessToken, userId: res.body.actor.userId, organisationId: res.body.actor.organisationId };
}

export const auth = (session: Session) => ({ Authorization: `Bearer ${session.token}` });

/** The invitee's side of an invitation: POST /v1/auth/invitations/accept with their own password. */
export async function acceptInvitation(platform: Platform, invitation: { token: string }, password = PASSWORD): Promise<void> {
  const res = await platform.http().post('/v1/auth/invitations/accept').send({ token: invitation.token, password });
  if (res.status !== 204) throw new Error(`accept invitation: ${res.status} ${JSON.stringify(res.body)}`);
}

/**
 * A user invited by the service (as a command would, any roles of the organisation's type) who
 * accepts the invitation with PASSWORD; answers the user's session.
 */
export async function addUser(
  platform: Platform,
  user: { organisationId: string; organisationType: OrganisationType; email: string; roles: Role[]; displayName?: string; addedBy?: Session },
): Promise<Session> {
  const { addedBy, ...invited } = user;
  const { invitation } = await platform.app.get(OrganisationsService).addUser({
    displayName: user.email,
    ...invited,
    addedBy: addedBy ? { userId: addedBy.userId, organisationId: addedBy.organisationId } : null,
  });
  await acceptInvitation(platform, invitation);
  return login(platform, user.email);
}

/**
 * The first bank of a deployment is bootstrapped by a command (here: the same service call), the
 * only user whose password is given; its admin invites the colleagues (through the service, so that
 * the bank's write rate limit is untouched), who accept.
 */
export async function createBank(platform: Platform, name = `Bank ${unique()}`): Promise<Bank> {
  const tag = unique();
  await platform.app.get(OrganisationsService).bootstrapBank({
    name,
    admin: { email: `admin-${tag}@bank.test`, displayName: 'Bank admin', password: PASSWORD },
  });
  const admin = await login(platform, `admin-${tag}@bank.test`);
  const colleague = (email: string, roles: Role[]) =>
    addUser(platform, { organisationId: admin.organisationId, organisationType: OrganisationType.BANK, email, roles, addedBy: admin });
  return {
    id: admin.organisationId,
    admin,
    maker: await colleague(`maker-${tag}@bank.test`, [Role.BANK_CREDIT_OFFICER]),
    checker: await colleague(`checker-${tag}@bank.test`, [Role.BANK_APPROVER]),
    operations: await colleague(`ops-${tag}@bank.test`, [Role.BANK_OPERATIONS]),
  };
}

export interface Supplier {
  id: string;
  admin: Session;
}

/**
 * A supplier organisation with a SUPPLIER_ADMIN user, enrolled in nothing; `onboardedBy` (an anchor
 * or bank) knows it and may then enrol it by id.
 */
export async function createSupplier(platform: Platform, onboardedBy?: string): Promise<Supplier> {
  const email = `admin-${unique()}@supplier.test`;
  const { organisation, invitation } = await platform.app.get(OrganisationsService).create({
    type: OrganisationType.SUPPLIER,
    name: `Supplier ${unique()}`,
    createdByOrganisationId: onboardedBy ?? null,
    admin: { email, displayName: 'Supplier admin', roles: [Role.SUPPLIER_ADMIN] },
  });
  await acceptInvitation(platform, invitation);
  return { id: organisation.id, admin: await login(platform, email) };
}

/**
 * POST /v1/organisations: a bank onboards an anchor and invites its admin, who accepts. The admin
 * also holds ANCHOR_PAYABLES, so that it may issue the anchor's ERP keys (a key carries only roles
 * its issuer holds).
 */
export async function createAnchor(platform: Platform, bank: Bank): Promise<{ id: string; admin: Session }> {
  const email = `admin-${unique()}@anchor.test`;
  const res = await platform
    .http()
    .post('/v1/organisations')
    .set(auth(bank.admin))
    .send({ type: 'ANCHOR', name: `Anchor ${unique()}`, admin: { email, displayName: 'Anchor admin', roles: [Role.ANCHOR_ADMIN, Role.ANCHOR_PAYABLES] } });
  if (res.status !== 201) throw new Error(`create anchor: ${res.status} ${JSON.stringify(res.body)}`);
  await acceptInvitation(platform, res.body.invitation);
  return { id: res.body.id, admin: await login(platform, email) };
}

export interface ProgramTermsInput {
  currency?: string;
  limitAmount?: string;
  baseRate?: string;
  margin?: string;
  advanceRate?: string;
  feeRate?: string;
  dayCountBasis?: 360 | 365;
  minTenorDays?: number;
  maxTenorDays?: number;
  graceDays?: number;
  penaltyRate?: string;
  offerValidityDays?: number;
  autoApprovalThreshold?: string;
  validFrom?: string;
  validTo?: string;
}

/** The CNY program of domain.md's first worked example. */
export const CNY_TERMS: Required<ProgramTermsInput> = {
  currency: 'CNY',
  limitAmount: '10000000.00',
  baseRate: '0.0385',
  margin: '0.0120',
  advanceRate: '0.90',
  feeRate: '0.001',
  dayCountBasis: 360,
  minTenorDays: 7,
  maxTenorDays: 180,
  graceDays: 5,
  penaltyRate: '0.18',
  offerValidityDays: 3,
  autoApprovalThreshold: '1000000.00',
  validFrom: '2026-01-01',
  validTo: '2027-12-31',
};

/** The JPY program of domain.md's second worked example. */
export const JPY_TERMS: Required<ProgramTermsInput> = {
  currency: 'JPY',
  limitAmount: '500000000',
  baseRate: '0.0150',
  margin: '0.0075',
  advanceRate: '1.00',
  feeRate: '0',
  dayCountBasis: 365,
  minTenorDays: 7,
  maxTenorDays: 180,
  graceDays: 3,
  penaltyRate: '0.10',
  offerValidityDays: 3,
  autoApprovalThreshold: '0',
  validFrom: '2026-01-01',
  validTo: '2027-12-31',
};

/**
 * The holiday calendar of the test programs unless a test names another: no weekend, no holiday.
 * The suites price domain.md's worked examples on their own dates (2026-03-01 is a Sunday), so
 * only the business-day tests (test/calendar.e2e-spec.ts) see dates move.
 */
export const EVERY_DAY_CALENDAR = 'EVERYDAY';

/** POST /v1/calendars by bank operations; an existing calendar of that code is kept as it is. */
export async function ensureCalendar(platform: Platform, bank: Bank, code: string, weekendDays: number[] = []): Promise<void> {
  const res = await platform.http().post('/v1/calendars').set(auth(bank.operations)).send({ code, name: `${code} calendar`, weekendDays });
  if (res.status !== 201 && res.body.code !== 'calendar_exists') throw new Error(`create calendar: ${res.status} ${JSON.stringify(res.body)}`);
}

/**
 * POST /v1/programs (maker) then POST /v1/programs/:id/approve (checker) → ACTIVE, on the bank's
 * EVERY_DAY_CALENDAR unless `terms.calendarCode` names another.
 */
export async function createActiveProgram(
  platform: Platform,
  bank: Bank,
  anchorId: string,
  terms: ProgramTermsInput & { calendarCode?: string; timeZone?: string } = CNY_TERMS,
) {
  if (terms.calendarCode === undefined) await ensureCalendar(platform, bank, EVERY_DAY_CALENDAR);
  const created = await platform
    .http()
    .post('/v1/programs')
    .set(auth(bank.maker))
    .send({ name: `Program ${unique()}`, anchorId, calendarCode: EVERY_DAY_CALENDAR, ...CNY_TERMS, ...terms });
  if (created.status !== 201) throw new Error(`create program: ${created.status} ${JSON.stringify(created.body)}`);
  const approved = await platform.http().post(`/v1/programs/${created.body.id}/approve`).set(auth(bank.checker)).send({});
  if (approved.status !== 200) throw new Error(`approve program: ${approved.status} ${JSON.stringify(approved.body)}`);
  return approved.body as { id: string; status: string; currency: string };
}

/**
 * POST /v1/programs/:id/enrolments by the anchor admin, inviting a new supplier organisation
 * with its first user, who accepts; then POST /v1/enrolments/:id/approve by the bank checker, who
 * also verifies the supplier's payout account (funding pays only a verified one).
 */
export async function enrolNewSupplier(platform: Platform, bank: Bank, anchor: { admin: Session }, programId: string, subLimit: string) {
  const email = `admin-${unique()}@supplier.test`;
  const res = await platform
    .http()
    .post(`/v1/programs/${programId}/enrolments`)
    .set(auth(anchor.admin))
    .send({ subLimit, invite: { name: `Supplier ${unique()}`, admin: { email, displayName: 'Supplier admin' } } });
  if (res.status !== 201) throw new Error(`enrol: ${res.status} ${JSON.stringify(res.body)}`);
  await acceptInvitation(platform, res.body.invitation);
  const approved = await platform.http().post(`/v1/enrolments/${res.body.id}/approve`).set(auth(bank.checker)).send({});
  if (approved.status !== 200) throw new Error(`approve enrolment: ${approved.status} ${JSON.stringify(approved.body)}`);
  await verifyPayoutAccount(platform, bank, res.body.supplierId);
  return { enrolmentId: res.body.id as string, supplierId: res.body.supplierId as string, admin: await login(platform, email) };
}

/** POST /v1/invoices (supplier) then POST /v1/invoices/:id/confirm (anchor) → receivable. */
export async function confirmedInvoice(
  platform: Platform,
  supplier: Session,
  anchor: Session,
  programId: string,
  invoice: { amount: string; currency: string; issueDate: string; dueDate: string; invoiceNumber?: string },
) {
  const submitted = await platform
    .http()
    .post('/v1/invoices')
    .set(auth(supplier))
    .send({ programId, invoiceNumber: invoice.invoiceNumber ?? `INV-${unique()}`, ...invoice });
  if (submitted.status !== 201) throw new Error(`submit invoice: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  const confirmed = await platform.http().post(`/v1/invoices/${submitted.body.id}/confirm`).set(auth(anchor)).send({});
  if (confirmed.status !== 200) throw new Error(`confirm invoice: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
  return confirmed.body as { id: string; status: string; receivableId: string };
}
