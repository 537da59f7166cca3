import fc from 'fast-check';
import { addDays, compareDates, daysBetween, isIsoDate } from './dates';

const RUNS = { numRuns: 2000 };
const MS_PER_DAY = 86_400_000;

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const iso = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
/** Reference: Date.UTC, which knows the Gregorian calendar and ignores zones and DST. */
const refDay = (date: string) => Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) / MS_PER_DAY;
const refIso = (day: number) => new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
const refDaysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Dates in 1900..2400 (so 1900, 2000, 2100 and 2400 are all in play), biased to month ends and February. */
const businessDate = fc
  .record({
    year: fc.oneof(fc.integer({ min: 1900, max: 2400 }), fc.constantFrom(1900, 2000, 2023, 2024, 2100, 2400)),
    month: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constant(2)),
    day: fc.oneof(fc.integer({ min: 1, max: 31 }), fc.constantFrom(28, 29, 30, 31, 1)),
  })
  .map(({ year, month, day }) => iso(year, month, Math.min(day, refDaysInMonth(year, month))));

describe('date properties', () => {
  it('daysBetween equals the Date.UTC reference', () => {
    fc.assert(
      fc.property(businessDate, businessDate, (a, b) => {
        expect(daysBetween(a, b)).toBe(refDay(b) - refDay(a));
      }),
      RUNS,
    );
  });

  it('addDays equals the Date.UTC reference and inverts daysBetween', () => {
    fc.assert(
      fc.property(businessDate, fc.integer({ min: -40_000, max: 40_000 }), (a, n) => {
        const b = addDays(a, n);
        expect(b).toBe(refIso(refDay(a) + n));
        expect(daysBetween(a, b)).toBe(n);
      }),
      RUNS,
    );
  });

  it('accepts exactly the calendar dates', () => {
    const candidate = fc.record({
      year: fc.integer({ min: 1900, max: 2400 }),
      month: fc.integer({ min: 0, max: 13 }),
      day: fc.integer({ min: 0, max: 32 }),
    });
    fc.assert(
      fc.property(candidate, ({ year, month, day }) => {
        const valid = month >= 1 && month <= 12 && day >= 1 && day <= refDaysInMonth(year, month);
        expect(isIsoDate(iso(year, month, day))).toBe(valid);
      }),
      RUNS,
    );
  });

  it('compareDates orders like the calendar', () => {
    fc.assert(
      fc.property(businessDate, businessDate, (a, b) => {
        expect(compareDates(a, b)).toBe(Math.sign(refDay(a) - refDay(b)));
      }),
      RUNS,
    );
  });
});
