import { randomUUID } from 'node:crypto';
import { OrganisationsService, OrganisationType, Role } from '@scf/identity';
import { Platform } from './platform';

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

/** The first bank of a deployment is bootstrapped by a command (here: the same service call). */
export async function createBank(platform: Platform, name = `Bank ${unique()}`): Promise<Bank> {
  const organisations = platform.app.get(OrganisationsService);
  const tag = unique();
  const { organisation } = await organisations.create({
    type: OrganisationType.BANK,
    name,
    admin: { email: `admin-${tag}@bank.test`, displayName: 'Bank admin', password: PASSWORD, roles: [Role.BANK_ADMIN] },
  });
  const add = (email: string, roles: Role[]) =>
    organisations.addUser({ organisationId: organisation.id, organisationType: OrganisationType.BANK, email, displayName: email, password: PASSWORD, roles });
  await add(`maker-${tag}@bank.test`, [Role.BANK_CREDIT_OFFICER]);
  await add(`checker-${tag}@bank.test`, [Role.BANK_APPROVER]);
  await add(`ops-${tag}@bank.test`, [Role.BANK_OPERATIONS]);
  return {
    id: organisation.id,
    admin: await login(platform, `admin-${tag}@bank.test`),
    maker: await login(platform, `maker-${tag}@bank.test`),
    checker: await login(platform, `checker-${tag}@bank.test`),
    operations: await login(platform, `ops-${tag}@bank.test`),
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
  const { organisation } = await platform.app.get(OrganisationsService).create({
    type: OrganisationType.SUPPLIER,
    name: `Supplier ${unique()}`,
    createdByOrganisationId: onboardedBy ?? null,
    admin: { email, displayName: 'Supplier admin', password: PASSWORD, roles: [Role.SUPPLIER_ADMIN] },
  });
  return { id: organisation.id, admin: await login(platform, email) };
}

/** POST /v1/organisations: a bank onboards an anchor and its admin. */
export async function createAnchor(platform: Platform, bank: Bank): Promise<{ id: string; admin: Session }> {
  const email = `admin-${unique()}@anchor.test`;
  const res = await platform
    .http()
    .post('/v1/organisations')
    .set(auth(bank.admin))
    .send({ type: 'ANCHOR', name: `Anchor ${unique()}`, admin: { email, displayName: 'Anchor admin', password: PASSWORD } });
  if (res.status !== 201) throw new Error(`create anchor: ${res.status} ${JSON.stringify(res.body)}`);
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
 * with its first user; then POST /v1/enrolments/:id/approve by the bank checker.
 */
export async function enrolNewSupplier(platform: Platform, bank: Bank, anchor: { admin: Session }, programId: string, subLimit: string) {
  const email = `admin-${unique()}@supplier.test`;
  const res = await platform
    .http()
    .post(`/v1/programs/${programId}/enrolments`)
    .set(auth(anchor.admin))
    .send({ subLimit, invite: { name: `Supplier ${unique()}`, admin: { email, displayName: 'Supplier admin', password: PASSWORD } } });
  if (res.status !== 201) throw new Error(`enrol: ${res.status} ${JSON.stringify(res.body)}`);
  const approved = await platform.http().post(`/v1/enrolments/${res.body.id}/approve`).set(auth(bank.checker)).send({});
  if (approved.status !== 200) throw new Error(`approve enrolment: ${approved.status} ${JSON.stringify(approved.body)}`);
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
