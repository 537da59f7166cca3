import { WorkerOptions } from 'bullmq';
import { AppConfig, loadConfigOrExit } from '@scf/config';

/**
 * How fast a job held by a crashed worker runs again: its lock expires after lockDuration and the
 * stalled-job check (every stalledInterval) puts it back in the queue. WORKER_LOCK_MS shortens
 * both (tests kill workers on purpose). Read when the processors are declared, before Nest starts,
 * hence the configuration is loaded here too (same validation, same one-line error).
 */
export function workerTimings(
  config: Pick<AppConfig, 'workerLockMs'> = loadConfigOrExit(),
): Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> {
  // A job is given up after three crashes in a row; the daily run repairs what it would have done.
  return { lockDuration: config.workerLockMs, stalledInterval: config.workerLockMs, maxStalledCount: 3 };
}
