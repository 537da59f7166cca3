import { workerTimings } from './worker-timings';

describe('workerTimings', () => {
  it('keeps BullMQ’s 30 s lock unless WORKER_LOCK_MS shortens it', () => {
    expect(workerTimings({})).toEqual({ lockDuration: 30_000, stalledInterval: 30_000, maxStalledCount: 3 });
    expect(workerTimings({ WORKER_LOCK_MS: '2000' })).toEqual({ lockDuration: 2000, stalledInterval: 2000, maxStalledCount: 3 });
  });

  it('stops the process with a readable line for a wrong value', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => {
      throw new Error('exit');
    }) as never);
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => workerTimings({ WORKER_LOCK_MS: '5s' })).toThrow('exit');
      expect(exit).toHaveBeenCalledWith(1);
      expect(String(write.mock.calls[0][0])).toMatch(/WORKER_LOCK_MS="5s" is invalid/);
    } finally {
      exit.mockRestore();
      write.mockRestore();
    }
  });
});
