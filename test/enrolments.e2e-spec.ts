jest.setTimeout(60_000);

import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { OrganisationsService, OrganisationType, Role } from '@scf/identity';
import { EnrolmentsService, LimitsService } from '@scf/programs';
import { Platform } from './support/platform';
import { acceptInvitation, addUser, auth, Bank, createActiveProgram, createAnchor, createBank, enrolNewSupplier, JPY_TERMS, login, PASSWORD, Session } from './support/fixtures';

describe('enrolments', () => {
  let platform: Platform;
  let bank: Bank;
  let anchor: { id: string; admin: Session };

  beforeAll(async () => {
    platform = await Platform.start({ worker: false });
    bank = await createBank(platform);
    anchor = await createAnchor(platform, bank);
  });
  afterAll(() => platform.stop());

  // Live financing simulated by reserving limit directly; given back after each test so that the
  // final invariant check (utilisation = advances of live financings) holds.
  let reserved: [string, string, string][] = [];
  const limits = () => platform.app.get(LimitsService);
  const inTransaction = <T>(work: (manager: EntityManager) => Promise<T>) => platform.app.get(DataSource).transaction(work);
  async function reserve(programId: string, enrolmentId: string, amount: string) {
    await inTransaction((manager) => limits().reserve(manager, programId, enrolmentId, amount));
    reserved.push([programId, enrolmentId, amount]);
  }
  afterEach(async () => {
    for (const [programId, enrolmentId, amount] of reserved) await inTransaction((m) => limits().release(m, programId, enrolmentId, amount));
    reserved = [];
  });

  const tag = () => randomUUID().slice(0, 8);
  const invite = (email = `admin-${tag()}@supplier.test`) => ({ name: `Supplier ${tag()}`, taxId: 'TAX-1', bankAccount: '6222 0212 3456 7890', admin: { email, displayName: 'Supplier admin' } });
  const propose = (session: Session, programId: string, body: Record<string, unknown>) =>
    platform.http().post(`/v1/programs/${programId}/enrolments`).set(auth(session)).send(body);
  const outbox = (programId: string) =>
    platform.sql<{ job_name: string }>(`SELECT job_name FROM outbox WHERE payload->>'programId' = $1 ORDER BY id`, [programId]);

  async function existingSupplier(): Promise<string> {
    // Onboarded by the bank, so the bank knows it (an unrelated supplier can't be enrolled by id).
    const { organisation } = await platform.app.get(OrganisationsService).create({
      type: OrganisationType.SUPPLIER,
      name: `Supplier ${tag()}`,
      createdByOrganisationId: bank.id,
      admin: { email: `admin-${tag()}@supplier.test`, displayName: 'Supplier admin' },
    });
    return organisation.id;
  }

  it('invites a supplier whose admin can log in, and a bank checker approves the enrolment', async () => {
    const program = await createActiveProgram(platform, bank, anchor.id);
    const email = `admin-${tag()}@supplier.test`;
    const res = await propose(anchor.admin, program.id, { subLimit: '2000000.5', invite: { ...invite(email), name: 'Eastern Parts Co.' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      programId: program.id,
      supplierName: 'Eastern Parts Co.',
      currency: 'CNY',
      subLimit: '2000000.50',
      status: 'PENDING',
      proposedBy: anchor.admin.userId,
      approvedBy: null,
    });
    // Invited, not yet able to log in: the supplier's admin chooses the password.
    expect((await platform.http().post('/v1/auth/login').send({ email, password: PASSWORD })).status).toBe(401);
    await acceptInvitation(platform, res.body.invitation);
    // What the supplier draws on its sub-limit is the supplier's (and the bank's) to read, not the anchor's.
    expect(res.body).not.toHaveProperty('utilised');
    expect(res.body).not.toHaveProperty('available');
    const asBank = await platform.http().get(`/v1/enrolments/${res.body.id}`).set(auth(bank.checker));
    expect(asBank.body).toMatchObject({ subLimit: '2000000.50', utilised: '0.00', available: '2000000.50' });
    const supplier = await login(platform, email, PASSWORD);
    expect(supplier.organisationId).toBe(res.body.supplierId);
    const [org] = await platform.sql(`SELECT type, created_by_organisation_id FROM organisations WHERE id = $1`, [supplier.organisationId]);
    expect(org).toEqual({ type: 'SUPPLIER', created_by_organisation_id: anchor.id });
    const me = await platform.http().get('/v1/auth/me').set(auth(supplier));
    expect(me.body.roles).toEqual(['SUPPLIER_ADMIN']);

    // The invite carried the tax id, stored encrypted and shown in full to the supplier's admin, and
    // the account the bank pays into: a payout account change proposed by the inviter, in effect
    // only once a bank checker verifies it.
    const mine = await platform.http().get('/v1/organisations/mine').set(auth(supplier));
    expect(mine.body).toMatchObject({ taxId: 'TAX-1', bankAccount: null });
    const [stored] = await platform.sql<{ tax_id: string }>(`SELECT tax_id FROM organisations WHERE id = $1`, [supplier.organisationId]);
    expect(stored.tax_id).toMatch(/^enc:v2:/);
    const payout = await platform.http().get('/v1/payout-account-changes').set(auth(supplier));
    expect(payout.body.items).toEqual([
      expect.objectContaining({ organisationId: supplier.organisationId, bankAccount: '6222 0212 3456 7890', status: 'PENDING', proposedBy: anchor.admin.userId }),
    ]);
    const own = await platform.http().get('/v1/enrolments').set(auth(supplier));
    expect(own.body.items.map((e: { id: string }) => e.id)).toEqual([res.body.id]);
    expect((await platform.http().get(`/v1/programs/${program.id}`).set(auth(supplier))).status).toBe(200);
    expect(await outbox(program.id)).toEqual([{ job_name: 'offers.generate' }]);

    const approved = await platform.http().post(`/v1/enrolments/${res.body.id}/approve`).set(auth(bank.checker)).send({});
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'APPROVED', approvedBy: bank.checker.userId });
    expect(await outbox(program.id)).toEqual([{ job_name: 'offers.generate' }, { job_name: 'offers.generate' }]);
    const again = await platform.http().post(`/v1/enrolments/${res.body.id}/approve`).set(auth(bank.checker));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('enrolment_not_pending');

    const events = await platform.sql(`SELECT action FROM business_events WHERE chain_id = $1 AND object_id = $2 ORDER BY seq`, [program.id, res.body.id]);
    expect(events.map((e) => e.action)).toEqual(['enrolment.proposed', 'enrolment.approved']);
  });

  it('enrols an existing supplier once, and enforces four-eyes on approval', async () => {
    const program = await createActiveProgram(platform, bank, anchor.id);
    const supplierId = await existingSupplier();
    const email = `both-${tag()}@bank.test`;
    const both = await addUser(platform, {
      organisationId: bank.id,
      organisationType: OrganisationType.BANK,
      email,
      displayName: 'Maker and checker',
      roles: [Role.BANK_CREDIT_OFFICER, Role.BANK_APPROVER],
    });

    const res = await propose(both, program.id, { subLimit: '1000000.00', supplierId });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ supplierId, status: 'PENDING', proposedBy: both.userId });
    const duplicate = await propose(anchor.admin, program.id, { subLimit: '5.00', supplierId });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('already_enrolled');

    const own = await platform.http().post(`/v1/enrolments/${res.body.id}/approve`).set(auth(both));
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('four_eyes');
    expect((await platform.sql(`SELECT status FROM enrolments WHERE id = $1`, [res.body.id]))[0].status).toBe('PENDING');

    const rejected = await platform.http().post(`/v1/enrolments/${res.body.id}/reject`).set(auth(bank.checker)).send({ reason: 'no trading history' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('REJECTED');
    const again = await propose(anchor.admin, program.id, { subLimit: '500000.00', supplierId });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id: res.body.id, status: 'PENDING', subLimit: '500000.00', proposedBy: anchor.admin.userId });
  });

  describe('refuses bad input with 400 naming the field, and stores nothing', () => {
    let programId: string;
    let jpyProgramId: string;
    beforeAll(async () => {
      programId = (await createActiveProgram(platform, bank, anchor.id)).id;
      jpyProgramId = (await createActiveProgram(platform, bank, anchor.id, JPY_TERMS)).id;
    });

    const cases: [string, 'CNY' | 'JPY', Record<string, unknown>, string, string][] = [
      ['over-precise CNY sub-limit', 'CNY', { subLimit: '1.001', invite: invite() }, 'subLimit', 'amount_too_precise'],
      ['fractional JPY sub-limit', 'JPY', { subLimit: '1.5', invite: invite() }, 'subLimit', 'amount_too_precise'],
      ['zero sub-limit', 'CNY', { subLimit: '0', invite: invite() }, 'subLimit', 'amount_not_positive'],
      ['negative sub-limit', 'CNY', { subLimit: '-1.00', invite: invite() }, 'subLimit', 'validation_failed'],
      ['sub-limit above the program limit', 'CNY', { subLimit: '10000000.01', invite: invite() }, 'subLimit', 'sub_limit_above_limit'],
      ['neither supplier nor invite', 'CNY', { subLimit: '1.00' }, 'supplierId', 'supplier_or_invite'],
      ['both supplier and invite', 'CNY', { subLimit: '1.00', supplierId: randomUUID(), invite: invite() }, 'invite', 'supplier_or_invite'],
      ['a password chosen by the inviter', 'CNY', { subLimit: '1.00', invite: { ...invite(), admin: { email: 'x@y.test', displayName: 'x', password: 'Inviter-chosen-1' } } }, 'invite.admin.password', 'validation_failed'],
      ['malformed bank account in the invite', 'CNY', { subLimit: '1.00', invite: { ...invite(), bankAccount: '12' } }, 'invite.bankAccount', 'validation_failed'],
      ['roles smuggled into the invite', 'CNY', { subLimit: '1.00', invite: { ...invite(), admin: { ...invite().admin, roles: ['BANK_ADMIN'] } } }, 'invite.admin.roles', 'validation_failed'],
    ];
    it.each(cases)('%s', async (_, currency, body, field, code) => {
      const before = await platform.sql(`SELECT (SELECT count(*) FROM enrolments)::int AS e, (SELECT count(*) FROM organisations)::int AS o`);
      const res = await propose(anchor.admin, currency === 'CNY' ? programId : jpyProgramId, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ field, code });
      expect(await platform.sql(`SELECT (SELECT count(*) FROM enrolments)::int AS e, (SELECT count(*) FROM organisations)::int AS o`)).toEqual(before);
    });

    it('a supplier the proposer does not know answers 404 like an unknown id, and changes nothing', async () => {
      const otherBank = await createBank(platform);
      const otherAnchor = await createAnchor(platform, otherBank);
      const otherProgram = await createActiveProgram(platform, otherBank, otherAnchor.id);
      const stranger = await enrolNewSupplier(platform, otherBank, otherAnchor, otherProgram.id, '1000.00');
      for (const supplierId of [randomUUID(), anchor.id, stranger.supplierId]) {
        const before = await platform.sql(`SELECT count(*)::int AS n FROM enrolments`);
        const res = await propose(anchor.admin, programId, { subLimit: '1.00', supplierId });
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ code: 'not_found', field: 'supplierId' });
        expect(JSON.stringify(res.body)).not.toContain(stranger.supplierId);
        expect(await platform.sql(`SELECT count(*)::int AS n FROM enrolments`)).toEqual(before);
      }
    });

    it('a taken email (rolled back), a malformed id', async () => {

      const before = await platform.sql<{ n: number }>(`SELECT count(*)::int AS n FROM organisations`);
      const taken = await propose(anchor.admin, programId, { subLimit: '1.00', invite: invite(`ADMIN-${anchor.admin.userId}@x.test`) });
      expect(taken.status).toBe(201);
      const clash = await propose(anchor.admin, programId, { subLimit: '1.00', invite: invite(`admin-${anchor.admin.userId}@x.test`) });
      expect(clash.status).toBe(409);
      expect(clash.body.code).toBe('email_taken');
      expect(await platform.sql(`SELECT count(*)::int AS n FROM organisations`)).toEqual([{ n: before[0].n + 1 }]);

      const malformed = await platform.http().post('/v1/enrolments/42/approve').set(auth(bank.checker));
      expect(malformed.status).toBe(400);
      expect(malformed.body.field).toBe('enrolmentId');
    });
  });

  it('suspends an enrolment so that the supplier gets no new financing, and reactivates it with four eyes', async () => {
    const program = await createActiveProgram(platform, bank, anchor.id);
    const supplier = await enrolNewSupplier(platform, bank, anchor, program.id, '1000000.00');
    expect((await platform.http().post(`/v1/enrolments/${supplier.enrolmentId}/suspend`).set(auth(anchor.admin))).status).toBe(403);

    const suspended = await platform.http().post(`/v1/enrolments/${supplier.enrolmentId}/suspend`).set(auth(bank.admin)).send({ reason: 'dilution spike' });
    expect(suspended.status).toBe(200);
    expect(suspended.body.status).toBe('SUSPENDED');
    await expect(inTransaction((m) => limits().reserve(m, program.id, supplier.enrolmentId, '1.00'))).rejects.toMatchObject({ code: 'sub_limit_exceeded' });
    await expect(platform.app.get(EnrolmentsService).findApproved(program.id, supplier.supplierId)).rejects.toMatchObject({ code: 'enrolment_not_approved' });
    expect((await platform.sql(`SELECT utilised FROM programs WHERE id = $1`, [program.id]))[0].utilised).toBe('0.0000');
    const supplierView = await platform.http().get(`/v1/enrolments/${supplier.enrolmentId}`).set(auth(supplier.admin));
    expect(supplierView.body.status).toBe('SUSPENDED');

    // No super-user: a proposal leaves the enrolment SUSPENDED until a checker other than its maker approves it.
    const reactivate = (session: Session) => platform.http().post(`/v1/enrolments/${supplier.enrolmentId}/reactivate`).set(auth(session));
    const decide = (session: Session, changeId: string) =>
      platform.http().post(`/v1/enrolments/${supplier.enrolmentId}/sub-limit-changes/${changeId}/approve`).set(auth(session));
    const status = async () => (await platform.sql<{ status: string }>(`SELECT status FROM enrolments WHERE id = $1`, [supplier.enrolmentId]))[0].status;
    const proposed = await reactivate(bank.maker);
    expect(proposed.status).toBe(201);
    expect(proposed.body).toMatchObject({ enrolmentId: supplier.enrolmentId, kind: 'REACTIVATION', subLimit: null, status: 'PENDING', proposedBy: bank.maker.userId });
    expect(await status()).toBe('SUSPENDED');
    expect((await reactivate(bank.checker)).body.code).toBe('reactivation_pending');
    expect((await decide(bank.maker, proposed.body.id)).status).toBe(403);
    const reactivated = await decide(bank.checker, proposed.body.id);
    expect(reactivated.status).toBe(200);
    expect(reactivated.body).toMatchObject({ kind: 'REACTIVATION', status: 'APPROVED', decidedBy: bank.checker.userId });
    expect(await status()).toBe('APPROVED');
    expect((await reactivate(bank.maker)).body.code).toBe('enrolment_not_suspended');
    await reserve(program.id, supplier.enrolmentId, '1.00');

    await platform.http().post(`/v1/enrolments/${supplier.enrolmentId}/suspend`).set(auth(bank.checker)).send({});
    const own = await reactivate(bank.checker);
    expect((await decide(bank.checker, own.body.id)).body).toMatchObject({ status: 403, code: 'four_eyes' });
    expect(await status()).toBe('SUSPENDED');
    const events = await platform.sql(`SELECT action FROM business_events WHERE object_id = ANY($1::text[]) ORDER BY seq`, [[supplier.enrolmentId, proposed.body.id]]);
    expect(events.map((e) => e.action)).toEqual([
      'enrolment.proposed', 'enrolment.approved', 'enrolment.suspended', 'enrolment.reactivation.proposed', 'enrolment.reactivated', 'enrolment.suspended',
    ]);
  });

  it('changes a sub-limit with four eyes, never below what is in use', async () => {
    const program = await createActiveProgram(platform, bank, anchor.id);
    const supplier = await enrolNewSupplier(platform, bank, anchor, program.id, '1000000.00');
    await reserve(program.id, supplier.enrolmentId, '400000.00');

    const raise = await platform.http().post(`/v1/enrolments/${supplier.enrolmentId}/sub-limit`).set(auth(anchor.admin)).send({ subLimit: '1500000' });
    expect(raise.status).toBe(201);
    expect(raise.body).toMatchObject({ enrolmentId: supplier.enrolmentId, programId: program.id, subLimit: '1500000.00', status: 'PENDING', proposedBy: anchor.admin.userId });
    expect((await platform.http().get(`/v1/enrolments/${supplier.enrolmentId}`).set(auth(anchor.admin))).body.subLimit).toBe('1000000.00');
    expect((await platform.http().post(`/v1/enrolments/${supplier.enrolmentId}/sub-limit`).set(auth(supplier.admin)).send({ subLimit: '9000000' })).status).toBe(403);
    const tooBig = await platform.http().post(`/v1/enrolments/${supplier.enrolmentId}/sub-limit`).set(auth(bank.maker)).send({ subLimit: '10000000.01' });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.field).toBe('subLimit');

    const approved = await platform.http().post(`/v1/enrolments/${supplier.enrolmentId}/sub-limit-changes/${raise.body.id}/approve`).set(auth(bank.checker));
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'APPROVED', decidedBy: bank.checker.userId });
    expect((await platform.http().get(`/v1/enrolments/${supplier.enrolmentId}`).set(auth(supplier.admin))).body).toMatchObject({
      subLimit: '1500000.00',
      utilised: '400000.00',
      available: '1100000.00',
    });

    const cut = await platform.http().post(`/v1/enrolments/${supplier.enrolmentId}/sub-limit`).set(auth(bank.maker)).send({ subLimit: '399999.99' });
    expect(cut.status).toBe(201);
    const ownCut = await platform.http().post(`/v1/enrolments/${supplier.enrolmentId}/sub-limit-changes/${cut.body.id}/approve`).set(auth(bank.maker));
    expect(ownCut.status).toBe(403);
    const refused = await platform.http().post(`/v1/enrolments/${supplier.enrolmentId}/sub-limit-changes/${cut.body.id}/approve`).set(auth(bank.checker));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'limit_below_utilisation', field: 'subLimit' });
    expect((await platform.sql(`SELECT sub_limit, utilised FROM enrolments WHERE id = $1`, [supplier.enrolmentId]))[0]).toEqual({ sub_limit: '1500000.0000', utilised: '400000.0000' });
    expect((await platform.sql(`SELECT status FROM enrolment_changes WHERE id = $1`, [cut.body.id]))[0].status).toBe('PENDING');

    const rejected = await platform.http().post(`/v1/enrolments/${supplier.enrolmentId}/sub-limit-changes/${cut.body.id}/reject`).set(auth(bank.checker)).send({ reason: 'in use' });
    expect(rejected.body).toMatchObject({ status: 'REJECTED', reason: 'in use' });
    const history = await platform.http().get(`/v1/enrolments/${supplier.enrolmentId}/sub-limit-changes`).set(auth(anchor.admin));
    expect(history.body.items.map((c: { status: string }) => c.status)).toEqual(['REJECTED', 'APPROVED']);
  });

  it('shows enrolments only to their supplier and the program\'s bank and anchor', async () => {
    const program = await createActiveProgram(platform, bank, anchor.id);
    const supplier = await enrolNewSupplier(platform, bank, anchor, program.id, '1000000.00');
    const sibling = await enrolNewSupplier(platform, bank, anchor, program.id, '1000000.00');
    const otherBank = await createBank(platform);
    const otherAnchor = await createAnchor(platform, otherBank);

    for (const session of [supplier.admin, anchor.admin, bank.operations]) {
      expect((await platform.http().get(`/v1/enrolments/${supplier.enrolmentId}`).set(auth(session))).status).toBe(200);
    }
    for (const session of [sibling.admin, otherAnchor.admin, otherBank.checker]) {
      expect((await platform.http().get(`/v1/enrolments/${supplier.enrolmentId}`).set(auth(session))).status).toBe(404);
    }
    expect((await platform.http().post(`/v1/enrolments/${supplier.enrolmentId}/suspend`).set(auth(otherBank.checker))).status).toBe(404);
    expect((await propose(otherAnchor.admin, program.id, { subLimit: '1.00', invite: invite() })).status).toBe(404);
    expect((await platform.http().get(`/v1/programs/${program.id}/enrolments`).set(auth(otherAnchor.admin))).status).toBe(404);
    expect((await platform.http().get(`/v1/programs/${program.id}/enrolments`).set(auth(supplier.admin))).status).toBe(403);

    const ofProgram = await platform.http().get(`/v1/programs/${program.id}/enrolments`).set(auth(anchor.admin));
    expect(ofProgram.status).toBe(200);
    expect(ofProgram.body.items.map((e: { id: string }) => e.id).sort()).toEqual([supplier.enrolmentId, sibling.enrolmentId].sort());
    const own = await platform.http().get('/v1/enrolments').set(auth(sibling.admin));
    expect(own.body.items.map((e: { id: string }) => e.id)).toEqual([sibling.enrolmentId]);
    expect((await platform.http().get('/v1/enrolments').set(auth(otherAnchor.admin))).body.items).toEqual([]);
    const filtered = await platform.http().get('/v1/enrolments').query({ programId: program.id, status: 'APPROVED', limit: 1 }).set(auth(bank.checker));
    expect(filtered.body).toMatchObject({ limit: 1, hasMore: true });
    expect(filtered.body.items[0].programId).toBe(program.id);
  });
});
