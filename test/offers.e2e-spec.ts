jest.setTimeout(60_000);

import { JOBS } from '@scf/queue';
import {
  auth, CNY_TERMS, confirmedInvoice, createActiveProgram, createAnchor, createBank, createSupplier, enrolNewSupplier, JPY_TERMS, Session, Supplier,
} from './support/fixtures';
import {
  enqueue, offersOf, Parties, runJob, seedParties, seedReceivables, waitForJob,
} from './support/offers-fixtures';
import { seedEnrolment, seedProgram } from './support/program-seeds';
import { Platform, waitFor } from './support/platform';

describe('offers, priced by the worker', () => {
  let platform: Platform;
  let parties: Parties;
  let supplier: Supplier;

  beforeAll(async () => {
    platform = await Platform.start({ businessDate: '2026-03-01' });
    parties = await seedParties(platform);
    supplier = await createSupplier(platform);
  });
  afterAll(() => platform.stop());

  /** A CNY program of domain.md's first worked example, with the supplier enrolled. */
  async function cnyProgram(subLimit = '5000000.00') {
    const { id: programId } = await seedProgram(platform, parties.bank, parties.anchor.id);
    await seedEnrolment(platform, parties.bank, programId, supplier.id, subLimit);
    return programId;
  }

  const receivables = (programId: string, faces: string[], currency = 'CNY', dueDate = '2026-05-27') =>
    seedReceivables(platform, { programId, supplierId: supplier.id, anchorId: parties.anchor.id, currency, faces, dueDate });

  it('prices a confirmed CNY receivable exactly as domain.md’s first worked example', async () => {
    await platform.setBusinessDate('2026-03-01');
    const programId = await cnyProgram();
    const [receivableId] = await receivables(programId, ['1000000.00']);
    await runJob(platform, JOBS.GENERATE_OFFERS, { programId, receivableIds: [receivableId] });

    const list = await platform.http().get('/v1/offers').query({ programId }).set(auth(supplier.admin));
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ limit: 50, offset: 0, hasMore: false });
    expect(list.body.items).toEqual([
      {
        id: expect.any(String),
        receivableId,
        programId,
        currency: 'CNY',
        faceAmount: '1000000.00',
        advance: '900000.00',
        discount: '10983.75',
        fee: '900.00',
        netProceeds: '888116.25',
        annualRate: '0.0505',
        effectiveAnnualCost: '0.055369',
        tenorDays: 87,
        valueDate: '2026-03-01',
        maturityDate: '2026-05-27',
        expiresOn: '2026-03-04',
        status: 'OPEN',
      },
    ]);
    const one = await platform.http().get(`/v1/offers/${list.body.items[0].id}`).set(auth(supplier.admin));
    expect(one.status).toBe(200);
    expect(one.body).toEqual(list.body.items[0]);
  });

  it('prices a JPY receivable exactly as the second worked example, with no minor unit', async () => {
    await platform.setBusinessDate('2026-01-10');
    const { id: programId } = await seedProgram(platform, parties.bank, parties.anchor.id, JPY_TERMS);
    await seedEnrolment(platform, parties.bank, programId, supplier.id, '100000000');
    const [receivableId] = await receivables(programId, ['12345678'], 'JPY', '2026-02-24');
    // Without receivableIds: every receivable of the program that lacks an offer.
    await runJob(platform, JOBS.GENERATE_OFFERS, { programId });

    const list = await platform.http().get('/v1/offers').query({ programId }).set(auth(supplier.admin));
    expect(list.body.items).toEqual([
      expect.objectContaining({
        receivableId,
        currency: 'JPY',
        faceAmount: '12345678',
        advance: '12345678',
        discount: '34247',
        fee: '0',
        netProceeds: '12311431',
        annualRate: '0.0225',
        effectiveAnnualCost: '0.022563',
        tenorDays: 45,
        valueDate: '2026-01-10',
        maturityDate: '2026-02-24',
        expiresOn: '2026-01-13',
      }),
    ]);
  });

  it('keeps at most one open offer per receivable when the job runs twice at once', async () => {
    await platform.setBusinessDate('2026-03-01');
    const programId = await cnyProgram();
    const ids = await receivables(programId, ['1000.00', '2000.00', '3000.00']);
    const first = await enqueue(platform, JOBS.GENERATE_OFFERS, { programId, receivableIds: ids });
    const second = await enqueue(platform, JOBS.GENERATE_OFFERS, { programId });
    await waitForJob(platform, JOBS.GENERATE_OFFERS, first);
    await waitForJob(platform, JOBS.GENERATE_OFFERS, second);
    await runJob(platform, JOBS.GENERATE_OFFERS, { programId });

    const offers = await offersOf(platform, programId);
    expect(offers).toHaveLength(3);
    expect(new Set(offers.map((o) => o.receivable_id))).toEqual(new Set(ids));
    expect(offers.every((o) => o.status === 'OPEN')).toBe(true);
  });

  it('issues no offer whose advance exceeds the availability, nor outside the tenor range', async () => {
    await platform.setBusinessDate('2026-03-01');
    const programId = await cnyProgram('1000000.00');
    const [fits, tooLarge] = await receivables(programId, ['1000000.00', '1200000.00']);
    const [tooShort] = await receivables(programId, ['1000.00'], 'CNY', '2026-03-05');
    const [tooLong] = await receivables(programId, ['1000.00'], 'CNY', '2026-12-31');
    await runJob(platform, JOBS.GENERATE_OFFERS, { programId, receivableIds: [fits, tooLarge, tooShort, tooLong] });

    const offers = await offersOf(platform, programId);
    expect(offers.map((o) => [o.receivable_id, o.advance])).toEqual([[fits, '900000.0000']]);
  });

  it('re-prices daily for the new value date, expires stale offers, and does nothing twice for one date', async () => {
    await platform.setBusinessDate('2026-03-01');
    const programId = await cnyProgram();
    const [receivableId] = await receivables(programId, ['1000000.00']);
    await runJob(platform, JOBS.GENERATE_OFFERS, { programId });

    await platform.setBusinessDate('2026-03-02');
    await runJob(platform, JOBS.DAILY_OFFERS, {});
    let offers = await offersOf(platform, programId);
    expect(offers.map((o) => [o.status, o.value_date, o.tenor_days, o.discount, o.net_proceeds, o.expires_on])).toEqual([
      ['SUPERSEDED', '2026-03-01', 87, '10983.7500', '888116.2500', '2026-03-04'],
      ['OPEN', '2026-03-02', 86, '10857.5000', '888242.5000', '2026-03-05'],
    ]);
    const [run] = await platform.sql(
      `SELECT count(*)::int AS runs FROM end_of_day_runs WHERE job_name = $1 AND program_id = $2 AND business_date = '2026-03-02'`,
      [JOBS.DAILY_OFFERS, programId],
    );
    expect(run).toEqual({ runs: 1 });

    // The same business date again (a retried or duplicated schedule): nothing changes.
    expect(await runJob(platform, JOBS.DAILY_OFFERS, { businessDate: '2026-03-02' })).toEqual({ businessDate: '2026-03-02', skipped: true });
    expect(await offersOf(platform, programId)).toEqual(offers);

    // Days without a run: the 2026-03-02 offer expired on 03-05; a fresh one is priced for 03-06.
    await platform.setBusinessDate('2026-03-06');
    await runJob(platform, JOBS.DAILY_OFFERS, {});
    offers = await offersOf(platform, programId);
    expect(offers.map((o) => [o.status, o.value_date, o.discount])).toEqual([
      ['SUPERSEDED', '2026-03-01', '10983.7500'],
      ['EXPIRED', '2026-03-02', '10857.5000'],
      ['OPEN', '2026-03-06', '10352.5000'],
    ]);
    expect(offers.filter((o) => o.status === 'OPEN').map((o) => o.receivable_id)).toEqual([receivableId]);
  });

  it('re-prices a program after a pricing change: old offers superseded, new ones at the new rate', async () => {
    await platform.setBusinessDate('2026-03-01');
    const programId = await cnyProgram();
    await receivables(programId, ['1000000.00']);
    await runJob(platform, JOBS.GENERATE_OFFERS, { programId });

    await platform.sql(`UPDATE programs SET margin = '0.0220', pricing_version = pricing_version + 1 WHERE id = $1`, [programId]);
    await runJob(platform, JOBS.REPRICE_PROGRAM, { programId, pricingVersion: 2 });
    const offers = await offersOf(platform, programId);
    expect(offers.map((o) => [o.status, o.pricing_version, o.discount, o.net_proceeds])).toEqual([
      ['SUPERSEDED', 1, '10983.7500', '888116.2500'],
      ['OPEN', 2, '13158.7500', '885941.2500'],
    ]);
    const list = await platform.http().get('/v1/offers').query({ programId }).set(auth(supplier.admin));
    expect(list.body.items.map((o: { annualRate: string; effectiveAnnualCost: string }) => [o.annualRate, o.effectiveAnnualCost])).toEqual([
      ['0.0605', '0.065664'],
    ]);
  });

  it('shows offers to the supplier and the program’s bank only, filtered, sorted and paged; the anchor is refused its suppliers’ price', async () => {
    await platform.setBusinessDate('2026-03-01');
    const programId = await cnyProgram();
    await receivables(programId, ['3000.00'], 'CNY', '2026-04-30');
    await receivables(programId, ['1000.00'], 'CNY', '2026-05-29');
    await receivables(programId, ['2000.00'], 'CNY', '2026-06-30');
    await runJob(platform, JOBS.GENERATE_OFFERS, { programId });
    const faces = (res: { body: { items: { faceAmount: string }[] } }) => res.body.items.map((o) => o.faceAmount);
    const list = (session: Session, query: Record<string, unknown> = {}) =>
      platform.http().get('/v1/offers').query({ programId, ...query }).set(auth(session));

    expect(faces(await list(supplier.admin))).toEqual(['3000.00', '1000.00', '2000.00']);
    expect(faces(await list(supplier.admin, { sort: '-netProceeds' }))).toEqual(['3000.00', '2000.00', '1000.00']);
    expect(faces(await list(supplier.admin, { maturityFrom: '2026-05-01', maturityTo: '2026-06-01' }))).toEqual(['1000.00']);
    const page = await list(supplier.admin, { limit: 2, offset: 0 });
    expect([faces(page), page.body.hasMore]).toEqual([['3000.00', '1000.00'], true]);
    expect(faces(await list(parties.bank.operations))).toEqual(['3000.00', '1000.00', '2000.00']);
    const byAnchor = await list(parties.anchor.admin);
    expect([byAnchor.status, byAnchor.body.code]).toEqual([403, 'role_required']);
    expect(faces(await list(supplier.admin, { status: 'EXPIRED' }))).toEqual([]);

    const stranger = await createSupplier(platform);
    const otherParties = await seedParties(platform);
    expect(faces(await list(stranger.admin))).toEqual([]);
    expect(faces(await list(otherParties.bank.operations))).toEqual([]);
    const [offer] = (await list(supplier.admin)).body.items;
    for (const session of [stranger.admin, otherParties.bank.operations]) {
      const res = await platform.http().get(`/v1/offers/${offer.id}`).set(auth(session));
      expect([res.status, res.body.code]).toEqual([404, 'not_found']);
    }
    // Its own program's offer or another's: the anchor reads no offer, so it learns nothing of either.
    for (const session of [parties.anchor.admin, otherParties.anchor.admin]) {
      const res = await platform.http().get(`/v1/offers/${offer.id}`).set(auth(session));
      expect([res.status, res.body.code]).toEqual([403, 'role_required']);
    }
    expect((await platform.http().get(`/v1/offers/${offer.id}`).set(auth(parties.bank.operations))).status).toBe(200);

    const badSort = await list(supplier.admin, { sort: 'advance; DROP TABLE offers' });
    expect([badSort.status, badSort.body.violations?.[0]?.field]).toEqual([400, 'sort']);
    const badDate = await list(supplier.admin, { maturityFrom: '2026-02-30' });
    expect([badDate.status, badDate.body.code]).toEqual([400, 'date_invalid']);
    const badId = await platform.http().get('/v1/offers/not-a-uuid').set(auth(supplier.admin));
    expect([badId.status, badId.body.code]).toEqual([400, 'id_malformed']);
    expect((await platform.http().get('/v1/offers')).status).toBe(401);
  });

  it('opens the worked-example offer once the anchor confirms an invoice through the API', async () => {
    await platform.setBusinessDate('2026-03-01');
    const bank = await createBank(platform);
    const anchor = await createAnchor(platform, bank);
    const program = await createActiveProgram(platform, bank, anchor.id, CNY_TERMS);
    const invited = await enrolNewSupplier(platform, bank, anchor, program.id, '2000000.00');
    const { receivableId } = await confirmedInvoice(platform, invited.admin, anchor.admin, program.id, {
      amount: '1000000.00', currency: 'CNY', issueDate: '2026-02-01', dueDate: '2026-05-27',
    });

    const offers = await waitFor(async () => {
      const res = await platform.http().get('/v1/offers').set(auth(invited.admin));
      return res.body.items?.length ? res.body.items : undefined;
    });
    expect(offers).toEqual([
      expect.objectContaining({
        receivableId, programId: program.id, advance: '900000.00', discount: '10983.75', fee: '900.00', netProceeds: '888116.25',
        valueDate: '2026-03-01', expiresOn: '2026-03-04', status: 'OPEN',
      }),
    ]);
  });
});
