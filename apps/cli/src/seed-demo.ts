/**
 * Loads the demo data set through the public HTTP API (the same path a real client takes):
 * a bank with maker, checker and operations users, an anchor, three suppliers, an approved CNY
 * program and confirmed invoices whose offers the worker then generates. Safe to run twice.
 * Every user is invited and sets their own password through the invitation, as a real user would
 * (here: all the demo password, so that the printed logins work).
 */
const BASE = process.argv[2] ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const PASSWORD = process.env.DEMO_PASSWORD ?? 'Demo-password-1';
const BANK_ADMIN = process.env.BANK_ADMIN_EMAIL ?? 'admin@bank.demo';

const LOGINS = {
  bankAdmin: BANK_ADMIN,
  maker: 'maker@bank.demo',
  checker: 'checker@bank.demo',
  operations: 'ops@bank.demo',
  anchor: 'treasurer@anchor.demo',
  suppliers: ['finance@supplier1.demo', 'finance@supplier2.demo', 'finance@supplier3.demo'],
};

async function call<T = any>(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function must<T = any>(method: string, path: string, token: string | undefined, body: unknown, expected: number): Promise<T> {
  const res = await call<T>(method, path, token, body);
  if (res.status !== expected) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function login(email: string): Promise<{ token: string; organisationId: string } | undefined> {
  const res = await call('POST', '/v1/auth/login', undefined, { email, password: PASSWORD });
  return res.status === 200 ? { token: res.body.accessToken, organisationId: res.body.actor.organisationId } : undefined;
}

/** The invitee's side: the inviter hands over the token, the invitee chooses the password. */
async function acceptInvitation(invitation: { token: string }): Promise<void> {
  await must('POST', '/v1/auth/invitations/accept', undefined, { token: invitation.token, password: PASSWORD }, 204);
}

const isoDate = (daysFromToday: number) => new Date(Date.now() + daysFromToday * 86_400_000).toISOString().slice(0, 10);

async function seed(): Promise<void> {
  if (await login(LOGINS.anchor)) return;
  const admin = await login(BANK_ADMIN);
  if (!admin) throw new Error(`cannot log in as ${BANK_ADMIN}: run the bootstrap-bank command first`);
  const users = [
    [LOGINS.maker, 'Credit officer (maker)', ['BANK_CREDIT_OFFICER']],
    [LOGINS.checker, 'Credit approver (checker)', ['BANK_APPROVER']],
    [LOGINS.operations, 'Operations', ['BANK_OPERATIONS']],
  ] as const;
  for (const [email, displayName, roles] of users) {
    const added = await must('POST', `/v1/organisations/${admin.organisationId}/users`, admin.token, { email, displayName, roles }, 201);
    await acceptInvitation(added.invitation);
  }
  const maker = (await login(LOGINS.maker))!;
  const checker = (await login(LOGINS.checker))!;

  const anchorOrg = await must('POST', '/v1/organisations', admin.token, {
    type: 'ANCHOR',
    name: 'Sunrise Motors Co., Ltd.',
    admin: { email: LOGINS.anchor, displayName: 'Anchor treasurer' },
  }, 201);
  await acceptInvitation(anchorOrg.invitation);
  const anchor = (await login(LOGINS.anchor))!;

  const program = await must('POST', '/v1/programs', maker.token, {
    name: 'Sunrise Motors supplier finance (CNY)',
    anchorId: anchorOrg.id,
    currency: 'CNY',
    limitAmount: '50000000.00',
    validFrom: isoDate(-30),
    validTo: isoDate(700),
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
  }, 201);
  await must('POST', `/v1/programs/${program.id}/approve`, checker.token, {}, 200);

  for (const [index, email] of LOGINS.suppliers.entries()) {
    const enrolment = await must('POST', `/v1/programs/${program.id}/enrolments`, anchor.token, {
      subLimit: '10000000.00',
      invite: {
        name: `Demo Supplier ${index + 1} Ltd.`,
        bankAccount: `6222 0200 0000 000${index + 1}`,
        admin: { email, displayName: `Supplier ${index + 1} finance` },
      },
    }, 201);
    await acceptInvitation(enrolment.invitation);
    await must('POST', `/v1/enrolments/${enrolment.id}/approve`, checker.token, {}, 200);
    // The account given in the invite is paid only once the bank's checker has verified it.
    const payout = await must('GET', `/v1/payout-account-changes?status=PENDING&organisationId=${enrolment.supplierId}`, checker.token, undefined, 200);
    await must('POST', `/v1/payout-account-changes/${payout.items[0].id}/verify`, checker.token, {}, 200);
    const supplier = (await login(email))!;
    for (let n = 1; n <= 3; n++) {
      const invoice = await must('POST', '/v1/invoices', supplier.token, {
        programId: program.id,
        invoiceNumber: `S${index + 1}-INV-${1000 + n}`,
        currency: 'CNY',
        amount: `${(index + 1) * 250000 + n * 10000}.00`,
        issueDate: isoDate(-10),
        dueDate: isoDate(30 * n + 30),
      }, 201);
      await must('POST', `/v1/invoices/${invoice.id}/confirm`, anchor.token, {}, 200);
    }
  }
}

async function main() {
  await seed();
  const lines = [
    '',
    `Supply-chain finance platform is up at ${BASE}`,
    `  API docs (OpenAPI):  ${BASE}/docs   (JSON: ${BASE}/docs/json)`,
    `  Health:              ${BASE}/health/ready`,
    '',
    `Demo logins (password for all: ${PASSWORD}) — POST ${BASE}/v1/auth/login {"email","password"}:`,
    `  bank admin            ${LOGINS.bankAdmin}`,
    `  bank maker            ${LOGINS.maker}`,
    `  bank checker          ${LOGINS.checker}`,
    `  bank operations       ${LOGINS.operations}`,
    `  anchor treasurer      ${LOGINS.anchor}`,
    ...LOGINS.suppliers.map((email, i) => `  supplier ${i + 1} finance    ${email}`),
    '',
    'Try: log in as a supplier, GET /v1/offers, then POST /v1/financing-requests {"offerIds":[...]}.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

main().catch((error) => {
  process.stderr.write(`demo data failed: ${(error as Error).message}\n`);
  process.exit(1);
});
