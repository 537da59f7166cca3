jest.setTimeout(90_000);

import { PoolClient } from 'pg';
import { Decimal, priceOffer } from '@scf/core';
import { JOBS } from '@scf/queue';
import { CNY_TERMS } from './support/fixtures';
import { enqueue, Parties, seedParties, seedReceivables, waitForJob } from './support/offers-fixtures';
import { seedEnrolment, seedProgram } from './support/program-seeds';
import { createSupplier, Supplier } from './support/fixtures';
import { Platform, waitFor } from './support/platform';

const RECEIVABLES = 10_000;

describe('the worker', () => {
  let platform: Platform;
  let parties: Parties;
  let supplier: Supplier;

  beforeAll(async () => {
    // Short job locks: a job held by a killed worker runs again within seconds.
    platform = await Platform.start({ businessDate: '2026-03-01', env: { WORKER_LOCK_MS: '2000' } });
    parties = await seedParties(platform);
    supplier = await createSupplier(platform);
  });
  afterAll(() => platform.stop());

  /** A program with 10,000 distinct receivables and the totals one undisturbed run must produce. */
  async function bigProgram() {
    const { id: programId } = await seedProgram(platform, parties.bank, parties.anchor.id, { limitAmount: '900000000000.00' });
    await seedEnrolment(platform, parties.bank, programId, supplier.id, '900000000000.00');
    const faces = Array.from({ length: RECEIVABLES }, (_, i) => new Decimal(10_000).plus(new Decimal(i).times('7.31')).toFixed(2));
    const dueDates = faces.map((_, i) => `2026-${String(4 + (i % 3)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`);
    const receivableIds = await seedReceivables(platform, { programId, supplierId: supplier.id, anchorId: parties.anchor.id, currency: 'CNY', faces, dueDates });
    const expected = { count: RECEIVABLES, advance: new Decimal(0), discount: new Decimal(0), netProceeds: new Decimal(0) };
    faces.forEach((face, i) => {
      const p = priceOffer({
        face, currency: 'CNY', advanceRate: CNY_TERMS.advanceRate, baseRate: CNY_TERMS.baseRate, margin: CNY_TERMS.margin,
        feeRate: CNY_TERMS.feeRate, valueDate: '2026-03-01', maturityDate: dueDates[i], basis: CNY_TERMS.dayCountBasis,
      });
      expected.advance = expected.advance.plus(p.advance);
      expected.discount = expected.discount.plus(p.discount);
      expected.netProceeds = expected.netProceeds.plus(p.netProceeds);
    });
    return { programId, receivableIds, expected: { ...expected, advance: expected.advance.toFixed(2), discount: expected.discount.toFixed(2), netProceeds: expected.netProceeds.toFixed(2) } };
  }

  /** What is in the database for the program: one open offer per receivable, and their totals. */
  async function outcome(programId: string) {
    const [row] = await platform.sql<{ count: number; receivables: number; open: number; advance: string; discount: string; net_proceeds: string }>(
      `SELECT count(*)::int AS count, count(DISTINCT receivable_id)::int AS receivables, count(*) FILTER (WHERE status = 'OPEN')::int AS open,
              sum(advance)::numeric(22,2)::text AS advance, sum(discount)::numeric(22,2)::text AS discount,
              sum(net_proceeds)::numeric(22,2)::text AS net_proceeds
         FROM offers WHERE program_id = $1`,
      [programId],
    );
    return { count: row.count, receivables: row.receivables, open: row.open, advance: row.advance, discount: row.discount, netProceeds: row.net_proceeds };
  }

  const undisturbed = (expected: { count: number; advance: string; discount: string; netProceeds: string }) => ({
    count: expected.count, receivables: expected.count, open: expected.count,
    advance: expected.advance, discount: expected.discount, netProceeds: expected.netProceeds,
  });

  const openOffers = async (programId: string) =>
    (await platform.sql<{ n: number }>(`SELECT count(*)::int AS n FROM offers WHERE program_id = $1 AND status = 'OPEN'`, [programId]))[0].n;

  /**
   * Holds an uncommitted open offer on one receivable of the second chunk: the generator's insert
   * of that chunk waits on it, so a test can act while a job is provably half done.
   */
  async function blockSecondChunk(programId: string, receivableIds: string[]): Promise<PoolClient> {
    const blocked = [...receivableIds].sort()[7_000];
    const client = await platform.db.connect();
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO offers (receivable_id, program_id, enrolment_id, supplier_id, currency, face_amount, advance, discount, fee,
                           net_proceeds, annual_rate, effective_annual_cost, tenor_days, value_date, maturity_date, expires_on,
                           pricing_version, status)
       SELECT r.id, r.program_id, e.id, r.supplier_id, r.currency, r.face_amount, 1, 0, 0, 1, 0, 0, 1, '2026-03-01', r.due_date, '2026-03-01', 1, 'OPEN'
         FROM receivables r JOIN enrolments e ON e.program_id = r.program_id AND e.supplier_id = r.supplier_id WHERE r.id = $1`,
      [blocked],
    );
    return client;
  }

  it('produces with two workers side by side exactly the offers one would', async () => {
    const second = await platform.startWorker();
    const { programId, expected } = await bigProgram();
    const jobs = await Promise.all([
      enqueue(platform, JOBS.GENERATE_OFFERS, { programId }),
      enqueue(platform, JOBS.GENERATE_OFFERS, { programId }),
      enqueue(platform, JOBS.REPRICE_PROGRAM, { programId, pricingVersion: 1 }),
      enqueue(platform, JOBS.GENERATE_OFFERS, { programId }),
    ]);
    for (const jobId of jobs) await waitForJob(platform, JOBS.GENERATE_OFFERS, jobId);
    expect(await outcome(programId)).toEqual(undisturbed(expected));
    await platform.stopWorker(second);
    expect(second.exitCode).toBe(0);
  });

  it('finishes after being killed mid-run and restarted, as if undisturbed', async () => {
    const { programId, receivableIds, expected } = await bigProgram();
    const blocker = await blockSecondChunk(programId, receivableIds);
    try {
      const jobId = await enqueue(platform, JOBS.GENERATE_OFFERS, { programId });
      // The first chunk is committed, the second waits on the blocker: the job is half done.
      await waitFor(async () => (await openOffers(programId)) === 5_000, 30_000);
      const [worker] = platform.workers;
      await platform.stopWorker(worker, 'SIGKILL');
      expect(worker.signalCode).toBe('SIGKILL');
      await blocker.query('ROLLBACK');

      await platform.startWorker();
      await waitForJob(platform, JOBS.GENERATE_OFFERS, jobId, 45_000);
      expect(await outcome(programId)).toEqual(undisturbed(expected));
    } finally {
      blocker.release();
    }
  });

  it('drains on SIGTERM: the job in flight completes, then the process exits 0', async () => {
    const { programId, receivableIds, expected } = await bigProgram();
    const blocker = await blockSecondChunk(programId, receivableIds);
    try {
      const jobId = await enqueue(platform, JOBS.GENERATE_OFFERS, { programId });
      await waitFor(async () => (await openOffers(programId)) === 5_000, 30_000);
      const [worker] = platform.workers;
      const stopped = platform.stopWorker(worker, 'SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(worker.exitCode).toBeNull();
      await blocker.query('ROLLBACK');
      await stopped;
      expect(worker.exitCode).toBe(0);
      expect(await outcome(programId)).toEqual(undisturbed(expected));

      // Completed before the exit, so no other worker runs it again.
      await platform.startWorker();
      expect(await waitForJob(platform, JOBS.GENERATE_OFFERS, jobId)).toEqual({ opened: RECEIVABLES });
    } finally {
      blocker.release();
    }
  });
});
