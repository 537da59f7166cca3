import { CURRENCY_CODES, isCurrency, minorUnits, parseCurrency } from './currency';
import { DomainError } from './errors';

describe('currency', () => {
  it.each([
    ['CNY', 2], ['USD', 2], ['EUR', 2], ['GBP', 2], ['HKD', 2], ['SGD', 2], ['CHF', 2], ['AUD', 2],
    ['CAD', 2], ['INR', 2], ['JPY', 0], ['KRW', 0], ['CLP', 0], ['VND', 0], ['BHD', 3], ['KWD', 3],
    ['JOD', 3], ['TND', 3], ['CLF', 4], ['UYW', 4],
  ])('%s has %d minor units', (code, units) => {
    expect(minorUnits(code)).toBe(units);
    expect(isCurrency(code)).toBe(true);
  });

  it.each(['ABC', 'XXX', 'XAU', 'cny', ' CNY', 'CNY ', '', 'constructor', '__proto__', 'toString'])(
    'rejects %j',
    (code) => {
      expect(isCurrency(code)).toBe(false);
      expect(() => minorUnits(code)).toThrow(DomainError);
      try {
        minorUnits(code);
      } catch (e) {
        const err = e as DomainError;
        expect(err.kind).toBe('VALIDATION');
        expect(err.code).toBe('unknown_currency');
        expect(err.details.field).toBe('currency');
      }
    },
  );

  it('isCurrency is false for non-strings', () => {
    for (const v of [undefined, null, 156, {}, ['CNY']]) expect(isCurrency(v)).toBe(false);
  });

  it('parseCurrency reports the given field', () => {
    expect(parseCurrency('EUR')).toBe('EUR');
    expect(() => parseCurrency('eur', 'programCurrency')).toThrow(
      expect.objectContaining({ code: 'unknown_currency', details: { field: 'programCurrency' } }),
    );
  });

  it('lists a real set of unique three-letter codes', () => {
    expect(CURRENCY_CODES.length).toBeGreaterThan(150);
    expect(new Set(CURRENCY_CODES).size).toBe(CURRENCY_CODES.length);
    for (const c of CURRENCY_CODES) expect(c).toMatch(/^[A-Z]{3}$/);
  });
});
