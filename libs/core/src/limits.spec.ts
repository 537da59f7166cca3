import { available, fitsWithin } from './limits';

describe('limits', () => {
  it('available is the headroom, never negative', () => {
    expect(available('1000000.00', '900000.00').toFixed(2)).toBe('100000.00');
    expect(available('100', '100').toFixed(0)).toBe('0');
    expect(available('100', '150').toFixed(0)).toBe('0');
  });

  it('fitsWithin allows reaching the limit exactly, not exceeding it', () => {
    expect(fitsWithin('1000000.00', '100000.00', '900000.00')).toBe(true);
    expect(fitsWithin('1000000.00', '100000.01', '900000.00')).toBe(false);
    expect(fitsWithin('0.30', '0.10', '0.20')).toBe(true); // 0.1 + 0.2 ≠ 0.3 only for floats
    expect(fitsWithin('100', '100', '0')).toBe(true);
    expect(() => fitsWithin('100', '0', '-1')).toThrow(expect.objectContaining({ code: 'amount_not_positive' }));
  });
});
