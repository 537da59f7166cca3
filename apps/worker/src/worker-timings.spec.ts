import { loadConfig } from '@scf/config';
import { workerTimings } from './worker-timings';

describe('workerTimings', () => {
  it('keeps BullMQ’s 30 s lock unless WORKER_LOCK_MS shortens it', () => {
    expect(workerTimings(loadConfig({ NODE_ENV: 'test' }))).toEqual({ lockDuration: 30_000, stalledInterval: 30_000, maxStalledCount: 3 });
    expect(workerTimings(loadConfig({ NODE_ENV: 'test', WORKER_LOCK_MS: '2000' }))).toEqual({ lockDuration: 2000, stalledInterval: 2000, maxStalledCount: 3 });
  });

  it('refuses a wrong value with a readable line', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', WORKER_LOCK_MS: '5s' })).toThrow(/WORKER_LOCK_MS="5s" is invalid/);
  });
});
