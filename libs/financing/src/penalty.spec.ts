import { Decimal, DayCountBasis } from '@scf/core';
import { bookPenalty, isPastGrace, PenaltyAccount } from './penalty';

describe('bookPenalty', () => {
  const account: PenaltyAccount = {
    advance: '1111111.10',
    principalPaid: '0',
    currency: 'CNY',
    maturityDate: '2026-05-27',
    graceDays: 5,
    basis: 360,
    penaltyRate: '0.18',
    accruedTo: null,
    numerator: '0',
    accrued: '0',
  };
  const after = (booking: ReturnType<typeof bookPenalty>, previous: PenaltyAccount): PenaltyAccount => ({
    ...previous,
    accruedTo: booking.days.length ? booking.days[booking.days.length - 1].accrualDate : previous.accruedTo,
    numerator: booking.numerator,
    accrued: booking.accrued,
  });

  it('books nothing up to and including the last day of grace', () => {
    expect(isPastGrace(account.maturityDate, account.graceDays, '2026-06-01')).toBe(false);
    expect(bookPenalty(account, '2026-06-01')).toEqual({ days: [], numerator: new Decimal(0), accrued: new Decimal(0) });
  });

  it('books every day from maturity once the grace has expired, rounded once in total', () => {
    // 1,111,111.10 × 0.18 × 9 / 360 = 4999.99995 → 5000.00, not 9 × 555.56 = 5000.04
    const booking = bookPenalty(account, '2026-06-05');
    expect(booking.days.map((d) => d.accrualDate)).toEqual([
      '2026-05-28', '2026-05-29', '2026-05-30', '2026-05-31', '2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04', '2026-06-05',
    ]);
    expect(booking.accrued.toFixed(2)).toBe('5000.00');
    expect(booking.days.reduce((sum, d) => sum.plus(d.amount), new Decimal(0)).toFixed(2)).toBe('5000.00');
    expect(booking.days[0].amount.toFixed(2)).toBe('555.56');
  });

  it('gives the same total booked daily as booked at once, and never rebooks a day', () => {
    let state = after(bookPenalty(account, '2026-06-02'), account);
    for (const day of ['2026-06-03', '2026-06-04', '2026-06-05']) state = after(bookPenalty(state, day), state);
    expect(new Decimal(state.accrued).toFixed(2)).toBe('5000.00');
    expect(bookPenalty(state, '2026-06-05').days).toEqual([]);
    expect(bookPenalty(state, '2026-06-03').days).toEqual([]);
  });

  it('applies a new rate and a lower outstanding only to the days booked after them', () => {
    const first = bookPenalty(account, '2026-06-02'); // 6 days at 0.18 on 1,111,111.10 = 3333.33
    expect(first.accrued.toFixed(2)).toBe('3333.33');
    const state = { ...after(first, account), penaltyRate: '0.36', principalPaid: '111111.10' };
    const next = bookPenalty(state, '2026-06-03'); // + 1,000,000.00 × 0.36 / 360 = 1000.00
    expect(next.days).toEqual([
      expect.objectContaining({ accrualDate: '2026-06-03', advanceOutstanding: new Decimal('1000000'), penaltyRate: new Decimal('0.36') }),
    ]);
    expect(next.accrued.toFixed(2)).toBe('4333.33');
  });

  it('rounds to whole yen on ACT/365', () => {
    // 12,345,678 × 0.10 × 10 / 365 = 33823.78… → 33824
    const jpy = { ...account, advance: '12345678', currency: 'JPY', maturityDate: '2026-02-24', graceDays: 3, penaltyRate: '0.10', basis: 365 as DayCountBasis };
    const booking = bookPenalty(jpy, '2026-03-06');
    expect(booking.days).toHaveLength(10);
    expect(booking.accrued.toFixed()).toBe('33824');
  });
});
