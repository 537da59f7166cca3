import { daysBetween, Decimal, DayCountBasis, IsoDate, penaltyInterest } from '@scf/core';

export interface PenaltyTerms {
  advance: Decimal.Value;
  currency: string;
  maturityDate: IsoDate;
  graceDays: number;
  penaltyRate: Decimal.Value;
  basis: DayCountBasis;
}

export interface AccruedPenalty {
  /** Calendar days from the maturity date to `asOf`; 0 while the grace period lasts. */
  daysOverdue: number;
  penalty: Decimal;
}

/** A financing is overdue once maturity + grace days lies before the business date. */
export function isPastGrace(maturityDate: IsoDate, graceDays: number, asOf: IsoDate): boolean {
  return daysBetween(maturityDate, asOf) > graceDays;
}

/**
 * Penalty interest owed on the advance A as of a date, computed from scratch so that every run
 * for the same date gives the same figure. Convention: nothing accrues while the grace period
 * lasts; once it has expired the grace is forfeited and penalty runs from the maturity date
 * itself, one day for each calendar day from maturity to `asOf` (as the tenor counts m − v).
 * The grace period is a tolerance for late settlement, not an interest-free extension.
 */
export function penaltyAsOf(terms: PenaltyTerms, asOf: IsoDate): AccruedPenalty {
  if (!isPastGrace(terms.maturityDate, terms.graceDays, asOf)) return { daysOverdue: 0, penalty: new Decimal(0) };
  const daysOverdue = daysBetween(terms.maturityDate, asOf);
  return {
    daysOverdue,
    penalty: penaltyInterest({
      advance: terms.advance,
      penaltyRate: terms.penaltyRate,
      daysOverdue,
      basis: terms.basis,
      currency: terms.currency,
    }),
  };
}
