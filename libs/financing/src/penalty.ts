import { addDays, compareDates, daysBetween, Decimal, DayCountBasis, IsoDate, roundedMoneyQuotient, roundMoney } from '@scf/core';

/** A financing is overdue once maturity + grace days lies before the business date. */
export function isPastGrace(maturityDate: IsoDate, graceDays: number, asOf: IsoDate): boolean {
  return daysBetween(maturityDate, asOf) > graceDays;
}

/** What the penalty ledger of one financing holds before a booking, and the terms in force now. */
export interface PenaltyAccount {
  advance: Decimal.Value;
  principalPaid: Decimal.Value;
  currency: string;
  maturityDate: IsoDate;
  graceDays: number;
  basis: DayCountBasis;
  /** The program's penalty rate in force on the day the booking is made. */
  penaltyRate: Decimal.Value;
  /** The last day already booked, null before the first booking. */
  accruedTo: IsoDate | null;
  /** Σ (advance outstanding × rate) over the booked days. */
  numerator: Decimal.Value;
  /** The booked total, round(numerator / basis). */
  accrued: Decimal.Value;
}

export interface DailyAccrual {
  accrualDate: IsoDate;
  advanceOutstanding: Decimal;
  penaltyRate: Decimal;
  amount: Decimal;
}

export interface PenaltyBooking {
  days: DailyAccrual[];
  numerator: Decimal;
  accrued: Decimal;
}

/**
 * Books penalty day by day up to `asOf`. Convention: nothing accrues while the grace period
 * lasts; once it has expired the grace is forfeited and penalty runs from the maturity date, one
 * day for each calendar day after maturity (as the tenor counts m − v). The grace period is a
 * tolerance for late settlement, not an interest-free extension.
 *
 * Each day accrues on the advance outstanding and at the rate in force when the day is booked:
 * days already booked are never revisited, so a later rate change or a back-dated payment never
 * changes them. The total is rounded once (the day's amount is the change of the rounded
 * cumulative), so N daily bookings equal one booking of N days to the minor unit.
 */
export function bookPenalty(account: PenaltyAccount, asOf: IsoDate): PenaltyBooking {
  let numerator = new Decimal(account.numerator);
  let accrued = new Decimal(account.accrued);
  const days: DailyAccrual[] = [];
  if (!isPastGrace(account.maturityDate, account.graceDays, asOf)) return { days, numerator, accrued };
  const outstanding = roundMoney(new Decimal(account.advance).minus(account.principalPaid), account.currency);
  const rate = new Decimal(account.penaltyRate);
  for (let day = addDays(account.accruedTo ?? account.maturityDate, 1); compareDates(day, asOf) <= 0; day = addDays(day, 1)) {
    numerator = numerator.plus(outstanding.times(rate));
    const total = roundedMoneyQuotient([numerator], [account.basis], account.currency);
    days.push({ accrualDate: day, advanceOutstanding: outstanding, penaltyRate: rate, amount: total.minus(accrued) });
    accrued = total;
  }
  return { days, numerator, accrued };
}
