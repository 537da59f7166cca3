import { randomUUID } from 'node:crypto';
import { OrganisationType, Role } from '@scf/identity';
import { Platform } from './support/platform';
import { acceptInvitation, addUser as addInvitedUser, auth, Bank, CNY_TERMS, createActiveProgram, createAnchor, createBank, login, Session } from './support/fixtures';
import { seedOfferedReceivable } from './support/financing-fixtures';

/**
 * Where money is paid: a supplier's payout account changes only through a pending change that a
 * checker of a bank financing it verifies (never its proposer); until then funding pays the account
 * verified before, and every funding names the account it paid in a disbursement instruction.
 * Account numbers are encrypted bound to their row and never appear in clear in an event.
 */
jest.setTimeout(120_000);

const ONBOARDING_ACCOUNT = '6222 0212 3456 7890';
const NEW_ACCOUNT = 'DE89 3704 0044 0532 0130 00';
const unique = () => randomUUID().slice(0, 8);

describe('payout accounts and disbursement instructions', () => {
  let platform: Platform;
  let bank: Bank;
  let anchor: { id: string; admin: Session };
  let program: { id: string; currency: string };

  beforeAll(async () => {
    platform = await Platform.start({ worker: false, businessDate: '2026-03-01' });
    bank = await createBank(platform);
    anchor = await createAnchor(platform, bank);
    program = await createActiveProgram(platform, bank, anchor.id, CNY_TERMS);
  });
  afterAll(() => platform.stop());

  const http = () => platform.http();
  const post = (session: Session, path: string, body: object = {}) => http().post(path).set(auth(session)).set('Idempotency-Key', randomUUID()).send(body);
  const get = (session: Session, path: string) => http().get(path).set(auth(session));

  interface Supplier {
    id: string;
    admin: Session;
  }

  /** The anchor invites a supplier (with its payout account, unless none) into `programId`; the bank's checker approves the enrolment. */
  async function invite(by: Session = anchor.admin, bankAccount: string | undefined = ONBOARDING_ACCOUNT, programId = program.id): Promise<Supplier> {
    const email = `admin-${unique()}@supplier.test`;
    const res = await post(by, `/v1/programs/${programId}/enrolments`, {
      subLimit: '9000000.00',
      invite: { name: `Supplier ${unique()}`, bankAccount, admin: { email, displayName: 'Supplier admin' } },
    });
    expect(res.status).toBe(201);
    await acceptInvitation(platform, res.body.invitation);
    expect((await post(bank.checker, `/v1/enrolments/${res.body.id}/approve`)).status).toBe(200);
    return { id: res.body.supplierId, admin: await login(platform, email) };
  }

  async function addUser(organisationId: string, organisationType: OrganisationType, roles: Role[]): Promise<Session> {
    const email = `${roles[0].toLowerCase()}-${unique()}@${organisationType.toLowerCase()}.test`;
    return addInvitedUser(platform, { organisationId, organisationType, email, roles });
  }

  /**
   * An APPROVED financing of domain.md's first example: auto-approved while the supplier's day stays
   * under the threshold, approved by the bank's checker once its daily auto-approval cap is used up.
   */
  async function approvedFinancing(supplier: Supplier, of = program): Promise<string> {
    const { offerId } = await seedOfferedReceivable(
      platform,
      of,
      { supplierId: supplier.id, anchorId: anchor.id },
      { amount: '1000000.00', issueDate: '2026-02-01', dueDate: '2026-05-27' },
      '2026-03-01',
    );
    const res = await post(supplier.admin, '/v1/financing-requests', { offerIds: [offerId] });
    expect(res.status).toBe(201);
    if (res.body.status === 'REQUESTED') expect((await post(bank.checker, `/v1/financing-requests/${res.body.id}/approve`)).status).toBe(200);
    return res.body.id;
  }

  const fund = (id: string) => post(bank.operations, `/v1/financing-requests/${id}/fund`);
  const pendingChange = async (supplier: Supplier) => {
    const res = await get(bank.checker, `/v1/payout-account-changes?status=PENDING&organisationId=${supplier.id}`);
    expect(res.body.items).toHaveLength(1);
    return res.body.items[0] as { id: string; bankAccount: string; proposedBy: string };
  };
  const instructionOf = async (financingId: string) => (await get(bank.operations, `/v1/financing-requests/${financingId}/disbursement-instruction`)).body;
  const eventsOf = (supplier: Supplier) =>
    platform.sql<{ action: string; text: string }>(
      `SELECT action, coalesce(before::text, '') || coalesce(after::text, '') AS text FROM business_events WHERE chain_id = $1 AND action LIKE 'payout_account.%' ORDER BY seq`,
      [supplier.id],
    );

  it('pays only a verified account: the account given at onboarding waits for a bank checker, and funding before that changes nothing', async () => {
    const supplier = await invite();
    const onboarding = await pendingChange(supplier);
    expect(onboarding).toMatchObject({ bankAccount: ONBOARDING_ACCOUNT, status: 'PENDING', proposedBy: anchor.admin.userId });
    expect((await get(supplier.admin, '/v1/organisations/mine')).body.bankAccount).toBeNull();

    const financingId = await approvedFinancing(supplier);
    const refused = await fund(financingId);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('payout_account_unverified');
    expect((await get(bank.operations, `/v1/financing-requests/${financingId}`)).body.status).toBe('APPROVED');
    expect(await platform.sql(`SELECT 1 FROM disbursement_instructions WHERE financing_request_id = $1`, [financingId])).toHaveLength(0);
    expect((await get(bank.operations, `/v1/financing-requests/${financingId}/disbursement-instruction`)).status).toBe(404);

    const verified = await post(bank.checker, `/v1/payout-account-changes/${onboarding.id}/verify`);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ status: 'VERIFIED', bankAccount: ONBOARDING_ACCOUNT, decidedBy: bank.checker.userId, decidedByOrganisationId: bank.id });
    expect((await get(supplier.admin, '/v1/organisations/mine')).body.bankAccount).toBe(ONBOARDING_ACCOUNT);

    const funded = await fund(financingId);
    expect(funded.status).toBe(200);
    const instruction = await instructionOf(financingId);
    expect(instruction).toEqual({
      id: expect.any(String),
      financingRequestId: financingId,
      payeeOrganisationId: supplier.id,
      bankAccount: ONBOARDING_ACCOUNT,
      payoutAccountChangeId: onboarding.id,
      currency: 'CNY',
      amount: '888116.25',
      valueDate: '2026-03-01',
      paymentReference: expect.stringMatching(/^SCF-20260301-\d{10}$/),
      createdAt: expect.any(String),
    });
    // The supplier reads its own; the anchor (no role for it) and another supplier don't.
    expect((await get(supplier.admin, `/v1/financing-requests/${financingId}/disbursement-instruction`)).body).toEqual(instruction);
    expect((await get(anchor.admin, `/v1/financing-requests/${financingId}/disbursement-instruction`)).status).toBe(403);
    const stranger = await invite();
    expect((await get(stranger.admin, `/v1/financing-requests/${financingId}/disbursement-instruction`)).status).toBe(404);
    const [stored] = await platform.sql<{ bank_account: string }>(`SELECT bank_account FROM disbursement_instructions WHERE id = $1`, [instruction.id]);
    expect(stored.bank_account).toMatch(/^enc:v2:/);

    const events = await eventsOf(supplier);
    expect(events.map((e) => e.action)).toEqual(['payout_account.proposed', 'payout_account.verified']);
    const [instructed] = await platform.sql<{ after: Record<string, unknown> }>(
      `SELECT after FROM business_events WHERE chain_id = $1 AND action = 'disbursement.instructed' AND object_id = $2`,
      [program.id, financingId],
    );
    expect(instructed.after).toMatchObject({ bankAccount: '****7890', amount: '888116.2500', paymentReference: instruction.paymentReference });
    const allEvents = await platform.sql<{ text: string }>(`SELECT coalesce(before::text, '') || coalesce(after::text, '') AS text FROM business_events`);
    for (const { text } of allEvents) expect(text.replace(/[\s-]/g, '')).not.toContain('0212345678');
  });

  it('changes an account only through a pending change the other admins see and a bank checker decides; until then funding pays the old one', async () => {
    const supplier = await invite();
    await post(bank.checker, `/v1/payout-account-changes/${(await pendingChange(supplier)).id}/verify`);
    const otherAdmin = await addUser(supplier.id, OrganisationType.SUPPLIER, [Role.SUPPLIER_ADMIN]);
    const finance = await addUser(supplier.id, OrganisationType.SUPPLIER, [Role.SUPPLIER_FINANCE]);

    const patched = await http().patch('/v1/organisations/mine').set(auth(supplier.admin)).send({ bankAccount: NEW_ACCOUNT });
    expect(patched.status).toBe(409);
    expect(patched.body.code).toBe('payout_account_change_required');
    expect((await post(finance, '/v1/organisations/mine/payout-account-changes', { bankAccount: NEW_ACCOUNT })).status).toBe(403);

    const proposed = await post(supplier.admin, '/v1/organisations/mine/payout-account-changes', { bankAccount: NEW_ACCOUNT });
    expect(proposed.status).toBe(201);
    expect(proposed.body).toMatchObject({ organisationId: supplier.id, bankAccount: NEW_ACCOUNT, status: 'PENDING', proposedBy: supplier.admin.userId });
    const twice = await post(otherAdmin, '/v1/organisations/mine/payout-account-changes', { bankAccount: '6222 0000 1111 2222' });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('payout_account_change_pending');

    // Visible to the organisation: in full to its admins, masked to its other users; the anchor has no access.
    const seenByAdmin = (await get(otherAdmin, '/v1/payout-account-changes?status=PENDING')).body.items;
    expect(seenByAdmin).toEqual([expect.objectContaining({ id: proposed.body.id, bankAccount: NEW_ACCOUNT })]);
    const seenByFinance = (await get(finance, '/v1/payout-account-changes')).body.items;
    expect(seenByFinance.map((c: { bankAccount: string; status: string }) => [c.bankAccount, c.status])).toEqual([['****3000', 'PENDING'], ['****7890', 'VERIFIED']]);
    expect((await get(anchor.admin, '/v1/payout-account-changes')).status).toBe(403);

    // Pending: the money still goes to the account verified before.
    const whilePending = await approvedFinancing(supplier);
    expect((await fund(whilePending)).status).toBe(200);
    expect((await instructionOf(whilePending)).bankAccount).toBe(ONBOARDING_ACCOUNT);

    // Only a checker of a bank financing the supplier decides; a rejection needs its reason.
    const otherBank = await createBank(platform);
    expect((await post(otherBank.checker, `/v1/payout-account-changes/${proposed.body.id}/verify`)).status).toBe(404);
    expect((await post(bank.maker, `/v1/payout-account-changes/${proposed.body.id}/verify`)).status).toBe(403);
    expect((await post(bank.checker, `/v1/payout-account-changes/${proposed.body.id}/reject`)).status).toBe(400);
    const rejected = await post(bank.checker, `/v1/payout-account-changes/${proposed.body.id}/reject`, { reason: 'account holder name does not match' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'REJECTED', reason: 'account holder name does not match', decidedBy: bank.checker.userId });
    const late = await post(bank.checker, `/v1/payout-account-changes/${proposed.body.id}/verify`);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('change_not_pending');

    const retried = await post(supplier.admin, '/v1/organisations/mine/payout-account-changes', { bankAccount: NEW_ACCOUNT });
    expect((await post(bank.checker, `/v1/payout-account-changes/${retried.body.id}/verify`)).body.status).toBe('VERIFIED');
    const changes = (await get(bank.checker, `/v1/payout-account-changes?organisationId=${supplier.id}`)).body.items;
    expect(changes.map((c: { status: string }) => c.status)).toEqual(['VERIFIED', 'REJECTED', 'SUPERSEDED']);
    expect(changes[2].supersededAt).not.toBeNull();

    const afterVerification = await approvedFinancing(supplier);
    expect((await fund(afterVerification)).status).toBe(200);
    expect((await instructionOf(afterVerification)).bankAccount).toBe(NEW_ACCOUNT);
    // The earlier instruction keeps the account it paid.
    expect((await instructionOf(whilePending)).bankAccount).toBe(ONBOARDING_ACCOUNT);
    expect((await instructionOf(afterVerification)).paymentReference).not.toBe((await instructionOf(whilePending)).paymentReference);

    const events = await eventsOf(supplier);
    expect(events.map((e) => e.action)).toEqual([
      'payout_account.proposed', 'payout_account.verified',
      'payout_account.proposed', 'payout_account.rejected',
      'payout_account.proposed', 'payout_account.verified',
    ]);
    for (const { text } of events) expect(text.replace(/[\s-]/g, '')).not.toMatch(/0212345678|370400440532/);
    expect(events[5].text).toContain('****3000');
  });

  it('never lets the proposer verify, even a bank user holding maker and checker roles', async () => {
    const dual = await addUser(bank.id, OrganisationType.BANK, [Role.BANK_CREDIT_OFFICER, Role.BANK_APPROVER]);
    const supplier = await invite(dual);
    const change = await pendingChange(supplier);
    expect(change.proposedBy).toBe(dual.userId);
    const own = await post(dual, `/v1/payout-account-changes/${change.id}/verify`);
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('four_eyes');
    expect((await post(dual, `/v1/payout-account-changes/${change.id}/reject`, { reason: 'mine' })).body.code).toBe('four_eyes');
    expect((await post(bank.checker, `/v1/payout-account-changes/${change.id}/verify`)).status).toBe(200);
  });

  it('binds each encrypted account to its row: swapped between two suppliers, neither decrypts and nothing is paid', async () => {
    const [first, second] = [await invite(anchor.admin, '6222 1111 1111 1111'), await invite(anchor.admin, '6222 2222 2222 2222')];
    for (const supplier of [first, second]) await post(bank.checker, `/v1/payout-account-changes/${(await pendingChange(supplier)).id}/verify`);
    const financingId = await approvedFinancing(first);

    const swap = (table: string, where: string, ids: string[]) =>
      platform.sql(
        `UPDATE ${table} t SET bank_account = o.bank_account FROM ${table} o
          WHERE t.${where} = ANY($1::uuid[]) AND o.${where} = ANY($1::uuid[]) AND t.${where} <> o.${where} ${table === 'payout_account_changes' ? `AND t.status = 'VERIFIED' AND o.status = 'VERIFIED'` : ''}`,
        [ids],
      );
    await swap('payout_account_changes', 'organisation_id', [first.id, second.id]);
    const refused = await fund(financingId);
    expect(refused.status).toBe(500);
    expect((await get(bank.operations, `/v1/financing-requests/${financingId}`)).body.status).toBe('APPROVED');
    expect(await platform.sql(`SELECT 1 FROM disbursement_instructions WHERE financing_request_id = $1`, [financingId])).toHaveLength(0);
    await swap('payout_account_changes', 'organisation_id', [first.id, second.id]);
    expect((await fund(financingId)).status).toBe(200);
    expect((await instructionOf(financingId)).bankAccount).toBe('6222 1111 1111 1111');

    await swap('organisations', 'id', [first.id, second.id]);
    expect((await get(first.admin, '/v1/organisations/mine')).status).toBe(500);
    await swap('organisations', 'id', [first.id, second.id]);
    expect((await get(first.admin, '/v1/organisations/mine')).body.bankAccount).toBe('6222 1111 1111 1111');
  });

  it('pays each racing funding to the account verified at its instant, never a mix', async () => {
    const large = await createActiveProgram(platform, bank, anchor.id, { ...CNY_TERMS, limitAmount: '50000000.00' });
    const supplier = await invite(anchor.admin, ONBOARDING_ACCOUNT, large.id);
    await post(bank.checker, `/v1/payout-account-changes/${(await pendingChange(supplier)).id}/verify`);
    const financings: string[] = [];
    for (let i = 0; i < 8; i++) financings.push(await approvedFinancing(supplier, large));
    const proposed = await post(supplier.admin, '/v1/organisations/mine/payout-account-changes', { bankAccount: NEW_ACCOUNT });
    const [verified, ...funded] = await Promise.all([
      post(bank.checker, `/v1/payout-account-changes/${proposed.body.id}/verify`),
      ...financings.map((id) => fund(id)),
    ]);
    expect(verified.status).toBe(200);
    expect(funded.map((res) => res.status)).toEqual(financings.map(() => 200));
    for (const id of financings) expect([ONBOARDING_ACCOUNT, NEW_ACCOUNT]).toContain((await instructionOf(id)).bankAccount);
    await platform.assertInvariants();
  });
});
