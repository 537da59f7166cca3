jest.setTimeout(120_000);

import { randomUUID } from 'node:crypto';
import { OrganisationType, Role } from '@scf/identity';
import { OfferGenerator } from '@scf/offers';
import { DischargesService } from '@scf/receivables';
import { Platform, waitFor } from './support/platform';
import { auth, Bank, confirmedInvoice, createActiveProgram, createAnchor, createBank, enrolNewSupplier, Session, Supplier } from './support/fixtures';
import { awaitOpenOffer } from './support/financing-fixtures';

const unique = () => randomUUID().slice(0, 8);

/**
 * The debtor cannot discharge itself: the anchor's payment of an unfinanced receivable and its
 * credit note on a confirmed one are PENDING until the supplier acknowledges them or the bank's
 * operations confirm them. Meanwhile nothing changes, and the receivable can't be financed.
 */
describe('discharges', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await Platform.start({ businessDate: '2026-03-01' });
  });
  afterAll(() => platform.stop());

  interface World {
    bank: Bank;
    anchor: { id: string; admin: Session };
    program: { id: string; currency: string };
    supplier: Supplier;
  }

  async function world(): Promise<World> {
    const bank = await createBank(platform);
    const anchor = await createAnchor(platform, bank);
    const program = await createActiveProgram(platform, bank, anchor.id);
    const enrolled = await enrolNewSupplier(platform, bank, anchor, program.id, '5000000.00');
    return { bank, anchor, program, supplier: { id: enrolled.supplierId, admin: enrolled.admin } };
  }

  /** A confirmed invoice of 1,000,000.00 CNY due 2026-05-27 and the open offer the worker priced on it. */
  async function offered(w: World) {
    const invoice = await confirmedInvoice(platform, w.supplier.admin, w.anchor.admin, w.program.id, {
      amount: '1000000.00',
      currency: 'CNY',
      issueDate: '2026-02-01',
      dueDate: '2026-05-27',
    });
    return { invoiceId: invoice.id, receivableId: invoice.receivableId, offerId: await awaitOpenOffer(platform, invoice.receivableId) };
  }

  const post = (session: Session, path: string, body: object = {}) => platform.http().post(path).set(auth(session)).set('Idempotency-Key', randomUUID()).send(body);
  const pay = (session: Session, receivableId: string) => post(session, `/v1/receivables/${receivableId}/payments`, { amount: '1000000.00', paidOn: '2026-03-01' });
  const credit = (session: Session, invoiceId: string, amount = '50000.00', creditNoteNumber = `CN-${unique()}`) =>
    post(session, `/v1/invoices/${invoiceId}/credit-notes`, { creditNoteNumber, amount });
  const decide = (session: Session, id: string, decision: 'acknowledge' | 'confirm' | 'reject', body: object = {}) => post(session, `/v1/discharges/${id}/${decision}`, body);
  const one = async <T = Record<string, unknown>>(sql: string, params: unknown[]) => (await platform.sql<T>(sql, params))[0];
  const receivableState = (receivableId: string) =>
    one(
      `SELECT r.status, r.face_amount, i.credited_amount, (SELECT sum(amount) FROM receivable_parts p WHERE p.receivable_id = r.id) AS parts,
              (SELECT count(*)::int FROM payments p WHERE p.receivable_id = r.id) AS payments,
              (SELECT count(*)::int FROM credit_notes c WHERE c.invoice_id = i.id) AS credit_notes,
              (SELECT count(*)::int FROM offers o WHERE o.receivable_id = r.id AND o.status = 'OPEN') AS open_offers
         FROM receivables r JOIN invoices i ON i.id = r.invoice_id WHERE r.id = $1`,
      [receivableId],
    );
  const eventsOf = async (objectId: string) =>
    (await platform.sql<{ action: string }>(`SELECT action FROM business_events WHERE object_id = $1 ORDER BY occurred_at, seq`, [objectId])).map((e) => e.action);

  it("keeps the anchor's payment PENDING, changing nothing and financing nothing, until the supplier acknowledges it", async () => {
    const w = await world();
    const { receivableId, offerId, invoiceId } = await offered(w);
    const before = await receivableState(receivableId);
    expect(before).toEqual({ status: 'OPEN', face_amount: '1000000.0000', credited_amount: '0.0000', parts: '1000000.0000', payments: 0, credit_notes: 0, open_offers: 1 });

    const claimed = await pay(w.anchor.admin, receivableId);
    expect(claimed.status).toBe(202);
    expect(claimed.body).toMatchObject({
      kind: 'PAYMENT', status: 'PENDING', receivableId, invoiceId, supplierId: w.supplier.id, anchorId: w.anchor.id,
      currency: 'CNY', amount: '1000000.00', paidOn: '2026-03-01', creditNoteNumber: null, claimedBy: w.anchor.admin.userId, outcomeId: null,
    });
    const id = claimed.body.id;
    expect(await receivableState(receivableId)).toEqual({ ...before, open_offers: 0 });
    expect(await one(`SELECT status FROM offers WHERE id = $1`, [offerId])).toEqual({ status: 'WITHDRAWN' });

    // Nothing finances it meanwhile: its offer is gone, and none is opened again while the claim is pending.
    const accepted = await post(w.supplier.admin, '/v1/financing-requests', { offerIds: [offerId] });
    expect([accepted.status, accepted.body.code]).toEqual([409, 'offer_not_open']);
    expect(await platform.app.get(OfferGenerator).generate(w.program.id, [receivableId], '2026-03-01')).toBe(0);
    expect((await receivableState(receivableId)).open_offers).toBe(0);

    // One claim at a time, and nobody discharges the receivable around it.
    expect([(await pay(w.anchor.admin, receivableId)).status, (await pay(w.anchor.admin, receivableId)).body.code]).toEqual([409, 'discharge_pending']);
    expect((await pay(w.bank.operations, receivableId)).body.code).toBe('discharge_pending');
    expect((await credit(w.supplier.admin, invoiceId)).body.code).toBe('discharge_pending');

    // The anchor sees its claim and its status.
    expect((await platform.http().get(`/v1/discharges/${id}`).set(auth(w.anchor.admin))).body).toMatchObject({ id, status: 'PENDING' });
    const pending = await platform.http().get(`/v1/discharges?status=PENDING&receivableId=${receivableId}`).set(auth(w.supplier.admin));
    expect(pending.body.items.map((d: { id: string }) => d.id)).toEqual([id]);

    const acknowledged = await decide(w.supplier.admin, id, 'acknowledge');
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body).toMatchObject({ status: 'ACKNOWLEDGED', decidedBy: w.supplier.admin.userId, decidedByOrganisationId: w.supplier.id, outcomeId: expect.any(String) });
    expect(await receivableState(receivableId)).toEqual({ ...before, status: 'SETTLED', payments: 1, open_offers: 0 });
    expect(await one(`SELECT id, amount, to_bank, to_supplier, paid_on, recorded_by FROM payments WHERE receivable_id = $1`, [receivableId])).toEqual({
      id: acknowledged.body.outcomeId, amount: '1000000.0000', to_bank: '0.0000', to_supplier: '1000000.0000', paid_on: '2026-03-01', recorded_by: w.anchor.admin.userId,
    });
    expect(await eventsOf(id)).toEqual(['discharge.claimed', 'discharge.acknowledged']);
    expect(await eventsOf(receivableId)).toEqual(['receivable.settled']);
    expect((await decide(w.supplier.admin, id, 'acknowledge')).body.code).toBe('discharge_decided');
    expect((await decide(w.bank.operations, id, 'confirm')).body.code).toBe('discharge_decided');
  });

  it("applies the anchor's credit note on a confirmed receivable only once the bank's operations confirm it", async () => {
    const w = await world();
    const { receivableId, invoiceId } = await offered(w);
    const used = await credit(w.supplier.admin, invoiceId, '1000.00', 'CN-USED');
    expect(used.status).toBe(201);
    const before = await receivableState(receivableId);
    expect(before).toMatchObject({ face_amount: '999000.0000', credited_amount: '1000.0000', credit_notes: 1 });
    expect((await credit(w.anchor.admin, invoiceId, '10.00', 'CN-USED')).body.code).toBe('duplicate_credit_note');
    expect((await credit(w.anchor.admin, invoiceId, '999000.00')).body.code).toBe('credit_exceeds_amount');

    const claimed = await credit(w.anchor.admin, invoiceId, '49000.00', 'CN-ANCHOR');
    expect(claimed.status).toBe(202);
    expect(claimed.body).toMatchObject({ kind: 'CREDIT_NOTE', status: 'PENDING', amount: '49000.00', creditNoteNumber: 'CN-ANCHOR', paidOn: null });
    await waitFor(async () => (await receivableState(receivableId)).open_offers === 0);
    expect(await receivableState(receivableId)).toEqual({ ...before, open_offers: 0 });

    const otherBank = await createBank(platform);
    expect((await decide(otherBank.operations, claimed.body.id, 'confirm')).status).toBe(404);
    expect((await decide(w.bank.checker, claimed.body.id, 'confirm')).status).toBe(403);
    expect((await decide(w.anchor.admin, claimed.body.id, 'confirm')).status).toBe(403);

    const confirmed = await decide(w.bank.operations, claimed.body.id, 'confirm');
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'CONFIRMED', decidedByOrganisationId: w.bank.id });
    expect(await receivableState(receivableId)).toMatchObject({ status: 'OPEN', face_amount: '950000.0000', credited_amount: '50000.0000', parts: '950000.0000', credit_notes: 2 });
    expect(await one(`SELECT id, amount, created_by FROM credit_notes WHERE credit_note_number = 'CN-ANCHOR' AND invoice_id = $1`, [invoiceId])).toEqual({
      id: confirmed.body.outcomeId, amount: '49000.0000', created_by: w.anchor.admin.userId,
    });
    expect(await eventsOf(claimed.body.id)).toEqual(['discharge.claimed', 'discharge.confirmed']);
    // The offer comes back, priced on the reduced face: advance 0.90 × 950,000.00.
    const offerId = await awaitOpenOffer(platform, receivableId);
    expect(await one(`SELECT face_amount, advance FROM offers WHERE id = $1`, [offerId])).toEqual({ face_amount: '950000.0000', advance: '855000.0000' });
  });

  it('changes nothing on a rejection, which gives the receivable its offer back; the anchor decides nothing', async () => {
    const w = await world();
    const { receivableId, invoiceId } = await offered(w);
    const claimed = await pay(w.anchor.admin, receivableId);
    const before = await receivableState(receivableId);

    expect((await decide(w.anchor.admin, claimed.body.id, 'acknowledge')).status).toBe(403);
    expect((await decide(w.anchor.admin, claimed.body.id, 'reject', { reason: 'mine' })).status).toBe(403);
    // Below the routes too: the service refuses the debtor whatever roles it is given.
    const debtor = { userId: w.anchor.admin.userId, organisationId: w.anchor.id, organisationType: OrganisationType.ANCHOR, roles: [Role.ANCHOR_ADMIN] };
    await expect(platform.app.get(DischargesService).acknowledge(debtor, claimed.body.id)).rejects.toMatchObject({ code: 'debtor_cannot_discharge' });
    expect((await decide(w.supplier.admin, claimed.body.id, 'reject', { reason: ' ' })).status).toBe(400);
    expect(await receivableState(receivableId)).toEqual(before);

    const rejected = await decide(w.supplier.admin, claimed.body.id, 'reject', { reason: 'not received' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'REJECTED', decisionReason: 'not received', outcomeId: null });
    await awaitOpenOffer(platform, receivableId);
    expect(await receivableState(receivableId)).toEqual({ ...before, open_offers: 1 });
    expect(await eventsOf(claimed.body.id)).toEqual(['discharge.claimed', 'discharge.rejected']);

    // The anchor may claim again; and credit notes by the supplier apply at once.
    expect((await credit(w.supplier.admin, invoiceId, '10.00')).status).toBe(201);
    expect((await pay(w.anchor.admin, receivableId)).body.code).toBe('amount_mismatch');
  });

  it('lets one decision win when the supplier and the bank decide at once, and never both a claim and a financing', async () => {
    const w = await world();
    for (let round = 0; round < 3; round += 1) {
      const { receivableId } = await offered(w);
      const claimed = await pay(w.anchor.admin, receivableId);
      const decisions = await Promise.all([decide(w.supplier.admin, claimed.body.id, 'acknowledge'), decide(w.bank.operations, claimed.body.id, 'confirm')]);
      expect(decisions.map((res) => res.status).sort()).toEqual([200, 409]);
      expect((await receivableState(receivableId)).payments).toBe(1);
    }
    for (let round = 0; round < 3; round += 1) {
      const { receivableId, offerId } = await offered(w);
      const [claim, acceptance] = await Promise.all([pay(w.anchor.admin, receivableId), post(w.supplier.admin, '/v1/financing-requests', { offerIds: [offerId] })]);
      // Whichever locks the receivable first wins; the other is refused with its reason, or, when the
      // two met in opposite lock order (a payment takes the program first, an acceptance its offer
      // and receivable first), PostgreSQL ends one of them as a deadlock: 409 concurrent_update, retryable.
      const outcome = [claim.status, claim.body.code, acceptance.status, acceptance.body.code];
      expect([
        [202, undefined, 409, 'offer_not_open'],
        [409, 'financing_pending', 201, undefined],
        [202, undefined, 409, 'concurrent_update'],
        [409, 'concurrent_update', 201, undefined],
      ]).toContainEqual(outcome);
      const [{ claims, financings }] = await platform.sql<{ claims: number; financings: number }>(
        `SELECT (SELECT count(*)::int FROM discharges WHERE receivable_id = $1 AND status = 'PENDING') AS claims,
                (SELECT count(*)::int FROM financing_items WHERE receivable_id = $1) AS financings`,
        [receivableId],
      );
      expect(claims + financings).toBe(1);
    }
  });
});
