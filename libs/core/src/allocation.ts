import { invalid } from './errors';
import { Decimal, fromMinorUnits, toDecimal, toMinorUnits } from './money';

/**
 * Splits `total` in proportion to `weights` at minor-unit precision by the largest-remainder
 * method: every part is floored, then the leftover units go one each to the parts with the
 * largest remainders (earlier index first on ties, so the split is deterministic).
 * Parts are ≥ 0 and sum exactly to total; a zero weight always gets zero.
 */
export function splitAmount(total: Decimal.Value, weights: readonly Decimal.Value[], currency: string): Decimal[] {
  const units = toMinorUnits(total, currency);
  if (units < 0n) throw invalid('amount_not_positive', 'total must not be negative', 'total');
  const scaled = scaleWeights(weights);
  const weightSum = scaled.reduce((a, b) => a + b, 0n);
  if (weightSum === 0n) throw invalid('weights_invalid', 'at least one weight must be positive', 'weights');

  const shares = scaled.map((w, index) => ({
    index,
    units: (units * w) / weightSum,
    remainder: (units * w) % weightSum,
  }));
  let leftover = units - shares.reduce((a, s) => a + s.units, 0n);
  const byRemainder = [...shares].sort((x, y) =>
    x.remainder === y.remainder ? x.index - y.index : x.remainder > y.remainder ? -1 : 1,
  );
  for (const share of byRemainder) {
    if (leftover === 0n) break;
    share.units += 1n;
    leftover -= 1n;
  }
  return shares.map((s) => fromMinorUnits(s.units, currency));
}

/** Weights as integers on a common scale, so that every remainder comparison is exact. */
function scaleWeights(weights: readonly Decimal.Value[]): bigint[] {
  if (weights.length === 0) throw invalid('weights_invalid', 'at least one weight is required', 'weights');
  const decimals = weights.map((w) => toDecimal(w, 'weights'));
  if (decimals.some((w) => w.isNegative() && !w.isZero())) {
    throw invalid('weights_invalid', 'weights must not be negative', 'weights');
  }
  const scale = Math.max(...decimals.map((w) => w.decimalPlaces()));
  const factor = new Decimal(10).pow(scale);
  return decimals.map((w) => BigInt(w.times(factor).toFixed(0)));
}

/** True when the parts add up to exactly the total (no tolerance: money is exact). */
export function sumsTo(parts: readonly Decimal.Value[], total: Decimal.Value): boolean {
  const sum = parts.reduce<Decimal>((acc, p) => acc.plus(toDecimal(p)), new Decimal(0));
  return sum.equals(toDecimal(total));
}
