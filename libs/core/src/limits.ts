import { invalid } from './errors';
import { Decimal, toDecimal } from './money';

/** Headroom under a limit; never negative, even if a limit was lowered under live utilisation. */
export function available(limit: Decimal.Value, utilised: Decimal.Value): Decimal {
  const headroom = toDecimal(limit, 'limit').minus(toDecimal(utilised, 'utilised'));
  return headroom.lessThan(0) ? new Decimal(0) : headroom;
}

/** Whether reserving `amount` keeps utilisation ≤ limit (U + amount ≤ L). */
export function fitsWithin(limit: Decimal.Value, utilised: Decimal.Value, amount: Decimal.Value): boolean {
  const a = toDecimal(amount);
  if (a.isNegative() && !a.isZero()) throw invalid('amount_not_positive', 'amount must not be negative', 'amount');
  return toDecimal(utilised, 'utilised').plus(a).lessThanOrEqualTo(toDecimal(limit, 'limit'));
}
