import fc from 'fast-check';
import {
  BusinessCalendar, defaultBusinessTimeZone, defaultCalendarCode, isBusinessDay, isoWeekday, isTimeZone, modifiedFollowing,
  parseWeekendDays, todayIn, valueDateFor,
} from './business-days';
import { addDays, daysBetween, daysInMonth } from './dates';
import { DomainError } from './errors';
import { priceOffer } from './pricing';

const weekends = (holidays: string[] = []): BusinessCalendar => ({ weekendDays: [6, 7], holidays: new Set(holidays) });

describe('business days', () => {
  it('knows the ISO weekday, whatever the century', () => {
    expect(['2026-03-01', '2026-03-02', '2026-03-07', '1970-01-01', '2000-02-29', '0001-01-01'].map(isoWeekday)).toEqual([7, 1, 6, 4, 2, 1]);
  });

  it('rolls a weekend value date forward to Monday', () => {
    expect(modifiedFollowing('2026-03-01', weekends())).toBe('2026-03-02');
    expect(modifiedFollowing('2026-03-07', weekends())).toBe('2026-03-09');
    expect(modifiedFollowing('2026-03-04', weekends())).toBe('2026-03-04');
  });

  it('rolls back instead when forward would cross into the next month', () => {
    // 2026-05-30 is a Saturday; Monday is June 1st, so the Friday before.
    expect(modifiedFollowing('2026-05-30', weekends())).toBe('2026-05-29');
    expect(modifiedFollowing('2026-05-31', weekends())).toBe('2026-05-29');
    // China's National Day week: 2026-10-01..07 holidays, the 3rd/4th a weekend.
    const golden = weekends(['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07']);
    expect(modifiedFollowing('2026-10-01', golden)).toBe('2026-10-08');
    // Month-end holidays push back over the weekend too.
    expect(modifiedFollowing('2026-07-31', weekends(['2026-07-31', '2026-07-30']))).toBe('2026-07-29');
  });

  it('never values a payment in the past: at a month end it rolls into the next month', () => {
    expect(valueDateFor('2026-03-01', weekends())).toBe('2026-03-02');
    expect(valueDateFor('2026-05-30', weekends())).toBe('2026-06-01');
    expect(valueDateFor('2026-05-29', weekends())).toBe('2026-05-29');
    expect(valueDateFor('2026-12-31', weekends(['2026-12-31', '2027-01-01']))).toBe('2027-01-04');
  });

  it('keeps every date when no day is a holiday', () => {
    expect(modifiedFollowing('2026-03-01', { weekendDays: [], holidays: new Set() })).toBe('2026-03-01');
  });

  it('refuses a month without a business day rather than leave it', () => {
    const allFebruary = Array.from({ length: 28 }, (_, i) => addDays('2026-02-01', i));
    expect(() => modifiedFollowing('2026-02-14', weekends(allFebruary))).toThrow(expect.objectContaining({ code: 'no_business_day' }));
  });

  it('leaves the pricing worked example unchanged, applied before it on adjusted dates', () => {
    // domain.md's first example values on Sunday 2026-03-01; with a weekend calendar the value
    // date is Monday 2026-03-02 and d is 86, priced by the same unchanged function.
    const terms = { face: '1000000.00', currency: 'CNY', advanceRate: '0.90', baseRate: '0.0385', margin: '0.0120', feeRate: '0.001', basis: 360 as const };
    const valueDate = modifiedFollowing('2026-03-01', weekends());
    const maturityDate = modifiedFollowing('2026-05-27', weekends());
    const adjusted = priceOffer({ ...terms, valueDate, maturityDate });
    expect([valueDate, maturityDate, adjusted.tenorDays, adjusted.discount.toFixed(2), adjusted.netProceeds.toFixed(2)])
      .toEqual(['2026-03-02', '2026-05-27', 86, '10857.50', '888242.50']);
    expect(priceOffer({ ...terms, valueDate: '2026-03-01', maturityDate: '2026-05-27' }).netProceeds.toFixed(2)).toBe('888116.25');
  });

  it('validates weekend days', () => {
    expect(parseWeekendDays([7, 6, 6])).toEqual([6, 7]);
    expect(parseWeekendDays([])).toEqual([]);
    for (const bad of [[0], [8], [1.5], ['6'], [1, 2, 3, 4, 5, 6, 7], 'sat']) {
      expect(() => parseWeekendDays(bad)).toThrow(expect.objectContaining({ code: 'weekend_days_invalid', details: { field: 'weekendDays' } }));
    }
  });

  it('knows IANA zones and refuses offsets and nonsense', () => {
    expect(['Asia/Shanghai', 'America/Argentina/Buenos_Aires', 'UTC', 'Etc/GMT+8'].map(isTimeZone)).toEqual([true, true, true, true]);
    expect(['+08:00', 'Mars/Olympus', '', 'Asia/Shanghai\u0000', 42, 'CST'].map(isTimeZone)).toEqual([false, false, false, false, false, false]);
  });

  it("gives Beijing's date, not yesterday's UTC date, before 08:00 Beijing time", () => {
    const at = new Date('2026-03-01T23:30:00Z'); // 07:30 on 2026-03-02 in Beijing
    expect(todayIn('Asia/Shanghai', at)).toBe('2026-03-02');
    expect(todayIn('UTC', at)).toBe('2026-03-01');
    expect(todayIn('America/New_York', at)).toBe('2026-03-01');
    expect(todayIn('Asia/Shanghai', new Date('2026-03-01T16:00:00Z'))).toBe('2026-03-02');
    expect(todayIn('Asia/Shanghai', new Date('2026-03-01T15:59:59.999Z'))).toBe('2026-03-01');
    expect(() => todayIn('Nowhere/Land', at)).toThrow(DomainError);
  });

  it('defaults CNY to Beijing and the CN calendar', () => {
    expect([defaultBusinessTimeZone('CNY'), defaultCalendarCode('CNY'), defaultBusinessTimeZone('XAF')]).toEqual(['Asia/Shanghai', 'CN', undefined]);
  });
});

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const date = fc
  .record({ year: fc.integer({ min: 1990, max: 2100 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
  .map(({ year, month, day }) => `${pad(year, 4)}-${pad(month, 2)}-${pad(Math.min(day, daysInMonth(year, month)), 2)}`);
const calendarNear = (around: string) =>
  fc
    .record({
      weekendDays: fc.subarray([1, 2, 3, 4, 5, 6, 7], { maxLength: 3 }),
      offsets: fc.array(fc.integer({ min: -35, max: 35 }), { maxLength: 25 }),
    })
    .map(({ weekendDays, offsets }): BusinessCalendar => ({ weekendDays, holidays: new Set(offsets.map((o) => addDays(around, o))) }));
const dateAndCalendar = date.chain((d) => fc.tuple(fc.constant(d), calendarNear(d)));
const month = (d: string) => d.slice(0, 7);
const between = (from: string, to: string) => Array.from({ length: daysBetween(from, to) + 1 }, (_, i) => addDays(from, i));

describe('modified following, properties', () => {
  const RUNS = { numRuns: 3000 };
  const adjust = (d: string, calendar: BusinessCalendar) => {
    try {
      return modifiedFollowing(d, calendar);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'no_business_day') return undefined;
      throw error;
    }
  };

  it('lands on a business day of the same month, and only refuses when the month has none', () => {
    fc.assert(
      fc.property(dateAndCalendar, ([d, calendar]) => {
        const adjusted = adjust(d, calendar);
        const monthDays = between(`${month(d)}-01`, `${month(d)}-${pad(daysInMonth(+d.slice(0, 4), +d.slice(5, 7)), 2)}`);
        if (adjusted === undefined) {
          expect(monthDays.some((day) => isBusinessDay(day, calendar))).toBe(false);
          return;
        }
        expect(isBusinessDay(adjusted, calendar)).toBe(true);
        expect(month(adjusted)).toBe(month(d));
      }),
      RUNS,
    );
  });

  it('keeps a business day, and is idempotent', () => {
    fc.assert(
      fc.property(dateAndCalendar, ([d, calendar]) => {
        const adjusted = adjust(d, calendar);
        if (isBusinessDay(d, calendar)) expect(adjusted).toBe(d);
        if (adjusted !== undefined) expect(modifiedFollowing(adjusted, calendar)).toBe(adjusted);
      }),
      RUNS,
    );
  });

  it('moves to the nearest business day forward, and backward only when the month has none ahead', () => {
    fc.assert(
      fc.property(dateAndCalendar, ([d, calendar]) => {
        const adjusted = adjust(d, calendar);
        if (adjusted === undefined || adjusted === d) return;
        if (adjusted > d) {
          expect(between(d, addDays(adjusted, -1)).some((day) => isBusinessDay(day, calendar))).toBe(false);
        } else {
          const monthEnd = `${month(d)}-${pad(daysInMonth(+d.slice(0, 4), +d.slice(5, 7)), 2)}`;
          expect(between(d, monthEnd).some((day) => isBusinessDay(day, calendar))).toBe(false);
          expect(between(addDays(adjusted, 1), d).some((day) => isBusinessDay(day, calendar))).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it('values on the first business day on or after today', () => {
    fc.assert(
      fc.property(dateAndCalendar, ([d, calendar]) => {
        let valueDate: string;
        try {
          valueDate = valueDateFor(d, calendar);
        } catch {
          return;
        }
        expect(valueDate >= d && isBusinessDay(valueDate, calendar)).toBe(true);
        expect(between(d, valueDate).filter((day) => isBusinessDay(day, calendar))).toEqual([valueDate]);
      }),
      RUNS,
    );
  });

  it('agrees with a naive weekday count on every date of a weekends-only calendar', () => {
    fc.assert(
      fc.property(date, (d) => {
        const adjusted = modifiedFollowing(d, weekends());
        expect([6, 7]).not.toContain(isoWeekday(adjusted));
        expect(Math.abs(daysBetween(d, adjusted))).toBeLessThanOrEqual(2);
      }),
      RUNS,
    );
  });
});
