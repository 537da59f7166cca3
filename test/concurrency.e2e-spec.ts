import { randomUUID } from 'node:crypto';
import { Decimal } from '@scf/core';
import { Platform, waitFor } from './support/platform';
import { auth, Bank, CNY_TERMS, createActiveProgram, createAnchor, createBank, enrolNewSupplier, Session } from './support/fixtures';

/**
 * Races over HTTP against real PostgreSQL: limits are never exceeded, a receivable is never
 * financed twice, and every refused request gets 409. The invariant checker runs after the file.
 */
describe('concurrency', () => {
  let platform: Platform;
  let bank: Bank;
  let anchor: { id: string; admin: Session };

  beforeAll(async () => {
    platform = await Platform.start({ businessDate: '2026-03-01' });
    bank = await createBank(platform);
    anchor = await createAnchor(platform, bank);
  });
  afterAll(() => platform.stop());

  const accept = (session: Session, offerIds: string[], key = randomUUID()) =>
    platform.http().post('/v1/financing-requests').set(auth(session)).set('Idempotency-Key', key).send({ offerIds });

  /** Confirms invoices quickly through the bulk routes and waits for the worker's offers. */
  async function openOffers(supplier: Session, programId: string, count: number, amount: string): Promise<string[]> {
    const invoices = Array.from({ length: count }, (_, i) => ({
      invoiceNumber: `RACE-${randomUUID().slice(0, 8)}-${i}`,
      currency: 'CNY',
      amount,
      issueDate: '2026-02-01',
      dueDate: '2026-05-27',
    }));
    const submitted = await platform.http().post('/v1/invoices/bulk').set(auth(supplier)).send({ programId, invoices });
    expect(submitted.status).toBe(201);
    const ids = submitted.body.invoices.map((i: { id: string }) => i.id);
    const confirmed = await platform.http().post('/v1/invoices/confirmations').set(auth(anchor.admin)).send({ invoiceIds: ids });
    expect(confirmed.status).toBe(200);
    const rows = await waitFor(async () => {
      const offers = await platform.sql<{ id: string }>(
        `SELECT o.id FROM offers o WHERE o.supplier_id = $1 AND o.program_id = $2 AND o.status = 'OPEN'`,
        [supplier.organisationId, programId],
      );
      return offers.length === count && offers;
    }, 60_000);
    return rows.map((r) => r.id);
  }

  it('200 concurrent acceptances over the limit never exceed program or sub-limits; refusals are 409', async () => {
    // Program limit 5,000,000.00; two suppliers with 3,000,000.00 sub-limits; 200 offers of 45,000.00 advance.
    const program = await createActiveProgram(platform, bank, anchor.id, { ...CNY_TERMS, limitAmount: '5000000.00', autoApprovalThreshold: '10000000.00' });
    const suppliers = [
      await enrolNewSupplier(platform, bank, anchor, program.id, '3000000.00'),
      await enrolNewSupplier(platform, bank, anchor, program.id, '3000000.00'),
    ];
    const offers = [
      ...(await openOffers(suppliers[0].admin, program.id, 100, '50000.00')).map((id) => ({ id, supplier: suppliers[0].admin })),
      ...(await openOffers(suppliers[1].admin, program.id, 100, '50000.00')).map((id) => ({ id, supplier: suppliers[1].admin })),
    ];
    const responses = await Promise.all(offers.map((o) => accept(o.supplier, [o.id])));
    const accepted = responses.filter((r) => r.status === 201);
    const refused = responses.filter((r) => r.status !== 201);
    expect(refused.every((r) => r.status === 409)).toBe(true);
    expect(refused.length).toBeGreaterThan(0);

    const [programRow] = await platform.sql<{ utilised: string; limit_amount: string }>(`SELECT utilised, limit_amount FROM programs WHERE id = $1`, [program.id]);
    const enrolments = await platform.sql<{ utilised: string; sub_limit: string }>(`SELECT utilised, sub_limit FROM enrolments WHERE program_id = $1`, [program.id]);
    const acceptedAdvance = accepted.reduce((sum, r) => sum.plus(r.body.totalAdvance), new Decimal(0));
    expect(new Decimal(programRow.utilised).equals(acceptedAdvance)).toBe(true);
    expect(new Decimal(programRow.utilised).lte(programRow.limit_amount)).toBe(true);
    for (const e of enrolments) expect(new Decimal(e.utilised).lte(e.sub_limit)).toBe(true);
    // 45,000.00 per acceptance: 5,000,000 / 45,000 → at most 111 fit; each supplier at most 66.
    expect(accepted.length).toBe(111);
    await platform.assertInvariants();
  });

  it('the same offer accepted 50 times concurrently produces exactly one financing', async () => {
    const program = await createActiveProgram(platform, bank, anchor.id, { ...CNY_TERMS, autoApprovalThreshold: '10000000.00' });
    const supplier = await enrolNewSupplier(platform, bank, anchor, program.id, '5000000.00');
    const [offerId] = await openOffers(supplier.admin, program.id, 1, '100000.00');
    const responses = await Promise.all(Array.from({ length: 50 }, () => accept(supplier.admin, [offerId])));
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status !== 201).every((r) => r.status === 409)).toBe(true);
    const items = await platform.sql(`SELECT 1 FROM financing_items WHERE offer_id = $1`, [offerId]);
    expect(items).toHaveLength(1);
    await platform.assertInvariants();
  });

  it('funding, repayment, rejections and limit changes racing each other keep every invariant', async () => {
    const program = await createActiveProgram(platform, bank, anchor.id, { ...CNY_TERMS, limitAmount: '3000000.00', autoApprovalThreshold: '10000000.00' });
    const supplier = await enrolNewSupplier(platform, bank, anchor, program.id, '3000000.00');
    const offerIds = await openOffers(supplier.admin, program.id, 40, '50000.00');
    const financings = [];
    for (const id of offerIds.slice(0, 30)) {
      const res = await accept(supplier.admin, [id]);
      expect(res.status).toBe(201);
      financings.push(res.body);
    }
    const fund = (id: string) => platform.http().post(`/v1/financing-requests/${id}/fund`).set(auth(bank.operations)).set('Idempotency-Key', randomUUID()).send({});
    // Paid early, on the value date: a payment can't be dated after the business date.
    const repay = (receivableId: string) =>
      platform.http().post(`/v1/receivables/${receivableId}/payments`).set(auth(bank.operations)).set('Idempotency-Key', randomUUID()).send({ amount: '50000.00', paidOn: '2026-03-01' });
    // Fund the first 20 so they can be repaid while others race.
    for (const f of financings.slice(0, 20)) expect((await fund(f.id)).status).toBe(200);

    const proposeCut = async (limitAmount: string) => {
      const change = await platform.http().post(`/v1/programs/${program.id}/changes`).set(auth(bank.maker)).send({ limitAmount });
      expect(change.status).toBe(201);
      return change.body.id as string;
    };
    const cutId = await proposeCut('1000000.00');
    const approveCut = platform.http().post(`/v1/programs/${program.id}/changes/${cutId}/approve`).set(auth(bank.checker)).send({});

    const results = await Promise.all([
      approveCut,
      ...financings.slice(0, 20).map((f) => repay(f.items[0].receivableId)),
      ...financings.slice(20, 25).map((f) => fund(f.id)),
      ...financings.slice(25, 30).map((f) => platform.http().post(`/v1/financing-requests/${f.id}/cancel`).set(auth(supplier.admin)).set('Idempotency-Key', randomUUID()).send({})),
      ...offerIds.slice(30).map((id) => accept(supplier.admin, [id])),
    ]);
    for (const r of results) expect([200, 201, 409]).toContain(r.status);
    const [row] = await platform.sql<{ utilised: string; limit_amount: string }>(`SELECT utilised, limit_amount FROM programs WHERE id = $1`, [program.id]);
    expect(new Decimal(row.utilised).lte(row.limit_amount)).toBe(true);
    await platform.assertInvariants();
  });
});
