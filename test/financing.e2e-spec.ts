import { randomUUID } from 'node:crypto';
import { Platform, waitFor } from './support/platform';
import {
  auth,
  CNY_TERMS,
  confirmedInvoice,
  createActiveProgram,
  createAnchor,
  createBank,
  enrolNewSupplier,
  JPY_TERMS,
  ProgramTermsInput,
  Session,
  createSupplier,
} from './support/fixtures';
import {
  awaitOpenOffer,
  runDailyFinancing,
  seedOfferedReceivable,
} from './support/financing-fixtures';
import { seedEnrolment, seedProgram, SeededWorld, seedWorld } from './support/program-seeds';

/**
 * Financing end to end: acceptance reserves limit atomically, approval, funding re-priced on the
 * value date, repayment split between bank and supplier, the worker's daily overdue and penalty
 * run, and who may see and do what. Amounts are domain.md's worked examples, asserted exactly.
 */
jest.setTimeout(90_000);

describe('financing', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await Platform.start({ businessDate: '2026-03-01' });
  });
  afterAll(() => platform.stop());

  type World = SeededWorld;

  /** Program, enrolment and supplier through the API, with the maker-checker approvals. */
  async function worldOverHttp(terms: ProgramTermsInput, subLimit: string): Promise<World> {
    const bank = await createBank(platform);
    const anchor = await createAnchor(platform, bank);
    const program = await createActiveProgram(platform, bank, anchor.id, terms);
    const enrolled = await enrolNewSupplier(platform, bank, anchor, program.id, subLimit);
    return { bank, anchor, program, supplier: { id: enrolled.supplierId, admin: enrolled.admin }, enrolmentId: enrolled.enrolmentId };
  }

  /** The same, seeded straight into the database for the narrower scenarios. */
  const world = (terms: ProgramTermsInput = CNY_TERMS, subLimit = '5000000.00') => seedWorld(platform, terms, subLimit);

  /** The receivable of domain.md's first example with its open offer valued on 2026-03-01. */
  const cnyOffer = (w: World, amount = '1000000.00') =>
    seedOfferedReceivable(platform, w.program, { supplierId: w.supplier.id, anchorId: w.anchor.id }, { amount, issueDate: '2026-02-01', dueDate: '2026-05-27' }, '2026-03-01');

  // Acceptance, funding and payments move money: each call carries its own Idempotency-Key.
  const post = (session: Session, path: string, body: object) =>
    platform.http().post(path).set(auth(session)).set('Idempotency-Key', randomUUID()).send(body);
  const accept = (session: Session, offerIds: string[]) => post(session, '/v1/financing-requests', { offerIds });
  const act = (session: Session, id: string, action: string, body: object = {}) => post(session, `/v1/financing-requests/${id}/${action}`, body);
  const pay = (session: Session, receivableId: string, amount: string, paidOn: string) =>
    post(session, `/v1/receivables/${receivableId}/payments`, { amount, paidOn });

  async function utilisation(w: World) {
    const [row] = await platform.sql<{ program: string; enrolment: string }>(
      `SELECT p.utilised::text AS program, e.utilised::text AS enrolment FROM programs p JOIN enrolments e ON e.program_id = p.id WHERE e.id = $1`,
      [w.enrolmentId],
    );
    return row;
  }
  const statusOf = async (table: 'offers' | 'receivables', id: string) =>
    (await platform.sql<{ status: string }>(`SELECT status FROM ${table} WHERE id = $1`, [id]))[0].status;

  it('runs the CNY lifecycle of domain.md over HTTP with exact amounts: invoice, offer, accept, approve, fund, repay', async () => {
    await platform.setBusinessDate('2026-03-01');
    const w = await worldOverHttp({ ...CNY_TERMS, autoApprovalThreshold: '500000.00' }, '5000000.00');
    const { receivableId } = await confirmedInvoice(platform, w.supplier.admin, w.anchor.admin, w.program.id, {
      amount: '1000000.00',
      currency: 'CNY',
      issueDate: '2026-02-01',
      dueDate: '2026-05-27',
    });
    const offerId = await awaitOpenOffer(platform, receivableId);
    const offer = await platform.http().get(`/v1/offers/${offerId}`).set(auth(w.supplier.admin));
    expect(offer.body).toMatchObject({ valueDate: '2026-03-01', maturityDate: '2026-05-27', advance: '900000.00', discount: '10983.75', fee: '900.00', netProceeds: '888116.25' });

    const requested = await accept(w.supplier.admin, [offerId]);
    expect(requested.status).toBe(201);
    expect(requested.body).toMatchObject({
      programId: w.program.id,
      supplierId: w.supplier.id,
      currency: 'CNY',
      status: 'REQUESTED',
      autoApproved: false,
      totalFace: '1000000.00',
      totalAdvance: '900000.00',
      totalDiscount: '10983.75',
      totalFee: '900.00',
      totalNetProceeds: '888116.25',
      valueDate: null,
    });
    expect(requested.body.items).toEqual([
      expect.objectContaining({
        receivableId,
        offerId,
        faceAmount: '1000000.00',
        advance: '900000.00',
        discount: '10983.75',
        fee: '900.00',
        netProceeds: '888116.25',
        tenorDays: 87,
        maturityDate: '2026-05-27',
        status: 'LIVE',
        penaltyAccrued: '0.00',
      }),
    ]);
    const id = requested.body.id;
    expect(await statusOf('offers', offerId)).toBe('ACCEPTED');
    expect(await statusOf('receivables', receivableId)).toBe('FINANCING_REQUESTED');
    expect(await utilisation(w)).toEqual({ program: '900000.0000', enrolment: '900000.0000' });

    expect((await act(w.bank.operations, id, 'fund')).body.code).toBe('financing_not_approved');
    expect((await act(w.supplier.admin, id, 'approve')).status).toBe(403);
    expect((await act(w.supplier.admin, id, 'fund')).status).toBe(403);
    expect((await act(w.anchor.admin, id, 'fund')).status).toBe(403);

    const approved = await act(w.bank.checker, id, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'APPROVED', autoApproved: false });
    expect((await act(w.bank.checker, id, 'approve')).status).toBe(409);

    const funded = await act(w.bank.operations, id, 'fund');
    expect(funded.status).toBe(200);
    expect(funded.body).toMatchObject({
      status: 'FUNDED',
      valueDate: '2026-03-01',
      totalAdvance: '900000.00',
      totalDiscount: '10983.75',
      totalFee: '900.00',
      totalNetProceeds: '888116.25',
    });
    expect(funded.body.items[0]).toMatchObject({ advance: '900000.00', discount: '10983.75', fee: '900.00', netProceeds: '888116.25', tenorDays: 87 });
    expect(await statusOf('receivables', receivableId)).toBe('FINANCED');

    // The anchor learns that its receivable is financed and that it now pays the bank; not its supplier's price.
    const anchorsFinancing = await platform.http().get(`/v1/financing-requests/${id}`).set(auth(w.anchor.admin));
    expect(anchorsFinancing.status).toBe(200);
    expect(anchorsFinancing.body).toEqual({
      id,
      programId: w.program.id,
      enrolmentId: funded.body.enrolmentId,
      supplierId: w.supplier.id,
      currency: 'CNY',
      status: 'FUNDED',
      totalFace: '1000000.00',
      createdAt: funded.body.createdAt,
      approvedAt: funded.body.approvedAt,
      fundedAt: funded.body.fundedAt,
      closedAt: null,
      items: [{ id: funded.body.items[0].id, receivableId, faceAmount: '1000000.00', maturityDate: '2026-05-27', status: 'LIVE' }],
    });
    const anchorsReceivable = await platform.http().get(`/v1/receivables/${receivableId}`).set(auth(w.anchor.admin));
    expect(anchorsReceivable.body).toMatchObject({ status: 'FINANCED', faceAmount: '1000000.00', payeeId: w.bank.id });
    expect(anchorsReceivable.body).not.toHaveProperty('openOffer');

    const portfolio = await platform.http().get('/v1/portfolio').set(auth(w.bank.checker));
    expect(portfolio.status).toBe(200);
    expect(portfolio.body.programs).toEqual([
      expect.objectContaining({ programId: w.program.id, anchorId: w.anchor.id, currency: 'CNY', utilised: '900000.00', outstanding: '900000.00', overdue: '0.00', liveItems: 1 }),
    ]);
    expect(portfolio.body.anchors).toEqual([expect.objectContaining({ anchorId: w.anchor.id, currency: 'CNY', outstanding: '900000.00', liveItems: 1 })]);
    expect(portfolio.body.maturityLadder).toEqual([
      {
        currency: 'CNY',
        buckets: [
          { bucket: 'overdue', amount: '0.00', items: 0 },
          { bucket: '0-30', amount: '0.00', items: 0 },
          { bucket: '31-60', amount: '0.00', items: 0 },
          { bucket: '61-90', amount: '900000.00', items: 1 },
          { bucket: '91-180', amount: '0.00', items: 0 },
          { bucket: '>180', amount: '0.00', items: 0 },
        ],
      },
    ]);
    expect(portfolio.body.overdue).toEqual([]);

    await platform.setBusinessDate('2026-05-27');
    const byAnchor = await pay(w.anchor.admin, receivableId, '1000000.00', '2026-05-27');
    expect(byAnchor.status).toBe(403);
    expect((await pay(w.bank.operations, receivableId, '1000000.00', '2026-05-28')).body).toMatchObject({ status: 400, code: 'paid_on_out_of_range', field: 'paidOn' });
    const repaid = await pay(w.bank.operations, receivableId, '1000000.00', '2026-05-27');
    expect(repaid.status).toBe(201);
    expect(repaid.body).toMatchObject({
      receivableId,
      financingItemId: funded.body.items[0].id,
      currency: 'CNY',
      amount: '1000000.00',
      toBank: '900000.00',
      toSupplier: '100000.00',
      penaltyDue: '0.00',
      penaltyPaid: '0.00',
      principalPaid: '900000.00',
      excess: '0.00',
      paidOn: '2026-05-27',
    });
    const again = await pay(w.bank.operations, receivableId, '1000000.00', '2026-05-27');
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_paid');

    const closed = await platform.http().get(`/v1/financing-requests/${id}`).set(auth(w.supplier.admin));
    expect(closed.body).toMatchObject({ status: 'REPAID' });
    expect(closed.body.items[0]).toMatchObject({ status: 'REPAID', penaltyAccrued: '0.00' });
    expect(closed.body.closedAt).toEqual(expect.any(String));
    expect(await statusOf('receivables', receivableId)).toBe('SETTLED');
    expect((await platform.http().get(`/v1/receivables/${receivableId}`).set(auth(w.anchor.admin))).body).toMatchObject({ status: 'SETTLED', payeeId: w.bank.id });
    expect(await utilisation(w)).toEqual({ program: '0.0000', enrolment: '0.0000' });

    const events = await platform.sql<{ action: string }>(
      `SELECT action FROM business_events WHERE chain_id = $1 AND action LIKE 'financing.%' ORDER BY seq`,
      [w.program.id],
    );
    expect(events.map((e) => e.action)).toEqual(['financing.requested', 'financing.approved', 'financing.funded', 'financing.repaid']);
  });

  it('auto-approves the JPY example under the threshold and funds it to the yen', async () => {
    await platform.setBusinessDate('2026-01-10');
    const w = await world({ ...JPY_TERMS, autoApprovalThreshold: '20000000' }, '100000000');
    const { offerId } = await seedOfferedReceivable(
      platform, w.program, { supplierId: w.supplier.id, anchorId: w.anchor.id },
      { amount: '12345678', issueDate: '2026-01-05', dueDate: '2026-02-24' }, '2026-01-10',
    );
    const requested = await accept(w.supplier.admin, [offerId]);
    expect(requested.status).toBe(201);
    const amounts = { totalFace: '12345678', totalAdvance: '12345678', totalDiscount: '34247', totalFee: '0', totalNetProceeds: '12311431' };
    expect(requested.body).toMatchObject({ currency: 'JPY', status: 'APPROVED', autoApproved: true, ...amounts });
    expect(requested.body.approvedAt).toEqual(expect.any(String));
    expect(requested.body.items[0]).toMatchObject({ advance: '12345678', discount: '34247', fee: '0', netProceeds: '12311431', tenorDays: 45 });

    const funded = await act(w.bank.operations, requested.body.id, 'fund', { valueDate: '2026-01-10' });
    expect(funded.status).toBe(200);
    expect(funded.body).toMatchObject({ status: 'FUNDED', valueDate: '2026-01-10', ...amounts });
    expect(await utilisation(w)).toEqual({ program: '12345678.0000', enrolment: '12345678.0000' });
  });

  it('answers an acceptance with exactly the view a later GET returns, items by maturity', async () => {
    await platform.setBusinessDate('2026-03-01');
    const w = await world({ ...CNY_TERMS, autoApprovalThreshold: '50000000.00' }, '50000000.00');
    const parties = { supplierId: w.supplier.id, anchorId: w.anchor.id };
    const offers = [];
    for (const dueDate of ['2026-06-30', '2026-04-15', '2026-05-27', '2026-04-15']) {
      offers.push((await seedOfferedReceivable(platform, w.program, parties, { amount: '100000.00', issueDate: '2026-02-01', dueDate }, '2026-03-01')).offerId);
    }
    const requested = await accept(w.supplier.admin, offers);
    expect(requested.status).toBe(201);
    const read = await platform.http().get(`/v1/financing-requests/${requested.body.id}`).set(auth(w.supplier.admin));
    expect(requested.body).toEqual(read.body);
    expect(requested.body.items.map((i: { maturityDate: string }) => i.maturityDate)).toEqual(['2026-04-15', '2026-04-15', '2026-05-27', '2026-06-30']);
  });

  it('re-prices the discount from the funding value date, keeping the reserved advance', async () => {
    await platform.setBusinessDate('2026-03-01');
    // Both acceptances auto-approved: the threshold caps the supplier's day at 1,800,000.00.
    const w = await world({ ...CNY_TERMS, autoApprovalThreshold: '1800000.00' });
    const first = await cnyOffer(w);
    const second = await cnyOffer(w);
    const [a, b] = [await accept(w.supplier.admin, [first.offerId]), await accept(w.supplier.admin, [second.offerId])];
    expect([a.body.status, b.body.status]).toEqual(['APPROVED', 'APPROVED']);

    const refusals: [object, string][] = [
      [{ valueDate: '2026-02-28' }, 'value_date_in_past'],
      [{ valueDate: '2026-05-27' }, 'value_date_not_before_maturity'],
      [{ valueDate: '2026-05-25' }, 'tenor_out_of_range'],
      [{ valueDate: '2026-02-30' }, 'date_invalid'],
    ];
    for (const [body, code] of refusals) {
      const refused = await act(w.bank.operations, a.body.id, 'fund', body);
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 400, code });
    }

    // d = 77: D = 900,000 × 0.0505 × 77 / 360 = 9721.25; N = 900,000 − 9721.25 − 900 = 889,378.75
    const later = await act(w.bank.operations, a.body.id, 'fund', { valueDate: '2026-03-11' });
    expect(later.status).toBe(200);
    expect(later.body).toMatchObject({ valueDate: '2026-03-11', totalAdvance: '900000.00', totalDiscount: '9721.25', totalFee: '900.00', totalNetProceeds: '889378.75' });
    expect(later.body.items[0]).toMatchObject({ advance: '900000.00', discount: '9721.25', fee: '900.00', netProceeds: '889378.75', tenorDays: 77 });

    // Without a value date the business date is used: d = 72, D = 9090.00, N = 890,010.00
    await platform.setBusinessDate('2026-03-16');
    const today = await act(w.bank.operations, b.body.id, 'fund');
    expect(today.body).toMatchObject({ status: 'FUNDED', valueDate: '2026-03-16', totalDiscount: '9090.00', totalNetProceeds: '890010.00' });
    expect((await act(w.bank.operations, b.body.id, 'fund')).body.code).toBe('financing_not_approved');
    expect(await utilisation(w)).toEqual({ program: '1800000.0000', enrolment: '1800000.0000' });
  });

  it('refuses with 409 and changes nothing when the sub-limit is exhausted', async () => {
    await platform.setBusinessDate('2026-03-01');
    const w = await world(CNY_TERMS, '1000000.00');
    const first = await cnyOffer(w);
    const second = await cnyOffer(w);
    expect((await accept(w.supplier.admin, [first.offerId])).status).toBe(201);

    const overSubLimit = await accept(w.supplier.admin, [second.offerId]);
    expect(overSubLimit.status).toBe(409);
    expect(overSubLimit.body.code).toBe('sub_limit_exceeded');
    await expectUntouched(w, second, 1);
  });

  it('refuses with 409 and changes nothing when the program limit is exhausted', async () => {
    await platform.setBusinessDate('2026-03-01');
    const w = await world({ ...CNY_TERMS, limitAmount: '1000000.00' }, '1000000.00');
    expect((await accept(w.supplier.admin, [(await cnyOffer(w)).offerId])).status).toBe(201);

    const other = await createSupplier(platform);
    const otherEnrolment = await seedEnrolment(platform, w.bank, w.program.id, other.id, '1000000.00');
    const offered = await seedOfferedReceivable(
      platform, w.program, { supplierId: other.id, anchorId: w.anchor.id },
      { amount: '1000000.00', issueDate: '2026-02-01', dueDate: '2026-05-27' }, '2026-03-01',
    );
    const overProgram = await accept(other.admin, [offered.offerId]);
    expect(overProgram.status).toBe(409);
    expect(overProgram.body.code).toBe('program_limit_exceeded');
    await expectUntouched(w, offered, 1);
    expect(await utilisation({ ...w, enrolmentId: otherEnrolment })).toEqual({ program: '900000.0000', enrolment: '0.0000' });
  });

  /** After a refused acceptance: offer and receivable still open, limits and history as they were. */
  async function expectUntouched(w: World, refused: { offerId: string; receivableId: string }, requests: number) {
    expect(await statusOf('offers', refused.offerId)).toBe('OPEN');
    expect(await statusOf('receivables', refused.receivableId)).toBe('OPEN');
    expect(await utilisation(w)).toEqual({ program: '900000.0000', enrolment: '900000.0000' });
    const [count] = await platform.sql<{ requests: number; items: number; events: number }>(
      `SELECT (SELECT count(*)::int FROM financing_requests WHERE program_id = $1) AS requests,
              (SELECT count(*)::int FROM financing_items WHERE receivable_id = $2) AS items,
              (SELECT count(*)::int FROM business_events WHERE chain_id = $1::text) AS events`,
      [w.program.id, refused.receivableId],
    );
    expect(count).toEqual({ requests, items: 0, events: requests });
  }

  it('replays a retried acceptance with the same Idempotency-Key and requires a key', async () => {
    await platform.setBusinessDate('2026-03-01');
    const w = await world();
    const { offerId } = await cnyOffer(w);
    const withoutKey = await platform.http().post('/v1/financing-requests').set(auth(w.supplier.admin)).send({ offerIds: [offerId] });
    expect(withoutKey.body).toMatchObject({ status: 400, code: 'idempotency_key_required' });

    const send = () => platform.http().post('/v1/financing-requests').set(auth(w.supplier.admin)).set('Idempotency-Key', `accept-${offerId}`).send({ offerIds: [offerId] });
    const first = await send();
    const retry = await send();
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    expect(await utilisation(w)).toEqual({ program: '900000.0000', enrolment: '900000.0000' });
  });

  it('lets an offer be accepted once: of two concurrent acceptances one gets 409', async () => {
    await platform.setBusinessDate('2026-03-01');
    const w = await world();
    const { offerId } = await cnyOffer(w);
    const results = await Promise.all([accept(w.supplier.admin, [offerId]), accept(w.supplier.admin, [offerId])]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)!.body.code).toBe('offer_not_open');
    expect((await accept(w.supplier.admin, [offerId])).status).toBe(409);
    const items = await platform.sql(`SELECT 1 FROM financing_items WHERE offer_id = $1`, [offerId]);
    expect(items).toHaveLength(1);
    expect(await utilisation(w)).toEqual({ program: '900000.0000', enrolment: '900000.0000' });
  });

  it('validates the offers named: 1 to 500 unique ids of one program', async () => {
    await platform.setBusinessDate('2026-03-01');
    const w = await world();
    const { offerId } = await cnyOffer(w);
    expect((await accept(w.supplier.admin, [])).status).toBe(400);
    expect((await accept(w.supplier.admin, [offerId, offerId.toUpperCase()])).status).toBe(400);
    expect((await accept(w.supplier.admin, ['not-a-uuid'])).status).toBe(400);

    const secondProgram = await seedProgram(platform, w.bank, w.anchor.id, CNY_TERMS);
    await seedEnrolment(platform, w.bank, secondProgram.id, w.supplier.id, '5000000.00');
    const elsewhere = await seedOfferedReceivable(
      platform, secondProgram, { supplierId: w.supplier.id, anchorId: w.anchor.id },
      { amount: '1000000.00', issueDate: '2026-02-01', dueDate: '2026-05-27' }, '2026-03-01',
    );
    const spanning = await accept(w.supplier.admin, [offerId, elsewhere.offerId]);
    expect(spanning.status).toBe(400);
    expect(spanning.body.code).toBe('offers_span_programs');
    expect(await statusOf('offers', offerId)).toBe('OPEN');
  });

  it('releases the limit and reopens the receivables on rejection and on cancellation', async () => {
    await platform.setBusinessDate('2026-03-01');
    const w = await world({ ...CNY_TERMS, autoApprovalThreshold: '500000.00' });
    const rejectedOffer = await cnyOffer(w);
    const cancelledOffer = await cnyOffer(w);

    const toReject = await accept(w.supplier.admin, [rejectedOffer.offerId]);
    expect((await act(w.bank.checker, toReject.body.id, 'reject', {})).status).toBe(400);
    const rejected = await act(w.bank.checker, toReject.body.id, 'reject', { reason: 'supplier under review' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'REJECTED', rejectionReason: 'supplier under review' });
    expect(rejected.body.items[0].status).toBe('RELEASED');
    expect(await statusOf('receivables', rejectedOffer.receivableId)).toBe('OPEN');
    expect(await utilisation(w)).toEqual({ program: '0.0000', enrolment: '0.0000' });
    expect((await act(w.bank.checker, toReject.body.id, 'approve')).body.code).toBe('financing_not_requested');

    const toCancel = await accept(w.supplier.admin, [cancelledOffer.offerId]);
    await act(w.bank.checker, toCancel.body.id, 'approve');
    expect((await act(w.bank.checker, toCancel.body.id, 'cancel')).status).toBe(403);
    const cancelled = await act(w.supplier.admin, toCancel.body.id, 'cancel');
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect((await act(w.supplier.admin, toCancel.body.id, 'cancel')).body.code).toBe('financing_not_cancellable');
    expect(await statusOf('receivables', cancelledOffer.receivableId)).toBe('OPEN');
    expect(await utilisation(w)).toEqual({ program: '0.0000', enrolment: '0.0000' });

    // The worker offers the reopened receivables again, and they can be financed anew.
    const reoffered = await waitFor(async () => {
      const rows = await platform.sql<{ id: string }>(
        `SELECT id FROM offers WHERE receivable_id = ANY($1::uuid[]) AND status = 'OPEN'`,
        [[rejectedOffer.receivableId, cancelledOffer.receivableId]],
      );
      return rows.length === 2 && rows;
    }, 30_000);
    const again = await accept(w.supplier.admin, reoffered.map((o) => o.id));
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ totalAdvance: '1800000.00', items: expect.any(Array) });
    expect(await utilisation(w)).toEqual({ program: '1800000.0000', enrolment: '1800000.0000' });
  });

  it('marks financing overdue after the grace period, with penalty booked day by day, idempotently, by the daily job', async () => {
    await platform.setBusinessDate('2026-03-01');
    const w = await world();
    // A = round(1,234,567.89 × 0.90) = 1,111,111.10 (above the 1,000,000.00 threshold)
    const { offerId, receivableId } = await cnyOffer(w, '1234567.89');
    const requested = await accept(w.supplier.admin, [offerId]);
    expect(requested.body).toMatchObject({ status: 'REQUESTED', totalAdvance: '1111111.10' });
    await act(w.bank.checker, requested.body.id, 'approve');
    const funded = await act(w.bank.operations, requested.body.id, 'fund');
    expect(funded.body.status).toBe('FUNDED');
    const itemId = funded.body.items[0].id;

    const item = async () =>
      (await platform.sql<{ status: string; penalty_accrued: string; penalty_accrued_to: string | null }>(
        `SELECT status, penalty_accrued::text, penalty_accrued_to::text FROM financing_items WHERE id = $1`,
        [itemId],
      ))[0];

    // Maturity 2026-05-27 + 5 grace days: still performing on 2026-06-01.
    await runDailyFinancing(platform, '2026-06-01');
    expect(await item()).toEqual({ status: 'LIVE', penalty_accrued: '0.0000', penalty_accrued_to: null });

    // On 2026-06-05 the grace has expired; penalty runs from maturity: 9 days.
    // 1,111,111.10 × 0.18 × 9 / 360 = 4999.99995 → 5000.00
    await runDailyFinancing(platform, '2026-06-05');
    expect(await item()).toEqual({ status: 'OVERDUE', penalty_accrued: '5000.0000', penalty_accrued_to: '2026-06-05' });
    expect(await statusOf('receivables', receivableId)).toBe('OVERDUE');

    const snapshot = () =>
      platform.sql(
        `SELECT (SELECT json_agg(i ORDER BY i.id) FROM financing_items i) AS items,
                (SELECT json_agg(r ORDER BY r.id) FROM financing_requests r) AS requests,
                (SELECT json_agg(rc ORDER BY rc.id) FROM receivables rc) AS receivables,
                (SELECT count(*) FROM business_events) AS events`,
      );
    const before = await snapshot();
    await runDailyFinancing(platform, '2026-06-05');
    expect(await snapshot()).toEqual(before);
    const runs = await platform.sql<{ business_date: string }>(
      `SELECT business_date::text FROM end_of_day_runs WHERE job_name = 'scheduled.daily-financing' AND program_id = $1 ORDER BY business_date`,
      [w.program.id],
    );
    expect(runs.map((r) => r.business_date)).toEqual(['2026-06-01', '2026-06-05']);

    await platform.setBusinessDate('2026-06-05');
    const shown = await platform.http().get(`/v1/financing-requests/${requested.body.id}`).set(auth(w.supplier.admin));
    expect(shown.body).toMatchObject({ status: 'OVERDUE' });
    expect(shown.body.items[0]).toMatchObject({ status: 'OVERDUE', penaltyAccrued: '5000.00', penaltyAccruedTo: '2026-06-05' });

    const portfolio = await platform.http().get('/v1/portfolio').set(auth(w.bank.operations));
    expect(portfolio.body.overdue).toEqual([
      expect.objectContaining({ financingItemId: itemId, receivableId, advance: '1111111.10', maturityDate: '2026-05-27', daysOverdue: 9, penaltyAccrued: '5000.00' }),
    ]);
    expect(portfolio.body.maturityLadder[0].buckets[0]).toEqual({ bucket: 'overdue', amount: '1111111.10', items: 1 });
    expect(portfolio.body.programs[0]).toMatchObject({ outstanding: '1111111.10', overdue: '1111111.10' });

    // The anchor owes the penalty on top of the face: penalty first, then the advance, then the reserve.
    const repaid = await pay(w.bank.operations, receivableId, '1239567.89', '2026-06-05');
    expect(repaid.status).toBe(201);
    expect(repaid.body).toMatchObject({ toBank: '1116111.10', penaltyPaid: '5000.00', principalPaid: '1111111.10', toSupplier: '123456.79', penaltyDue: '5000.00', excess: '0.00' });
    const closed = await platform.http().get(`/v1/financing-requests/${requested.body.id}`).set(auth(w.supplier.admin));
    expect(closed.body.status).toBe('REPAID');
    expect(await statusOf('receivables', receivableId)).toBe('SETTLED');
    expect((await platform.http().get(`/v1/receivables/${receivableId}`).set(auth(w.anchor.admin))).body).toMatchObject({ status: 'SETTLED', payeeId: w.bank.id });
    expect(await utilisation(w)).toEqual({ program: '0.0000', enrolment: '0.0000' });
  });

  it('lets the anchor settle an unfinanced receivable, withdrawing its offer', async () => {
    await platform.setBusinessDate('2026-03-01');
    const w = await world();
    const open = await cnyOffer(w);
    const pending = await cnyOffer(w);
    expect((await accept(w.supplier.admin, [pending.offerId])).status).toBe(201);
    const stranger = await world();

    await platform.setBusinessDate('2026-05-27');
    expect((await pay(w.supplier.admin, open.receivableId, '1000000.00', '2026-05-27')).status).toBe(403);
    expect((await pay(stranger.anchor.admin, open.receivableId, '1000000.00', '2026-05-27')).status).toBe(404);
    expect((await pay(w.anchor.admin, pending.receivableId, '1000000.00', '2026-05-27')).body.code).toBe('financing_pending');

    // The anchor's word that it paid is a claim: the offer goes at once, the receivable settles on the supplier's acknowledgement.
    const claimed = await pay(w.anchor.admin, open.receivableId, '1000000.00', '2026-05-27');
    expect(claimed.status).toBe(202);
    expect(claimed.body).toMatchObject({ kind: 'PAYMENT', status: 'PENDING', amount: '1000000.00', paidOn: '2026-05-27', outcomeId: null });
    expect(await statusOf('receivables', open.receivableId)).toBe('OPEN');
    expect(await statusOf('offers', open.offerId)).toBe('WITHDRAWN');
    const acknowledged = await platform.http().post(`/v1/discharges/${claimed.body.id}/acknowledge`).set(auth(w.supplier.admin)).send({});
    expect(acknowledged.status).toBe(200);
    const [payment] = await platform.sql(`SELECT id, financing_item_id, amount, to_bank, to_supplier, penalty_due, paid_on FROM payments WHERE receivable_id = $1`, [open.receivableId]);
    expect(payment).toEqual({ id: acknowledged.body.outcomeId, financing_item_id: null, amount: '1000000.0000', to_bank: '0.0000', to_supplier: '1000000.0000', penalty_due: '0.0000', paid_on: '2026-05-27' });
    expect(await statusOf('receivables', open.receivableId)).toBe('SETTLED');
    const paidReceivable = await platform.http().get(`/v1/receivables/${open.receivableId}`).set(auth(w.anchor.admin));
    expect(paidReceivable.body).toMatchObject({ status: 'SETTLED', payeeId: w.supplier.id });
    expect((await pay(w.anchor.admin, open.receivableId, '1000000.00', '2026-05-27')).status).toBe(409);
  });

  it('shows each organisation only its own financing', async () => {
    await platform.setBusinessDate('2026-03-01');
    const w = await world({ ...CNY_TERMS, autoApprovalThreshold: '500000.00' });
    const stranger = await world();
    const { offerId } = await cnyOffer(w);
    const second = await cnyOffer(w);

    expect((await accept(stranger.supplier.admin, [offerId])).status).toBe(404);
    expect(await statusOf('offers', offerId)).toBe('OPEN');
    const requested = await accept(w.supplier.admin, [offerId]);
    const id = requested.body.id;
    const other = await accept(w.supplier.admin, [second.offerId]);
    await act(w.supplier.admin, other.body.id, 'cancel');

    const get = (session: Session) => platform.http().get(`/v1/financing-requests/${id}`).set(auth(session));
    expect((await get(w.supplier.admin)).status).toBe(200);
    expect((await get(w.anchor.admin)).status).toBe(200);
    expect((await get(w.bank.operations)).status).toBe(200);
    expect((await get(stranger.supplier.admin)).status).toBe(404);
    expect((await get(stranger.anchor.admin)).status).toBe(404);
    expect((await get(stranger.bank.checker)).status).toBe(404);
    expect((await act(stranger.bank.checker, id, 'approve')).status).toBe(404);
    expect((await act(stranger.supplier.admin, id, 'cancel')).status).toBe(404);
    expect((await act(w.supplier.admin, id, 'approve')).status).toBe(403);
    expect((await act(w.anchor.admin, id, 'fund')).status).toBe(403);
    expect((await platform.http().get('/v1/portfolio').set(auth(w.supplier.admin))).status).toBe(403);

    const list = (session: Session, query = '') => platform.http().get(`/v1/financing-requests${query}`).set(auth(session));
    const mine = await list(w.supplier.admin, '?sort=createdAt&limit=1');
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ limit: 1, offset: 0, hasMore: true });
    expect(mine.body.items.map((r: { id: string }) => r.id)).toEqual([id]);
    const requestedOnly = await list(w.bank.checker, `?status=REQUESTED&programId=${w.program.id}`);
    expect(requestedOnly.body.items.map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await list(w.anchor.admin)).body.items).toHaveLength(2);
    expect((await list(stranger.supplier.admin)).body.items).toEqual([]);
    expect((await list(stranger.bank.checker)).body.items).toEqual([]);
    expect((await list(w.supplier.admin, '?sort=amount')).status).toBe(400);
    expect((await platform.http().get('/v1/portfolio').set(auth(stranger.bank.operations))).body.programs).toEqual([
      expect.objectContaining({ programId: stranger.program.id, outstanding: '0.00' }),
    ]);
  });
});
