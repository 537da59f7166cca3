import { daysBetween, IsoDate } from './dates';
import { assertDayCountBasis, assertDays, nonNegativeRate, DayCountBasis, interest } from './day-count';
import { DomainError, invalid } from './errors';
import { Decimal, roundedQuotient, roundMoney, toDecimal } from './money';

export interface OfferPricingInput {
  /** F: confirmed amount, net of credit notes. */
  face: Decimal.Value;
  currency: string;
  /** a: share of F advanced, 0..1. */
  advanceRate: Decimal.Value;
  baseRate: Decimal.Value;
  /** Anchor margin; r = base + margin. */
  margin: Decimal.Value;
  /** f: flat fee on the advance. */
  feeRate: Decimal.Value;
  /** v: date the supplier is paid. */
  valueDate: IsoDate;
  /** m: date the anchor pays. */
  maturityDate: IsoDate;
  basis: DayCountBasis;
  minTenorDays?: number;
  maxTenorDays?: number;
}

export interface OfferPricing {
  /** d = m − v, calendar days. */
  tenorDays: number;
  /** A = round(F × a). */
  advance: Decimal;
  /** D = round(A × r × d / B), interest in advance. */
  discount: Decimal;
  /** Fee = round(A × f). */
  fee: Decimal;
  /** N = A − D − Fee, paid to the supplier. */
  netProceeds: Decimal;
  /** r = base + margin, unrounded. */
  annualRate: Decimal;
  /**
   * (D + Fee) / N × B / d, half-up to 6 decimals. Null when N ≤ 0: the cost is then unbounded,
   * and such an offer must not be shown.
   */
  effectiveAnnualCost: Decimal | null;
}

export const EFFECTIVE_COST_DECIMALS = 6;

export function tenorDays(valueDate: IsoDate, maturityDate: IsoDate): number {
  return daysBetween(valueDate, maturityDate);
}

function assertTenor(days: number, min?: number, max?: number): void {
  if (days <= 0) {
    throw invalid('value_date_not_before_maturity', 'the value date must be before the maturity date', 'valueDate');
  }
  if ((min !== undefined && days < min) || (max !== undefined && days > max)) {
    throw new DomainError('VALIDATION', 'tenor_out_of_range', `tenor of ${days} days is outside the program's range`, {
      field: 'valueDate',
      tenorDays: days,
      minTenorDays: min,
      maxTenorDays: max,
    });
  }
}

function assertFace(face: Decimal.Value): Decimal {
  const f = toDecimal(face, 'face');
  if (!f.isPositive() || f.isZero()) throw invalid('amount_not_positive', 'face must be greater than zero', 'face');
  return f;
}

function assertAdvanceRate(rate: Decimal.Value): Decimal {
  const a = nonNegativeRate(rate, 'advanceRate');
  if (a.greaterThan(1)) throw invalid('rate_invalid', 'advanceRate must not exceed 1', 'advanceRate');
  return a;
}

export function advanceAmount(face: Decimal.Value, advanceRate: Decimal.Value, currency: string): Decimal {
  return roundMoney(assertFace(face).times(assertAdvanceRate(advanceRate)), currency);
}

export function feeAmount(advance: Decimal.Value, feeRate: Decimal.Value, currency: string): Decimal {
  return roundMoney(toDecimal(advance).times(nonNegativeRate(feeRate, 'feeRate')), currency);
}

/** What the supplier effectively pays per year for getting N now instead of F at maturity. */
export function effectiveAnnualCost(
  discount: Decimal.Value,
  fee: Decimal.Value,
  netProceeds: Decimal.Value,
  days: number,
  basis: DayCountBasis,
): Decimal | null {
  const net = toDecimal(netProceeds);
  if (!net.isPositive() || net.isZero() || days <= 0) return null;
  const charges = toDecimal(discount).plus(toDecimal(fee));
  return roundedQuotient([charges, basis], [net, days], EFFECTIVE_COST_DECIMALS);
}

/** Prices an offer exactly as domain.md "Pricing" prescribes; every amount rounds once. */
export function priceOffer(input: OfferPricingInput): OfferPricing {
  const { currency, basis } = input;
  assertDayCountBasis(basis);
  const days = tenorDays(input.valueDate, input.maturityDate);
  assertTenor(days, input.minTenorDays, input.maxTenorDays);

  const annualRate = nonNegativeRate(input.baseRate, 'baseRate').plus(nonNegativeRate(input.margin, 'margin'));
  const advance = advanceAmount(input.face, input.advanceRate, currency);
  const discount = interest(advance, annualRate, days, basis, currency);
  const fee = feeAmount(advance, input.feeRate, currency);
  const netProceeds = advance.minus(discount).minus(fee);

  return {
    tenorDays: days,
    advance,
    discount,
    fee,
    netProceeds,
    annualRate,
    effectiveAnnualCost: effectiveAnnualCost(discount, fee, netProceeds, days, basis),
  };
}

export interface PenaltyInput {
  advance: Decimal.Value;
  penaltyRate: Decimal.Value;
  daysOverdue: number;
  basis: DayCountBasis;
  currency: string;
}

/** Accrues on the advance A (what the bank is out of pocket), not on F, on the program's basis. */
export function penaltyInterest({ advance, penaltyRate, daysOverdue, basis, currency }: PenaltyInput): Decimal {
  assertDays(daysOverdue, 'daysOverdue');
  return interest(advance, nonNegativeRate(penaltyRate, 'penaltyRate'), daysOverdue, basis, currency);
}

/** F − A: what the bank passes on to the supplier once the anchor has paid F at maturity. */
export function reserve(face: Decimal.Value, advance: Decimal.Value, currency: string): Decimal {
  return roundMoney(toDecimal(face, 'face').minus(toDecimal(advance, 'advance')), currency);
}
