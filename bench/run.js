'use strict';

/**
 * npm run bench [-- --quick]
 *
 * Measures the platform against this machine's own ceilings (pgbench tpcb-like, BullMQ no-op) in
 * the same run, on its own database and Redis prefix, with the API and the worker as separate
 * processes built in dist/ (or SCF_DIST), and the load generator (autocannon) as a third process.
 * Prints a table and writes bench/results.json. A scenario that fails is recorded with its error
 * and the run goes on with the next one.
 *
 * Environment: SCF_DIST (default dist), BENCH_DATABASE_ADMIN_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL (default redis://127.0.0.1:6379/0),
 * BENCH_PORT (default 3900), PGBENCH (default pgbench).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { Pool } = require('pg');
const { Service, RssSampler, run } = require('./lib/processes');
const { client } = require('./lib/http');
const { log, round } = require('./lib/util');
const scenarios = require('./lib/scenarios');

const ROOT = path.resolve(__dirname, '..');
const QUICK = process.argv.includes('--quick');
// --only=ceilings,offers,accept,ingest,reads runs a subset (for investigating one scenario);
// --keep leaves the API, worker and database up at the end until Ctrl-C.
const ONLY = (process.argv.find((a) => a.startsWith('--only=')) || '').slice('--only='.length).split(',').filter(Boolean);
const KEEP = process.argv.includes('--keep');
const wanted = (name) => ONLY.length === 0 || ONLY.includes(name);
// --wait-quiet: on a shared machine, wait (up to 20 min) until it is under 25 % busy for 5 s
const WAIT_QUIET = process.argv.includes('--wait-quiet');
const DIST = path.resolve(ROOT, process.env.SCF_DIST || 'dist');

const SIZES = QUICK
  ? { mode: 'quick', pgbenchSeconds: 5, noopJobs: 5_000, offerReceivables: 10_000, suppliers: 100, programs: 10, acceptSeconds: 5, invoices: 10_000, bookSize: 100_000, readSeconds: 4 }
  : { mode: 'full', pgbenchSeconds: 15, noopJobs: 20_000, offerReceivables: 100_000, suppliers: 1_000, programs: 10, acceptSeconds: 20, invoices: 100_000, bookSize: 1_000_000, readSeconds: 10 };

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/0';
const PORT = Number(process.env.BENCH_PORT || 3900);
const DB_NAME = 'scf_bench';

function urlFor(database) {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Every figure with its target; pass is null when there is no target (context only). */
class Results {
  constructor() {
    this.figures = [];
    this.errors = [];
    this.details = {};
  }

  add(scenario, figure, value, unit, target) {
    let pass = null;
    let targetText = '—';
    if (target) {
      targetText = target.text;
      pass = typeof value === 'number' && Number.isFinite(value) ? (target.op === '>=' ? value >= target.value : value <= target.value) : false;
    }
    const row = { scenario, figure, value, unit, target: target ? { op: target.op, value: target.value, text: target.text } : null, targetText, pass };
    this.figures.push(row);
    log(`${scenario} · ${figure}: ${typeof value === 'number' ? round(value, 2) : value} ${unit}${target ? ` (target ${target.text}: ${pass ? 'pass' : 'FAIL'})` : ''}`);
    return row;
  }

  error(scenario, error) {
    const message = error && error.stack ? error.stack : String(error);
    this.errors.push({ scenario, error: message });
    log(`${scenario} FAILED: ${message.split('\n').slice(0, 6).join('\n')}`);
  }
}

async function machineFacts(admin) {
  const pgVersion = (await admin.query('SHOW server_version')).rows[0].server_version;
  const settings = (
    await admin.query(
      `SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers','fsync','synchronous_commit','wal_level','max_connections','work_mem','effective_cache_size','max_wal_size','random_page_cost','commit_delay','full_page_writes')`,
    )
  ).rows.reduce((acc, r) => ({ ...acc, [r.name]: r.unit ? `${r.setting} ${r.unit}` : r.setting }), {});
  let redisVersion = 'unknown';
  try {
    const Redis = require('ioredis');
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await redis.connect();
    redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))[1];
    redis.disconnect();
  } catch (error) {
    redisVersion = `unreachable: ${error.message}`;
  }
  const cpus = os.cpus();
  // how busy the machine already is before the benchmark starts (other processes share it)
  const { cpuSnapshot, cpuUsage } = require('./lib/processes');
  const before = cpuSnapshot([]);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const idle = cpuUsage(before, cpuSnapshot([]));
  return {
    backgroundBusyPercentBeforeRun: idle.machineBusyPercent,
    backgroundPostgresPercentOfCoreBeforeRun: idle.postgresPercentOfCore,
    loadAverage: os.loadavg(),
    hostname: os.hostname(),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0] ? cpus[0].model : 'unknown',
    memoryBytes: os.totalmem(),
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    postgres: pgVersion,
    postgresSettings: settings,
    redis: redisVersion,
  };
}

async function main() {
  const started = Date.now();
  const results = new Results();
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scf-bench-'));
  const queuePrefix = `scf_bench_${randomBytes(4).toString('hex')}`;
  const dbUrl = urlFor(DB_NAME);
  const env = {
    ...process.env,
    // CLOCK=manual is refused under NODE_ENV=production; nothing else in the code depends on NODE_ENV.
    NODE_ENV: 'test',
    PORT: String(PORT),
    DATABASE_URL: dbUrl,
    REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    CLOCK: 'manual',
    LOG_LEVEL: 'warn',
    JWT_SECRET: randomBytes(32).toString('hex'),
    // The benchmark measures throughput, not the per-organisation abuse limits (300 writes/min by default).
    RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
    // Its set-up logs dozens of users in from one address (the password-spraying limit is 60/min).
    RATE_LIMIT_LOGINS_PER_ADDRESS_PER_MINUTE: '1000000',
    // The heap cap the platform runs with (scripts/start.sh, docker/): V8 otherwise grows lazily past the memory budget.
    NODE_OPTIONS: process.env.NODE_OPTIONS ?? '--max-old-space-size=192',
    // a build outside the repository (SCF_DIST=/tmp/…) still finds the repository's node_modules
    NODE_PATH: [path.join(ROOT, 'node_modules'), process.env.NODE_PATH].filter(Boolean).join(path.delimiter),
  };
  const ctx = {
    quick: QUICK,
    sizes: SIZES,
    root: ROOT,
    dist: DIST,
    adminUrl: ADMIN_URL,
    urlFor,
    dbUrl,
    redisUrl: REDIS_URL,
    queuePrefix,
    env,
    base: `http://127.0.0.1:${PORT}`,
    logDir,
    results,
    run,
  };
  stepContext = ctx;
  log(`mode ${SIZES.mode}; dist ${DIST}; logs in ${logDir}`);

  const admin = new Pool({ connectionString: ADMIN_URL, max: 2 });
  // One benchmark at a time per PostgreSQL: a second run would drop this one's database.
  const lock = await admin.connect();
  const { rows: locked } = await lock.query(`SELECT pg_try_advisory_lock(hashtext('scf-bench')) AS ok`);
  if (!locked[0].ok) {
    lock.release();
    await admin.end();
    throw new Error('another benchmark is running against this PostgreSQL (advisory lock scf-bench is held): wait for it to finish');
  }
  const report = { startedAt: new Date(started).toISOString(), mode: SIZES.mode, sizes: SIZES, dist: DIST };
  const sampler = new RssSampler(200);
  ctx.sampler = sampler;
  let api;
  let worker;
  // Ctrl-C or SIGTERM: stop the API and the worker; the run then ends through its normal
  // teardown (figures so far written, database dropped). --keep uses its own Ctrl-C.
  const interrupt = () => {
    if (KEEP && ctx.api) return;
    log('interrupted: stopping the API and the worker');
    ctx.interrupted = true;
    for (const service of [ctx.api, ctx.worker]) if (service && service.running) service.child.kill('SIGTERM');
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  try {
    if (WAIT_QUIET) await waitQuiet();
    report.machine = await machineFacts(admin);
    log(`machine: ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, node ${report.machine.node}, pg ${report.machine.postgres}, redis ${report.machine.redis}; busy ${report.machine.backgroundBusyPercentBeforeRun} % before the run`);
    if (report.machine.backgroundBusyPercentBeforeRun > 20) log('WARNING: the machine is already busy: figures will be lower than this machine can do');

    sampler.start();
    sampler.phase = 'ceilings';
    if (wanted('ceilings')) await step(results, 'ceilings', () => scenarios.ceilings(ctx));

    sampler.phase = 'setup';
    await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await run(process.execPath, ['-e', `require(${JSON.stringify(path.join(DIST, 'libs/database/src/migrate.js'))}).migrate(process.env.DATABASE_URL).then((m) => console.log(m.join(',')))`], { env });
    ctx.db = new Pool({ connectionString: dbUrl, max: 4 });
    // Pool#end resolves before sockets close; the teardown's DROP … WITH (FORCE) may then reach one.
    ctx.db.on('error', (error) => log(`bench pool: ${error.message}`));
    log('bench database migrated');

    if (await portAnswers(PORT)) throw new Error(`port ${PORT} is already in use: stop what listens there or set BENCH_PORT`);
    ctx.parties = await scenarios.loadParties(ctx);
    api = new Service('api', path.join(DIST, 'apps/api/src/main.js'), env, logDir).start();
    worker = new Service('worker', path.join(DIST, 'apps/worker/src/main.js'), env, logDir).start();
    ctx.api = api;
    ctx.worker = worker;
    sampler.track(api);
    sampler.track(worker);
    const http = client(ctx.base);
    ctx.http = http;
    await api.waitFor(async () => (await http.call('GET', '/health/live')).status === 200, 60_000, 'GET /health/live');
    await worker.waitFor(async () => worker.output().includes('worker started'), 60_000, '"worker started"');
    if (!api.running) throw new Error(`the API exited (${JSON.stringify(api.exit)}):\n${api.output().slice(-2000)}`);
    log(`api (pid ${api.pid}) and worker (pid ${worker.pid}) started`);

    sampler.phase = 'offers';
    if (wanted('offers') || wanted('accept')) await step(results, 'offer generation', () => scenarios.offerGeneration(ctx));
    sampler.phase = 'accept';
    if (wanted('accept')) await step(results, 'accept offers', () => scenarios.acceptOffers(ctx));
    sampler.phase = 'ingest';
    if (wanted('ingest')) await step(results, 'invoice ingestion', () => scenarios.ingestInvoices(ctx));
    sampler.phase = 'reads';
    if (wanted('reads')) await step(results, 'reads', () => scenarios.reads(ctx));
    if (KEEP) {
      log(`--keep: API on ${ctx.base}, database ${dbUrl}; password ${require('./lib/loader').PASSWORD}; Ctrl-C to stop`);
      await new Promise((resolve) => process.once('SIGINT', resolve));
    }
  } catch (error) {
    results.error('harness', error);
  } finally {
    sampler.sample();
    sampler.stop();
    for (const name of ['api', 'worker']) {
      const peak = sampler.peaks[name];
      if (peak) results.add('memory', `${name} peak RSS (phase ${peak.phase})`, peak.mb, 'MB', { op: '<=', value: 300, text: '≤ 300 MB' });
      else results.add('memory', `${name} peak RSS`, null, 'MB', { op: '<=', value: 300, text: '≤ 300 MB' });
    }
    const stopped = {};
    for (const service of [api, worker]) {
      if (!service) continue;
      stopped[service.name] = await service.stop();
      if (service.exit && service.exit.code && service.exit.code !== 0) results.error(service.name, new Error(`${service.name} exited ${service.exit.code}: ${service.output().slice(-2000)}`));
    }
    if (ctx.db) await ctx.db.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`).catch((error) => results.error('teardown', error));
    await lock.query(`SELECT pg_advisory_unlock(hashtext('scf-bench'))`).catch(() => undefined);
    lock.release();
    await admin.end();
    await scenarios.dropRedisPrefix(REDIS_URL, queuePrefix).catch((error) => results.error('teardown', error));

    Object.assign(report, {
      finishedAt: new Date().toISOString(),
      durationSeconds: round((Date.now() - started) / 1000, 1),
      figures: results.figures,
      errors: results.errors,
      details: results.details,
      memory: { peaks: sampler.peaks, samples: sampler.samples, intervalMs: sampler.intervalMs, timeline: sampler.timeline },
      processes: stopped,
      logs: logDir,
    });
    fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
    printTable(report);
    log(`results in bench/results.json; run took ${report.durationSeconds} s`);
  }
  process.exitCode = results.errors.length ? 1 : 0;
}

function portAnswers(port) {
  return new Promise((resolve) => {
    const socket = require('node:net').connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function waitQuiet() {
  const { cpuSnapshot, cpuUsage } = require('./lib/processes');
  const deadline = Date.now() + 20 * 60_000;
  while (Date.now() < deadline) {
    const before = cpuSnapshot([]);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const busy = cpuUsage(before, cpuSnapshot([])).machineBusyPercent;
    if (busy < 25) return;
    log(`waiting for a quiet machine: ${busy} % busy`);
  }
}

let stepContext = {};

async function step(results, name, fn) {
  const t0 = Date.now();
  if (stepContext.interrupted) {
    results.error(name, new Error('skipped: the run was interrupted'));
    return;
  }
  try {
    await fn();
  } catch (error) {
    results.error(name, error);
  } finally {
    results.details[`${name} seconds`] = round((Date.now() - t0) / 1000, 1);
  }
}

function printTable(report) {
  const rows = report.figures.map((f) => [
    f.scenario,
    f.figure,
    f.value === null || f.value === undefined ? 'n/a' : `${typeof f.value === 'number' ? round(f.value, f.value >= 100 ? 0 : 2) : f.value} ${f.unit}`,
    f.targetText,
    f.pass === null ? '' : f.pass ? 'pass' : 'FAIL',
  ]);
  const header = ['scenario', 'figure', 'measured', 'target', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  const out = [
    '',
    `Benchmark (${report.mode}) on ${report.machine ? `${report.machine.cpus} CPU, ${report.machine.memoryGiB} GiB, node ${report.machine.node}, PostgreSQL ${report.machine.postgres}, Redis ${report.machine.redis}; machine ${report.machine.backgroundBusyPercentBeforeRun} % busy before the run` : 'unknown machine'}`,
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ];
  for (const e of report.errors) out.push(`error in ${e.scenario}: ${e.error.split('\n')[0]}`);
  process.stdout.write(`${out.join('\n')}\n\n`);
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error.stack}\n`);
  process.exit(2);
});
