'use strict';

/**
 * BullMQ ceiling on this Redis: add N no-op jobs in bulk, then process them with a Worker at the
 * given concurrency, and report both rates. Runs in its own process so its event loop is its own.
 * argv: redisUrl prefix count concurrency [jobOptionsJson]
 */
const { Queue, Worker } = require('bullmq');

async function main() {
  const [redisUrl, prefix, countArg, concurrencyArg, optsJson] = process.argv.slice(2);
  const count = Number(countArg);
  const concurrency = Number(concurrencyArg);
  const jobOptions = optsJson ? JSON.parse(optsJson) : {};
  const url = new URL(redisUrl);
  const connection = { host: url.hostname, port: Number(url.port || 6379), db: Number(url.pathname.slice(1) || 0), maxRetriesPerRequest: null };
  const name = 'noop';
  const queue = new Queue(name, { connection, prefix });
  await queue.waitUntilReady();

  const addStart = process.hrtime.bigint();
  const chunk = 1000;
  for (let i = 0; i < count; i += chunk) {
    const n = Math.min(chunk, count - i);
    await queue.addBulk(Array.from({ length: n }, (_, k) => ({ name: 'noop', data: { i: i + k }, opts: jobOptions })));
  }
  const addSeconds = Number(process.hrtime.bigint() - addStart) / 1e9;

  let done = 0;
  let finished;
  const allDone = new Promise((resolve) => (finished = resolve));
  const processStart = process.hrtime.bigint();
  const worker = new Worker(name, async () => undefined, { connection, prefix, concurrency, autorun: false });
  worker.on('completed', () => {
    if (++done === count) finished();
  });
  worker.on('failed', () => {
    if (++done === count) finished();
  });
  worker.run();
  await allDone;
  const processSeconds = Number(process.hrtime.bigint() - processStart) / 1e9;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  process.stdout.write(`${JSON.stringify({ count, concurrency, addSeconds, addPerSecond: count / addSeconds, processSeconds, processPerSecond: count / processSeconds })}\n`);
}

main().catch((error) => {
  process.stdout.write(`${JSON.stringify({ error: error.message })}\n`);
  process.exit(1);
});
