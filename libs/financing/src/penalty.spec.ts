import { isPastGrace, penaltyAsOf } from './penalty';

describe('penaltyAsOf', () => {
  const terms = {
    advance: '1111111.10',
    currency: 'CNY',
    maturityDate: '2026-05-27',
    graceDays: 5,
    penaltyRate: '0.18',
    basis: 360 as const,
  };

  it('accrues nothing up to and including the last day of grace', () => {
    expect(isPastGrace(terms.maturityDate, terms.graceDays, '2026-06-01')).toBe(false);
    const lastDayOfGrace = penaltyAsOf(terms, '2026-06-01');
    expect(lastDayOfGrace.daysOverdue).toBe(0);
    expect(lastDayOfGrace.penalty.toFixed()).toBe('0');
  });

  it('runs from the maturity date once the grace period has expired', () => {
    // 1,111,111.10 × 0.18 × 6 / 360 = 3333.3333 → 3333.33
    expect(isPastGrace(terms.maturityDate, terms.graceDays, '2026-06-02')).toBe(true);
    const firstDay = penaltyAsOf(terms, '2026-06-02');
    expect(firstDay.daysOverdue).toBe(6);
    expect(firstDay.penalty.toFixed(2)).toBe('3333.33');
    // 1,111,111.10 × 0.18 × 9 / 360 = 4999.99995 → 5000.00 (half-up, rounded once)
    expect(penaltyAsOf(terms, '2026-06-05').penalty.toFixed(2)).toBe('5000.00');
  });

  it('rounds to whole yen on ACT/365', () => {
    // 12,345,678 × 0.10 × 10 / 365 = 33823.78… → 33824
    const jpy = { ...terms, advance: '12345678', currency: 'JPY', maturityDate: '2026-02-24', graceDays: 3, penaltyRate: '0.10', basis: 365 as const };
    expect(penaltyAsOf(jpy, '2026-03-06')).toMatchObject({ daysOverdue: 10 });
    expect(penaltyAsOf(jpy, '2026-03-06').penalty.toFixed()).toBe('33824');
  });
});
