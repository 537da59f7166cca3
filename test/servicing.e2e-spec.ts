import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { JOBS, QUEUES } from '@scf/queue';
import { Platform, waitFor } from './support/platform';
import { auth, CNY_TERMS, ProgramTermsInput, Session } from './support/fixtures';
import { runDailyFinancing, seedOfferedReceivable } from './support/financing-fixtures';
import { SeededWorld, seedWorld } from './support/program-seeds';
import { seedFundedFinancings } from './support/servicing-fixtures';

/**
 * Servicing: repayments (partial, back-dated, over and short), the penalty ledger and its
 * end-of-day run, reversals and waivers (four-eyes), payment runs, the supplier's statement, and
 * the races between them. Amounts are domain.md's first worked example, asserted exactly:
 * F = 1,234,567.89 gives A = 1,111,111.10 and a reserve of 123,456.79; at 0.18 on ACT/360 a day's
 * penalty on A is 555.55555.
 */
jest.setTimeout(180_000);

describe('servicing', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await Platform.start({ businessDate: '2026-03-01' });
  });
  afterAll(() => platform.stop());

  type World = SeededWorld;

  const world = (terms: ProgramTermsInput = CNY_TERMS, subLimit = '5000000.00') => seedWorld(platform, terms, subLimit);

  const post = (session: Session, path: string, body: object) =>
    platform.http().post(path).set(auth(session)).set('Idempotency-Key', randomUUID()).send(body);
  const get = (session: Session, path: string) => platform.http().get(path).set(auth(session));
  const pay = (w: World, receivableId: string, amount: string, paidOn: string) =>
    post(w.bank.operations, `/v1/receivables/${receivableId}/payments`, { amount, paidOn });

  /** Accepted, approved and funded over the API on 2026-03-01; maturity 2026-05-27. */
  async function funded(w: World, amount = '1234567.89') {
    await platform.setBusinessDate('2026-03-01');
    const { offerId, receivableId } = await seedOfferedReceivable(
      platform, w.program, { supplierId: w.supplier.id, anchorId: w.anchor.id },
      { amount, issueDate: '2026-02-01', dueDate: '2026-05-27' }, '2026-03-01',
    );
    const requested = await post(w.supplier.admin, '/v1/financing-requests', { offerIds: [offerId] });
    expect(requested.status).toBe(201);
    if (requested.body.status === 'REQUESTED') expect((await post(w.bank.checker, `/v1/financing-requests/${requested.body.id}/approve`, {})).status).toBe(200);
    const fundedRes = await post(w.bank.operations, `/v1/financing-requests/${requested.body.id}/fund`, {});
    expect(fundedRes.body.status).toBe('FUNDED');
    return { receivableId, requestId: requested.body.id as string, itemId: fundedRes.body.items[0].id as string };
  }

  const item = async (id: string) =>
    (await platform.sql<Record<string, string>>(
      `SELECT status, principal_paid::text, penalty_accrued::text, penalty_paid::text, penalty_waived::text, reserve_released::text,
              penalty_accrued_to::text
         FROM financing_items WHERE id = $1`,
      [id],
    ))[0];
  const statusOf = async (table: 'receivables' | 'financing_requests', id: string) =>
    (await platform.sql<{ status: string }>(`SELECT status FROM ${table} WHERE id = $1`, [id]))[0].status;
  const utilisation = async (w: World) =>
    (await platform.sql<{ program: string; enrolment: string }>(
      `SELECT p.utilised::text AS program, e.utilised::text AS enrolment FROM programs p JOIN enrolments e ON e.program_id = p.id WHERE e.id = $1`,
      [w.enrolmentId],
    ))[0];
  const ledger = async (itemId: string) =>
    platform.sql<{ accrual_date: string; amount: string; penalty_rate: string; advance_outstanding: string }>(
      `SELECT accrual_date::text, amount::text, penalty_rate::text, advance_outstanding::text FROM penalty_accruals
        WHERE financing_item_id = $1 ORDER BY accrual_date`,
      [itemId],
    );
  const actions = async (w: World, prefix: string) =>
    (await platform.sql<{ action: string }>(`SELECT action FROM business_events WHERE chain_id = $1 AND action LIKE $2 ORDER BY seq`, [
      w.program.id,
      `${prefix}%`,
    ])).map((e) => e.action);

  it('takes paidOn only between the value date and today, naming the field, and records nothing otherwise', async () => {
    const w = await world();
    const { receivableId } = await funded(w);
    await platform.setBusinessDate('2026-05-27');
    for (const paidOn of ['2026-02-28', '2026-05-28']) {
      const refused = await pay(w, receivableId, '1234567.89', paidOn);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 'paid_on_out_of_range', field: 'paidOn' });
    }
    expect(await platform.sql(`SELECT 1 FROM payments WHERE receivable_id = $1`, [receivableId])).toEqual([]);
    expect((await pay(w, receivableId, '1234567.89', '2026-03-01')).status).toBe(201);
  });

  it('allocates partial payments penalty first, never lowers an accrual for a back-dated payment, and records an over-payment as owed back', async () => {
    const w = await world();
    const { receivableId, requestId, itemId } = await funded(w);
    // 9 days from maturity: 1,111,111.10 × 0.18 × 9 / 360 = 4999.99995 → 5000.00
    await runDailyFinancing(platform, '2026-06-05');
    await platform.setBusinessDate('2026-06-05');

    const first = await pay(w, receivableId, '3000.00', '2026-06-05');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ amount: '3000.00', penaltyDue: '5000.00', penaltyPaid: '3000.00', principalPaid: '0.00', toBank: '3000.00', toSupplier: '0.00', excess: '0.00' });
    expect(await statusOf('financing_requests', requestId)).toBe('OVERDUE');

    // Dated before five of the booked days: those accruals stay, the payment still meets 2,000.00 of penalty first.
    const backDated = await pay(w, receivableId, '1000000.00', '2026-06-01');
    expect(backDated.body).toMatchObject({ penaltyDue: '2000.00', penaltyPaid: '2000.00', principalPaid: '998000.00', toSupplier: '0.00', paidOn: '2026-06-01' });
    expect(await item(itemId)).toMatchObject({ status: 'OVERDUE', principal_paid: '998000.0000', penalty_accrued: '5000.0000', penalty_paid: '5000.0000' });
    expect(await statusOf('receivables', receivableId)).toBe('OVERDUE');
    expect(await utilisation(w)).toEqual({ program: '1111111.1000', enrolment: '1111111.1000' });

    // The next day accrues on what is still outstanding: 113,111.10 × 0.18 / 360 → total 5056.5555 → 5056.56.
    await runDailyFinancing(platform, '2026-06-06');
    expect((await ledger(itemId)).slice(-1)).toEqual([{ accrual_date: '2026-06-06', amount: '56.5600', penalty_rate: '0.18000000', advance_outstanding: '113111.1000' }]);
    expect(await ledger(itemId)).toHaveLength(10);

    await platform.setBusinessDate('2026-06-06');
    const last = await pay(w, receivableId, '236724.45', '2026-06-06');
    expect(last.body).toMatchObject({
      penaltyPaid: '56.56', principalPaid: '113111.10', toBank: '113167.66', toSupplier: '123456.79', excess: '100.00',
    });
    expect(await item(itemId)).toMatchObject({ status: 'REPAID', principal_paid: '1111111.1000', penalty_accrued: '5056.5600', penalty_paid: '5056.5600', reserve_released: '123456.7900' });
    expect(await statusOf('financing_requests', requestId)).toBe('REPAID');
    expect(await statusOf('receivables', receivableId)).toBe('SETTLED');
    expect(await utilisation(w)).toEqual({ program: '0.0000', enrolment: '0.0000' });
    expect((await pay(w, receivableId, '1.00', '2026-06-06')).body.code).toBe('already_paid');

    const listed = await get(w.bank.operations, `/v1/payments?receivableId=${receivableId}`);
    expect(listed.body.items.map((p: { amount: string }) => p.amount)).toEqual(['236724.45', '1000000.00', '3000.00']);
    expect((await get(w.supplier.admin, `/v1/payments/${first.body.id}`)).body).toMatchObject({ amount: '3000.00' });
    expect((await get(w.anchor.admin, `/v1/payments/${first.body.id}`)).status).toBe(403);
    const stranger = await world();
    expect((await get(stranger.bank.operations, `/v1/payments/${first.body.id}`)).status).toBe(404);
    expect((await get(stranger.bank.operations, `/v1/payments?receivableId=${receivableId}`)).body.items).toEqual([]);

    const statement = await get(w.supplier.admin, `/v1/suppliers/${w.supplier.id}/statement`);
    expect(statement.status).toBe(200);
    const amounts = {
      currency: 'CNY', faceAmount: '1234567.89', advance: '1111111.10', advanceRepaid: '1111111.10', advanceOutstanding: '0.00',
      reserve: '123456.79', reserveReleased: '123456.79', reserveOutstanding: '0.00', penaltyAccrued: '5056.56', penaltyPaid: '5056.56',
      penaltyWaived: '0.00', penaltyOutstanding: '0.00', excess: '100.00',
    };
    expect(statement.body.totals).toEqual([{ ...amounts, financings: 1 }]);
    expect(statement.body.lines.items).toEqual([{ ...amounts, financingItemId: itemId, financingRequestId: requestId, receivableId, programId: w.program.id, status: 'REPAID', maturityDate: '2026-05-27' }]);
    expect((await get(w.bank.operations, `/v1/suppliers/${w.supplier.id}/statement`)).body.totals).toEqual([{ ...amounts, financings: 1 }]);
    expect((await get(stranger.bank.operations, `/v1/suppliers/${w.supplier.id}/statement`)).status).toBe(404);
    expect((await get(stranger.supplier.admin, `/v1/suppliers/${w.supplier.id}/statement`)).status).toBe(404);
    expect(await actions(w, 'financing.repa')).toEqual(['financing.repayment_recorded', 'financing.repayment_recorded', 'financing.repaid']);
    await platform.assertInvariants();
  });

  it('repays the bank from a short payment of the face while penalty is owed, and keeps the supplier\'s reserve owed until paid', async () => {
    const w = await world();
    const { receivableId, requestId, itemId } = await funded(w);
    await runDailyFinancing(platform, '2026-06-05');
    await platform.setBusinessDate('2026-06-05');
    const face = await pay(w, receivableId, '1234567.89', '2026-06-05');
    expect(face.body).toMatchObject({ penaltyPaid: '5000.00', principalPaid: '1111111.10', toSupplier: '118456.79', excess: '0.00' });
    expect(await statusOf('financing_requests', requestId)).toBe('REPAID');
    expect(await statusOf('receivables', receivableId)).toBe('OVERDUE');
    expect(await utilisation(w)).toEqual({ program: '0.0000', enrolment: '0.0000' });
    // Nothing accrues on a repaid advance.
    await runDailyFinancing(platform, '2026-06-06');
    expect(await ledger(itemId)).toHaveLength(9);
    const statement = await get(w.supplier.admin, `/v1/suppliers/${w.supplier.id}/statement`);
    expect(statement.body.totals[0]).toMatchObject({ reserveReleased: '118456.79', reserveOutstanding: '5000.00', advanceOutstanding: '0.00' });

    const rest = await pay(w, receivableId, '5000.00', '2026-06-05');
    expect(rest.body).toMatchObject({ penaltyPaid: '0.00', principalPaid: '0.00', toSupplier: '5000.00' });
    expect(await statusOf('receivables', receivableId)).toBe('SETTLED');
    await platform.assertInvariants();
  });

  it('reverses a wrong repayment only with a second bank user, newest first, restoring balances, statuses and limit exactly', async () => {
    const w = await world();
    // F = 1,000,000.00, A = 900,000.00 (auto-approved under the threshold), reserve 100,000.00
    const { receivableId, requestId, itemId } = await funded(w, '1000000.00');
    await platform.setBusinessDate('2026-05-27');
    const first = await pay(w, receivableId, '400000.00', '2026-05-27');
    const second = await pay(w, receivableId, '600000.00', '2026-05-27');
    expect(second.body).toMatchObject({ principalPaid: '500000.00', toSupplier: '100000.00' });
    expect(await statusOf('receivables', receivableId)).toBe('SETTLED');
    expect(await utilisation(w)).toEqual({ program: '0.0000', enrolment: '0.0000' });

    const reverse = (paymentId: string) => post(w.bank.operations, `/v1/payments/${paymentId}/reversals`, { reason: 'posted twice' });
    const decide = (session: Session, paymentId: string, reversalId: string, verdict: 'approve' | 'reject') =>
      post(session, `/v1/payments/${paymentId}/reversals/${reversalId}/${verdict}`, verdict === 'reject' ? { reason: 'stands' } : {});

    const ofFirst = await reverse(first.body.id);
    expect(ofFirst.body).toMatchObject({ status: 'PENDING', paymentId: first.body.id });
    expect((await decide(w.bank.checker, first.body.id, ofFirst.body.id, 'approve')).body.code).toBe('later_payment_exists');
    expect((await reverse(first.body.id)).body.code).toBe('reversal_pending');
    expect((await decide(w.bank.checker, first.body.id, ofFirst.body.id, 'reject')).body).toMatchObject({ status: 'REJECTED', rejectionReason: 'stands' });

    const ofSecond = await reverse(second.body.id);
    const byMaker = await decide(w.bank.operations, second.body.id, ofSecond.body.id, 'approve');
    expect(byMaker.status).toBe(403);
    expect(byMaker.body.code).toBe('four_eyes');
    expect(await statusOf('receivables', receivableId)).toBe('SETTLED');
    const stranger = await world();
    expect((await decide(stranger.bank.checker, second.body.id, ofSecond.body.id, 'approve')).status).toBe(404);

    const approved = await decide(w.bank.checker, second.body.id, ofSecond.body.id, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'APPROVED', decidedBy: w.bank.checker.userId, proposedBy: w.bank.operations.userId });
    expect(await item(itemId)).toMatchObject({ status: 'LIVE', principal_paid: '400000.0000', reserve_released: '0.0000' });
    expect(await statusOf('financing_requests', requestId)).toBe('FUNDED');
    expect(await statusOf('receivables', receivableId)).toBe('FINANCED');
    expect(await utilisation(w)).toEqual({ program: '900000.0000', enrolment: '900000.0000' });
    expect((await get(w.bank.operations, `/v1/payments/${second.body.id}`)).body.reversedAt).toEqual(expect.any(String));
    expect((await decide(w.bank.checker, second.body.id, ofSecond.body.id, 'approve')).body.code).toBe('reversal_not_pending');
    expect((await reverse(second.body.id)).body.code).toBe('payment_reversed');
    expect(await actions(w, 'payment.')).toEqual(['payment.reversal_proposed', 'payment.reversal_rejected', 'payment.reversal_proposed', 'payment.reversed']);
    await platform.assertInvariants();

    expect((await pay(w, receivableId, '600000.00', '2026-05-27')).body).toMatchObject({ principalPaid: '500000.00', toSupplier: '100000.00' });
    expect(await statusOf('receivables', receivableId)).toBe('SETTLED');
    await platform.assertInvariants();
  });

  it('waives penalty only with a second bank user, and keeps the financing overdue until advance and penalty are paid', async () => {
    const w = await world();
    const { receivableId, requestId, itemId } = await funded(w);
    await runDailyFinancing(platform, '2026-06-05');
    await platform.setBusinessDate('2026-06-05');
    const propose = (amount: string) => post(w.bank.operations, `/v1/financing-items/${itemId}/penalty-waivers`, { amount, reason: 'goodwill' });
    const tooMuch = await propose('5000.01');
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body).toMatchObject({ code: 'waiver_exceeds_penalty', field: 'amount' });
    const proposed = await propose('1000.00');
    expect(proposed.body).toMatchObject({ status: 'PENDING', amount: '1000.00', currency: 'CNY' });
    const competing = await propose('4500.00');
    expect(competing.body).toMatchObject({ status: 'PENDING' });
    const decide = (session: Session, waiverId: string, verdict: 'approve' | 'reject') =>
      post(session, `/v1/financing-items/${itemId}/penalty-waivers/${waiverId}/${verdict}`, verdict === 'reject' ? { reason: 'too much' } : {});
    const byMaker = await decide(w.bank.operations, proposed.body.id, 'approve');
    expect(byMaker.status).toBe(403);
    expect(byMaker.body.code).toBe('four_eyes');
    expect((await item(itemId)).penalty_waived).toBe('0.0000');
    expect((await decide(w.bank.checker, proposed.body.id, 'approve')).body).toMatchObject({ status: 'APPROVED' });
    expect(await item(itemId)).toMatchObject({ penalty_accrued: '5000.0000', penalty_waived: '1000.0000' });
    // Each approval is checked against the penalty outstanding then: 4,500.00 no longer fits in 4,000.00.
    expect((await decide(w.bank.checker, competing.body.id, 'approve')).body.code).toBe('waiver_exceeds_penalty');
    expect((await decide(w.bank.checker, competing.body.id, 'reject')).body).toMatchObject({ status: 'REJECTED', rejectionReason: 'too much' });
    expect((await decide(w.bank.checker, proposed.body.id, 'approve')).body.code).toBe('waiver_not_pending');
    expect(await actions(w, 'penalty.')).toEqual(['penalty.waiver_proposed', 'penalty.waiver_proposed', 'penalty.waived', 'penalty.waiver_rejected']);

    // The advance alone leaves 4,000.00 of it unpaid (penalty is met first): still overdue.
    expect((await pay(w, receivableId, '1111111.10', '2026-06-05')).body).toMatchObject({ penaltyPaid: '4000.00', principalPaid: '1107111.10' });
    expect(await statusOf('financing_requests', requestId)).toBe('OVERDUE');
    expect((await pay(w, receivableId, '4000.00', '2026-06-05')).body).toMatchObject({ principalPaid: '4000.00' });
    expect(await statusOf('financing_requests', requestId)).toBe('REPAID');
    await platform.assertInvariants();
  });

  it('never applies a penalty-rate change to days already booked', async () => {
    const w = await world();
    const { itemId } = await funded(w);
    await runDailyFinancing(platform, '2026-06-02'); // 6 days at 0.18: 3333.3333 → 3333.33
    expect((await item(itemId)).penalty_accrued).toBe('3333.3300');
    await platform.sql(`UPDATE programs SET penalty_rate = 0.36 WHERE id = $1`, [w.program.id]);
    await runDailyFinancing(platform, '2026-06-03'); // + 1,111,111.10 × 0.36 / 360 = 1111.1111 → 4444.4444 → 4444.44
    expect((await item(itemId)).penalty_accrued).toBe('4444.4400');
    const days = await ledger(itemId);
    expect(days.map((d) => d.penalty_rate)).toEqual([...Array(6).fill('0.18000000'), '0.36000000']);
    expect(days.slice(0, 6).map((d) => d.amount)).toEqual(['555.5600', '555.5500', '555.5600', '555.5500', '555.5600', '555.5500']);
    await platform.assertInvariants();
  });

  it('records a payment file of 10,000 lines all or nothing, naming a refused line', async () => {
    const w = await world({ ...CNY_TERMS, limitAmount: '20000000.00' }, '20000000.00');
    const ids = await seedFundedFinancings(
      platform,
      { programId: w.program.id, enrolmentId: w.enrolmentId, supplierId: w.supplier.id, anchorId: w.anchor.id, requestedBy: w.supplier.admin.userId, fundedBy: w.bank.operations.userId },
      10_000,
    );
    const stranger = await world();
    const foreignReceivable = (await funded(stranger, '1000000.00')).receivableId;
    await platform.setBusinessDate('2026-05-27');
    const lines = ids.map((receivableId) => ({ receivableId, amount: '1000.00', paidOn: '2026-05-27' }));
    const run = (body: object) => post(w.bank.operations, '/v1/payment-runs', body);

    const refused = await run({ lines: lines.map((line, i) => (i === 9_999 ? { ...line, paidOn: '2026-02-01' } : line)) });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'paid_on_out_of_range', field: 'lines[9999].paidOn' });
    const foreign = await run({ lines: [lines[0], { ...lines[1], receivableId: foreignReceivable }] });
    expect(foreign.status).toBe(404);
    expect(foreign.body.field).toBe('lines[1].receivableId');
    expect((await run({ lines: [...lines, lines[0]] })).status).toBe(400);
    expect(await platform.sql(`SELECT 1 FROM payments WHERE receivable_id = ANY($1::uuid[])`, [ids])).toEqual([]);

    const started = Date.now();
    const recorded = await run({ lines });
    const seconds = (Date.now() - started) / 1000;
    expect(recorded.status).toBe(201);
    expect(seconds).toBeLessThan(120);
    expect(recorded.body.lineCount).toBe(10_000);
    expect(recorded.body.payments).toHaveLength(10_000);
    expect(recorded.body.payments[9_999]).toMatchObject({ receivableId: ids[9_999], principalPaid: '900.00', toSupplier: '100.00', paymentRunId: recorded.body.id });
    const [settled] = await platform.sql<{ count: string }>(`SELECT count(*)::text FROM receivables WHERE id = ANY($1::uuid[]) AND status = 'SETTLED'`, [ids]);
    expect(settled.count).toBe('10000');
    expect(await utilisation(w)).toEqual({ program: '0.0000', enrolment: '0.0000' });
    const statement = await get(w.bank.operations, `/v1/suppliers/${w.supplier.id}/statement?limit=1`);
    expect(statement.body.totals).toEqual([expect.objectContaining({ financings: 10_000, advanceRepaid: '9000000.00', reserveReleased: '1000000.00' })]);
    expect(statement.body.lines).toMatchObject({ limit: 1, hasMore: true });
    await platform.assertInvariants();
    console.log(`payment run of 10,000 lines: ${seconds.toFixed(1)} s`);
  }, 300_000);

  it('serialises concurrent repayments of one financing: none lost, none counted twice', async () => {
    const w = await world();
    const { receivableId, itemId } = await funded(w, '1000000.00');
    await platform.setBusinessDate('2026-05-27');
    const results = await Promise.all(Array.from({ length: 10 }, () => pay(w, receivableId, '100000.00', '2026-05-27')));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(await item(itemId)).toMatchObject({ status: 'REPAID', principal_paid: '900000.0000', reserve_released: '100000.0000' });
    expect(await statusOf('receivables', receivableId)).toBe('SETTLED');
    await platform.assertInvariants();
  });

  it('never double-counts when a repayment and the end-of-day run meet on one financing', async () => {
    const w = await world();
    const { receivableId, itemId } = await funded(w);
    await runDailyFinancing(platform, '2026-06-05');
    await platform.setBusinessDate('2026-06-06');
    const [payment] = await Promise.all([pay(w, receivableId, '1116111.10', '2026-06-06'), runDailyFinancing(platform, '2026-06-06')]);
    expect(payment.status).toBe(201);
    const after = await item(itemId);
    // Either order is right: the day booked before the payment (and then owed on top), or not at all after it.
    if (after.penalty_accrued === '5000.0000') {
      expect(payment.body).toMatchObject({ penaltyPaid: '5000.00', principalPaid: '1111111.10' });
      expect(after.status).toBe('REPAID');
    } else {
      expect(after).toMatchObject({ penalty_accrued: '5555.5600', status: 'OVERDUE', principal_paid: '1110555.5400' });
      expect(payment.body).toMatchObject({ penaltyPaid: '5555.56', principalPaid: '1110555.54' });
    }
    await platform.assertInvariants();
  });

  it('resumes an end-of-day run killed mid-way without booking any program twice', async () => {
    const worlds = [await world(), await world()];
    const financings = [await funded(worlds[0]), await funded(worlds[1])];
    const order = worlds.map((w, i) => ({ w, f: financings[i] })).sort((a, b) => (a.w.program.id < b.w.program.id ? -1 : 1));
    const [first, second] = order;

    // Hold the second program so the run commits the first and then waits on it; kill the worker there.
    const blocker = new Client({ connectionString: platform.config.databaseUrl });
    blocker.on('error', () => undefined);
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT 1 FROM programs WHERE id = $1 FOR UPDATE`, [second.w.program.id]);
    await platform.sql(`INSERT INTO outbox (queue, job_name, job_id, payload) VALUES ($1, $2, $3, $4)`, [
      QUEUES.SCHEDULED, JOBS.DAILY_FINANCING, `eod-${randomUUID()}`, JSON.stringify({ businessDate: '2026-06-05' }),
    ]);
    await waitFor(async () => (await platform.sql(`SELECT 1 FROM end_of_day_runs WHERE job_name = $1 AND program_id = $2`, [JOBS.DAILY_FINANCING, first.w.program.id])).length === 1, 30_000);
    await platform.stopWorker(platform.workers[0], 'SIGKILL');
    await blocker.query('ROLLBACK');
    await blocker.end();
    expect((await item(first.f.itemId)).penalty_accrued).toBe('5000.0000');
    expect((await item(second.f.itemId)).penalty_accrued).toBe('0.0000');

    await platform.startWorker();
    await runDailyFinancing(platform, '2026-06-05');
    await runDailyFinancing(platform, '2026-06-05');
    for (const { f } of order) {
      expect(await item(f.itemId)).toMatchObject({ status: 'OVERDUE', penalty_accrued: '5000.0000', penalty_accrued_to: '2026-06-05' });
      expect(await ledger(f.itemId)).toHaveLength(9);
    }
    const progress = await platform.sql(`SELECT 1 FROM end_of_day_runs WHERE job_name = $1 AND business_date = '2026-06-05' AND program_id = ANY($2::uuid[])`, [
      JOBS.DAILY_FINANCING,
      order.map(({ w }) => w.program.id),
    ]);
    expect(progress).toHaveLength(2);
    await platform.assertInvariants();
  });
});
