jest.setTimeout(60_000);

import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { OrganisationType, Role } from '@scf/identity';
import { LimitsService, ProgramsService } from '@scf/programs';
import { Platform } from './support/platform';
import { addUser, auth, Bank, createActiveProgram, createAnchor, createBank, CNY_TERMS, enrolNewSupplier, JPY_TERMS, Session } from './support/fixtures';

describe('programs', () => {
  let platform: Platform;
  let bank: Bank;
  let anchor: { id: string; admin: Session };

  beforeAll(async () => {
    platform = await Platform.start({ worker: false });
    bank = await createBank(platform);
    anchor = await createAnchor(platform, bank);
  });
  afterAll(() => platform.stop());

  const draft = (session: Session, terms: Record<string, unknown> = {}) =>
    platform.http().post('/v1/programs').set(auth(session)).send({ name: 'Sunrise suppliers', anchorId: anchor.id, ...CNY_TERMS, ...terms });

  // Live financing simulated by reserving limit directly; given back after each test, since at the
  // end utilisation must again equal the advances of live financings (none here).
  let reserved: [string, string, string][] = [];
  const limits = () => platform.app.get(LimitsService);
  async function reserve(programId: string, enrolmentId: string, amount: string) {
    await platform.app.get(DataSource).transaction((manager) => limits().reserve(manager, programId, enrolmentId, amount));
    reserved.push([programId, enrolmentId, amount]);
  }
  afterEach(async () => {
    for (const [programId, enrolmentId, amount] of reserved) {
      await platform.app.get(DataSource).transaction((manager) => limits().release(manager, programId, enrolmentId, amount));
    }
    reserved = [];
  });

  const outbox = (programId: string, job: string) =>
    platform.sql<{ payload: Record<string, unknown> }>(`SELECT payload FROM outbox WHERE job_name = $1 AND payload->>'programId' = $2 ORDER BY id`, [job, programId]);

  async function makerChecker(): Promise<Session> {
    const email = `both-${randomUUID().slice(0, 8)}@bank.test`;
    return addUser(platform, {
      organisationId: bank.id,
      organisationType: OrganisationType.BANK,
      email,
      displayName: 'Maker and checker',
      roles: [Role.BANK_CREDIT_OFFICER, Role.BANK_APPROVER],
    });
  }

  it('drafts a program with formatted terms and activates it when another user approves', async () => {
    const created = await draft(bank.maker);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'DRAFT',
      bankId: bank.id,
      anchorId: anchor.id,
      currency: 'CNY',
      limitAmount: '10000000.00',
      utilised: '0.00',
      available: '10000000.00',
      validFrom: '2026-01-01',
      validTo: '2027-12-31',
      baseRate: '0.0385',
      margin: '0.012',
      advanceRate: '0.9',
      feeRate: '0.001',
      dayCountBasis: 360,
      minTenorDays: 7,
      maxTenorDays: 180,
      graceDays: 5,
      penaltyRate: '0.18',
      offerValidityDays: 3,
      autoApprovalThreshold: '1000000.00',
      pricingVersion: 1,
      createdBy: bank.maker.userId,
      approvedBy: null,
    });
    const id = created.body.id;
    expect(await outbox(id, 'offers.generate')).toEqual([]);

    const approved = await platform.http().post(`/v1/programs/${id}/approve`).set(auth(bank.checker)).send({});
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ id, status: 'ACTIVE', approvedBy: bank.checker.userId });
    expect(await outbox(id, 'offers.generate')).toEqual([{ payload: { programId: id } }]);

    const again = await platform.http().post(`/v1/programs/${id}/approve`).set(auth(bank.checker));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('program_not_draft');

    const events = await platform.sql(`SELECT action FROM business_events WHERE chain_id = $1 ORDER BY seq`, [id]);
    expect(events.map((e) => e.action)).toEqual(['program.created', 'program.approved']);
  });

  it('formats zero-decimal currencies and accepts a zero auto-approval threshold', async () => {
    const program = await createActiveProgram(platform, bank, anchor.id, JPY_TERMS);
    const res = await platform.http().get(`/v1/programs/${program.id}`).set(auth(bank.maker));
    expect(res.body).toMatchObject({ currency: 'JPY', limitAmount: '500000000', autoApprovalThreshold: '0', advanceRate: '1', feeRate: '0', dayCountBasis: 365 });
  });

  it('never lets the maker approve, even a user holding both roles', async () => {
    const both = await makerChecker();
    const created = await draft(both);
    expect(created.status).toBe(201);
    const own = await platform.http().post(`/v1/programs/${created.body.id}/approve`).set(auth(both));
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('four_eyes');
    expect((await platform.sql(`SELECT status, approved_by FROM programs WHERE id = $1`, [created.body.id]))[0]).toEqual({ status: 'DRAFT', approved_by: null });

    const program = await createActiveProgram(platform, bank, anchor.id);
    const change = await platform.http().post(`/v1/programs/${program.id}/changes`).set(auth(both)).send({ margin: '0.0100' });
    expect(change.status).toBe(201);
    const ownChange = await platform.http().post(`/v1/programs/${program.id}/changes/${change.body.id}/approve`).set(auth(both));
    expect(ownChange.status).toBe(403);
    expect(ownChange.body.code).toBe('four_eyes');
    const ownReject = await platform.http().post(`/v1/programs/${program.id}/changes/${change.body.id}/reject`).set(auth(both)).send({ reason: 'mine' });
    expect(ownReject.status).toBe(403);

    const byOther = await platform.http().post(`/v1/programs/${created.body.id}/approve`).set(auth(bank.checker));
    expect(byOther.status).toBe(200);
    expect(byOther.body.approvedBy).toBe(bank.checker.userId);
  });

  describe('refuses bad input with 400 naming the field, and stores nothing', () => {
    const cases: [string, Record<string, unknown>, string, string?][] = [
      ['over-precise CNY limit', { limitAmount: '1.001' }, 'limitAmount', 'amount_too_precise'],
      ['fractional JPY limit', { ...JPY_TERMS, limitAmount: '1.5' }, 'limitAmount', 'amount_too_precise'],
      ['over-precise threshold', { autoApprovalThreshold: '0.001' }, 'autoApprovalThreshold', 'amount_too_precise'],
      ['unknown currency', { currency: 'ABC' }, 'currency', 'unknown_currency'],
      ['validTo before validFrom', { validFrom: '2026-06-01', validTo: '2026-05-31' }, 'validTo', 'validity_invalid'],
      ['validTo equal to validFrom', { validFrom: '2026-06-01', validTo: '2026-06-01' }, 'validTo', 'validity_invalid'],
      ['impossible date', { validFrom: '2026-02-30' }, 'validFrom', 'date_invalid'],
      ['unknown field', { overdraft: true }, 'overdraft', 'validation_failed'],
      ['negative limit', { limitAmount: '-5.00' }, 'limitAmount', 'validation_failed'],
      ['zero limit', { limitAmount: '0' }, 'limitAmount', 'amount_not_positive'],
      ['limit as a JSON number', { limitAmount: 1000 }, 'limitAmount', 'validation_failed'],
      ['zero advance rate', { advanceRate: '0' }, 'advanceRate', 'rate_invalid'],
      ['fee rate of 100 %', { feeRate: '1' }, 'feeRate', 'rate_invalid'],
      ['rate above 1', { baseRate: '1.5' }, 'baseRate', 'validation_failed'],
      ['min tenor above max tenor', { minTenorDays: 90, maxTenorDays: 30 }, 'maxTenorDays', 'tenor_invalid'],
      ['day-count basis 364', { dayCountBasis: 364 }, 'dayCountBasis', 'validation_failed'],
      ['missing name', { name: undefined }, 'name', 'validation_failed'],
      ['malformed anchorId', { anchorId: 'anchor-1' }, 'anchorId', 'validation_failed'],
    ];
    it.each(cases)('%s', async (_, terms, field, code) => {
      const before = await platform.sql(`SELECT count(*)::int AS n FROM programs`);
      const res = await draft(bank.maker, terms.anchorId === 'BANK' ? { ...terms, anchorId: bank.id } : terms);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ field, ...(code ? { code } : {}) });
      expect(await platform.sql(`SELECT count(*)::int AS n FROM programs`)).toEqual(before);
    });

    it('an anchor that is not one of the bank\'s answers 404 like an unknown id, so none can be probed or attached', async () => {
      const otherBank = await createBank(platform);
      const foreignAnchor = await createAnchor(platform, otherBank);
      for (const anchorId of [bank.id, randomUUID(), foreignAnchor.id]) {
        const before = await platform.sql(`SELECT count(*)::int AS n FROM programs`);
        const res = await draft(bank.maker, { anchorId });
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ code: 'not_found', field: 'anchorId' });
        expect(await platform.sql(`SELECT count(*)::int AS n FROM programs`)).toEqual(before);
      }
    });

    it('malformed ids in the path', async () => {
      const get = await platform.http().get('/v1/programs/not-a-uuid').set(auth(bank.maker));
      expect(get.status).toBe(400);
      expect(get.body).toMatchObject({ code: 'id_malformed', field: 'programId' });
      const program = await createActiveProgram(platform, bank, anchor.id);
      const change = await platform.http().post(`/v1/programs/${program.id}/changes/1%27%20OR%201=1/approve`).set(auth(bank.checker));
      expect(change.status).toBe(400);
      expect(change.body.field).toBe('changeId');
    });

    it('an empty or over-precise change', async () => {
      const program = await createActiveProgram(platform, bank, anchor.id);
      const empty = await platform.http().post(`/v1/programs/${program.id}/changes`).set(auth(bank.maker)).send({});
      expect(empty.status).toBe(400);
      expect(empty.body.code).toBe('change_empty');
      const precise = await platform.http().post(`/v1/programs/${program.id}/changes`).set(auth(bank.maker)).send({ limitAmount: '5.125' });
      expect(precise.status).toBe(400);
      expect(precise.body).toMatchObject({ code: 'amount_too_precise', field: 'limitAmount' });
      const early = await platform.http().post(`/v1/programs/${program.id}/changes`).set(auth(bank.maker)).send({ validTo: '2025-12-31' });
      expect(early.status).toBe(400);
      expect(early.body.field).toBe('validTo');
      expect(await platform.sql(`SELECT 1 FROM program_changes WHERE program_id = $1`, [program.id])).toEqual([]);
    });
  });

  it('applies an approved limit change without re-pricing the version', async () => {
    const program = await createActiveProgram(platform, bank, anchor.id);
    const proposed = await platform.http().post(`/v1/programs/${program.id}/changes`).set(auth(bank.maker)).send({ limitAmount: '12000000.5' });
    expect(proposed.status).toBe(201);
    expect(proposed.body).toMatchObject({ programId: program.id, status: 'PENDING', changes: { limitAmount: '12000000.50' }, proposedBy: bank.maker.userId });
    expect((await platform.http().get(`/v1/programs/${program.id}`).set(auth(bank.maker))).body.limitAmount).toBe('10000000.00');

    const listed = await platform.http().get(`/v1/programs/${program.id}/changes`).set(auth(anchor.admin));
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((c: { id: string }) => c.id)).toEqual([proposed.body.id]);

    const approved = await platform.http().post(`/v1/programs/${program.id}/changes/${proposed.body.id}/approve`).set(auth(bank.checker));
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'APPROVED', decidedBy: bank.checker.userId });
    const after = await platform.http().get(`/v1/programs/${program.id}`).set(auth(bank.maker));
    expect(after.body).toMatchObject({ limitAmount: '12000000.50', available: '12000000.50', pricingVersion: 1 });
    expect(await outbox(program.id, 'offers.reprice-program')).toEqual([{ payload: { programId: program.id, pricingVersion: 1 } }]);

    const twice = await platform.http().post(`/v1/programs/${program.id}/changes/${proposed.body.id}/approve`).set(auth(bank.checker));
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('change_not_pending');
  });

  it('refuses to cut a limit below its utilisation and changes nothing', async () => {
    const program = await createActiveProgram(platform, bank, anchor.id);
    const supplier = await enrolNewSupplier(platform, bank, anchor, program.id, '2000000.00');
    await reserve(program.id, supplier.enrolmentId, '900000.00');

    const proposed = await platform.http().post(`/v1/programs/${program.id}/changes`).set(auth(bank.maker)).send({ limitAmount: '899999.99', baseRate: '0.05' });
    expect(proposed.status).toBe(201);
    const refused = await platform.http().post(`/v1/programs/${program.id}/changes/${proposed.body.id}/approve`).set(auth(bank.checker));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'limit_below_utilisation', field: 'limitAmount' });

    const after = await platform.http().get(`/v1/programs/${program.id}`).set(auth(bank.maker));
    expect(after.body).toMatchObject({ limitAmount: '10000000.00', utilised: '900000.00', available: '9100000.00', baseRate: '0.0385', pricingVersion: 1 });
    expect((await platform.sql(`SELECT status FROM program_changes WHERE id = $1`, [proposed.body.id]))[0].status).toBe('PENDING');
    expect(await outbox(program.id, 'offers.reprice-program')).toEqual([]);

    const exact = await platform.http().post(`/v1/programs/${program.id}/changes`).set(auth(bank.maker)).send({ limitAmount: '900000' });
    const cut = await platform.http().post(`/v1/programs/${program.id}/changes/${exact.body.id}/approve`).set(auth(bank.checker));
    expect(cut.status).toBe(200);
    expect((await platform.http().get(`/v1/programs/${program.id}`).set(auth(bank.maker))).body).toMatchObject({ limitAmount: '900000.00', available: '0.00' });
  });

  it('bumps the pricing version on a pricing change and re-prices through the outbox', async () => {
    const program = await createActiveProgram(platform, bank, anchor.id);
    const proposed = await platform.http().post(`/v1/programs/${program.id}/changes`).set(auth(bank.maker)).send({ baseRate: '0.0400', margin: '0.0110' });
    const approved = await platform.http().post(`/v1/programs/${program.id}/changes/${proposed.body.id}/approve`).set(auth(bank.checker));
    expect(approved.status).toBe(200);
    expect(approved.body.changes).toEqual({ baseRate: '0.04', margin: '0.011' });
    const after = await platform.http().get(`/v1/programs/${program.id}`).set(auth(bank.maker));
    expect(after.body).toMatchObject({ baseRate: '0.04', margin: '0.011', pricingVersion: 2 });
    expect(await outbox(program.id, 'offers.reprice-program')).toEqual([{ payload: { programId: program.id, pricingVersion: 2 } }]);
    const events = await platform.sql(`SELECT action FROM business_events WHERE chain_id = $1 ORDER BY seq`, [program.id]);
    expect(events.map((e) => e.action)).toEqual(['program.created', 'program.approved', 'program.change.proposed', 'program.change.approved']);

    const rejected = await platform.http().post(`/v1/programs/${program.id}/changes`).set(auth(bank.maker)).send({ feeRate: '0.002' });
    const decision = await platform.http().post(`/v1/programs/${program.id}/changes/${rejected.body.id}/reject`).set(auth(bank.checker)).send({ reason: 'too dear' });
    expect(decision.status).toBe(200);
    expect(decision.body).toMatchObject({ status: 'REJECTED', reason: 'too dear' });
    expect((await platform.http().get(`/v1/programs/${program.id}`).set(auth(bank.maker))).body).toMatchObject({ feeRate: '0.001', pricingVersion: 2 });
  });

  it('suspends a program so that it finances nothing new, and reactivates it with four eyes', async () => {
    const program = await createActiveProgram(platform, bank, anchor.id);
    const supplier = await enrolNewSupplier(platform, bank, anchor, program.id, '1000000.00');
    const maker = await platform.http().post(`/v1/programs/${program.id}/suspend`).set(auth(bank.maker));
    expect(maker.status).toBe(403);

    const suspended = await platform.http().post(`/v1/programs/${program.id}/suspend`).set(auth(bank.admin)).send({ reason: 'anchor under review' });
    expect(suspended.status).toBe(200);
    expect(suspended.body.status).toBe('SUSPENDED');
    await expect(reserve(program.id, supplier.enrolmentId, '100.00')).rejects.toMatchObject({ code: 'program_limit_exceeded' });
    await expect(platform.app.get(ProgramsService).getActive(program.id)).rejects.toMatchObject({ code: 'program_not_active' });

    // No super-user: the checker's proposal leaves the program SUSPENDED until another user approves it.
    const proposed = await platform.http().post(`/v1/programs/${program.id}/reactivate`).set(auth(bank.checker));
    expect(proposed.status).toBe(201);
    expect(proposed.body).toMatchObject({ programId: program.id, kind: 'REACTIVATION', changes: {}, status: 'PENDING', proposedBy: bank.checker.userId });
    expect((await platform.http().get(`/v1/programs/${program.id}`).set(auth(bank.checker))).body.status).toBe('SUSPENDED');
    await expect(reserve(program.id, supplier.enrolmentId, '100.00')).rejects.toMatchObject({ code: 'program_limit_exceeded' });
    expect((await platform.http().post(`/v1/programs/${program.id}/reactivate`).set(auth(bank.admin))).body.code).toBe('reactivation_pending');
    const approveAs = (session: Session) => platform.http().post(`/v1/programs/${program.id}/changes/${proposed.body.id}/approve`).set(auth(session));
    expect((await approveAs(bank.checker)).body).toMatchObject({ status: 403, code: 'four_eyes' });
    expect((await approveAs(bank.maker)).status).toBe(403);
    const checkerOf = await makerChecker();
    const reactivated = await approveAs(checkerOf);
    expect(reactivated.status).toBe(200);
    expect(reactivated.body).toMatchObject({ kind: 'REACTIVATION', status: 'APPROVED', decidedBy: checkerOf.userId });
    expect((await platform.http().get(`/v1/programs/${program.id}`).set(auth(bank.checker))).body.status).toBe('ACTIVE');
    expect((await platform.http().post(`/v1/programs/${program.id}/reactivate`).set(auth(bank.admin))).body.code).toBe('program_not_suspended');
    await reserve(program.id, supplier.enrolmentId, '100.00');
    await expect(platform.app.get(ProgramsService).getActive(program.id)).resolves.toMatchObject({ id: program.id });
    await expect(platform.app.get(ProgramsService).getActive(program.id, { on: '2028-01-01' })).rejects.toMatchObject({ code: 'program_expired' });
    // once at activation, once at reactivation (the enrolment approval adds its own)
    expect((await outbox(program.id, 'offers.generate')).length).toBe(3);
    const events = await platform.sql(`SELECT action, after FROM business_events WHERE chain_id = $1 AND action LIKE 'program.%' ORDER BY seq`, [program.id]);
    expect(events.map((e) => e.action)).toEqual(['program.created', 'program.approved', 'program.suspended', 'program.reactivation.proposed', 'program.reactivated']);
    expect(events[2].after).toEqual({ status: 'SUSPENDED', reason: 'anchor under review', offersWithdrawn: 0 });
    expect(events[4].after).toEqual({ status: 'ACTIVE', changeId: proposed.body.id, proposedBy: bank.checker.userId });
  });

  it('lets a checker reject a draft', async () => {
    const created = await draft(bank.maker);
    const rejected = await platform.http().post(`/v1/programs/${created.body.id}/reject`).set(auth(bank.checker)).send({ reason: 'incomplete' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('REJECTED');
    const approve = await platform.http().post(`/v1/programs/${created.body.id}/approve`).set(auth(bank.checker));
    expect(approve.status).toBe(409);
    const noReason = await platform.http().post(`/v1/programs/${created.body.id}/reject`).set(auth(bank.checker)).send({});
    expect(noReason.status).toBe(400);
    expect(noReason.body.field).toBe('reason');
  });

  it('shows each organisation only its own programs', async () => {
    const program = await createActiveProgram(platform, bank, anchor.id);
    const draftOnly = await draft(bank.maker);
    const otherBank = await createBank(platform);
    const otherAnchor = await createAnchor(platform, otherBank);
    const supplier = await enrolNewSupplier(platform, bank, anchor, program.id, '1000000.00');
    const otherProgram = await createActiveProgram(platform, otherBank, otherAnchor.id);
    const stranger = await enrolNewSupplier(platform, otherBank, otherAnchor, otherProgram.id, '1000000.00');

    for (const session of [bank.operations, anchor.admin, supplier.admin]) {
      expect((await platform.http().get(`/v1/programs/${program.id}`).set(auth(session))).status).toBe(200);
    }
    for (const session of [otherBank.maker, otherAnchor.admin, stranger.admin]) {
      const res = await platform.http().get(`/v1/programs/${program.id}`).set(auth(session));
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
    const theirs = await platform.http().post(`/v1/programs/${draftOnly.body.id}/approve`).set(auth(otherBank.checker));
    expect(theirs.status).toBe(404);
    const change = await platform.http().post(`/v1/programs/${program.id}/changes`).set(auth(otherBank.maker)).send({ margin: '0' });
    expect(change.status).toBe(404);
    expect((await platform.http().get(`/v1/programs/${program.id}/utilisation`).set(auth(otherAnchor.admin))).status).toBe(404);
    expect((await platform.http().get(`/v1/programs/${program.id}/changes`).set(auth(otherBank.checker))).status).toBe(404);

    const byAnchor = await platform.http().post('/v1/programs').set(auth(anchor.admin)).send({ name: 'mine', anchorId: anchor.id, ...CNY_TERMS });
    expect(byAnchor.status).toBe(403);
    expect((await platform.http().get(`/v1/programs/${program.id}/utilisation`).set(auth(supplier.admin))).status).toBe(403);

    const supplierList = await platform.http().get('/v1/programs').set(auth(supplier.admin));
    expect(supplierList.body.items.map((p: { id: string }) => p.id)).toEqual([program.id]);
    const otherList = await platform.http().get('/v1/programs').set(auth(otherAnchor.admin));
    expect(otherList.body.items.map((p: { id: string }) => p.id)).toEqual([otherProgram.id]);
    const drafts = await platform.http().get('/v1/programs').query({ status: 'DRAFT', anchorId: anchor.id, currency: 'CNY', limit: 200 }).set(auth(bank.maker));
    expect(drafts.status).toBe(200);
    expect(drafts.body.items.length).toBeGreaterThan(0);
    expect(drafts.body.items.every((p: { status: string; bankId: string }) => p.status === 'DRAFT' && p.bankId === bank.id)).toBe(true);
    expect(drafts.body.items.map((p: { id: string }) => p.id)).toContain(draftOnly.body.id);
    const page = await platform.http().get('/v1/programs').query({ limit: 1, sort: 'name' }).set(auth(bank.maker));
    expect(page.body).toMatchObject({ limit: 1, offset: 0, hasMore: true });
    const badSort = await platform.http().get('/v1/programs').query({ sort: 'limit_amount; DROP TABLE programs' }).set(auth(bank.maker));
    expect(badSort.status).toBe(400);
    expect(badSort.body.field).toBe('sort');
  });

  it('reports utilisation of the program and of each supplier', async () => {
    const program = await createActiveProgram(platform, bank, anchor.id);
    const first = await enrolNewSupplier(platform, bank, anchor, program.id, '3000000.00');
    const second = await enrolNewSupplier(platform, bank, anchor, program.id, '2000000.00');
    await reserve(program.id, first.enrolmentId, '2500000.25');
    await reserve(program.id, second.enrolmentId, '1999999.99');

    const res = await platform.http().get(`/v1/programs/${program.id}/utilisation`).set(auth(bank.operations));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ programId: program.id, currency: 'CNY', limit: '10000000.00', utilised: '4500000.24', available: '5499999.76', offset: 0, hasMore: false });
    const bySupplier = Object.fromEntries(res.body.suppliers.map((s: { supplierId: string }) => [s.supplierId, s]));
    expect(bySupplier[first.supplierId]).toMatchObject({ enrolmentId: first.enrolmentId, subLimit: '3000000.00', utilised: '2500000.25', available: '499999.75', status: 'APPROVED' });
    expect(bySupplier[second.supplierId]).toMatchObject({ enrolmentId: second.enrolmentId, subLimit: '2000000.00', utilised: '1999999.99', available: '0.01', status: 'APPROVED' });
    expect(bySupplier[first.supplierId].supplierName).toMatch(/^Supplier /);

    // The anchor reads its credit line's use, and each supplier's sub-limit; what each supplier drew is the supplier's.
    const byAnchor = await platform.http().get(`/v1/programs/${program.id}/utilisation`).set(auth(anchor.admin));
    expect(byAnchor.body).toMatchObject({ limit: '10000000.00', utilised: '4500000.24', available: '5499999.76' });
    expect(byAnchor.body.suppliers.find((s: { supplierId: string }) => s.supplierId === first.supplierId)).toEqual({
      enrolmentId: first.enrolmentId,
      supplierId: first.supplierId,
      supplierName: bySupplier[first.supplierId].supplierName,
      subLimit: '3000000.00',
      status: 'APPROVED',
    });

    const paged = await platform.http().get(`/v1/programs/${program.id}/utilisation`).query({ limit: 1, offset: 1 }).set(auth(bank.operations));
    expect(paged.body).toMatchObject({ utilised: '4500000.24', offset: 1, hasMore: false });
    expect(paged.body.suppliers).toHaveLength(1);
    const beyond = await platform.http().get(`/v1/programs/${program.id}/utilisation`).query({ offset: 10 }).set(auth(bank.operations));
    expect(beyond.body).toMatchObject({ limit: '10000000.00', suppliers: [], hasMore: false });
  });
});
