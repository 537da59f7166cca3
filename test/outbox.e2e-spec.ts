import { ChildProcess, spawn } from 'node:child_process';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Platform, waitFor } from './support/platform';
import { auth, CNY_TERMS, confirmedInvoice, createActiveProgram, createAnchor, createBank, enrolNewSupplier } from './support/fixtures';

/**
 * Nothing is lost between the database and the queue: with Redis down, confirmations still
 * succeed and their jobs wait in the outbox; when Redis is back the relay delivers them.
 * This file runs its own Redis server so stopping it disturbs no other test.
 */
const PORT = 6400 + (process.pid % 500);

function startRedis(): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  return waitFor(async () => {
    const probe = new Redis({ port: PORT, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG' && child;
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  }, 10_000);
}

async function stopRedis(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('outbox', () => {
  let platform: Platform;
  let redis: ChildProcess;

  beforeAll(async () => {
    redis = await startRedis();
    platform = await Platform.start({ businessDate: '2026-03-01', env: { REDIS_URL: `redis://127.0.0.1:${PORT}/0` } });
  });
  afterAll(async () => {
    await platform.stop();
    if (redis.exitCode === null) await stopRedis(redis);
  });

  it('confirms invoices while Redis is down and generates every offer once it is back', async () => {
    const bank = await createBank(platform);
    const anchor = await createAnchor(platform, bank);
    const program = await createActiveProgram(platform, bank, anchor.id, CNY_TERMS);
    const supplier = await enrolNewSupplier(platform, bank, anchor, program.id, '5000000.00');

    await stopRedis(redis);
    const confirmed = [];
    for (let i = 0; i < 5; i++) {
      confirmed.push(
        await confirmedInvoice(platform, supplier.admin, anchor.admin, program.id, { amount: '100000.00', currency: 'CNY', issueDate: '2026-02-01', dueDate: '2026-05-27' }),
      );
    }
    const pending = await platform.sql<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL`);
    expect(pending[0].n).toBeGreaterThanOrEqual(5);
    expect(await platform.sql(`SELECT 1 FROM offers WHERE status = 'OPEN'`)).toHaveLength(0);

    redis = await startRedis();
    const offers = await waitFor(async () => {
      const rows = await platform.sql<{ receivable_id: string }>(`SELECT receivable_id FROM offers WHERE status = 'OPEN'`);
      return rows.length === 5 && rows;
    }, 60_000);
    expect(new Set(offers.map((o) => o.receivable_id))).toEqual(new Set(confirmed.map((c) => c.receivableId)));
    const listed = await platform.http().get('/v1/offers').set(auth(supplier.admin));
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(5);
    expect(listed.body.items[0]).toMatchObject({ advance: '90000.00', currency: 'CNY' });
  });

  it('relays safely from several processes: each outbox row is delivered and marked once', async () => {
    const extra = await platform.startWorker();
    const rows = Array.from({ length: 300 }, (_, i) => `('offers', 'offers.generate', '{"programId":"00000000-0000-0000-0000-${String(i).padStart(12, '0')}"}')`);
    await platform.sql(`INSERT INTO outbox (queue, job_name, payload) VALUES ${rows.join(',')}`);
    await waitFor(async () => (await platform.sql<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL`))[0].n === 0, 30_000);
    await platform.stopWorker(extra);
    const queue = new Queue('offers', { connection: { port: PORT }, prefix: platform.queuePrefix });
    try {
      const jobs = await queue.getJobs(['completed', 'active', 'waiting', 'delayed', 'failed'], 0, 5000);
      const fromThisBatch = jobs.filter((job) => String(job.data?.programId ?? '').startsWith('00000000-0000-0000-0000-'));
      expect(fromThisBatch).toHaveLength(300);
    } finally {
      await queue.close();
    }
  });

  it('housekeeping drops expired idempotency keys and long-relayed outbox rows only', async () => {
    await platform.sql(
      `INSERT INTO idempotency_keys (organisation_id, key, request_hash, response_status, expires_at)
       VALUES (gen_random_uuid(), 'expired-key', 'h', 201, now() - interval '1 hour'),
              (gen_random_uuid(), 'live-key', 'h', 201, now() + interval '23 hours')`,
    );
    await platform.sql(
      `INSERT INTO outbox (queue, job_name, payload, relayed_at) VALUES ('offers', 'offers.generate', '{}', now() - interval '8 days')`,
    );
    await platform.sql(`INSERT INTO outbox (queue, job_name, payload) VALUES ('scheduled', 'scheduled.housekeeping', '{}')`);
    // The job deletes keys, then outbox rows, in two statements: wait for both.
    const leftovers = async () =>
      (await platform.sql(`SELECT 1 FROM idempotency_keys WHERE key = 'expired-key'`)).length +
      (await platform.sql(`SELECT 1 FROM outbox WHERE relayed_at < now() - interval '7 days'`)).length;
    await waitFor(async () => (await leftovers()) === 0, 30_000);
    expect(await platform.sql(`SELECT 1 FROM idempotency_keys WHERE key = 'live-key'`)).toHaveLength(1);
  });

  it('still delivers when outbox ids start again (a database re-created against the same Redis)', async () => {
    const bank = await createBank(platform);
    const anchor = await createAnchor(platform, bank);
    const program = await createActiveProgram(platform, bank, anchor.id, CNY_TERMS);
    const supplier = await enrolNewSupplier(platform, bank, anchor, program.id, '5000000.00');
    const invoice = { amount: '100000.00', currency: 'CNY', issueDate: '2026-02-01', dueDate: '2026-05-27' };
    const first = await confirmedInvoice(platform, supplier.admin, anchor.admin, program.id, invoice);
    await waitFor(async () => (await platform.sql(`SELECT 1 FROM offers WHERE receivable_id = $1`, [first.receivableId])).length === 1, 30_000);

    // BullMQ remembers completed job ids; new messages must not collide with them.
    // The next message gets the id of the first confirmation's message, whose job Redis remembers.
    const [{ id }] = await platform.sql<{ id: string }>(`SELECT max(id) AS id FROM outbox`);
    await platform.sql(`DELETE FROM outbox`);
    await platform.sql(`SELECT setval('outbox_id_seq', $1, false)`, [id]);
    const second = await confirmedInvoice(platform, supplier.admin, anchor.admin, program.id, invoice);
    await waitFor(async () => (await platform.sql(`SELECT 1 FROM offers WHERE receivable_id = $1`, [second.receivableId])).length === 1, 30_000);
  });
});
