import { WorkerOptions } from 'bullmq';

const DEFAULT_LOCK_MS = 30_000;

/**
 * How fast a job held by a crashed worker runs again: its lock expires after lockDuration and the
 * stalled-job check (every stalledInterval) puts it back in the queue. WORKER_LOCK_MS shortens
 * both (tests kill workers on purpose). Read when the processors are declared, before Nest starts.
 */
export function workerTimings(env: Record<string, string | undefined> = process.env): Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> {
  const raw = env.WORKER_LOCK_MS;
  if (raw !== undefined && (!/^\d+$/.test(raw) || Number(raw) < 1000 || Number(raw) > 600_000)) {
    process.stderr.write(`Configuration error: WORKER_LOCK_MS="${raw}" is invalid: use milliseconds from 1000 to 600000\n`);
    process.exit(1);
  }
  const lockDuration = raw === undefined ? DEFAULT_LOCK_MS : Number(raw);
  // A job is given up after three crashes in a row; the daily run repairs what it would have done.
  return { lockDuration, stalledInterval: lockDuration, maxStalledCount: 3 };
}
