import DecimalJs from 'decimal.js';
import { minorUnits } from './currency';
import { invalid } from './errors';

/**
 * The platform's Decimal: an isolated clone, so that another library calling Decimal.set()
 * can't change how money rounds here. The exponent thresholds are pushed out so toString()
 * and JSON never produce "1e+21" or "1e-7" for an amount or a rate.
 */
export const Decimal = DecimalJs.clone({
  precision: 40,
  rounding: DecimalJs.ROUND_HALF_UP,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});
export type Decimal = DecimalJs;
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace Decimal {
  type Value = DecimalJs.Value;
  type Rounding = DecimalJs.Rounding;
  type Config = DecimalJs.Config;
}

/**
 * Intermediate products and quotients that are rounded once, at the end. Products of our
 * operands (≤ 20-digit amounts × 9-digit rates × 5-digit day counts) stay far below 100 digits,
 * so they are exact; quotients are truncated (not rounded) so that a later half-up rounding can
 * never see a tie that the exact value does not have. 100 rather than more: this is the hot path
 * of offer generation, and decimal.js division costs grow with precision.
 */
const Exact = DecimalJs.clone({
  precision: 100,
  rounding: DecimalJs.ROUND_DOWN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});

const AMOUNT_PATTERN = /^\d{1,16}(\.\d+)?$/;
const NEGATIVE_AMOUNT_PATTERN = /^-\d{1,16}(\.\d+)?$/;
const RATE_PATTERN = /^\d{1,16}(\.\d+)?$/;
export const RATE_MAX_DECIMALS = 8;

/** Converts trusted input (already typed) to a finite Decimal; a bug upstream surfaces here. */
export function toDecimal(value: Decimal.Value, field = 'amount'): Decimal {
  let d: Decimal;
  try {
    d = new Decimal(value);
  } catch {
    throw invalid('decimal_invalid', `${field} is not a decimal number`, field);
  }
  if (!d.isFinite()) throw invalid('decimal_invalid', `${field} is not a finite number`, field);
  return d;
}

/**
 * Parses a money amount from an API payload. Only plain decimal strings are accepted: JSON numbers
 * are binary floats and may already have lost a cent. Trailing zeros beyond the minor unit are
 * tolerated ("1.500" CNY is 1.50); a non-zero digit beyond it is not.
 */
export function parseAmount(
  value: unknown,
  currency: string,
  field = 'amount',
  opts: { allowZero?: boolean } = {},
): Decimal {
  if (typeof value !== 'string') {
    throw invalid('amount_not_string', `${field} must be a decimal string such as "1234.50"`, field);
  }
  const minor = minorUnits(currency);
  if (NEGATIVE_AMOUNT_PATTERN.test(value)) {
    throw invalid('amount_not_positive', `${field} must not be negative`, field);
  }
  if (!AMOUNT_PATTERN.test(value)) {
    throw invalid('amount_malformed', `${field} must be a decimal string such as "1234.50"`, field);
  }
  const amount = new Decimal(value);
  if (amount.decimalPlaces() > minor) {
    throw invalid('amount_too_precise', `${field} has more than ${minor} decimals for ${currency}`, field);
  }
  if (amount.isZero() && !opts.allowZero) {
    throw invalid('amount_not_positive', `${field} must be greater than zero`, field);
  }
  return amount;
}

/** Half-up to the currency's minor unit; ties go away from zero, as banks round. */
export function roundMoney(value: Decimal.Value, currency: string): Decimal {
  return toDecimal(value).toDecimalPlaces(minorUnits(currency), Decimal.ROUND_HALF_UP);
}

/** Fixed to exactly the minor unit ("900000.00", "12311431"); never exponent notation, never "-0". */
export function formatAmount(value: Decimal.Value, currency: string): string {
  const rounded = roundMoney(value, currency);
  return (rounded.isZero() ? new Decimal(0) : rounded).toFixed(minorUnits(currency));
}

/** Amount in integer minor units (cents, yen), as stored in bigint columns. */
export function toMinorUnits(value: Decimal.Value, currency: string): bigint {
  const amount = toDecimal(value);
  const minor = minorUnits(currency);
  if (amount.decimalPlaces() > minor) {
    throw invalid('amount_too_precise', `amount has more than ${minor} decimals for ${currency}`, 'amount');
  }
  return BigInt(amount.times(new Decimal(10).pow(minor)).toFixed(0));
}

export function fromMinorUnits(units: bigint | number | string, currency: string): Decimal {
  const minor = minorUnits(currency);
  return new Decimal(units.toString()).dividedBy(new Decimal(10).pow(minor));
}

/** Annual or flat rate as a decimal fraction ("0.0385" is 3.85 %), 0 ≤ rate ≤ 1. */
export function parseRate(value: unknown, field = 'rate'): Decimal {
  if (typeof value !== 'string' || !RATE_PATTERN.test(value)) {
    throw invalid('rate_invalid', `${field} must be a decimal fraction string such as "0.0385"`, field);
  }
  const rate = new Decimal(value);
  if (rate.greaterThan(1)) {
    throw invalid('rate_invalid', `${field} must be between 0 and 1 (a fraction, not a percentage)`, field);
  }
  if (rate.decimalPlaces() > RATE_MAX_DECIMALS) {
    throw invalid('rate_invalid', `${field} has more than ${RATE_MAX_DECIMALS} decimals`, field);
  }
  return rate;
}

/** Shortest exact form: "0.0385", "0.05", "1", never "5e-8". */
export function formatRate(value: Decimal.Value): string {
  const rate = toDecimal(value, 'rate');
  return rate.isZero() ? '0' : rate.toFixed();
}

/**
 * (n1 × n2 × …) / (d1 × d2 × …) computed exactly and rounded once, half-up, to `decimals`.
 * Rounding A × r × d / B in two steps would round twice and can be off by one minor unit.
 */
export function roundedQuotient(
  numerators: readonly Decimal.Value[],
  denominators: readonly Decimal.Value[],
  decimals: number,
): Decimal {
  const numerator = numerators.reduce<DecimalJs>((acc, v) => acc.times(toDecimal(v)), new Exact(1));
  const denominator = denominators.reduce<DecimalJs>((acc, v) => acc.times(toDecimal(v)), new Exact(1));
  if (denominator.isZero()) throw new RangeError('roundedQuotient: division by zero');
  const quotient = numerator.dividedBy(denominator);
  return new Decimal(quotient.toDecimalPlaces(decimals, Decimal.ROUND_HALF_UP));
}

/** Same as roundedQuotient, to the currency's minor unit. */
export function roundedMoneyQuotient(
  numerators: readonly Decimal.Value[],
  denominators: readonly Decimal.Value[],
  currency: string,
): Decimal {
  return roundedQuotient(numerators, denominators, minorUnits(currency));
}
