import fc from 'fast-check';
import { minorUnits } from './currency';
import { addDays } from './dates';
import { DayCountBasis } from './day-count';
import { Decimal, toMinorUnits } from './money';
import { OfferPricingInput, penaltyInterest, priceOffer } from './pricing';

const RUNS = { numRuns: 2000 };
const MS_PER_DAY = 86_400_000;
const RATE_SCALE = 10n ** 8n; // rates carry at most 8 decimals
const ADVANCE_SCALE = 10n ** 4n;

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const iso = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
const refDay = (date: string) => Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) / MS_PER_DAY;
const refDaysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

function scaledToString(m: bigint, scale: number): string {
  const digits = m.toString().padStart(scale + 1, '0');
  return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** n / d half-up for n ≥ 0, d > 0: the reference for every rounding in domain.md. */
const divHalfUp = (n: bigint, d: bigint) => (2n * (n % d) >= d ? n / d + 1n : n / d);

/** Year ends, month ends and Februaries of leap and common years are over-represented. */
const businessDate = fc
  .record({
    year: fc.oneof(fc.integer({ min: 1990, max: 2200 }), fc.constantFrom(2000, 2023, 2024, 2028, 2100)),
    month: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constantFrom(1, 2, 12)),
    day: fc.oneof(fc.integer({ min: 1, max: 31 }), fc.constantFrom(1, 28, 29, 31)),
  })
  .map(({ year, month, day }) => iso(year, month, Math.min(day, refDaysInMonth(year, month))));

const currency = fc.constantFrom('CNY', 'USD', 'EUR', 'HKD', 'JPY', 'KRW');

/** Inputs as integers on their scales, so the reference can recompute everything in BigInt. */
const scenario = currency.chain((c) =>
  fc.record({
    currency: fc.constant(c),
    faceUnits: fc.oneof(
      fc.bigInt({ min: 1n, max: 10n ** BigInt(16 + minorUnits(c)) - 1n }),
      fc.bigInt({ min: 1n, max: 10_000n }),
    ),
    advance: fc.oneof(fc.bigInt({ min: 0n, max: ADVANCE_SCALE }), fc.constantFrom(8000n, 9000n, 10_000n)),
    base: fc.bigInt({ min: 0n, max: 20_000_000n }),
    margin: fc.bigInt({ min: 0n, max: 10_000_000n }),
    fee: fc.bigInt({ min: 0n, max: 2_000_000n }),
    valueDate: businessDate,
    tenor: fc.oneof(fc.integer({ min: 1, max: 720 }), fc.integer({ min: 1, max: 31 })),
    basis: fc.constantFrom<DayCountBasis>(360, 365),
  }),
);

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function inputOf(s: Scenario): OfferPricingInput {
  const minor = minorUnits(s.currency);
  return {
    face: scaledToString(s.faceUnits, minor),
    currency: s.currency,
    advanceRate: scaledToString(s.advance, 4),
    baseRate: scaledToString(s.base, 8),
    margin: scaledToString(s.margin, 8),
    feeRate: scaledToString(s.fee, 8),
    valueDate: s.valueDate,
    maturityDate: addDays(s.valueDate, s.tenor),
    basis: s.basis,
  };
}

function reference(s: Scenario, days: number) {
  const A = divHalfUp(s.faceUnits * s.advance, ADVANCE_SCALE);
  const D = divHalfUp(A * (s.base + s.margin) * BigInt(days), RATE_SCALE * BigInt(s.basis));
  const Fee = divHalfUp(A * s.fee, RATE_SCALE);
  return { A, D, Fee, N: A - D - Fee };
}

describe('pricing properties', () => {
  it('N + D + Fee = A, and A ≤ F when a ≤ 1', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const input = inputOf(s);
        const p = priceOffer(input);
        expect(p.netProceeds.plus(p.discount).plus(p.fee).equals(p.advance)).toBe(true);
        expect(p.advance.lessThanOrEqualTo(input.face)).toBe(true);
        expect(p.advance.isNegative() || p.discount.isNegative() || p.fee.isNegative()).toBe(false);
      }),
      RUNS,
    );
  });

  it('every amount has at most the currency minor-unit decimals', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const p = priceOffer(inputOf(s));
        const minor = minorUnits(s.currency);
        for (const amount of [p.advance, p.discount, p.fee, p.netProceeds]) {
          expect(amount.decimalPlaces()).toBeLessThanOrEqual(minor);
        }
        if (p.effectiveAnnualCost) expect(p.effectiveAnnualCost.decimalPlaces()).toBeLessThanOrEqual(6);
      }),
      RUNS,
    );
  });

  it('rounds half-up exactly like a BigInt reference on minor units', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const p = priceOffer(inputOf(s));
        const ref = reference(s, s.tenor);
        expect({
          A: toMinorUnits(p.advance, s.currency),
          D: toMinorUnits(p.discount, s.currency),
          Fee: toMinorUnits(p.fee, s.currency),
          N: toMinorUnits(p.netProceeds, s.currency),
        }).toEqual(ref);
        if (ref.N > 0n) {
          const cost = divHalfUp((ref.D + ref.Fee) * BigInt(s.basis) * 10n ** 6n, ref.N * BigInt(s.tenor));
          expect(p.effectiveAnnualCost?.equals(new Decimal(scaledToString(cost, 6)))).toBe(true);
        } else {
          expect(p.effectiveAnnualCost).toBeNull();
        }
      }),
      RUNS,
    );
  });

  it('ACT/360 and ACT/365 count the Date.UTC days across leap years and month ends', () => {
    const dates = fc.tuple(businessDate, businessDate).filter(([a, b]) => a !== b);
    fc.assert(
      fc.property(scenario, dates, (s, [x, y]) => {
        const [valueDate, maturityDate] = x < y ? [x, y] : [y, x];
        const days = refDay(maturityDate) - refDay(valueDate);
        const at = (basis: DayCountBasis) => priceOffer({ ...inputOf(s), valueDate, maturityDate, basis });
        const act360 = at(360);
        const act365 = at(365);
        expect(act360.tenorDays).toBe(days);
        expect(act365.tenorDays).toBe(days);
        expect(toMinorUnits(act360.discount, s.currency)).toBe(reference({ ...s, basis: 360 }, days).D);
        expect(toMinorUnits(act365.discount, s.currency)).toBe(reference({ ...s, basis: 365 }, days).D);
        expect(act360.discount.greaterThanOrEqualTo(act365.discount)).toBe(true);
      }),
      RUNS,
    );
  });

  it('tenor bounds are inclusive and enforced', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 800 }), fc.integer({ min: 0, max: 800 }), (s, lo, hi) => {
        const input = { ...inputOf(s), minTenorDays: lo, maxTenorDays: hi };
        if (s.tenor >= lo && s.tenor <= hi) {
          expect(priceOffer(input).tenorDays).toBe(s.tenor);
        } else {
          expect(() => priceOffer(input)).toThrow(expect.objectContaining({ code: 'tenor_out_of_range' }));
        }
      }),
      RUNS,
    );
  });

  it('penalty interest = round(A × p × days / B)', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.bigInt({ min: 0n, max: 30_000_000n }),
        fc.integer({ min: 0, max: 1000 }),
        (s, p, daysOverdue) => {
          const advanceUnits = reference(s, s.tenor).A;
          const minor = minorUnits(s.currency);
          const penalty = penaltyInterest({
            advance: scaledToString(advanceUnits, minor),
            penaltyRate: scaledToString(p, 8),
            daysOverdue,
            basis: s.basis,
            currency: s.currency,
          });
          const expected = divHalfUp(advanceUnits * p * BigInt(daysOverdue), RATE_SCALE * BigInt(s.basis));
          expect(toMinorUnits(penalty, s.currency)).toBe(expected);
        },
      ),
      RUNS,
    );
  });
});
