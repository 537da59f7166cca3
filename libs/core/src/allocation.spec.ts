import { splitAmount, sumsTo } from './allocation';

const show = (parts: { toFixed(dp: number): string }[], dp: number) => parts.map((p) => p.toFixed(dp));

describe('splitAmount', () => {
  it('gives leftover cents to the largest remainders, earlier first on ties', () => {
    expect(show(splitAmount('100.00', [1, 1, 1], 'CNY'), 2)).toEqual(['33.34', '33.33', '33.33']);
    expect(show(splitAmount('0.05', [1, 1, 1, 1], 'USD'), 2)).toEqual(['0.02', '0.01', '0.01', '0.01']);
    expect(show(splitAmount('10.00', ['0.2', '0.3', '0.5'], 'EUR'), 2)).toEqual(['2.00', '3.00', '5.00']);
    expect(show(splitAmount('1.00', [1, 2], 'CNY'), 2)).toEqual(['0.33', '0.67']);
  });

  it('works in whole yen', () => {
    expect(show(splitAmount('100', [1, 1, 1], 'JPY'), 0)).toEqual(['34', '33', '33']);
    expect(show(splitAmount('12345678', ['700000.00', '300000.00'], 'JPY'), 0)).toEqual(['8641975', '3703703']);
  });

  it('gives nothing to zero weights', () => {
    expect(show(splitAmount('0.01', [0, 1, 0, 1], 'CNY'), 2)).toEqual(['0.00', '0.01', '0.00', '0.00']);
    expect(show(splitAmount('0', [1, 1], 'CNY'), 2)).toEqual(['0.00', '0.00']);
  });

  it('refuses bad inputs', () => {
    expect(() => splitAmount('1.00', [], 'CNY')).toThrow(expect.objectContaining({ code: 'weights_invalid' }));
    expect(() => splitAmount('1.00', [0, 0], 'CNY')).toThrow(expect.objectContaining({ code: 'weights_invalid' }));
    expect(() => splitAmount('1.00', [1, -1, 1], 'CNY')).toThrow(expect.objectContaining({ code: 'weights_invalid' }));
    expect(() => splitAmount('-1.00', [1], 'CNY')).toThrow(expect.objectContaining({ code: 'amount_not_positive' }));
    expect(() => splitAmount('1.005', [1], 'CNY')).toThrow(expect.objectContaining({ code: 'amount_too_precise' }));
  });
});

describe('sumsTo', () => {
  it('is exact', () => {
    expect(sumsTo(['0.10', '0.20'], '0.3')).toBe(true);
    expect(sumsTo(['0.10', '0.20'], '0.31')).toBe(false);
    expect(sumsTo([], 0)).toBe(true);
  });
});
