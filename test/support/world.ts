import { randomUUID } from 'node:crypto';
import { OrganisationType, Role } from '@scf/identity';
import { Platform, waitFor } from './platform';
import {
  addUser as addInvitedUser, auth, CNY_TERMS, confirmedInvoice, createActiveProgram, createAnchor, createBank, enrolNewSupplier, EVERY_DAY_CALENDAR, login, PASSWORD, Session,
} from './fixtures';

/**
 * A "world": one bank, its anchor, an ACTIVE program with two enrolled suppliers, and every kind of
 * object a route can address, each in the state in which the route would act on it for its rightful
 * owner (a DRAFT program to approve, a PENDING enrolment, a REQUESTED financing, …). Built over HTTP
 * with the existing fixtures and the real worker, so the objects are exactly what the services make.
 * The authorisation and fuzz tests build two worlds in one platform: a victim and an attacker.
 */

const unique = () => randomUUID().slice(0, 8);

export const BUSINESS_DATE = '2026-03-01';
const ISSUE_DATE = '2026-02-01';
const DUE_DATE = '2026-05-27';
const FACE = '1000000.00';
// Advances of 900,000.00 are above it, so an accepted offer waits for the bank's checker.
const AUTO_APPROVAL_THRESHOLD = '500000.00';

export interface SupplierParty {
  id: string;
  enrolmentId: string;
  admin: Session;
  finance: Session;
  /** SUPPLIER_ADMIN and SUPPLIER_FINANCE at once. */
  all: Session;
}

export interface World {
  label: string;
  bank: {
    id: string;
    admin: Session;
    maker: Session;
    checker: Session;
    operations: Session;
    /** maker and checker at once: proposed the DRAFT program and the pending changes, so may approve none of them. */
    dual: Session;
    /** every bank role. */
    all: Session;
  };
  anchor: { id: string; admin: Session; payables: Session; all: Session };
  /** [0] holds the receivables and financings; [1] is a second supplier of the same program. */
  suppliers: [SupplierParty, SupplierParty];
  // Each route that moves an object on has an object of its own (approve one DRAFT, reject another),
  // so that its rightful owner's call succeeds whatever ran before it.
  programs: { active: string; draft: string; draftToReject: string; suspended: string };
  enrolments: {
    pending: string;
    pendingToReject: string;
    suspended: string;
    /** The suppliers of the pending and suspended enrolments (invited by the anchor). */
    otherSupplierIds: string[];
  };
  changes: { program: string; programToReject: string; subLimit: string; subLimitToReject: string };
  /** Pending payout account changes, given when the anchor invited the suppliers of the suspended and pending enrolments. */
  payoutAccountChanges: { toVerify: string; toReject: string };
  invoices: {
    toConfirm: string;
    toReject: string;
    toConfirmInBatch: string;
    toRejectInBatch: string;
    toCredit: string;
    ofOpenReceivable: string;
    creditNote: string;
  };
  receivables: { open: string; requested: string; approved: string; funded: string; repaid: string; paidByAnchor: string; ofSibling: string };
  offers: { open: string; ofSibling: string };
  financings: { requested: string; toReject: string; toCancel: string; approved: string; funded: string; repaid: string };
  payments: {
    repaid: string;
    byAnchor: string;
    /** Reversals proposed by the bank's operations, pending: the last repayment's and the one before. */
    reversalToApprove: { paymentId: string; id: string };
    reversalToReject: { paymentId: string; id: string };
  };
  /** The funded financing, with 10,000.00 of penalty booked and two waivers of 1.00 proposed. */
  financingItems: { funded: string; waiverToApprove: string; waiverToReject: string };
  /** Users of the bank for the user-management routes, and an invitation not accepted yet. */
  users: { toDeactivate: string; deactivated: string; invitation: string };
  /** The anchor's PENDING discharges (its payment or credit note on an OPEN receivable of suppliers[0]), one per decision route. */
  discharges: { toAcknowledge: string; toConfirm: string; toReject: string };
  apiKey: string;
  /** The anchor's ERP key (scope ANCHOR_PAYABLES), as shown once at creation. */
  apiKeySecret: string;
}

/** A user invited by the service, as a command would (any roles of the organisation's type), who accepts. */
async function addUser(platform: Platform, organisationId: string, organisationType: OrganisationType, roles: Role[]): Promise<Session> {
  const email = `${roles.length > 1 ? 'all' : roles[0].toLowerCase()}-${unique()}@${organisationType.toLowerCase()}.test`;
  return addInvitedUser(platform, { organisationId, organisationType, email, roles });
}

/** A fresh token for the session's user (after a logout), written into the same object. */
export async function relogin(platform: Platform, session: Session): Promise<Session> {
  const [{ email }] = await platform.sql<{ email: string }>(`SELECT email FROM users WHERE id = $1`, [session.userId]);
  Object.assign(session, await login(platform, email));
  return session;
}

async function expectStatus<R extends { status: number; body: unknown }>(res: R, status: number, what: string): Promise<R> {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

export async function buildWorld(platform: Platform, label: string): Promise<World> {
  const http = () => platform.http();
  // Money moves carry an Idempotency-Key (they require one); other writes go without.
  const post = async (session: Session, path: string, body: object, status: number): Promise<{ id: string; supplierId: string; key: string }> => {
    const req = http().post(path).set(auth(session));
    if (/\/(financing-requests|fund|payments)$/.test(path)) req.set('Idempotency-Key', randomUUID());
    return (await expectStatus(await req.send(body), status, `${label}: POST ${path}`)).body;
  };

  const created = await createBank(platform, `Bank ${label} ${unique()}`);
  const bank = {
    ...created,
    dual: await addUser(platform, created.id, OrganisationType.BANK, [Role.BANK_CREDIT_OFFICER, Role.BANK_APPROVER]),
    all: await addUser(platform, created.id, OrganisationType.BANK, [Role.BANK_ADMIN, Role.BANK_CREDIT_OFFICER, Role.BANK_APPROVER, Role.BANK_OPERATIONS]),
  };
  const anchorOrg = await createAnchor(platform, created);
  const anchor = {
    ...anchorOrg,
    payables: await addUser(platform, anchorOrg.id, OrganisationType.ANCHOR, [Role.ANCHOR_PAYABLES]),
    all: await addUser(platform, anchorOrg.id, OrganisationType.ANCHOR, [Role.ANCHOR_ADMIN, Role.ANCHOR_PAYABLES]),
  };

  const terms = { ...CNY_TERMS, autoApprovalThreshold: AUTO_APPROVAL_THRESHOLD };
  const active = await createActiveProgram(platform, created, anchor.id, terms);
  const suspended = await createActiveProgram(platform, created, anchor.id, terms);
  await post(created.checker, `/v1/programs/${suspended.id}/suspend`, { reason: 'anchor under review' }, 200);
  const draft = await post(bank.dual, '/v1/programs', { name: `Draft ${label} ${unique()}`, anchorId: anchor.id, ...terms }, 201);
  const draftToReject = await post(bank.dual, '/v1/programs', { name: `Draft ${label} ${unique()}`, anchorId: anchor.id, ...terms }, 201);

  const supplier = async (): Promise<SupplierParty> => {
    const enrolled = await enrolNewSupplier(platform, created, anchor, active.id, '9000000.00');
    return {
      id: enrolled.supplierId,
      enrolmentId: enrolled.enrolmentId,
      admin: enrolled.admin,
      finance: await addUser(platform, enrolled.supplierId, OrganisationType.SUPPLIER, [Role.SUPPLIER_FINANCE]),
      all: await addUser(platform, enrolled.supplierId, OrganisationType.SUPPLIER, [Role.SUPPLIER_ADMIN, Role.SUPPLIER_FINANCE]),
    };
  };
  const suppliers: [SupplierParty, SupplierParty] = [await supplier(), await supplier()];

  const invite = (bankAccount?: string) => ({
    subLimit: '1000000.00',
    invite: { name: `Supplier ${label} ${unique()}`, bankAccount, admin: { email: `admin-${unique()}@supplier.test`, displayName: 'Admin' } },
  });
  const pending = await post(anchor.admin, `/v1/programs/${active.id}/enrolments`, invite('6222 0299 0000 0001'), 201);
  const pendingToReject = await post(anchor.admin, `/v1/programs/${active.id}/enrolments`, invite(), 201);
  const toSuspend = await post(anchor.admin, `/v1/programs/${active.id}/enrolments`, invite('6222 0299 0000 0002'), 201);
  const pendingPayoutChange = async (supplierId: string) =>
    (await platform.sql<{ id: string }>(`SELECT id FROM payout_account_changes WHERE organisation_id = $1 AND status = 'PENDING'`, [supplierId]))[0].id;
  await post(created.checker, `/v1/enrolments/${toSuspend.id}/approve`, {}, 200);
  await post(created.checker, `/v1/enrolments/${toSuspend.id}/suspend`, { reason: 'dispute' }, 200);

  const programChange = await post(bank.dual, `/v1/programs/${active.id}/changes`, { limitAmount: '12000000.00' }, 201);
  const programChangeToReject = await post(bank.dual, `/v1/programs/${active.id}/changes`, { margin: '0.0150' }, 201);
  const subLimitChange = await post(bank.dual, `/v1/enrolments/${suppliers[0].enrolmentId}/sub-limit`, { subLimit: '9500000.00' }, 201);
  const subLimitChangeToReject = await post(bank.dual, `/v1/enrolments/${suppliers[0].enrolmentId}/sub-limit`, { subLimit: '9600000.00' }, 201);

  const [s0, s1] = suppliers;
  const invoice = (session: Session) =>
    confirmedInvoice(platform, session, anchor.admin, active.id, { amount: FACE, currency: 'CNY', issueDate: ISSUE_DATE, dueDate: DUE_DATE });
  const [open, requested, toRejectFin, toCancelFin, approved, funded, repaid, paidByAnchor] = [
    await invoice(s0.admin), await invoice(s0.admin), await invoice(s0.admin), await invoice(s0.admin),
    await invoice(s0.admin), await invoice(s0.admin), await invoice(s0.admin), await invoice(s0.admin),
  ];
  const [dischargedToAcknowledge, dischargedToConfirm, dischargedToReject] = [await invoice(s0.admin), await invoice(s0.admin), await invoice(s0.admin)];
  const ofSibling = await invoice(s1.admin);
  const submit = () =>
    post(s0.admin, '/v1/invoices', { programId: active.id, invoiceNumber: `INV-${label}-${unique()}`, currency: 'CNY', amount: FACE, issueDate: ISSUE_DATE, dueDate: DUE_DATE }, 201);
  const [toConfirm, toReject, toConfirmInBatch, toRejectInBatch, toCredit] = [await submit(), await submit(), await submit(), await submit(), await submit()];
  const creditNote = await post(s0.admin, `/v1/invoices/${toCredit.id}/credit-notes`, { creditNoteNumber: `CN-${unique()}`, amount: '1000.00' }, 201);

  const offerOf = (receivableId: string) =>
    waitFor(async () => {
      const rows = await platform.sql<{ id: string }>(`SELECT id FROM offers WHERE receivable_id = $1 AND status = 'OPEN'`, [receivableId]);
      return rows.length === 1 && rows[0].id;
    }, 60_000);
  const accept = async (receivableId: string) => post(s0.admin, '/v1/financing-requests', { offerIds: [await offerOf(receivableId)] }, 201);
  const finRequested = await accept(requested.receivableId);
  const finToReject = await accept(toRejectFin.receivableId);
  const finToCancel = await accept(toCancelFin.receivableId);
  const finApproved = await accept(approved.receivableId);
  await post(created.checker, `/v1/financing-requests/${finApproved.id}/approve`, {}, 200);
  const finFunded = await accept(funded.receivableId);
  await post(created.checker, `/v1/financing-requests/${finFunded.id}/approve`, {}, 200);
  const fundedFinancing = (await post(created.operations, `/v1/financing-requests/${finFunded.id}/fund`, {}, 200)) as unknown as { items: { id: string }[] };
  // Penalty as the end-of-day run books it (the world's business date is before maturity, so it is written here), and two waivers proposed.
  const fundedItem = fundedFinancing.items[0].id;
  await platform.sql(
    `INSERT INTO penalty_accruals (financing_item_id, accrual_date, program_id, advance_outstanding, penalty_rate, amount)
     SELECT i.id, '2026-06-01', r.program_id, i.advance, 0.18, 10000 FROM financing_items i JOIN financing_requests r ON r.id = i.financing_request_id WHERE i.id = $1`,
    [fundedItem],
  );
  await platform.sql(`UPDATE financing_items SET penalty_accrued = 10000, penalty_numerator = 3600000, penalty_accrued_to = '2026-06-01' WHERE id = $1`, [fundedItem]);
  const waive = () => post(created.operations, `/v1/financing-items/${fundedItem}/penalty-waivers`, { amount: '1.00', reason: 'goodwill' }, 201);
  const waiverToApprove = await waive();
  const waiverToReject = await waive();
  const finRepaid = await accept(repaid.receivableId);
  await post(created.checker, `/v1/financing-requests/${finRepaid.id}/approve`, {}, 200);
  await post(created.operations, `/v1/financing-requests/${finRepaid.id}/fund`, {}, 200);
  // Repaid early, on the value date (a repayment is dated between the value date and today), in
  // three payments; the bank's operations propose reversing the last two, for a checker to decide.
  const repay = (amount: string) => post(created.operations, `/v1/receivables/${repaid.receivableId}/payments`, { amount, paidOn: BUSINESS_DATE }, 201);
  const repayment = await repay('1000.00');
  const secondRepayment = await repay('1000.00');
  const lastRepayment = await repay('998000.00');
  const reversalToReject = await post(created.operations, `/v1/payments/${secondRepayment.id}/reversals`, { reason: 'posted twice' }, 201);
  const reversalToApprove = await post(created.operations, `/v1/payments/${lastRepayment.id}/reversals`, { reason: 'posted twice' }, 201);
  await offerOf(paidByAnchor.receivableId);
  // The anchor's word that it paid settles once the supplier acknowledges it.
  const claimedPayment = await post(anchor.admin, `/v1/receivables/${paidByAnchor.receivableId}/payments`, { amount: FACE, paidOn: DUE_DATE }, 202);
  await post(s0.admin, `/v1/discharges/${claimedPayment.id}/acknowledge`, {}, 200);
  const [byAnchor] = await platform.sql<{ id: string }>(`SELECT id FROM payments WHERE receivable_id = $1`, [paidByAnchor.receivableId]);
  const toAcknowledge = await post(anchor.admin, `/v1/receivables/${dischargedToAcknowledge.receivableId}/payments`, { amount: FACE, paidOn: DUE_DATE }, 202);
  const toConfirmDischarge = await post(anchor.admin, `/v1/invoices/${dischargedToConfirm.id}/credit-notes`, { creditNoteNumber: `CN-${unique()}`, amount: '1000.00' }, 202);
  const toRejectDischarge = await post(anchor.payables, `/v1/receivables/${dischargedToReject.receivableId}/payments`, { amount: FACE, paidOn: DUE_DATE }, 202);

  const apiKey = await post(anchor.admin, '/v1/api-keys', { name: `ERP ${label}`, scopes: [Role.ANCHOR_PAYABLES] }, 201);
  const toDeactivate = await addUser(platform, created.id, OrganisationType.BANK, [Role.BANK_OPERATIONS]);
  const deactivated = await addUser(platform, created.id, OrganisationType.BANK, [Role.BANK_OPERATIONS]);
  await post(created.admin, `/v1/users/${deactivated.userId}/deactivate`, {}, 200);
  const invited: { invitation: { id: string } } = (
    await expectStatus(await http().post(`/v1/organisations/${created.id}/users`).set(auth(created.admin)).send(newUser([Role.BANK_OPERATIONS])), 201, `${label}: invite`)
  ).body;

  return {
    label,
    bank,
    anchor,
    suppliers,
    programs: { active: active.id, draft: draft.id, draftToReject: draftToReject.id, suspended: suspended.id },
    enrolments: {
      pending: pending.id,
      pendingToReject: pendingToReject.id,
      suspended: toSuspend.id,
      otherSupplierIds: [pending.supplierId, pendingToReject.supplierId, toSuspend.supplierId],
    },
    changes: { program: programChange.id, programToReject: programChangeToReject.id, subLimit: subLimitChange.id, subLimitToReject: subLimitChangeToReject.id },
    payoutAccountChanges: { toVerify: await pendingPayoutChange(toSuspend.supplierId), toReject: await pendingPayoutChange(pending.supplierId) },
    invoices: {
      toConfirm: toConfirm.id,
      toReject: toReject.id,
      toConfirmInBatch: toConfirmInBatch.id,
      toRejectInBatch: toRejectInBatch.id,
      toCredit: toCredit.id,
      ofOpenReceivable: open.id,
      creditNote: creditNote.id,
    },
    receivables: {
      open: open.receivableId,
      requested: requested.receivableId,
      approved: approved.receivableId,
      funded: funded.receivableId,
      repaid: repaid.receivableId,
      paidByAnchor: paidByAnchor.receivableId,
      ofSibling: ofSibling.receivableId,
    },
    offers: { open: await offerOf(open.receivableId), ofSibling: await offerOf(ofSibling.receivableId) },
    financings: {
      requested: finRequested.id,
      toReject: finToReject.id,
      toCancel: finToCancel.id,
      approved: finApproved.id,
      funded: finFunded.id,
      repaid: finRepaid.id,
    },
    payments: {
      repaid: repayment.id,
      byAnchor: byAnchor.id,
      reversalToApprove: { paymentId: lastRepayment.id, id: reversalToApprove.id },
      reversalToReject: { paymentId: secondRepayment.id, id: reversalToReject.id },
    },
    financingItems: { funded: fundedItem, waiverToApprove: waiverToApprove.id, waiverToReject: waiverToReject.id },
    users: { toDeactivate: toDeactivate.userId, deactivated: deactivated.userId, invitation: invited.invitation.id },
    discharges: { toAcknowledge: toAcknowledge.id, toConfirm: toConfirmDischarge.id, toReject: toRejectDischarge.id },
    apiKey: apiKey.id,
    apiKeySecret: apiKey.key,
  };
}

/** The world's organisations: bank, anchor and its suppliers (two enrolled, the others pending or suspended). */
export const organisationsOf = (w: World) => [w.bank.id, w.anchor.id, w.suppliers[0].id, w.suppliers[1].id, ...w.enrolments.otherSupplierIds];

/**
 * The rows that belong to a world, table by table: a WHERE clause over the table aliased `t`, with
 * $1 the world's organisation ids. Append-only history and chain heads count too: a refused request
 * must not even leave an event behind.
 */
const WORLD_ROWS: Record<string, string> = {
  organisations: `t.id = ANY($1::uuid[])`,
  users: `t.organisation_id = ANY($1::uuid[])`,
  api_keys: `t.organisation_id = ANY($1::uuid[])`,
  credential_tokens: `t.user_id IN (SELECT id FROM users WHERE organisation_id = ANY($1::uuid[]))`,
  calendars: `t.bank_id = ANY($1::uuid[])`,
  calendar_holidays: `t.calendar_id IN (SELECT id FROM calendars WHERE bank_id = ANY($1::uuid[]))`,
  programs: `t.bank_id = ANY($1::uuid[]) OR t.anchor_id = ANY($1::uuid[])`,
  program_changes: `t.program_id IN (SELECT id FROM programs WHERE bank_id = ANY($1::uuid[]) OR anchor_id = ANY($1::uuid[]))`,
  enrolments: `t.supplier_id = ANY($1::uuid[]) OR t.program_id IN (SELECT id FROM programs WHERE bank_id = ANY($1::uuid[]) OR anchor_id = ANY($1::uuid[]))`,
  enrolment_changes: `t.program_id IN (SELECT id FROM programs WHERE bank_id = ANY($1::uuid[]) OR anchor_id = ANY($1::uuid[]))`,
  invoices: `t.supplier_id = ANY($1::uuid[]) OR t.anchor_id = ANY($1::uuid[])`,
  credit_notes: `t.invoice_id IN (SELECT id FROM invoices WHERE supplier_id = ANY($1::uuid[]) OR anchor_id = ANY($1::uuid[]))`,
  receivables: `t.supplier_id = ANY($1::uuid[]) OR t.anchor_id = ANY($1::uuid[])`,
  receivable_parts: `t.holder_id = ANY($1::uuid[]) OR t.receivable_id IN (SELECT id FROM receivables WHERE supplier_id = ANY($1::uuid[]) OR anchor_id = ANY($1::uuid[]))`,
  offers: `t.supplier_id = ANY($1::uuid[]) OR t.program_id IN (SELECT id FROM programs WHERE bank_id = ANY($1::uuid[]) OR anchor_id = ANY($1::uuid[]))`,
  financing_requests: `t.supplier_id = ANY($1::uuid[]) OR t.program_id IN (SELECT id FROM programs WHERE bank_id = ANY($1::uuid[]) OR anchor_id = ANY($1::uuid[]))`,
  financing_items: `t.financing_request_id IN (SELECT id FROM financing_requests WHERE supplier_id = ANY($1::uuid[]))`,
  payout_account_changes: `t.organisation_id = ANY($1::uuid[])`,
  disbursement_instructions: `t.payee_organisation_id = ANY($1::uuid[])`,
  payments: `t.receivable_id IN (SELECT id FROM receivables WHERE supplier_id = ANY($1::uuid[]) OR anchor_id = ANY($1::uuid[]))`,
  discharges: `t.supplier_id = ANY($1::uuid[]) OR t.anchor_id = ANY($1::uuid[])`,
  invoice_duplicate_flags: `t.invoice_id IN (SELECT id FROM invoices WHERE supplier_id = ANY($1::uuid[]) OR anchor_id = ANY($1::uuid[]))`,
  payment_runs: `t.organisation_id = ANY($1::uuid[])`,
  payment_reversals: `t.program_id IN (SELECT id FROM programs WHERE bank_id = ANY($1::uuid[]))`,
  penalty_waivers: `t.program_id IN (SELECT id FROM programs WHERE bank_id = ANY($1::uuid[]))`,
  penalty_accruals: `t.program_id IN (SELECT id FROM programs WHERE bank_id = ANY($1::uuid[]))`,
  business_events: `t.organisation_id = ANY($1::uuid[]) OR t.chain_id = ANY($1::uuid[]::text[])
                    OR t.chain_id IN (SELECT id::text FROM programs WHERE bank_id = ANY($1::uuid[]) OR anchor_id = ANY($1::uuid[]))`,
  audit_chains: `t.chain_id = ANY($1::uuid[]::text[]) OR t.chain_id IN (SELECT id::text FROM programs WHERE bank_id = ANY($1::uuid[]) OR anchor_id = ANY($1::uuid[]))`,
};

export type Snapshot = Record<string, { rows: number; md5: string | null }>;

/** Row count and a checksum of every row of the world, per table. */
export async function snapshotWorld(platform: Platform, w: World): Promise<Snapshot> {
  const snapshot: Snapshot = {};
  for (const [table, where] of Object.entries(WORLD_ROWS)) {
    const [row] = await platform.sql<{ rows: string; md5: string | null }>(
      `SELECT count(*) AS rows, md5(string_agg(t::text, '|' ORDER BY t::text)) AS md5 FROM ${table} t WHERE ${where}`,
      [organisationsOf(w)],
    );
    snapshot[table] = { rows: Number(row.rows), md5: row.md5 };
  }
  return snapshot;
}

/** Every table the application writes, whole. */
export const BUSINESS_TABLES = [
  ...Object.keys(WORLD_ROWS),
  'idempotency_keys',
  'outbox',
  'outgoing_mail',
  'scheduled_runs',
  'end_of_day_runs',
];

export async function snapshotTables(platform: Platform, tables = BUSINESS_TABLES): Promise<Snapshot> {
  const snapshot: Snapshot = {};
  for (const table of tables) {
    const [row] = await platform.sql<{ rows: string; md5: string | null }>(
      `SELECT count(*) AS rows, md5(string_agg(t::text, '|' ORDER BY t::text)) AS md5 FROM ${table} t`,
    );
    snapshot[table] = { rows: Number(row.rows), md5: row.md5 };
  }
  return snapshot;
}

/** The tables whose rows or checksum differ between two snapshots, with both sides. */
export function snapshotDiff(before: Snapshot, after: Snapshot): Record<string, { before: Snapshot[string]; after: Snapshot[string] }> {
  const diff: Record<string, { before: Snapshot[string]; after: Snapshot[string] }> = {};
  for (const table of Object.keys({ ...before, ...after })) {
    if (JSON.stringify(before[table]) !== JSON.stringify(after[table])) diff[table] = { before: before[table], after: after[table] };
  }
  return diff;
}

/** Waits until the worker has nothing left to do for the worlds: outbox relayed and the tables still for a while. */
export async function settle(platform: Platform, quietMs = 1500): Promise<void> {
  await waitFor(async () => {
    const [{ pending }] = await platform.sql<{ pending: string }>(`SELECT count(*) AS pending FROM outbox WHERE relayed_at IS NULL`);
    return Number(pending) === 0;
  }, 60_000);
  let last = JSON.stringify(await snapshotTables(platform));
  await waitFor(async () => {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const now = JSON.stringify(await snapshotTables(platform));
    const still = now === last;
    last = now;
    return still;
  }, 60_000, 0);
}

/**
 * Everything of the world that another organisation must never read: the id of every row of it
 * and the names and numbers that identify its business (organisation names, invoice and
 * credit-note numbers, e-mails).
 */
export async function secretsOf(platform: Platform, w: World): Promise<string[]> {
  const orgs = organisationsOf(w);
  const ids = await platform.sql<{ value: string }>(
    `SELECT id::text AS value FROM organisations WHERE id = ANY($1)
     UNION SELECT name FROM organisations WHERE id = ANY($1)
     UNION SELECT id::text FROM users WHERE organisation_id = ANY($1)
     UNION SELECT email FROM users WHERE organisation_id = ANY($1)
     UNION SELECT id::text FROM api_keys WHERE organisation_id = ANY($1)
     UNION SELECT prefix FROM api_keys WHERE organisation_id = ANY($1)
     UNION SELECT id::text FROM programs WHERE bank_id = ANY($1)
     UNION SELECT name FROM programs WHERE bank_id = ANY($1)
     UNION SELECT id::text FROM program_changes WHERE program_id IN (SELECT id FROM programs WHERE bank_id = ANY($1))
     UNION SELECT id::text FROM enrolments WHERE supplier_id = ANY($1)
     UNION SELECT id::text FROM enrolment_changes WHERE enrolment_id IN (SELECT id FROM enrolments WHERE supplier_id = ANY($1))
     UNION SELECT id::text FROM invoices WHERE supplier_id = ANY($1)
     UNION SELECT invoice_number FROM invoices WHERE supplier_id = ANY($1)
     UNION SELECT id::text FROM credit_notes WHERE invoice_id IN (SELECT id FROM invoices WHERE supplier_id = ANY($1))
     UNION SELECT credit_note_number FROM credit_notes WHERE invoice_id IN (SELECT id FROM invoices WHERE supplier_id = ANY($1))
     UNION SELECT id::text FROM receivables WHERE supplier_id = ANY($1)
     UNION SELECT id::text FROM receivable_parts WHERE holder_id = ANY($1)
     UNION SELECT id::text FROM offers WHERE supplier_id = ANY($1)
     UNION SELECT id::text FROM financing_requests WHERE supplier_id = ANY($1)
     UNION SELECT id::text FROM financing_items WHERE financing_request_id IN (SELECT id FROM financing_requests WHERE supplier_id = ANY($1))
     UNION SELECT id::text FROM payments WHERE receivable_id IN (SELECT id FROM receivables WHERE supplier_id = ANY($1))
     UNION SELECT id::text FROM discharges WHERE supplier_id = ANY($1)`,
    [orgs],
  );
  return ids.map((row) => row.value);
}

/** What only suppliers[0] (and the program's bank and anchor) may see: its own business, not the program's. */
export async function supplierSecretsOf(platform: Platform, w: World): Promise<string[]> {
  const supplierId = w.suppliers[0].id;
  const rows = await platform.sql<{ value: string }>(
    `SELECT id::text AS value FROM users WHERE organisation_id = $1
     UNION SELECT email FROM users WHERE organisation_id = $1
     UNION SELECT id::text FROM enrolments WHERE supplier_id = $1
     UNION SELECT id::text FROM enrolment_changes WHERE enrolment_id IN (SELECT id FROM enrolments WHERE supplier_id = $1)
     UNION SELECT id::text FROM invoices WHERE supplier_id = $1
     UNION SELECT invoice_number FROM invoices WHERE supplier_id = $1
     UNION SELECT id::text FROM credit_notes WHERE invoice_id IN (SELECT id FROM invoices WHERE supplier_id = $1)
     UNION SELECT id::text FROM receivables WHERE supplier_id = $1
     UNION SELECT id::text FROM offers WHERE supplier_id = $1
     UNION SELECT id::text FROM financing_requests WHERE supplier_id = $1
     UNION SELECT id::text FROM payout_account_changes WHERE organisation_id = $1
     UNION SELECT payment_reference FROM disbursement_instructions WHERE payee_organisation_id = $1
     UNION SELECT id::text FROM payments WHERE receivable_id IN (SELECT id FROM receivables WHERE supplier_id = $1)
     UNION SELECT id::text FROM discharges WHERE supplier_id = $1`,
    [supplierId],
  );
  return rows.map((row) => row.value);
}

// ---------------------------------------------------------------------------------------------
// How to call every route against a world's objects, as their rightful owner.
// ---------------------------------------------------------------------------------------------

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One request of a route: its path parameters, query and (valid) body. */
export interface Target {
  params?: Record<string, string>;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** The object belongs to suppliers[0] alone: another supplier of the same program must not reach it either. */
  supplierOwned?: boolean;
}

export interface RouteCase {
  /**
   * public: no credential needed (login, health).
   * object: addresses objects of the world by id (path, body or query): anyone else gets 403/404.
   * collection: lists or creates within the caller's own organisation: anyone may call it, but the
   *   answer must hold nothing of another organisation's.
   * self: acts on the caller's own user or organisation (me, logout, API keys, bank details).
   */
  kind: 'public' | 'object' | 'collection' | 'self';
  /** The user of the world entitled to make the request (for the fuzz test and the owner's control call). */
  owner?: (w: World) => Session;
  /**
   * The requests against world `w`: the first is the canonical valid one. Bodies are fresh on every
   * call (unique numbers and e-mails). `own` is the caller's world when an outsider calls a
   * collection route: what it creates belongs to its own organisation.
   */
  targets: (w: World, own?: World) => Target[];
  /** Statuses that mean "refused" for an outsider; [403, 404] unless said otherwise. */
  refusals?: number[];
  /** The call ends the caller's session: log in again afterwards. */
  revokesCaller?: boolean;
}

const reason = () => ({ reason: 'refused in review' });
const newUser = (roles: Role[]) => ({ email: `new-${unique()}@user.test`, displayName: 'New user', roles });
const invoiceRow = () => ({ invoiceNumber: `INV-${unique()}`, currency: 'CNY', amount: '250000.00', issueDate: ISSUE_DATE, dueDate: DUE_DATE });
const programBody = (anchorId: string) => ({ name: `Program ${unique()}`, anchorId, ...CNY_TERMS });
const invite = () => ({
  subLimit: '1000000.00',
  invite: { name: `Supplier ${unique()}`, admin: { email: `admin-${unique()}@supplier.test`, displayName: 'Admin' } },
});

/**
 * Every documented route, keyed "METHOD /path" exactly as /docs/json spells it. A route added
 * without a case here, or a case whose route is gone, fails test/authorization.e2e-spec.ts.
 */
export const ROUTE_CASES: Record<string, RouteCase> = {
  'POST /v1/auth/login': { kind: 'public', targets: () => [{ body: { email: 'nobody@nowhere.test', password: 'wrong-password' } }] },
  'POST /v1/auth/invitations/accept': { kind: 'public', targets: () => [{ body: { token: 'A'.repeat(43), password: PASSWORD } }] },
  'POST /v1/auth/password-reset': { kind: 'public', targets: () => [{ body: { email: 'nobody@nowhere.test' } }] },
  'POST /v1/auth/password-reset/confirm': { kind: 'public', targets: () => [{ body: { token: 'A'.repeat(43), password: PASSWORD } }] },
  'GET /health/live': { kind: 'public', targets: () => [{}] },
  'GET /health/ready': { kind: 'public', targets: () => [{}] },

  'POST /v1/auth/refresh': { kind: 'self', owner: (w) => w.bank.admin, targets: () => [{}] },
  'POST /v1/auth/logout': { kind: 'self', owner: (w) => w.bank.admin, targets: () => [{}], revokesCaller: true },
  'GET /v1/auth/me': { kind: 'self', owner: (w) => w.bank.admin, targets: () => [{}] },
  // The same password again: the session ends (every caller logs in again) and PASSWORD still works.
  'POST /v1/auth/password': {
    kind: 'self',
    owner: (w) => w.bank.admin,
    targets: () => [{ body: { currentPassword: PASSWORD, newPassword: PASSWORD } }],
    revokesCaller: true,
  },
  'GET /v1/users': { kind: 'collection', owner: (w) => w.bank.admin, targets: () => [{}] },
  'POST /v1/users/{userId}/deactivate': { kind: 'object', owner: (w) => w.bank.admin, targets: (w) => [{ params: { userId: w.users.toDeactivate } }] },
  'POST /v1/users/{userId}/reactivate': { kind: 'object', owner: (w) => w.bank.admin, targets: (w) => [{ params: { userId: w.users.deactivated } }] },
  'PUT /v1/users/{userId}/roles': {
    kind: 'object',
    owner: (w) => w.bank.admin,
    targets: (w) => [{ params: { userId: w.users.toDeactivate }, body: { roles: [Role.BANK_OPERATIONS, Role.BANK_CREDIT_OFFICER] } }],
  },
  'DELETE /v1/invitations/{invitationId}': { kind: 'object', owner: (w) => w.bank.admin, targets: (w) => [{ params: { invitationId: w.users.invitation } }] },

  'POST /v1/organisations': {
    kind: 'collection',
    owner: (w) => w.bank.admin,
    targets: () => [{ body: { type: 'ANCHOR', name: `Anchor ${unique()}`, admin: newUser([Role.ANCHOR_ADMIN]) } }],
  },
  'GET /v1/organisations/mine': { kind: 'self', owner: (w) => w.bank.admin, targets: () => [{}] },
  'PATCH /v1/organisations/mine': { kind: 'self', owner: (w) => w.bank.admin, targets: () => [{ body: { bankAccount: '6222021234567890123' } }] },
  'POST /v1/organisations/mine/payout-account-changes': {
    kind: 'self',
    owner: (w) => w.suppliers[0].admin,
    targets: () => [{ body: { bankAccount: '6222021234567890999' } }],
  },
  'GET /v1/payout-account-changes': {
    kind: 'collection',
    owner: (w) => w.bank.checker,
    targets: (w) => [{}, { query: { status: 'PENDING' } }, { query: { organisationId: w.suppliers[0].id } }],
  },
  'POST /v1/payout-account-changes/{id}/verify': {
    kind: 'object',
    owner: (w) => w.bank.checker,
    targets: (w) => [{ params: { id: w.payoutAccountChanges.toVerify } }],
  },
  'POST /v1/payout-account-changes/{id}/reject': {
    kind: 'object',
    owner: (w) => w.bank.checker,
    targets: (w) => [{ params: { id: w.payoutAccountChanges.toReject }, body: reason() }],
  },
  'POST /v1/organisations/{id}/users': {
    kind: 'object',
    owner: (w) => w.bank.admin,
    targets: (w) => [
      { params: { id: w.bank.id }, body: newUser([Role.BANK_OPERATIONS]) },
      { params: { id: w.anchor.id }, body: newUser([Role.ANCHOR_PAYABLES]) },
      { params: { id: w.suppliers[0].id }, body: newUser([Role.SUPPLIER_FINANCE]), supplierOwned: true },
    ],
  },

  // A bank's calendars are addressed by its own codes: every bank reads and loads only its own.
  'POST /v1/calendars': { kind: 'collection', owner: (w) => w.bank.operations, targets: () => [{ body: { code: `C${unique().toUpperCase()}`, name: 'Calendar' } }] },
  'GET /v1/calendars': { kind: 'collection', owner: (w) => w.bank.operations, targets: () => [{}] },
  'GET /v1/calendars/{code}': { kind: 'collection', owner: (w) => w.bank.operations, targets: () => [{ params: { code: EVERY_DAY_CALENDAR } }] },
  'POST /v1/calendars/{code}/holidays': {
    kind: 'collection',
    owner: (w) => w.bank.operations,
    targets: () => [{ params: { code: EVERY_DAY_CALENDAR }, body: { holidays: [{ date: '2031-01-01', name: 'New Year' }] } }],
  },
  'POST /v1/programs': { kind: 'collection', owner: (w) => w.bank.maker, targets: (w, own = w) => [{ body: programBody(own.anchor.id) }] },
  'GET /v1/programs': {
    kind: 'collection',
    owner: (w) => w.bank.admin,
    targets: (w) => [{}, { query: { anchorId: w.anchor.id } }, { query: { status: 'DRAFT' } }],
  },
  'GET /v1/programs/{id}': {
    kind: 'object',
    owner: (w) => w.bank.admin,
    targets: (w) => [{ params: { id: w.programs.active } }, { params: { id: w.programs.draft } }, { params: { id: w.programs.suspended } }],
  },
  'POST /v1/programs/{id}/approve': { kind: 'object', owner: (w) => w.bank.checker, targets: (w) => [{ params: { id: w.programs.draft } }] },
  'POST /v1/programs/{id}/reject': { kind: 'object', owner: (w) => w.bank.checker, targets: (w) => [{ params: { id: w.programs.draftToReject }, body: reason() }] },
  'POST /v1/programs/{id}/suspend': { kind: 'object', owner: (w) => w.bank.checker, targets: (w) => [{ params: { id: w.programs.active }, body: reason() }] },
  'POST /v1/programs/{id}/reactivate': { kind: 'object', owner: (w) => w.bank.checker, targets: (w) => [{ params: { id: w.programs.suspended } }] },
  'POST /v1/programs/{id}/changes': {
    kind: 'object',
    owner: (w) => w.bank.maker,
    targets: (w) => [{ params: { id: w.programs.active }, body: { limitAmount: '11000000.00', margin: '0.0110' } }],
  },
  'GET /v1/programs/{id}/changes': { kind: 'object', owner: (w) => w.bank.admin, targets: (w) => [{ params: { id: w.programs.active } }] },
  'POST /v1/programs/{id}/changes/{changeId}/approve': {
    kind: 'object',
    owner: (w) => w.bank.checker,
    targets: (w) => [{ params: { id: w.programs.active, changeId: w.changes.program } }],
  },
  'POST /v1/programs/{id}/changes/{changeId}/reject': {
    kind: 'object',
    owner: (w) => w.bank.checker,
    targets: (w) => [{ params: { id: w.programs.active, changeId: w.changes.programToReject }, body: reason() }],
  },
  'GET /v1/programs/{id}/utilisation': { kind: 'object', owner: (w) => w.bank.admin, targets: (w) => [{ params: { id: w.programs.active } }] },
  'POST /v1/programs/{id}/enrolments': {
    kind: 'object',
    owner: (w) => w.anchor.admin,
    targets: (w) => [{ params: { id: w.programs.active }, body: invite() }],
  },
  'GET /v1/programs/{id}/enrolments': { kind: 'object', owner: (w) => w.anchor.admin, targets: (w) => [{ params: { id: w.programs.active } }] },

  'GET /v1/enrolments': {
    kind: 'collection',
    owner: (w) => w.bank.admin,
    targets: (w) => [{}, { query: { programId: w.programs.active } }, { query: { status: 'PENDING' } }],
  },
  'GET /v1/enrolments/{id}': {
    kind: 'object',
    owner: (w) => w.bank.admin,
    targets: (w) => [
      { params: { id: w.suppliers[0].enrolmentId }, supplierOwned: true },
      { params: { id: w.enrolments.pending } },
      { params: { id: w.enrolments.suspended } },
    ],
  },
  'POST /v1/enrolments/{id}/approve': { kind: 'object', owner: (w) => w.bank.checker, targets: (w) => [{ params: { id: w.enrolments.pending } }] },
  'POST /v1/enrolments/{id}/reject': {
    kind: 'object',
    owner: (w) => w.bank.checker,
    targets: (w) => [{ params: { id: w.enrolments.pendingToReject }, body: reason() }],
  },
  'POST /v1/enrolments/{id}/suspend': {
    kind: 'object',
    owner: (w) => w.bank.checker,
    targets: (w) => [{ params: { id: w.suppliers[0].enrolmentId }, body: reason(), supplierOwned: true }],
  },
  'POST /v1/enrolments/{id}/reactivate': { kind: 'object', owner: (w) => w.bank.checker, targets: (w) => [{ params: { id: w.enrolments.suspended } }] },
  'POST /v1/enrolments/{id}/sub-limit': {
    kind: 'object',
    owner: (w) => w.bank.maker,
    targets: (w) => [{ params: { id: w.suppliers[0].enrolmentId }, body: { subLimit: '3000000.00' }, supplierOwned: true }],
  },
  'GET /v1/enrolments/{id}/sub-limit-changes': {
    kind: 'object',
    owner: (w) => w.bank.admin,
    targets: (w) => [{ params: { id: w.suppliers[0].enrolmentId }, supplierOwned: true }],
  },
  'POST /v1/enrolments/{id}/sub-limit-changes/{changeId}/approve': {
    kind: 'object',
    owner: (w) => w.bank.checker,
    targets: (w) => [{ params: { id: w.suppliers[0].enrolmentId, changeId: w.changes.subLimit }, supplierOwned: true }],
  },
  'POST /v1/enrolments/{id}/sub-limit-changes/{changeId}/reject': {
    kind: 'object',
    owner: (w) => w.bank.checker,
    targets: (w) => [{ params: { id: w.suppliers[0].enrolmentId, changeId: w.changes.subLimitToReject }, body: reason(), supplierOwned: true }],
  },

  'POST /v1/invoices': {
    kind: 'object',
    owner: (w) => w.suppliers[0].admin,
    targets: (w) => [{ body: { programId: w.programs.active, ...invoiceRow() } }],
  },
  'GET /v1/invoices': {
    kind: 'collection',
    owner: (w) => w.suppliers[0].admin,
    targets: (w) => [{}, { query: { programId: w.programs.active } }, { query: { supplierId: w.suppliers[0].id } }],
  },
  'POST /v1/invoices/bulk': {
    kind: 'object',
    owner: (w) => w.suppliers[0].admin,
    targets: (w) => [{ body: { programId: w.programs.active, invoices: [invoiceRow(), invoiceRow()] } }],
  },
  // All or nothing: an invoice the caller can't see is named in `violations` with rule not_found (400), as an absent one is.
  'POST /v1/invoices/confirmations': {
    kind: 'object',
    owner: (w) => w.anchor.admin,
    targets: (w) => [{ body: { invoiceIds: [w.invoices.toConfirmInBatch] }, supplierOwned: true }],
    refusals: [400, 403, 404],
  },
  'POST /v1/invoices/rejections': {
    kind: 'object',
    owner: (w) => w.anchor.admin,
    targets: (w) => [{ body: { invoiceIds: [w.invoices.toRejectInBatch], ...reason() }, supplierOwned: true }],
    refusals: [400, 403, 404],
  },
  'GET /v1/invoices/{id}': {
    kind: 'object',
    owner: (w) => w.suppliers[0].admin,
    targets: (w) => [
      { params: { id: w.invoices.toConfirm }, supplierOwned: true },
      { params: { id: w.invoices.ofOpenReceivable }, supplierOwned: true },
      { params: { id: w.invoices.toCredit }, supplierOwned: true },
    ],
  },
  'POST /v1/invoices/{id}/confirm': { kind: 'object', owner: (w) => w.anchor.admin, targets: (w) => [{ params: { id: w.invoices.toConfirm }, supplierOwned: true }] },
  'POST /v1/invoices/{id}/reject': {
    kind: 'object',
    owner: (w) => w.anchor.admin,
    targets: (w) => [{ params: { id: w.invoices.toReject }, body: reason(), supplierOwned: true }],
  },
  'POST /v1/invoices/{id}/credit-notes': {
    kind: 'object',
    owner: (w) => w.suppliers[0].admin,
    targets: (w) => [
      { params: { id: w.invoices.toCredit }, body: { creditNoteNumber: `CN-${unique()}`, amount: '500.00' }, supplierOwned: true },
      { params: { id: w.invoices.ofOpenReceivable }, body: { creditNoteNumber: `CN-${unique()}`, amount: '500.00' }, supplierOwned: true },
    ],
  },
  'POST /v1/payables/bulk': {
    kind: 'object',
    owner: (w) => w.anchor.admin,
    targets: (w) => [{ body: { programId: w.programs.active, payables: [{ ...invoiceRow(), supplierId: w.suppliers[0].id }] } }],
  },

  'GET /v1/receivables': {
    kind: 'collection',
    owner: (w) => w.suppliers[0].admin,
    targets: (w) => [{}, { query: { programId: w.programs.active } }, { query: { status: 'FINANCED' } }],
  },
  'GET /v1/receivables/{id}': {
    kind: 'object',
    owner: (w) => w.suppliers[0].admin,
    targets: (w) =>
      [w.receivables.open, w.receivables.requested, w.receivables.funded, w.receivables.repaid, w.receivables.paidByAnchor].map((id) => ({
        params: { id },
        supplierOwned: true,
      })),
  },
  'POST /v1/receivables/{id}/payments': {
    kind: 'object',
    owner: (w) => w.bank.operations,
    targets: (w) => [
      { params: { id: w.receivables.funded }, body: { amount: '1000.00', paidOn: BUSINESS_DATE }, supplierOwned: true },
      { params: { id: w.receivables.open }, body: { amount: FACE, paidOn: DUE_DATE }, supplierOwned: true },
    ],
  },
  'POST /v1/payment-runs': {
    kind: 'object',
    owner: (w) => w.bank.operations,
    targets: (w) => [{ body: { lines: [{ receivableId: w.receivables.funded, amount: '1000.00', paidOn: BUSINESS_DATE }] }, supplierOwned: true }],
  },
  'GET /v1/payments': {
    kind: 'collection',
    owner: (w) => w.bank.operations,
    targets: (w) => [{}, { query: { receivableId: w.receivables.repaid } }, { query: { programId: w.programs.active } }],
  },
  'GET /v1/payments/{id}': { kind: 'object', owner: (w) => w.bank.operations, targets: (w) => [{ params: { id: w.payments.repaid }, supplierOwned: true }] },
  'POST /v1/payments/{id}/reversals': {
    kind: 'object',
    owner: (w) => w.bank.operations,
    targets: (w) => [{ params: { id: w.payments.repaid }, body: reason(), supplierOwned: true }],
  },
  'POST /v1/payments/{id}/reversals/{reversalId}/approve': {
    kind: 'object',
    owner: (w) => w.bank.checker,
    targets: (w) => [{ params: { id: w.payments.reversalToApprove.paymentId, reversalId: w.payments.reversalToApprove.id }, supplierOwned: true }],
  },
  'POST /v1/payments/{id}/reversals/{reversalId}/reject': {
    kind: 'object',
    owner: (w) => w.bank.checker,
    targets: (w) => [{ params: { id: w.payments.reversalToReject.paymentId, reversalId: w.payments.reversalToReject.id }, body: reason(), supplierOwned: true }],
  },
  'GET /v1/suppliers/{id}/statement': {
    kind: 'object',
    owner: (w) => w.suppliers[0].admin,
    targets: (w) => [{ params: { id: w.suppliers[0].id }, supplierOwned: true }, { params: { id: w.suppliers[0].id }, query: { programId: w.programs.active }, supplierOwned: true }],
  },
  'POST /v1/financing-items/{id}/penalty-waivers': {
    kind: 'object',
    owner: (w) => w.bank.operations,
    targets: (w) => [{ params: { id: w.financingItems.funded }, body: { amount: '1.00', reason: 'goodwill' }, supplierOwned: true }],
  },
  'POST /v1/financing-items/{id}/penalty-waivers/{waiverId}/approve': {
    kind: 'object',
    owner: (w) => w.bank.checker,
    targets: (w) => [{ params: { id: w.financingItems.funded, waiverId: w.financingItems.waiverToApprove }, supplierOwned: true }],
  },
  'POST /v1/financing-items/{id}/penalty-waivers/{waiverId}/reject': {
    kind: 'object',
    owner: (w) => w.bank.checker,
    targets: (w) => [{ params: { id: w.financingItems.funded, waiverId: w.financingItems.waiverToReject }, body: reason(), supplierOwned: true }],
  },

  'GET /v1/discharges': {
    kind: 'collection',
    owner: (w) => w.suppliers[0].admin,
    targets: (w) => [{}, { query: { status: 'PENDING' } }, { query: { receivableId: w.receivables.paidByAnchor } }],
  },
  'GET /v1/discharges/{id}': {
    kind: 'object',
    owner: (w) => w.suppliers[0].admin,
    targets: (w) => [{ params: { id: w.discharges.toAcknowledge }, supplierOwned: true }, { params: { id: w.discharges.toConfirm }, supplierOwned: true }],
  },
  'POST /v1/discharges/{id}/acknowledge': {
    kind: 'object',
    owner: (w) => w.suppliers[0].admin,
    targets: (w) => [{ params: { id: w.discharges.toAcknowledge }, supplierOwned: true }],
  },
  'POST /v1/discharges/{id}/confirm': {
    kind: 'object',
    owner: (w) => w.bank.operations,
    targets: (w) => [{ params: { id: w.discharges.toConfirm }, supplierOwned: true }],
  },
  'POST /v1/discharges/{id}/reject': {
    kind: 'object',
    owner: (w) => w.suppliers[0].finance,
    targets: (w) => [{ params: { id: w.discharges.toReject }, body: reason(), supplierOwned: true }],
  },

  'GET /v1/offers': {
    kind: 'collection',
    owner: (w) => w.suppliers[0].admin,
    targets: (w) => [{}, { query: { programId: w.programs.active } }, { query: { status: 'ACCEPTED' } }],
  },
  'GET /v1/offers/{offerId}': { kind: 'object', owner: (w) => w.suppliers[0].admin, targets: (w) => [{ params: { offerId: w.offers.open }, supplierOwned: true }] },

  'POST /v1/financing-requests': {
    kind: 'object',
    owner: (w) => w.suppliers[0].admin,
    targets: (w) => [{ body: { offerIds: [w.offers.open] }, supplierOwned: true }],
  },
  'GET /v1/financing-requests': {
    kind: 'collection',
    owner: (w) => w.suppliers[0].admin,
    targets: (w) => [{}, { query: { programId: w.programs.active } }, { query: { status: 'FUNDED' } }],
  },
  'GET /v1/financing-requests/{id}': {
    kind: 'object',
    owner: (w) => w.suppliers[0].admin,
    targets: (w) =>
      [w.financings.requested, w.financings.approved, w.financings.funded, w.financings.repaid, w.financings.toCancel].map((id) => ({
        params: { id },
        supplierOwned: true,
      })),
  },
  'GET /v1/financing-requests/{id}/disbursement-instruction': {
    kind: 'object',
    owner: (w) => w.suppliers[0].admin,
    targets: (w) => [w.financings.funded, w.financings.repaid].map((id) => ({ params: { id }, supplierOwned: true })),
  },
  'POST /v1/financing-requests/{id}/approve': {
    kind: 'object',
    owner: (w) => w.bank.checker,
    targets: (w) => [{ params: { id: w.financings.requested }, supplierOwned: true }],
  },
  'POST /v1/financing-requests/{id}/reject': {
    kind: 'object',
    owner: (w) => w.bank.checker,
    targets: (w) => [{ params: { id: w.financings.toReject }, body: reason(), supplierOwned: true }],
  },
  'POST /v1/financing-requests/{id}/cancel': {
    kind: 'object',
    owner: (w) => w.suppliers[0].admin,
    targets: (w) => [
      { params: { id: w.financings.toCancel }, supplierOwned: true },
      { params: { id: w.financings.approved }, supplierOwned: true },
    ],
  },
  'POST /v1/financing-requests/{id}/fund': {
    kind: 'object',
    owner: (w) => w.bank.operations,
    targets: (w) => [{ params: { id: w.financings.approved }, body: { valueDate: BUSINESS_DATE }, supplierOwned: true }],
  },
  'GET /v1/portfolio': { kind: 'collection', owner: (w) => w.bank.operations, targets: () => [{}] },

  'POST /v1/api-keys': { kind: 'self', owner: (w) => w.anchor.admin, targets: () => [{ body: { name: `ERP ${unique()}`, scopes: [Role.ANCHOR_PAYABLES] } }] },
  'GET /v1/api-keys': { kind: 'self', owner: (w) => w.anchor.admin, targets: () => [{}] },
  'DELETE /v1/api-keys/{apiKeyId}': { kind: 'object', owner: (w) => w.anchor.admin, targets: (w) => [{ params: { apiKeyId: w.apiKey } }] },

  'GET /v1/audit/events': {
    kind: 'collection',
    owner: (w) => w.bank.admin,
    targets: (w) => [
      {},
      { query: { objectType: 'program', objectId: w.programs.active } },
      { query: { objectType: 'financing_request', objectId: w.financings.funded } },
      { query: { objectType: 'invoice', objectId: w.invoices.toConfirm } },
    ],
  },
  'GET /v1/audit/verify': {
    kind: 'collection',
    owner: (w) => w.bank.admin,
    targets: (w) => [{ query: { chainId: w.programs.active } }, { query: { chainId: w.bank.id } }, {}],
  },
};
