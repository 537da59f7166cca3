jest.setTimeout(90_000);

import { randomUUID } from 'node:crypto';
import { addDays, todayIn } from '@scf/core';
import { JOBS } from '@scf/queue';
import { auth, Bank, CNY_TERMS, createSupplier, ensureCalendar, Session, Supplier } from './support/fixtures';
import { seedOfferedReceivable } from './support/financing-fixtures';
import { offersOf, runJob, seedParties, seedReceivables } from './support/offers-fixtures';
import { seedEnrolment, seedProgram } from './support/program-seeds';
import { Platform, waitFor } from './support/platform';

type Holiday = { date: string; name?: string };

const upload = (platform: Platform, bank: Bank, code: string, holidays: Holiday[]) =>
  platform.http().post(`/v1/calendars/${code}/holidays`).set(auth(bank.operations)).send({ holidays });

describe('business days, with the manual clock on Sunday 2026-03-01', () => {
  let platform: Platform;
  let supplier: Supplier;

  beforeAll(async () => {
    platform = await Platform.start({ businessDate: '2026-03-01' });
    supplier = await createSupplier(platform);
  });
  afterAll(() => platform.stop());

  /** A bank with a CN calendar (Saturday, Sunday and May Day week) and a CNY program on it, the supplier enrolled. */
  async function cnProgram() {
    const parties = await seedParties(platform);
    await ensureCalendar(platform, parties.bank, 'CN', [6, 7]);
    const loaded = await upload(platform, parties.bank, 'CN', [
      { date: '2026-05-01', name: 'Labour Day' }, { date: '2026-05-04', name: 'Labour Day' }, { date: '2026-05-05', name: 'Labour Day' },
    ]);
    expect(loaded.status).toBe(200);
    const { id: programId } = await seedProgram(platform, parties.bank, parties.anchor.id, CNY_TERMS, 'CN');
    await seedEnrolment(platform, parties.bank, programId, supplier.id, '5000000.00');
    return { ...parties, programId };
  }

  const openOffers = async (programId: string) =>
    Object.fromEntries(
      (await platform.http().get('/v1/offers').query({ programId, status: 'OPEN' }).set(auth(supplier.admin))).body.items.map(
        (o: Record<string, string>) => [o.receivableId, o],
      ),
    ) as Record<string, Record<string, string | number>>;

  it('prices offers on adjusted dates: value date Monday, maturities by modified following, tenor between them', async () => {
    const { programId, anchor } = await cnProgram();
    const [monthEnd, holiday, plain] = await seedReceivables(platform, {
      programId, supplierId: supplier.id, anchorId: anchor.id, currency: 'CNY',
      faces: ['1000000.00', '1000000.00', '1000000.00'],
      dueDates: ['2026-05-30', '2026-05-01', '2026-05-27'],
    });
    await runJob(platform, JOBS.GENERATE_OFFERS, { programId });

    const offers = await openOffers(programId);
    const terms = (id: string) => {
      const o = offers[id];
      return [o.valueDate, o.maturityDate, o.tenorDays, o.advance, o.discount, o.fee, o.netProceeds];
    };
    // Saturday 2026-05-30: Monday is in June, so back to Friday 29th. d = 88; D = 900,000 × 0.0505 × 88 / 360.
    expect(terms(monthEnd)).toEqual(['2026-03-02', '2026-05-29', 88, '900000.00', '11110.00', '900.00', '887990.00']);
    // Labour Day Friday, the weekend, then two more holidays: Wednesday 2026-05-06; d = 65.
    expect(terms(holiday)).toEqual(['2026-03-02', '2026-05-06', 65, '900000.00', '8206.25', '900.00', '890893.75']);
    // A business day stays; only the value date moved (d = 86 instead of domain.md's 87).
    expect(terms(plain)).toEqual(['2026-03-02', '2026-05-27', 86, '900000.00', '10857.50', '900.00', '888242.50']);
    expect(offers[plain].expiresOn).toBe('2026-03-04');
  });

  it('re-prices the offers a newly loaded holiday touches, once; the same upload again changes nothing', async () => {
    const { programId, anchor, bank } = await cnProgram();
    const [monthEnd, plain] = await seedReceivables(platform, {
      programId, supplierId: supplier.id, anchorId: anchor.id, currency: 'CNY', faces: ['1000000.00', '1000000.00'],
      dueDates: ['2026-05-30', '2026-05-27'],
    });
    await runJob(platform, JOBS.GENERATE_OFFERS, { programId });
    const before = await openOffers(programId);

    const added = await upload(platform, bank, 'CN', [{ date: '2026-05-29', name: 'bridge day' }, { date: '2026-05-01' }]);
    expect([added.status, added.body.added]).toEqual([200, ['2026-05-29']]);
    expect(added.body.calendar.holidays.map((h: Holiday) => h.date)).toEqual(['2026-05-01', '2026-05-04', '2026-05-05', '2026-05-29']);
    // Friday 29th is now a holiday: Thursday 28th, d = 87.
    const repriced = await waitFor(async () => {
      const offers = await openOffers(programId);
      return offers[monthEnd]?.maturityDate === '2026-05-28' && offers;
    });
    expect([repriced[monthEnd].tenorDays, repriced[monthEnd].netProceeds]).toEqual([87, '888116.25']);
    // The other offer's dates did not move: it is the same offer.
    expect(repriced[plain].id).toBe(before[plain].id);

    const again = await upload(platform, bank, 'CN', [{ date: '2026-05-29', name: 'bridge day' }]);
    expect([again.status, again.body.added]).toEqual([200, []]);
    const events = await platform.sql<{ action: string; after: { holidays: string[] } }>(
      `SELECT action, after FROM business_events WHERE chain_id = $1 AND action = 'calendar.holidays.added' ORDER BY seq`,
      [bank.id],
    );
    expect(events.map((e) => e.after.holidays)).toEqual([['2026-05-01', '2026-05-04', '2026-05-05'], ['2026-05-29']]);

    // Monday 2026-03-02 a holiday too: every offer is valued on Tuesday.
    expect((await upload(platform, bank, 'CN', [{ date: '2026-03-02' }])).body.added).toEqual(['2026-03-02']);
    const tuesday = await waitFor(async () => {
      const offers = await openOffers(programId);
      return Object.values(offers).every((o) => o.valueDate === '2026-03-03') && offers;
    });
    expect([tuesday[monthEnd].tenorDays, tuesday[plain].tenorDays]).toEqual([86, 85]);
    expect((await offersOf(platform, programId)).filter((o) => o.status === 'OPEN')).toHaveLength(2);
  });

  it("funds on the program's value date: Monday when disbursed on Sunday, never on a day off", async () => {
    const { programId, anchor, bank } = await cnProgram();
    const { offerId } = await seedOfferedReceivable(
      platform, { id: programId, currency: 'CNY' }, { supplierId: supplier.id, anchorId: anchor.id },
      { amount: '1000000.00', issueDate: '2026-02-01', dueDate: '2026-05-27' }, '2026-03-02',
    );
    const post = (session: Session, path: string, body: object = {}) =>
      platform.http().post(path).set(auth(session)).set('Idempotency-Key', randomUUID()).send(body);
    const requested = await post(supplier.admin, '/v1/financing-requests', { offerIds: [offerId] });
    expect([requested.status, requested.body.status]).toEqual([201, 'APPROVED']);

    const saturday = await post(bank.operations, `/v1/financing-requests/${requested.body.id}/fund`, { valueDate: '2026-03-07' });
    expect([saturday.status, saturday.body.code, saturday.body.field]).toEqual([400, 'value_date_not_business_day', 'valueDate']);
    const funded = await post(bank.operations, `/v1/financing-requests/${requested.body.id}/fund`);
    expect(funded.body).toMatchObject({ status: 'FUNDED', valueDate: '2026-03-02', totalDiscount: '10857.50', totalNetProceeds: '888242.50' });
  });

  it('runs end of day once per program and business date, recording it per program', async () => {
    const { programId, anchor } = await cnProgram();
    await seedReceivables(platform, { programId, supplierId: supplier.id, anchorId: anchor.id, currency: 'CNY', faces: ['1000.00'], dueDate: '2026-05-27' });
    await platform.setBusinessDate('2026-03-07');
    const first = (await runJob(platform, JOBS.DAILY_OFFERS, {})) as { programs: number; opened: number };
    expect(first.programs).toBeGreaterThanOrEqual(1);
    // Saturday the 7th values on Monday the 9th.
    expect((await offersOf(platform, programId)).map((o) => [o.status, o.value_date])).toEqual([['OPEN', '2026-03-09']]);
    expect(await runJob(platform, JOBS.DAILY_OFFERS, {})).toEqual({ skipped: true });
    await runJob(platform, JOBS.DAILY_FINANCING, {});
    const runs = await platform.sql<{ job_name: string; business_date: string }>(
      `SELECT job_name, business_date::text FROM end_of_day_runs WHERE program_id = $1 ORDER BY job_name, business_date`,
      [programId],
    );
    expect(runs.map((r) => [r.job_name, r.business_date])).toEqual([
      [JOBS.DAILY_FINANCING, '2026-03-07'],
      [JOBS.DAILY_OFFERS, '2026-03-07'],
    ]);
    // Sunday: the value date is still Monday the 9th, so the offer stands.
    await platform.setBusinessDate('2026-03-08');
    await runJob(platform, JOBS.DAILY_OFFERS, {});
    expect((await offersOf(platform, programId)).map((o) => [o.status, o.value_date])).toEqual([['OPEN', '2026-03-09']]);
    await platform.setBusinessDate('2026-03-01');
  });

  it("leaves a program's end of day to the run that claimed it first: a concurrent run waits, then skips it", async () => {
    const parties = await seedParties(platform);
    const { id: programId } = await seedProgram(platform, parties.bank, parties.anchor.id, { ...CNY_TERMS, validTo: '2026-03-05' });
    const claimant = await platform.db.connect();
    try {
      await claimant.query('BEGIN');
      await claimant.query(`INSERT INTO end_of_day_runs (job_name, program_id, business_date) VALUES ($1, $2, '2026-03-10')`, [
        JOBS.DAILY_FINANCING,
        programId,
      ]);
      const job = runJob(platform, JOBS.DAILY_FINANCING, { businessDate: '2026-03-10' });
      await waitFor(async () => {
        const [blocked] = await platform.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO end_of_day_runs%'`,
        );
        return blocked.n === 1;
      });
      await claimant.query('COMMIT');
      await job;
    } finally {
      claimant.release();
    }
    // The claimant's run owns the day: this one did not expire the program behind its back.
    const [program] = await platform.sql<{ status: string }>(`SELECT status FROM programs WHERE id = $1`, [programId]);
    expect(program.status).toBe('ACTIVE');
    await runJob(platform, JOBS.DAILY_FINANCING, { businessDate: '2026-03-11' });
    expect((await platform.sql<{ status: string }>(`SELECT status FROM programs WHERE id = $1`, [programId]))[0].status).toBe('EXPIRED');
  });

  it('lets bank staff keep their own calendars only, and refuses bad input without changing anything', async () => {
    const { bank, anchor } = await seedParties(platform);
    const other = await seedParties(platform);
    const post = (session = bank.operations, body: object = { code: 'HK', name: 'Hong Kong' }) =>
      platform.http().post('/v1/calendars').set(auth(session)).send(body);

    const created = await post();
    expect([created.status, created.body]).toEqual([201, { code: 'HK', name: 'Hong Kong', weekendDays: [6, 7], holidays: [] }]);
    expect([(await post()).status, (await post()).body.code]).toEqual([409, 'calendar_exists']);
    expect((await post(anchor.admin)).status).toBe(403);
    expect((await platform.http().get('/v1/calendars').set(auth(supplier.admin))).status).toBe(403);
    const badCode = await post(bank.operations, { code: 'hk', name: 'x' });
    expect([badCode.status, badCode.body.code, badCode.body.field]).toEqual([400, 'calendar_code_invalid', 'code']);
    const allWeek = await post(bank.operations, { code: 'NONE', name: 'x', weekendDays: [1, 2, 3, 4, 5, 6, 7] });
    expect([allWeek.status, allWeek.body.violations?.[0]?.field]).toEqual([400, 'weekendDays']);

    expect((await upload(platform, bank, 'HK', [{ date: '2026-10-01' }])).status).toBe(200);
    const badDate = await upload(platform, bank, 'HK', [{ date: '2026-12-25' }, { date: '2026-02-30' }]);
    expect([badDate.status, badDate.body.code, badDate.body.field]).toEqual([400, 'date_invalid', 'holidays[1].date']);
    const twice = await upload(platform, bank, 'HK', [{ date: '2026-12-25' }, { date: '2026-12-25' }]);
    expect([twice.status, twice.body.code]).toEqual([400, 'holiday_duplicate']);
    const shown = await platform.http().get('/v1/calendars/HK').set(auth(bank.checker));
    expect(shown.body.holidays).toEqual([{ date: '2026-10-01', name: '' }]);
    expect((await platform.http().get('/v1/calendars/HK').query({ from: '2026-11-01' }).set(auth(bank.checker))).body.holidays).toEqual([]);

    // Another bank neither sees nor uses it.
    expect((await platform.http().get('/v1/calendars/HK').set(auth(other.bank.operations))).status).toBe(404);
    expect((await upload(platform, other.bank, 'HK', [{ date: '2026-12-25' }])).status).toBe(404);
    expect((await platform.http().get('/v1/calendars').set(auth(other.bank.operations))).body).toEqual([]);
    const program = (body: object) =>
      platform.http().post('/v1/programs').set(auth(other.bank.maker)).send({ name: 'p', anchorId: other.anchor.id, ...CNY_TERMS, ...body });
    const foreign = await program({ calendarCode: 'HK' });
    expect([foreign.status, foreign.body.field]).toEqual([404, 'calendarCode']);
  });

  it('gives a new program its currency\'s business zone and country calendar unless the maker names them', async () => {
    const { bank, anchor } = await seedParties(platform);
    const create = (body: object) =>
      platform.http().post('/v1/programs').set(auth(bank.maker)).send({ name: `p ${randomUUID()}`, anchorId: anchor.id, ...CNY_TERMS, ...body });

    const cny = await create({});
    expect([cny.status, cny.body.timeZone, cny.body.calendarCode]).toEqual([201, 'Asia/Shanghai', 'CN']);
    const usd = await create({ currency: 'USD' });
    expect([usd.body.timeZone, usd.body.calendarCode]).toEqual(['America/New_York', 'US']);
    const named = await create({ timeZone: 'Asia/Hong_Kong', calendarCode: 'CN' });
    expect([named.body.timeZone, named.body.calendarCode]).toEqual(['Asia/Hong_Kong', 'CN']);
    const calendars = await platform.http().get('/v1/calendars').set(auth(bank.operations));
    expect(calendars.body).toEqual([
      { code: 'CN', name: 'CN business days', weekendDays: [6, 7], holidays: [] },
      { code: 'US', name: 'US business days', weekendDays: [6, 7], holidays: [] },
    ]);

    const count = async () => (await platform.sql<{ n: number }>(`SELECT count(*)::int AS n FROM programs WHERE bank_id = $1`, [bank.id]))[0].n;
    const before = await count();
    const noZone = await create({ currency: 'XAF', limitAmount: '10000000', autoApprovalThreshold: '1000000' });
    expect([noZone.status, noZone.body.code, noZone.body.field]).toEqual([400, 'time_zone_required', 'timeZone']);
    const offset = await create({ timeZone: '+08:00' });
    expect([offset.status, offset.body.code, offset.body.field]).toEqual([400, 'time_zone_invalid', 'timeZone']);
    const missing = await create({ calendarCode: 'JP' });
    expect([missing.status, missing.body.field]).toEqual([404, 'calendarCode']);
    expect(await count()).toBe(before);
  });
});

describe('business days, with the system clock', () => {
  let platform: Platform;
  let supplier: Supplier;

  beforeAll(async () => {
    platform = await Platform.start({ env: { CLOCK: 'system', END_OF_DAY_TICK_SECONDS: '1' } });
    supplier = await createSupplier(platform);
  });
  afterAll(() => platform.stop());

  /** A program doing business in `timeZone`, the supplier enrolled. */
  async function programIn(timeZone: string, validity: { validFrom?: string; validTo?: string } = {}) {
    const parties = await seedParties(platform);
    // In its zone from the start: the worker's tick may take it up at once.
    const { id } = await seedProgram(platform, parties.bank, parties.anchor.id, { ...CNY_TERMS, ...validity, timeZone });
    await seedEnrolment(platform, parties.bank, id, supplier.id, '5000000.00');
    return id;
  }

  it("runs each program's end of day by the worker's tick, once, for the date in the program's own zone", async () => {
    // UTC+14 and UTC−11: at any instant at least one of them is on another date than UTC.
    const east = await programIn('Pacific/Kiritimati');
    const west = await programIn('Pacific/Pago_Pago');
    const runs = () =>
      platform.sql<{ program_id: string; job_name: string; business_date: string }>(
        `SELECT program_id, job_name, business_date::text FROM end_of_day_runs WHERE program_id = ANY($1::uuid[]) ORDER BY job_name, program_id`,
        [[east, west]],
      );
    await waitFor(async () => (await runs()).length === 4, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const expected = [east, west].map((id) => [id, id === east ? todayIn('Pacific/Kiritimati') : todayIn('Pacific/Pago_Pago')]);
    expect((await runs()).map((r) => [r.job_name, r.program_id, r.business_date])).toEqual(
      [JOBS.DAILY_FINANCING, JOBS.DAILY_OFFERS].flatMap((job) => [...expected].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([id, date]) => [job, id, date])),
    );
  });

  it("judges a program's validity by the date in its zone, not the UTC date", async () => {
    const utc = todayIn('UTC');
    // Whichever zone is on another date than UTC now: the program's validity starts or ends on that local date.
    const ahead = todayIn('Pacific/Kiritimati') !== utc;
    const zone = ahead ? 'Pacific/Kiritimati' : 'Pacific/Pago_Pago';
    const local = todayIn(zone);
    const programId = await programIn(zone, ahead ? { validFrom: local, validTo: addDays(local, 365) } : { validFrom: addDays(local, -365), validTo: local });

    const submitted = await platform.http().post('/v1/invoices').set(auth(supplier.admin)).send({
      programId, invoiceNumber: `INV-${randomUUID().slice(0, 8)}`, currency: 'CNY', amount: '1000.00',
      issueDate: addDays(local, -10), dueDate: addDays(local, 60),
    });
    expect([submitted.status, submitted.body.code]).toEqual([201, undefined]);
  });
});
