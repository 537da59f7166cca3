'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { Pool } = require('pg');
const { loadParties: loadPartiesSql, loadReceivables, supplierId, PASSWORD, BUSINESS_DATE, KEY_SUPPLIERS } = require('./loader');
const { sleep, log, mapLimit } = require('./util');
const { explainReads } = require('./plans');
const { cpuSnapshot, cpuUsage } = require('./processes');

const OFFERS_TARGET = { op: '>=', value: 20_000, text: '≥ 20,000 offers/s' };
const INGEST_TARGET = { op: '>=', value: 20_000, text: '≥ 20,000 invoices/s' };
const READ_P99_TARGET = { op: '<=', value: 20, text: 'p99 ≤ 20 ms' };
const BATCH = 1_000;
const IN_FLIGHT = 4;
const READ_CONNECTIONS = 10;
const ACCEPT_CONNECTIONS = 32;

// ---------------------------------------------------------------- 1. ceilings

async function ceilings(ctx) {
  const { results, sizes } = ctx;
  ctx.ceilings = {};
  const scratch = 'scf_bench_pgbench';
  const admin = new Pool({ connectionString: ctx.adminUrl, max: 1 });
  const url = new URL(ctx.adminUrl);
  const pgbench = process.env.PGBENCH || 'pgbench';
  const connArgs = ['-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres')];
  const env = { ...process.env, ...(url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {}) };
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${scratch}`);
    log('pgbench -i -s 10 …');
    await ctx.run(pgbench, ['-i', '-s', '10', '-q', ...connArgs, scratch], { env });
    log(`pgbench -b tpcb-like -c 8 -j 2 -T ${sizes.pgbenchSeconds} …`);
    const out = await ctx.run(pgbench, ['-b', 'tpcb-like', '-c', '8', '-j', '2', '-T', String(sizes.pgbenchSeconds), ...connArgs, scratch], { env });
    const tps = Number((/tps = ([\d.]+) \(without initial connection time\)/.exec(out.stdout) || [])[1]);
    const latency = Number((/latency average = ([\d.]+) ms/.exec(out.stdout) || [])[1]);
    results.details.pgbench = out.stdout.trim().split('\n');
    ctx.ceilings.pgbenchTps = tps;
    results.add('ceilings', 'pgbench tpcb-like, 8 clients (tps)', tps, 'tps');
    results.add('ceilings', 'pgbench average latency', latency, 'ms');
  } catch (error) {
    if (error.code === 'ENOENT') error.message = `pgbench is missing (${pgbench}): install postgresql-client or set PGBENCH. ${error.message}`;
    results.error('ceilings: pgbench', error);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }

  try {
    const queues = requireDist(ctx, 'libs/queue/src/queues.js');
    const options = JSON.stringify(queues.DEFAULT_JOB_OPTIONS || {});
    log(`BullMQ no-op: ${sizes.noopJobs} jobs, concurrency 50 …`);
    const out = await ctx.run(
      process.execPath,
      [path.join(__dirname, '..', 'children', 'bullmq-noop.js'), ctx.redisUrl, `${ctx.queuePrefix}_noop`, String(sizes.noopJobs), '50', options],
      { env: ctx.env },
    );
    const result = lastJson(out.stdout);
    if (result.error) throw new Error(result.error);
    results.details.bullmqNoop = result;
    ctx.ceilings.noopJobsPerSecond = result.processPerSecond;
    results.add('ceilings', 'BullMQ no-op processed (concurrency 50)', result.processPerSecond, 'jobs/s');
    results.add('ceilings', 'BullMQ no-op added (addBulk ×1000)', result.addPerSecond, 'jobs/s');
  } catch (error) {
    results.error('ceilings: BullMQ', error);
  }
}

// ---------------------------------------------------------------- data

async function loadParties(ctx) {
  const { sizes } = ctx;
  const t0 = Date.now();
  const parties = await loadPartiesSql(ctx.db, { programs: sizes.programs, suppliers: sizes.suppliers });
  log(`loaded 1 bank, ${sizes.programs} anchors/programs, ${sizes.suppliers} suppliers/enrolments in ${Date.now() - t0} ms`);
  const { rows } = await ctx.db.query(
    `SELECT s, ${supplierId('s')} AS id FROM generate_series(0, $1::int - 1) s ORDER BY s`,
    [Math.min(KEY_SUPPLIERS, sizes.suppliers)],
  );
  parties.keySuppliers = rows.map((r) => ({ index: r.s, id: r.id, email: parties.supplierEmail(r.s) }));
  return parties;
}

/** Logs a set of users in (sequentially: argon2 is memory-hard; this is set-up, not measured). */
async function logins(ctx, emails) {
  const sessions = [];
  for (const email of emails) sessions.push(await ctx.http.login(email, PASSWORD));
  return sessions;
}

// ---------------------------------------------------------------- 2. offer generation

async function offerGeneration(ctx) {
  const { results, sizes, db } = ctx;
  const t0 = Date.now();
  await loadReceivables(db, { tag: 'b2', count: sizes.offerReceivables, programs: sizes.programs, suppliers: sizes.suppliers });
  log(`loaded ${sizes.offerReceivables} confirmed receivables in ${Date.now() - t0} ms`);
  const expected = sizes.offerReceivables;
  const queues = requireDist(ctx, 'libs/queue/src/queues.js');
  const job = queues.JOBS.GENERATE_OFFERS;
  const queue = queues.QUEUE_OF_JOB[job];
  const before = await openOffers(db);

  const started = Date.now();
  const reached = await measured(ctx, 'offer generation', async () => {
    await db.query(
      `INSERT INTO outbox (queue, job_name, payload) SELECT $1, $2, jsonb_build_object('programId', id) FROM programs WHERE id = ANY($3::uuid[])`,
      [queue, job, ctx.parties.programs.map((p) => p.id)],
    );
    return waitForCount(ctx, () => openOffers(db), before + expected, { stallMs: ctx.quick ? 30_000 : 60_000, timeoutMs: 15 * 60_000 });
  });
  const seconds = (reached.at - started) / 1000;
  const made = reached.count - before;
  results.details.offerGeneration = { receivables: expected, suppliers: sizes.suppliers, programs: sizes.programs, offers: made, seconds, reachedAll: reached.ok };
  results.add('offer generation', `${expected} offers (${sizes.suppliers} suppliers, ${sizes.programs} programs): time until all exist`, seconds, 's');
  results.add('offer generation', 'offers/s', made / seconds, 'offers/s', OFFERS_TARGET);
  if (ctx.ceilings && ctx.ceilings.noopJobsPerSecond) {
    results.add('offer generation', 'offers/s ÷ BullMQ no-op jobs/s', made / seconds / ctx.ceilings.noopJobsPerSecond, '×');
  }
  if (!reached.ok) throw new Error(`only ${made} of ${expected} offers appeared (stalled or timed out); worker log:\n${ctx.worker.output().slice(-2000)}`);
}

const openOffers = async (db) => Number((await db.query(`SELECT count(*) AS n FROM offers WHERE status = 'OPEN'`)).rows[0].n);

/** Polls every 50 ms until count() reaches target; gives up when it stops moving for stallMs. */
async function waitForCount(ctx, count, target, { stallMs, timeoutMs }) {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const n = await count();
    const at = Date.now();
    if (n >= target) return { ok: true, count: n, at };
    if (n !== last) {
      last = n;
      lastChange = at;
    }
    if (at - lastChange > stallMs || at > deadline || !ctx.worker.running) return { ok: false, count: n, at, lastChange };
    await sleep(50);
  }
}

// ---------------------------------------------------------------- 3. accepting offers

async function acceptOffers(ctx) {
  const { results, sizes, db, parties } = ctx;
  ctx.supplierSessions = ctx.supplierSessions || (await logins(ctx, parties.keySuppliers.map((s) => s.email)));
  const sessions = ctx.supplierSessions;
  const { rows } = await db.query(
    `SELECT id, supplier_id FROM offers WHERE status = 'OPEN' AND supplier_id = ANY($1::uuid[]) ORDER BY id`,
    [sessions.map((s) => s.organisationId)],
  );
  if (rows.length < 100) throw new Error(`only ${rows.length} open offers for the key suppliers: offer generation did not run`);
  // Round-robin over the suppliers, so that the 32 requests in flight are mostly of distinct
  // suppliers (as 32 clients would be), each with its own token and its own offers.
  const bySupplier = new Map(sessions.map((s) => [s.organisationId, { token: s.token, offers: [] }]));
  for (const row of rows) bySupplier.get(row.supplier_id).offers.push(row.id);
  const lanes = [...bySupplier.values()];
  const pairs = [];
  for (let i = 0; pairs.length < rows.length; i++) {
    for (const lane of lanes) if (i < lane.offers.length) pairs.push([lane.token, lane.offers[i]]);
  }

  // one request by hand first: a missing route or a wrong contract fails here with a readable message
  const [token, offerId] = pairs.pop();
  const probe = await ctx.http.call('POST', '/v1/financing-requests', { token, body: { offerIds: [offerId] }, headers: { 'idempotency-key': `bench-probe-${Date.now()}` } });
  if (probe.status !== 201 && probe.status !== 200) throw new Error(`POST /v1/financing-requests → ${probe.status} ${JSON.stringify(probe.body).slice(0, 500)}`);
  results.details.acceptProbe = { status: probe.status, financingStatus: probe.body && probe.body.status, autoApproved: probe.body && probe.body.autoApproved };

  log(`accepting offers: ${ACCEPT_CONNECTIONS} connections, ${sizes.acceptSeconds} s, ${pairs.length} distinct offers available`);
  const out = await measured(ctx, 'accept offers', () =>
    cannon(ctx, { mode: 'accept', url: ctx.base, path: '/v1/financing-requests', connections: ACCEPT_CONNECTIONS, duration: sizes.acceptSeconds, pairs }),
  );
  const failures = out.non2xx + out.errors + out.timeouts;
  const rps = out.total / out.duration;
  results.details.acceptOffers = summarise(out);
  const tps = ctx.ceilings && ctx.ceilings.pgbenchTps;
  results.add(
    'accept offers',
    `requests/s (${ACCEPT_CONNECTIONS} connections, ${out.duration} s)`,
    rps,
    'req/s',
    tps ? { op: '>=', value: 0.5 * tps, text: `≥ 0.5 × pgbench = ${Math.round(0.5 * tps)}` } : { op: '>=', value: Infinity, text: '≥ 0.5 × pgbench (pgbench missing)' },
  );
  results.add('accept offers', 'p50 latency', out.latency.p50, 'ms');
  results.add('accept offers', 'p99 latency', out.latency.p99, 'ms', { op: '<=', value: 50, text: 'p99 ≤ 50 ms' });
  results.add('accept offers', 'non-2xx + errors + timeouts', failures, 'responses', { op: '<=', value: 0, text: '0' });

  const { rows: states } = await db.query(
    `SELECT status, auto_approved, count(*)::int AS n FROM financing_requests GROUP BY status, auto_approved ORDER BY status`,
  );
  results.details.financingRequestsAfterAccept = states;
  const invariants = await checkInvariants(ctx);
  results.add('accept offers', 'invariants broken after the run', invariants.broken, 'invariants', { op: '<=', value: 0, text: '0' });
}

async function checkInvariants(ctx) {
  const script = path.join(ctx.dist, 'apps/cli/src/check-invariants.js');
  try {
    const out = await ctx.run(process.execPath, [script], { env: ctx.env });
    ctx.results.details.invariants = out.stdout.trim();
    return { broken: 0 };
  } catch (error) {
    const text = `${error.stdout || ''}${error.stderr || ''}`.trim();
    ctx.results.details.invariants = text || error.message;
    const match = /(\d+) of \d+ invariants broken/.exec(text);
    return { broken: match ? Number(match[1]) : NaN };
  }
}

// ---------------------------------------------------------------- 4. invoice ingestion

async function ingestInvoices(ctx) {
  const { results, sizes, db, parties } = ctx;
  ctx.supplierSessions = ctx.supplierSessions || (await logins(ctx, parties.keySuppliers.map((s) => s.email)));
  const suppliers = ctx.supplierSessions;
  const programOf = new Map(parties.keySuppliers.map((s) => [s.id, parties.programs[s.index % sizes.programs].id]));
  const batches = [];
  for (let b = 0; b * BATCH < sizes.invoices; b++) {
    const supplier = suppliers[b % suppliers.length];
    const invoices = [];
    for (let k = 0; k < BATCH && b * BATCH + k < sizes.invoices; k++) {
      const n = b * BATCH + k;
      invoices.push({
        invoiceNumber: `B4-${b}-${k}`,
        currency: 'CNY',
        amount: `${10_000 + ((n * 7919) % 990_000)}.${String(n % 100).padStart(2, '0')}`,
        issueDate: addDays(BUSINESS_DATE, -5 - (n % 20)),
        dueDate: addDays(BUSINESS_DATE, 30 + ((n * 13) % 140)),
      });
    }
    batches.push({ token: supplier.token, body: { programId: programOf.get(supplier.organisationId), invoices } });
  }

  const submitStarted = Date.now();
  await measured(ctx, 'invoice submission', () =>
    mapLimit(batches, IN_FLIGHT, (batch) => ctx.http.must('POST', '/v1/invoices/bulk', { token: batch.token, body: batch.body })),
  );
  const submitSeconds = (Date.now() - submitStarted) / 1000;
  results.add('invoice ingestion', `submit ${sizes.invoices} (POST /v1/invoices/bulk, ${BATCH}/batch, ${IN_FLIGHT} in flight)`, sizes.invoices / submitSeconds, 'invoices/s', INGEST_TARGET);

  const anchors = await logins(ctx, parties.programs.map((p) => p.anchorEmail));
  const anchorOfProgram = new Map(parties.programs.map((p, i) => [p.id, anchors[i]]));
  const { rows } = await db.query(`SELECT id, program_id FROM invoices WHERE invoice_number LIKE 'B4-%' AND status = 'SUBMITTED' ORDER BY program_id, id`);
  if (rows.length !== sizes.invoices) throw new Error(`${rows.length} submitted invoices found, ${sizes.invoices} expected`);
  // Each anchor confirms its own program's invoices; batches are interleaved across programs so
  // that the requests in flight are different anchors' (as they would be on a shared platform).
  const perProgram = [...groupBy(rows, (r) => r.program_id)].map(([programId, ids]) => {
    const lots = [];
    for (let i = 0; i < ids.length; i += BATCH) lots.push({ token: anchorOfProgram.get(programId).token, body: { invoiceIds: ids.slice(i, i + BATCH).map((r) => r.id) } });
    return lots;
  });
  const confirmations = [];
  for (let i = 0; confirmations.length < perProgram.reduce((n, lots) => n + lots.length, 0); i++) {
    for (const lots of perProgram) if (i < lots.length) confirmations.push(lots[i]);
  }
  const openBefore = await openOffers(db);
  const confirmStarted = Date.now();
  await measured(ctx, 'invoice confirmation', () =>
    mapLimit(confirmations, IN_FLIGHT, (c) => ctx.http.must('POST', '/v1/invoices/confirmations', { token: c.token, body: c.body })),
  );
  const confirmSeconds = (Date.now() - confirmStarted) / 1000;
  results.add('invoice ingestion', `confirm ${sizes.invoices} (POST /v1/invoices/confirmations, ${BATCH}/batch, ${IN_FLIGHT} in flight)`, sizes.invoices / confirmSeconds, 'invoices/s', INGEST_TARGET);
  const confirmed = Number((await db.query(`SELECT count(*) AS n FROM receivables r JOIN invoices i ON i.id = r.invoice_id WHERE i.invoice_number LIKE 'B4-%'`)).rows[0].n);
  results.details.ingestion = { invoices: sizes.invoices, submitSeconds, confirmSeconds, receivablesCreated: confirmed };
  if (confirmed !== sizes.invoices) throw new Error(`${confirmed} receivables for ${sizes.invoices} confirmed invoices`);

  // Confirmation enqueues offer generation through the outbox; let it finish (and time it) so
  // that it does not run under the read scenario.
  const reached = await waitForCount(ctx, () => openOffers(db), openBefore + sizes.invoices, { stallMs: 30_000, timeoutMs: 10 * 60_000 });
  if (reached.ok) results.add('invoice ingestion', 'offers for the confirmed invoices ready, after confirmation started', (reached.at - confirmStarted) / 1000, 's');
  if (!reached.ok) results.error('invoice ingestion', new Error(`offers for ingested receivables: ${reached.count - openBefore} of ${sizes.invoices} appeared`));
}

// ---------------------------------------------------------------- 5. reads on a large book

async function reads(ctx) {
  const { results, sizes, db, parties } = ctx;
  const current = Number((await db.query(`SELECT count(*) AS n FROM receivables`)).rows[0].n);
  const extra = Math.max(0, sizes.bookSize - current);
  const t0 = Date.now();
  // 40 % of the added book is settled (paid at maturity), so that status=OPEN really filters
  await loadReceivables(db, { tag: 'b5', count: extra, programs: sizes.programs, suppliers: sizes.suppliers, settledPercent: 40 });
  await db.query('VACUUM ANALYZE receivables');
  await db.query('VACUUM ANALYZE offers');
  await db.query('VACUUM ANALYZE financing_items');
  await db.query('VACUUM ANALYZE financing_requests');
  const total = Number((await db.query(`SELECT count(*) AS n FROM receivables`)).rows[0].n);
  log(`book: ${total} receivables (${extra} loaded in ${Date.now() - t0} ms)`);
  results.details.book = { receivables: total, loadedForReads: extra };

  ctx.supplierSessions = ctx.supplierSessions || (await logins(ctx, parties.keySuppliers.map((s) => s.email)));
  const [checker] = await logins(ctx, ['checker@bank.bench.test']);

  const page = '/v1/receivables?status=OPEN&sort=dueDate&limit=50';
  const probe = await ctx.http.call('GET', page, { token: ctx.supplierSessions[0].token });
  if (probe.status !== 200) throw new Error(`GET ${page} → ${probe.status} ${JSON.stringify(probe.body).slice(0, 500)}`);
  const rowsOnPage = Array.isArray(probe.body) ? probe.body.length : probe.body && Array.isArray(probe.body.items) ? probe.body.items.length : null;
  results.details.receivablesPageProbe = { rows: rowsOnPage, keys: probe.body && typeof probe.body === 'object' ? Object.keys(probe.body) : null };
  const pageTargets = ctx.supplierSessions.map((s) => [page, s.token]);
  await measureRead(ctx, 'supplier receivables page', pageTargets, `${total} receivables in book`);

  const utilisation = (id) => `/v1/programs/${id}/utilisation`;
  const uProbe = await ctx.http.call('GET', utilisation(parties.programs[0].id), { token: checker.token });
  if (uProbe.status !== 200) throw new Error(`GET ${utilisation(parties.programs[0].id)} → ${uProbe.status} ${JSON.stringify(uProbe.body).slice(0, 500)}`);
  results.details.utilisationProbe = { ...uProbe.body, suppliers: `${(uProbe.body.suppliers || []).length} rows` };
  await measureRead(ctx, 'program utilisation view', parties.programs.map((p) => [utilisation(p.id), checker.token]), `${sizes.suppliers / sizes.programs} suppliers per program`);

  try {
    results.details.plans = await explainReads(ctx, { supplierId: ctx.supplierSessions[0].organisationId, programId: parties.programs[0].id });
    fs.writeFileSync(path.join(ctx.logDir, 'plans.txt'), Object.entries(results.details.plans).map(([k, v]) => `-- ${k}\n${v.sql}\n${v.plan}\n`).join('\n'));
  } catch (error) {
    results.error('reads: EXPLAIN', error);
  }
}

/**
 * Each read at two loads: one connection (the latency of a request on an otherwise idle API) and
 * READ_CONNECTIONS (the API saturated: latency there is mostly queueing behind the event loop).
 */
async function measureRead(ctx, name, targets, note) {
  const { results, sizes } = ctx;
  const key = name.replace(/\W+/g, '_');
  for (const connections of [1, READ_CONNECTIONS]) {
    const duration = connections === 1 ? Math.max(2, Math.round(sizes.readSeconds / 2)) : sizes.readSeconds;
    const out = await measured(ctx, `${name} @${connections}`, () => cannon(ctx, { mode: 'get', url: ctx.base, connections, duration, targets }));
    results.details[`${key}_${connections}`] = summarise(out);
    const label = `${name}, ${connections} connection${connections > 1 ? 's' : ''} (${note})`;
    results.add('reads', `${label}: p99`, out.latency.p99, 'ms', READ_P99_TARGET);
    results.add('reads', `${label}: p50`, out.latency.p50, 'ms');
    results.add('reads', `${label}: requests/s`, out.total / out.duration, 'req/s');
    const failures = out.non2xx + out.errors + out.timeouts;
    if (failures) results.add('reads', `${label}: non-2xx + errors`, failures, 'responses', { op: '<=', value: 0, text: '0' });
  }
}

// ---------------------------------------------------------------- helpers

/**
 * Runs fn while recording what bounds it: CPU of the API, the worker, PostgreSQL and the machine,
 * and what the bench database's busy backends are doing (sampled from pg_stat_activity every
 * 100 ms: running, waiting on a lock, on WAL/fsync, or idle in transaction = waiting for the
 * application's next statement). Stored in results.details.bounds[label].
 */
async function measured(ctx, label, fn) {
  const services = [ctx.api, ctx.worker];
  const before = cpuSnapshot(services);
  const harnessBefore = process.cpuUsage();
  let result;
  const waits = {};
  let samples = 0;
  let stop = false;
  const sampler = (async () => {
    const client = await ctx.db.connect();
    try {
      while (!stop) {
        const { rows } = await client.query(
          `SELECT state, wait_event_type, wait_event, count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IS NOT NULL AND state <> 'idle'
              AND backend_type = 'client backend'
            GROUP BY 1, 2, 3`,
        );
        samples++;
        for (const r of rows) {
          const key = r.state === 'active' ? (r.wait_event_type ? `waiting ${r.wait_event_type}:${r.wait_event}` : 'running') : r.state;
          waits[key] = (waits[key] || 0) + r.n;
        }
        await sleep(100);
      }
    } finally {
      client.release();
    }
  })();
  try {
    result = await fn();
    return result;
  } finally {
    stop = true;
    await sampler.catch(() => undefined);
    const cpu = cpuUsage(before, cpuSnapshot(services));
    const harness = process.cpuUsage(harnessBefore);
    const ofCore = (micros) => Math.round((micros / 1e6 / cpu.seconds) * 1000) / 10;
    cpu.harnessPercentOfCore = ofCore(harness.user + harness.system);
    if (result && typeof result.cpuMicros === 'number') cpu.loadGeneratorPercentOfCore = ofCore(result.cpuMicros);
    // what is left of the machine's busy time: other users of this machine (e.g. test runs)
    const ours = ['apiPercentOfCore', 'workerPercentOfCore', 'postgresPercentOfCore', 'harnessPercentOfCore', 'loadGeneratorPercentOfCore'].reduce((sum, k) => sum + (cpu[k] || 0), 0);
    cpu.otherPercentOfCore = Math.max(0, Math.round((cpu.machineBusyPercent * require('node:os').cpus().length - ours) * 10) / 10);
    const backends = Object.fromEntries(
      Object.entries(waits).sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, Math.round((n / Math.max(1, samples)) * 100) / 100]),
    );
    ctx.results.details.bounds = ctx.results.details.bounds || {};
    ctx.results.details.bounds[label] = { cpu, averageBusyBackends: backends, samples };
    log(`${label}: cpu ${JSON.stringify(cpu)}; backends ${JSON.stringify(backends)}`);
    const part = (name, key) => (cpu[key] === undefined ? '' : `${name} ${Math.round(cpu[key])}`);
    ctx.results.add(
      label.startsWith('invoice ') ? 'invoice ingestion' : ['offer generation', 'accept offers'].includes(label) ? label : 'reads',
      `${label}: CPU, % of one core`,
      [part('api', 'apiPercentOfCore'), part('worker', 'workerPercentOfCore'), part('pg', 'postgresPercentOfCore'), part('loadgen', 'loadGeneratorPercentOfCore'), part('others', 'otherPercentOfCore')].filter(Boolean).join(' · '),
      '',
    );
  }
}

/** Runs the load generator as its own process and returns its JSON result. */
async function cannon(ctx, job) {
  const file = path.join(ctx.logDir, `cannon-${Date.now()}.json`);
  fs.writeFileSync(file, JSON.stringify(job));
  try {
    const out = await ctx.run(process.execPath, [path.join(__dirname, '..', 'children', 'cannon.js'), file], { env: { ...process.env } });
    const result = lastJson(out.stdout);
    if (result.error) throw new Error(`autocannon: ${result.error}`);
    return result;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

function summarise(out) {
  const { latency } = out;
  return {
    total: out.total,
    duration: out.duration,
    requestsPerSecond: out.total / out.duration,
    latencyMs: { p50: latency.p50, p90: latency.p90, p97_5: latency.p97_5, p99: latency.p99, max: latency.max, mean: latency.average },
    non2xx: out.non2xx,
    errors: out.errors,
    timeouts: out.timeouts,
    statusCodes: out.statusCodeStats,
    failureSamples: out.samples,
  };
}

function lastJson(stdout) {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

function requireDist(ctx, relative) {
  return require(path.join(ctx.dist, relative));
}

function groupBy(rows, key) {
  const map = new Map();
  for (const row of rows) {
    const k = key(row);
    if (!map.has(k)) map.set(k, []);
    map.get(k).push(row);
  }
  return map;
}

function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

async function dropRedisPrefix(redisUrl, prefix) {
  const Redis = require('ioredis');
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    for (const pattern of [`${prefix}:*`, `${prefix}_noop:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

module.exports = { ceilings, loadParties, offerGeneration, acceptOffers, ingestInvoices, reads, dropRedisPrefix };
