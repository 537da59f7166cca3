import {
  addDays,
  compareDates,
  daysBetween,
  daysInMonth,
  isIsoDate,
  isLeapYear,
  parseIsoDate,
  startOfDayUtcMs,
  todayIso,
} from './dates';
import { DomainError } from './errors';

describe('parseIsoDate', () => {
  it.each(['2026-03-01', '2024-02-29', '2000-02-29', '2026-12-31', '0001-01-01', '9999-12-31'])(
    'accepts %s',
    (d) => {
      expect(parseIsoDate(d, 'valueDate')).toBe(d);
      expect(isIsoDate(d)).toBe(true);
    },
  );

  it.each([
    '2026-02-30', '2026-02-29', '1900-02-29', '2100-02-29', '2026-04-31', '2026-13-01', '2026-00-10',
    '2026-01-00', '2026-01-32', '2026-2-1', '2026-02-1', '26-02-01', '20260201', '2026/02/01',
    '2026-02-01T00:00:00Z', ' 2026-02-01', '2026-02-01 ', '0000-01-01', '+02026-02-01', '', 'today',
  ])('rejects %j', (d) => {
    expect(isIsoDate(d)).toBe(false);
    expect(() => parseIsoDate(d, 'valueDate')).toThrow(
      expect.objectContaining({ kind: 'VALIDATION', code: 'date_invalid', details: { field: 'valueDate' } }),
    );
  });

  it.each([20260201, null, undefined, new Date('2026-02-01'), {}])('rejects non-string %j', (d) => {
    expect(() => parseIsoDate(d, 'dueDate')).toThrow(DomainError);
    expect(() => parseIsoDate(d, 'dueDate')).toThrow(expect.objectContaining({ code: 'date_invalid' }));
  });
});

describe('calendar', () => {
  it('knows leap years', () => {
    expect([2024, 2000, 2400, 1600].map(isLeapYear)).toEqual([true, true, true, true]);
    expect([2023, 1900, 2100, 2200].map(isLeapYear)).toEqual([false, false, false, false]);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2023, 2)).toBe(28);
    expect(daysInMonth(2026, 4)).toBe(30);
    expect(daysInMonth(2026, 12)).toBe(31);
  });
});

describe('daysBetween', () => {
  it.each([
    ['2024-02-28', '2024-03-01', 2],
    ['2023-02-28', '2023-03-01', 1],
    ['2026-03-01', '2026-05-27', 87],
    ['2026-01-10', '2026-02-24', 45],
    ['2026-01-31', '2026-02-28', 28],
    ['2024-01-31', '2024-02-29', 29],
    ['2026-03-31', '2026-04-30', 30],
    ['2025-12-31', '2026-01-01', 1],
    ['2024-01-01', '2025-01-01', 366],
    ['2023-01-01', '2024-01-01', 365],
    ['2000-01-01', '2100-01-01', 36525],
    ['2026-03-29', '2026-03-30', 1], // EU DST switch: still one day
    ['2026-03-08', '2026-03-09', 1], // US DST switch
    ['2026-05-27', '2026-03-01', -87],
    ['2026-05-27', '2026-05-27', 0],
    ['1970-01-01', '0001-01-01', -719162],
  ])('%s → %s = %d', (from, to, days) => {
    expect(daysBetween(from, to)).toBe(days);
  });

  it('refuses malformed dates', () => {
    expect(() => daysBetween('2026-02-30', '2026-03-01')).toThrow(expect.objectContaining({ code: 'date_invalid' }));
  });
});

describe('addDays', () => {
  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2024-02-28', 2, '2024-03-01'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2026-01-31', 1, '2026-02-01'],
    ['2025-12-31', 1, '2026-01-01'],
    ['2026-03-01', 87, '2026-05-27'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2026-01-10', 0, '2026-01-10'],
    ['0050-03-01', -1, '0050-02-28'],
  ])('%s + %d = %s', (d, n, expected) => {
    expect(addDays(d, n)).toBe(expected);
  });

  it('refuses non-integer days and years beyond 9999', () => {
    expect(() => addDays('2026-01-01', 1.5)).toThrow(expect.objectContaining({ code: 'days_invalid' }));
    expect(() => addDays('9999-12-31', 1)).toThrow(expect.objectContaining({ code: 'date_invalid' }));
    expect(() => addDays('0001-01-01', -1)).toThrow(expect.objectContaining({ code: 'date_invalid' }));
  });
});

describe('compareDates, todayIso, startOfDayUtcMs', () => {
  it('compares', () => {
    expect(compareDates('2026-01-01', '2026-01-02')).toBe(-1);
    expect(compareDates('2026-01-02', '2026-01-01')).toBe(1);
    expect(compareDates('2026-01-01', '2026-01-01')).toBe(0);
    expect(['2026-03-01', '2024-02-29', '2025-12-31'].sort(compareDates)).toEqual([
      '2024-02-29', '2025-12-31', '2026-03-01',
    ]);
  });

  it('takes today in UTC', () => {
    expect(todayIso(new Date('2026-03-01T23:59:59.999Z'))).toBe('2026-03-01');
    expect(todayIso(new Date('2026-03-01T23:30:00-05:00'))).toBe('2026-03-02');
    expect(todayIso(new Date('2026-03-02T07:30:00+08:00'))).toBe('2026-03-01');
    expect(isIsoDate(todayIso())).toBe(true);
    expect(() => todayIso(new Date('nope'))).toThrow(DomainError);
  });

  it('gives UTC midnight', () => {
    expect(startOfDayUtcMs('2026-03-01')).toBe(Date.UTC(2026, 2, 1));
    expect(startOfDayUtcMs('1969-12-31')).toBe(Date.UTC(1969, 11, 31));
  });
});
