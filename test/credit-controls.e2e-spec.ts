import { randomUUID } from 'node:crypto';
import { DailyFinancingHandler } from '@scf/financing';
import { Platform } from './support/platform';
import { auth, CNY_TERMS, createSupplier, ProgramTermsInput, Session } from './support/fixtures';
import { seedOfferedReceivable } from './support/financing-fixtures';
import { seedEnrolment, SeededWorld, seedWorld } from './support/program-seeds';

/**
 * Credit controls at every step (issue 8), each a regression test of a reproduction: a request
 * approved and funded after its program or enrolment was suspended, an offer accepted under terms
 * since cut, funding that paid other than what was accepted, small requests adding up past the
 * auto-approval threshold, and requests left reserving limit after they could no longer be funded.
 * Without the worker: no re-pricing run closes a stale offer before the test shows it refused, and
 * the daily job is called in-process.
 */
jest.setTimeout(120_000);

describe('credit controls', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await Platform.start({ businessDate: '2026-03-01', worker: false });
  });
  afterAll(() => platform.stop());

  type World = SeededWorld;

  /** An ACTIVE CNY program with one APPROVED supplier; advances of 900,000.00 wait for the checker. */
  const world = (terms: ProgramTermsInput = {}, subLimit = '9000000.00') =>
    seedWorld(platform, { ...CNY_TERMS, autoApprovalThreshold: '500000.00', ...terms }, subLimit);

  /** domain.md's first example (A 900,000.00, N 888,116.25 on 2026-03-01) unless another face is given. */
  const offer = (w: World, amount = '1000000.00', valueDate = '2026-03-01') =>
    seedOfferedReceivable(platform, w.program, { supplierId: w.supplier.id, anchorId: w.anchor.id }, { amount, issueDate: '2026-02-01', dueDate: '2026-05-27' }, valueDate);

  const post = (session: Session, path: string, body: object = {}) =>
    platform.http().post(path).set(auth(session)).set('Idempotency-Key', randomUUID()).send(body);
  const accept = (w: World, offerIds: string[]) => post(w.supplier.admin, '/v1/financing-requests', { offerIds });
  const act = (session: Session, id: string, action: string, body: object = {}) => post(session, `/v1/financing-requests/${id}/${action}`, body);

  async function approvedRequest(w: World): Promise<string> {
    const requested = await accept(w, [(await offer(w)).offerId]);
    expect(requested.body.status).toBe('REQUESTED');
    expect((await act(w.bank.checker, requested.body.id, 'approve')).status).toBe(200);
    return requested.body.id;
  }

  /** Statuses and limits a refused step must leave as they were. */
  const snapshot = async (w: World) =>
    platform.sql(
      `SELECT (SELECT json_agg(json_build_object('id', r.id, 'status', r.status, 'net', r.total_net_proceeds) ORDER BY r.id)
                 FROM financing_requests r WHERE r.program_id = $1) AS requests,
              (SELECT utilised FROM programs WHERE id = $1) AS program,
              (SELECT utilised FROM enrolments WHERE id = $2) AS enrolment,
              (SELECT count(*) FROM business_events WHERE chain_id = $1::text AND action LIKE 'financing.%') AS events`,
      [w.program.id, w.enrolmentId],
    );
  const statusOf = async (table: 'offers' | 'financing_requests' | 'receivables' | 'enrolments' | 'programs', id: string) =>
    (await platform.sql<{ status: string }>(`SELECT status FROM ${table} WHERE id = $1`, [id]))[0].status;

  /** A term change proposed by the maker and applied by the checker (four eyes), as the bank does it. */
  async function changeTerms(w: World, terms: Record<string, string>): Promise<void> {
    const proposed = await platform.http().post(`/v1/programs/${w.program.id}/changes`).set(auth(w.bank.maker)).send(terms);
    expect(proposed.status).toBe(201);
    const approved = await platform.http().post(`/v1/programs/${w.program.id}/changes/${proposed.body.id}/approve`).set(auth(w.bank.checker));
    expect(approved.status).toBe(200);
  }

  describe('approval and funding re-check that the line may finance', () => {
    it('refuses approval, funding and acceptance once the program is suspended, and the suspension withdraws its open offers at once', async () => {
      await platform.setBusinessDate('2026-03-01');
      const w = await world();
      const requested = (await accept(w, [(await offer(w)).offerId])).body.id;
      const approved = await approvedRequest(w);
      const open = await offer(w);

      const suspended = await platform.http().post(`/v1/programs/${w.program.id}/suspend`).set(auth(w.bank.checker)).send({ reason: 'anchor under review' });
      expect(suspended.status).toBe(200);
      expect(await statusOf('offers', open.offerId)).toBe('WITHDRAWN');
      const [event] = await platform.sql<{ after: object }>(`SELECT after FROM business_events WHERE chain_id = $1 AND action = 'program.suspended'`, [w.program.id]);
      expect(event.after).toEqual({ status: 'SUSPENDED', reason: 'anchor under review', offersWithdrawn: 1 });

      const before = await snapshot(w);
      expect((await act(w.bank.checker, requested, 'approve')).body).toMatchObject({ status: 409, code: 'program_suspended' });
      expect((await act(w.bank.operations, approved, 'fund')).body).toMatchObject({ status: 409, code: 'program_suspended' });
      // An offer left open on the suspended program (written past the suspension) is refused for what it is, not for the limit.
      const leftOver = await offer(w);
      expect((await accept(w, [leftOver.offerId])).body).toMatchObject({ status: 409, code: 'program_suspended' });
      expect(await statusOf('offers', leftOver.offerId)).toBe('OPEN');
      expect(await snapshot(w)).toEqual(before);
      await platform.sql(`UPDATE offers SET status = 'WITHDRAWN', closed_at = now() WHERE id = $1`, [leftOver.offerId]);
    });

    it('holds under concurrency: a suspension racing 40 acceptances leaves each accepted before it or refused with program_suspended, and no offer open', async () => {
      await platform.setBusinessDate('2026-03-01');
      const w = await world({ autoApprovalThreshold: '0' });
      const offers = [];
      for (let i = 0; i < 40; i++) offers.push((await offer(w, '100000.00')).offerId);
      const suspension = platform.http().post(`/v1/programs/${w.program.id}/suspend`).set(auth(w.bank.checker)).send({});
      const [suspended, ...responses] = await Promise.all([suspension, ...offers.map((id) => accept(w, [id]))]);
      expect(suspended.status).toBe(200);
      const outcomes = responses.map((r) => (r.status === 201 ? 'accepted' : `${r.status} ${r.body.code}`));
      expect(outcomes.filter((o) => o !== 'accepted' && o !== '409 program_suspended')).toEqual([]);
      const accepted = outcomes.filter((o) => o === 'accepted').length;
      const [after] = await platform.sql<{ open: number; accepted: number; withdrawn: number; utilised: string }>(
        `SELECT count(*) FILTER (WHERE o.status = 'OPEN')::int AS open, count(*) FILTER (WHERE o.status = 'ACCEPTED')::int AS accepted,
                count(*) FILTER (WHERE o.status = 'WITHDRAWN')::int AS withdrawn, (SELECT utilised::text FROM programs WHERE id = $1) AS utilised
           FROM offers o WHERE o.program_id = $1`,
        [w.program.id],
      );
      expect(after).toEqual({ open: 0, accepted, withdrawn: 40 - accepted, utilised: `${accepted * 90000}.0000` });
      await platform.assertInvariants();
    });

    it('refuses approval, funding and acceptance once the enrolment is suspended, and withdraws only that supplier\'s offers', async () => {
      await platform.setBusinessDate('2026-03-01');
      const w = await world();
      const requested = (await accept(w, [(await offer(w)).offerId])).body.id;
      const approved = await approvedRequest(w);
      const open = await offer(w);
      const sibling = await createSupplier(platform);
      await seedEnrolment(platform, w.bank, w.program.id, sibling.id, '1000000.00');
      const siblingOffer = await seedOfferedReceivable(platform, w.program, { supplierId: sibling.id, anchorId: w.anchor.id }, { amount: '100000.00', issueDate: '2026-02-01', dueDate: '2026-05-27' }, '2026-03-01');

      expect((await platform.http().post(`/v1/enrolments/${w.enrolmentId}/suspend`).set(auth(w.bank.checker)).send({ reason: 'dilution spike' })).status).toBe(200);
      expect(await statusOf('offers', open.offerId)).toBe('WITHDRAWN');
      expect(await statusOf('offers', siblingOffer.offerId)).toBe('OPEN');

      const before = await snapshot(w);
      expect((await act(w.bank.checker, requested, 'approve')).body).toMatchObject({ status: 409, code: 'enrolment_suspended' });
      expect((await act(w.bank.operations, approved, 'fund')).body).toMatchObject({ status: 409, code: 'enrolment_suspended' });
      const leftOver = await offer(w);
      expect((await accept(w, [leftOver.offerId])).body).toMatchObject({ status: 409, code: 'enrolment_suspended' });
      expect(await snapshot(w)).toEqual(before);
      await platform.sql(`UPDATE offers SET status = 'WITHDRAWN', closed_at = now() WHERE id = $1`, [leftOver.offerId]);
    });

    it('refuses approval, funding and acceptance past the program\'s validity, and funding on a value date past it', async () => {
      await platform.setBusinessDate('2026-03-01');
      const w = await world({ validTo: '2026-03-31' });
      const requested = (await accept(w, [(await offer(w)).offerId])).body.id;
      const approved = await approvedRequest(w);
      const open = await offer(w);
      expect((await act(w.bank.operations, approved, 'fund', { valueDate: '2026-04-01' })).body).toMatchObject({ status: 409, code: 'program_expired' });

      await platform.setBusinessDate('2026-04-01');
      const before = await snapshot(w);
      expect((await act(w.bank.checker, requested, 'approve')).body).toMatchObject({ status: 409, code: 'program_expired' });
      expect((await act(w.bank.operations, approved, 'fund')).body).toMatchObject({ status: 409, code: 'program_expired' });
      await platform.sql(`UPDATE offers SET expires_on = '2026-04-30' WHERE id = $1`, [open.offerId]);
      expect((await accept(w, [open.offerId])).body).toMatchObject({ status: 409, code: 'program_expired' });
      expect(await snapshot(w)).toEqual(before);
    });
  });

  it('refuses an offer priced under terms since changed (advance rate cut from 0.90 to 0.50): 409 offer_stale, nothing reserved', async () => {
    await platform.setBusinessDate('2026-03-01');
    const w = await world();
    const stale = await offer(w);
    await changeTerms(w, { advanceRate: '0.50' });
    expect((await platform.http().get(`/v1/programs/${w.program.id}`).set(auth(w.bank.checker))).body).toMatchObject({ pricingVersion: 2 });

    const before = await snapshot(w);
    const refused = await accept(w, [stale.offerId]);
    expect(refused.body).toMatchObject({ status: 409, code: 'offer_stale', offerId: stale.offerId });
    expect(await statusOf('offers', stale.offerId)).toBe('OPEN');
    expect(await statusOf('receivables', stale.receivableId)).toBe('OPEN');
    expect(await snapshot(w)).toEqual(before);

    // Re-priced under the new terms (as the worker does), it is accepted at the new advance: 500,000.00.
    const current = await offer(w);
    expect((await accept(w, [current.offerId])).body).toMatchObject({ totalAdvance: '500000.00' });
  });

  describe('firm offers', () => {
    it('pays exactly the accepted net proceeds on the offer\'s value date, whatever the terms did since', async () => {
      await platform.setBusinessDate('2026-03-01');
      const w = await world();
      const id = await approvedRequest(w);
      await changeTerms(w, { baseRate: '0.0800', feeRate: '0.005' });

      const funded = await act(w.bank.operations, id, 'fund', { valueDate: '2026-03-01' });
      expect(funded.status).toBe(200);
      const accepted = { totalDiscount: '10983.75', totalFee: '900.00', totalNetProceeds: '888116.25' };
      expect(funded.body).toMatchObject({
        status: 'FUNDED', valueDate: '2026-03-01', totalAdvance: '900000.00', ...accepted,
        acceptedTotalDiscount: '10983.75', acceptedTotalFee: '900.00', acceptedTotalNetProceeds: '888116.25',
      });
      expect(funded.body.items[0]).toMatchObject({ advance: '900000.00', discount: '10983.75', fee: '900.00', netProceeds: '888116.25', tenorDays: 87 });
    });

    it('re-prices a later value date, shows both amounts in the fund response and the request view', async () => {
      await platform.setBusinessDate('2026-03-01');
      const w = await world();
      const id = await approvedRequest(w);
      // d = 77: D = 900,000 × 0.0505 × 77 / 360 = 9721.25; N = 900,000 − 9721.25 − 900 = 889,378.75
      const funded = await act(w.bank.operations, id, 'fund', { valueDate: '2026-03-11' });
      const amounts = {
        status: 'FUNDED', valueDate: '2026-03-11', totalDiscount: '9721.25', totalFee: '900.00', totalNetProceeds: '889378.75',
        acceptedTotalDiscount: '10983.75', acceptedTotalFee: '900.00', acceptedTotalNetProceeds: '888116.25',
      };
      expect(funded.body).toMatchObject(amounts);
      expect((await platform.http().get(`/v1/financing-requests/${id}`).set(auth(w.supplier.admin))).body).toMatchObject(amounts);
      const [event] = await platform.sql<{ after: object }>(`SELECT after FROM business_events WHERE object_id = $1 AND action = 'financing.funded'`, [id]);
      expect(event.after).toMatchObject({ acceptedTotalNetProceeds: '888116.2500', totalNetProceeds: '889378.75' });
    });

    it('never funds net proceeds ≤ 0: 409 net_proceeds_not_positive, and the CHECK constraints refuse it too', async () => {
      await platform.setBusinessDate('2026-03-01');
      const w = await world();
      const id = await approvedRequest(w);
      // Fee 0.99 × 900,000 = 891,000.00 and D (77 days) = 9721.25 leave N = −721.25 on 2026-03-11.
      await changeTerms(w, { feeRate: '0.99' });
      const before = await snapshot(w);
      const refused = await act(w.bank.operations, id, 'fund', { valueDate: '2026-03-11' });
      expect(refused.body).toMatchObject({ status: 409, code: 'net_proceeds_not_positive' });
      expect(await snapshot(w)).toEqual(before);

      await expect(platform.sql(`UPDATE financing_items SET net_proceeds = 0, fee = fee + net_proceeds WHERE financing_request_id = $1`, [id]))
        .rejects.toMatchObject({ code: '23514', constraint: 'financing_items_net_proceeds_positive' });
      await expect(platform.sql(`UPDATE financing_requests SET total_net_proceeds = 0 WHERE id = $1`, [id]))
        .rejects.toMatchObject({ code: '23514', constraint: 'financing_requests_net_proceeds_positive' });
    });
  });

  describe('the auto-approval threshold is a daily cap per supplier', () => {
    // Threshold 1,000,000.00; faces of 400,000.00 advance 360,000.00 each.
    it('auto-approves small requests only while the supplier\'s day stays within the threshold, and again the next day', async () => {
      await platform.setBusinessDate('2026-03-01');
      const w = await world({ autoApprovalThreshold: '1000000.00' });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await accept(w, [(await offer(w, '400000.00')).offerId])).body.status);
      expect(statuses).toEqual(['APPROVED', 'APPROVED', 'REQUESTED', 'REQUESTED']);
      expect((await platform.sql(`SELECT auto_approved_advance, auto_approved_on::text FROM enrolments WHERE id = $1`, [w.enrolmentId]))[0])
        .toEqual({ auto_approved_advance: '720000.0000', auto_approved_on: '2026-03-01' });

      await platform.setBusinessDate('2026-03-02');
      const nextDay = await accept(w, [(await offer(w, '400000.00', '2026-03-02')).offerId]);
      expect(nextDay.body).toMatchObject({ status: 'APPROVED', autoApproved: true });
    });

    it('holds under concurrency: 20 concurrent acceptances of 90,000.00 auto-approve exactly 990,000.00 of a 1,000,000.00 cap', async () => {
      await platform.setBusinessDate('2026-03-01');
      const w = await world({ autoApprovalThreshold: '1000000.00' });
      const offers = [];
      for (let i = 0; i < 20; i++) offers.push((await offer(w, '100000.00')).offerId);
      const responses = await Promise.all(offers.map((id) => accept(w, [id])));
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
      const [day] = await platform.sql<{ auto: number; amount: string; requested: number }>(
        `SELECT count(*) FILTER (WHERE auto_approved)::int AS auto, coalesce(sum(total_advance) FILTER (WHERE auto_approved), 0)::text AS amount,
                count(*) FILTER (WHERE status = 'REQUESTED')::int AS requested
           FROM financing_requests WHERE program_id = $1`,
        [w.program.id],
      );
      expect(day).toEqual({ auto: 11, amount: '990000.0000', requested: 9 });
    });
  });

  it('lapses unfunded requests once no value date is left within the minimum tenor, releasing their limit', async () => {
    await platform.setBusinessDate('2026-03-01');
    const w = await world();
    const requested = await accept(w, [(await offer(w)).offerId]);
    const approved = await approvedRequest(w);
    const funded = await approvedRequest(w);
    expect((await act(w.bank.operations, funded, 'fund')).status).toBe(200);
    const daily = (businessDate: string) => platform.app.get(DailyFinancingHandler).handle({ businessDate });

    // Maturity 2026-05-27, min tenor 7 days: 2026-05-20 is the last value date that can be funded.
    expect(await daily('2026-05-20')).toMatchObject({ requestsLapsed: 0 });
    // The other tests' unfunded requests in this database (same maturity) lapse alongside.
    expect((await daily('2026-05-21')).requestsLapsed).toBeGreaterThanOrEqual(2);
    for (const id of [requested.body.id, approved]) {
      const view = await platform.http().get(`/v1/financing-requests/${id}`).set(auth(w.supplier.admin));
      expect(view.body).toMatchObject({ status: 'CANCELLED', rejectionReason: 'lapsed on 2026-05-21: no value date is left within the program\'s minimum tenor' });
      expect(view.body.items[0].status).toBe('RELEASED');
      expect(await statusOf('receivables', view.body.items[0].receivableId)).toBe('OPEN');
    }
    expect(await statusOf('financing_requests', funded)).toBe('FUNDED');
    expect((await snapshot(w))[0]).toMatchObject({ program: '900000.0000', enrolment: '900000.0000' });
    const events = await platform.sql<{ object_id: string; actor_user_id: string | null; after: object }>(
      `SELECT object_id, after FROM business_events WHERE chain_id = $1 AND action = 'financing.lapsed' ORDER BY object_id`,
      [w.program.id],
    );
    expect(events.map((e) => e.object_id)).toEqual([requested.body.id, approved].sort());
    expect(events[0].after).toEqual({ status: 'CANCELLED', businessDate: '2026-05-21', released: '900000.0000' });
    expect(await daily('2026-05-21')).toMatchObject({ requestsLapsed: 0 });
  });
});
