import { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '@scf/config';
import { ClockService } from './clock.service';

/** A data source that knows one program and, in manual mode, the clock table's date. */
function fakeDataSource(manualDate?: string): DataSource {
  const query = async (sql: string, params: unknown[] = []) => {
    if (sql.includes('FROM clock')) return manualDate ? [{ business_date: manualDate }] : [];
    if (sql.includes('FROM programs')) return params[0] === 'beijing-program' ? [{ time_zone: 'Asia/Shanghai' }] : [];
    throw new Error(`unexpected query ${sql}`);
  };
  return { query, manager: { query } } as unknown as DataSource;
}

const clockOf = (clock: AppConfig['clock'], manualDate?: string) =>
  new ClockService(loadConfig({ NODE_ENV: 'test', CLOCK: clock }), fakeDataSource(manualDate));

describe('ClockService', () => {
  afterEach(() => jest.useRealTimers());

  it("answers a Beijing program's today at 07:30 Beijing time with that day, not UTC's yesterday", async () => {
    jest.useFakeTimers({ now: new Date('2026-03-01T23:30:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
    const clock = clockOf('system');
    expect(await clock.todayOf('beijing-program')).toBe('2026-03-02');
    expect(await clock.todayIn('Asia/Shanghai')).toBe('2026-03-02');
    expect(await clock.todayIn('America/New_York')).toBe('2026-03-01');
    expect(await clock.today()).toBe('2026-03-01');
  });

  it('gives every program the single manual date with CLOCK=manual', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-01T23:30:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
    const clock = clockOf('manual', '2026-05-27');
    expect([await clock.todayOf('beijing-program'), await clock.todayIn('America/New_York'), await clock.today()]).toEqual([
      '2026-05-27', '2026-05-27', '2026-05-27',
    ]);
  });

  it('answers 404 for a program it does not know', async () => {
    await expect(clockOf('system').todayOf('unknown')).rejects.toMatchObject({ code: 'not_found', details: { field: 'programId' } });
  });
});
