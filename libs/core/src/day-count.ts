import { invalid } from './errors';
import { Decimal, roundedMoneyQuotient, toDecimal } from './money';

/** ACT/360 or ACT/365 (fixed): actual calendar days over a 360- or 365-day year. */
export type DayCountBasis = 360 | 365;

export const DAY_COUNT_BASES: readonly DayCountBasis[] = Object.freeze([360, 365] as const);

export function isDayCountBasis(value: unknown): value is DayCountBasis {
  return value === 360 || value === 365;
}

/** Accepts 360 / 365 or their market names 'ACT/360' / 'ACT/365'. */
export function parseDayCountBasis(value: unknown, field = 'dayCountBasis'): DayCountBasis {
  const named = typeof value === 'string' ? /^(?:ACT\/)?(360|365)$/.exec(value) : null;
  const basis = named ? Number(named[1]) : value;
  if (!isDayCountBasis(basis)) {
    throw invalid('day_count_basis_invalid', `${field} must be 360 or 365 (ACT/360, ACT/365)`, field);
  }
  return basis;
}

export function assertDayCountBasis(value: unknown, field = 'basis'): asserts value is DayCountBasis {
  if (!isDayCountBasis(value)) {
    throw invalid('day_count_basis_invalid', `${field} must be 360 or 365`, field);
  }
}

export function assertDays(days: number, field = 'days'): void {
  if (!Number.isSafeInteger(days) || days < 0) {
    throw invalid('days_invalid', `${field} must be a whole number of days ≥ 0`, field);
  }
}

export function nonNegativeRate(rate: Decimal.Value, field = 'rate'): Decimal {
  const d = toDecimal(rate, field);
  if (d.isNegative()) throw invalid('rate_invalid', `${field} must not be negative`, field);
  return d;
}

/** Simple interest amount × rate × days / basis, rounded once (half-up) to the currency. */
export function interest(
  amount: Decimal.Value,
  rate: Decimal.Value,
  days: number,
  basis: DayCountBasis,
  currency: string,
): Decimal {
  assertDayCountBasis(basis);
  assertDays(days);
  return roundedMoneyQuotient([toDecimal(amount), nonNegativeRate(rate), days], [basis], currency);
}
