'use strict';

/**
 * The load generator, run as its own process so it never shares a CPU queue with the API's event
 * loop. Reads a JSON job from argv[2] and prints autocannon's result (plus a few samples of
 * non-2xx bodies) as JSON on the last line of stdout.
 *
 * job.mode = 'accept': job.pairs = [[token, offerId], …]; each request pops the next pair and
 *   POSTs {offerIds:[offerId]} with a fresh Idempotency-Key: every request accepts a distinct offer.
 * job.mode = 'get': job.targets = [[path, token], …] used round-robin.
 */
const fs = require('node:fs');
const autocannon = require('autocannon');

const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const samples = [];
const keyPrefix = `bench-${process.pid}-${Date.now().toString(36)}`;
let next = 0;

function setupAccept(req) {
  const pair = job.pairs[next++];
  if (!pair) return null;
  const [token, offerId] = pair;
  req.headers = {
    'content-type': 'application/json',
    authorization: `Bearer ${token}`,
    'idempotency-key': `${keyPrefix}-${next}`,
  };
  req.body = JSON.stringify({ offerIds: [offerId] });
  return req;
}

function setupGet(req) {
  const [path, token] = job.targets[next++ % job.targets.length];
  req.path = path;
  req.headers = { authorization: `Bearer ${token}` };
  return req;
}

const request = {
  method: job.mode === 'accept' ? 'POST' : 'GET',
  path: job.path || '/',
  setupRequest: job.mode === 'accept' ? setupAccept : setupGet,
  onResponse: (status, body) => {
    if ((status < 200 || status >= 300) && samples.length < 5) samples.push({ status, body: String(body).slice(0, 500) });
  },
};

const options = {
  url: job.url,
  connections: job.connections,
  duration: job.duration,
  timeout: job.timeout || 10,
  requests: [request],
};
// never pop past the end of the list: each connection builds one request ahead
if (job.mode === 'accept') options.maxOverallRequests = Math.max(job.connections, job.pairs.length - job.connections * 2);

const instance = autocannon(options, (error, result) => {
  if (error) {
    process.stdout.write(`${JSON.stringify({ error: error.message })}\n`);
    process.exit(1);
  }
  const { latency, requests, throughput, errors, timeouts, non2xx, statusCodeStats, duration, start, finish } = result;
  const cpu = process.cpuUsage();
  process.stdout.write(
    `${JSON.stringify({ latency, requests, throughput, errors, timeouts, non2xx, statusCodeStats, duration, start, finish, total: latency.totalCount, samples, cpuMicros: cpu.user + cpu.system })}\n`,
  );
});
process.once('SIGINT', () => instance.stop());
