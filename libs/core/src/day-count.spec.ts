import { interest, isDayCountBasis, parseDayCountBasis } from './day-count';

describe('day count', () => {
  it('recognises the two bases', () => {
    expect(isDayCountBasis(360)).toBe(true);
    expect(isDayCountBasis(365)).toBe(true);
    for (const v of [366, '360', 0, null, 360.0001]) expect(isDayCountBasis(v)).toBe(false);
  });

  it('parses market names', () => {
    expect(parseDayCountBasis('ACT/360')).toBe(360);
    expect(parseDayCountBasis('365')).toBe(365);
    expect(parseDayCountBasis(360)).toBe(360);
    expect(() => parseDayCountBasis('30/360', 'basis')).toThrow(
      expect.objectContaining({ code: 'day_count_basis_invalid', details: { field: 'basis' } }),
    );
  });

  it('computes simple interest rounded once', () => {
    expect(interest('900000.00', '0.0505', 87, 360, 'CNY').toFixed(2)).toBe('10983.75');
    expect(interest('12345678', '0.0225', 45, 365, 'JPY').toFixed(0)).toBe('34247');
    // 100 × 0.0365 × 1 / 365 = 0.01 exactly; ACT/360 gives 0.010138… → 0.01
    expect(interest('100.00', '0.0365', 1, 365, 'USD').toFixed(2)).toBe('0.01');
    // 1000 × 0.09 × 1 / 360 = 0.25 exactly in ACT/360, 0.2465… in ACT/365
    expect(interest('1000.00', '0.09', 1, 360, 'USD').toFixed(2)).toBe('0.25');
    expect(interest('1000.00', '0.09', 1, 365, 'USD').toFixed(2)).toBe('0.25');
    // a genuine tie: 1 × 0.18 × 1 / 360 = 0.0005 → KWD half-up 0.001
    expect(interest('1.000', '0.18', 1, 360, 'KWD').toFixed(3)).toBe('0.001');
    expect(interest('1.00', '0.18', 0, 360, 'CNY').toFixed(2)).toBe('0.00');
  });

  it('refuses bad days, bases and rates', () => {
    expect(() => interest('1', '0.1', -1, 360, 'CNY')).toThrow(expect.objectContaining({ code: 'days_invalid' }));
    expect(() => interest('1', '0.1', 1.5, 360, 'CNY')).toThrow(expect.objectContaining({ code: 'days_invalid' }));
    expect(() => interest('1', '0.1', 1, 364 as 360, 'CNY')).toThrow(
      expect.objectContaining({ code: 'day_count_basis_invalid' }),
    );
    expect(() => interest('1', '-0.1', 1, 360, 'CNY')).toThrow(expect.objectContaining({ code: 'rate_invalid' }));
  });
});
