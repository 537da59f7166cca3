import { DomainError } from './errors';
import {
  Decimal,
  formatAmount,
  formatRate,
  fromMinorUnits,
  parseAmount,
  parseRate,
  roundedQuotient,
  roundMoney,
  toDecimal,
  toMinorUnits,
} from './money';

function caught(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('Decimal', () => {
  it('is configured for money', () => {
    expect(Decimal.precision).toBe(40);
    expect(Decimal.rounding).toBe(Decimal.ROUND_HALF_UP);
  });

  it('never prints exponent notation', () => {
    expect(new Decimal('1e21').toString()).toBe('1000000000000000000000');
    expect(new Decimal('1e-7').toString()).toBe('0.0000001');
    expect(JSON.stringify({ a: new Decimal('0.00000005') })).toBe('{"a":"0.00000005"}');
  });

  it('toDecimal refuses non-finite and garbage values', () => {
    expect(caught(() => toDecimal(NaN)).code).toBe('decimal_invalid');
    expect(caught(() => toDecimal(Infinity)).code).toBe('decimal_invalid');
    expect(caught(() => toDecimal('abc', 'face')).details.field).toBe('face');
  });
});

describe('parseAmount', () => {
  it.each([
    ['1000000.00', 'CNY', '1000000'],
    ['0.01', 'CNY', '0.01'],
    ['12345678', 'JPY', '12345678'],
    ['1.5', 'USD', '1.5'],
    ['1.500', 'CNY', '1.5'],
    ['9999999999999999.99', 'CNY', '9999999999999999.99'],
    ['1.234', 'KWD', '1.234'],
    ['0.0001', 'CLF', '0.0001'],
  ])('accepts %s %s', (input, currency, expected) => {
    expect(parseAmount(input, currency).toString()).toBe(expected);
  });

  it.each([
    ['1.001', 'CNY', 'amount_too_precise'],
    ['1.5', 'JPY', 'amount_too_precise'],
    ['0.001', 'USD', 'amount_too_precise'],
    ['1.0001', 'KWD', 'amount_too_precise'],
    ['-1', 'CNY', 'amount_not_positive'],
    ['-0.01', 'CNY', 'amount_not_positive'],
    ['0', 'CNY', 'amount_not_positive'],
    ['0.00', 'CNY', 'amount_not_positive'],
    ['1e5', 'CNY', 'amount_malformed'],
    [' 1', 'CNY', 'amount_malformed'],
    ['1 ', 'CNY', 'amount_malformed'],
    ['abc', 'CNY', 'amount_malformed'],
    ['', 'CNY', 'amount_malformed'],
    ['+1', 'CNY', 'amount_malformed'],
    ['1.', 'CNY', 'amount_malformed'],
    ['.5', 'CNY', 'amount_malformed'],
    ['1,000.00', 'CNY', 'amount_malformed'],
    ['0x10', 'CNY', 'amount_malformed'],
    ['Infinity', 'CNY', 'amount_malformed'],
    ['NaN', 'CNY', 'amount_malformed'],
    ['１２', 'CNY', 'amount_malformed'],
    ['12345678901234567', 'CNY', 'amount_malformed'],
    [1, 'CNY', 'amount_not_string'],
    [1.5, 'CNY', 'amount_not_string'],
    [null, 'CNY', 'amount_not_string'],
    [undefined, 'CNY', 'amount_not_string'],
    [{}, 'CNY', 'amount_not_string'],
    [new Decimal(1), 'CNY', 'amount_not_string'],
  ])('rejects %j %s with %s', (input, currency, code) => {
    const err = caught(() => parseAmount(input, currency, 'face'));
    expect(err.kind).toBe('VALIDATION');
    expect(err.code).toBe(code);
    expect(err.details.field).toBe('face');
  });

  it('defaults the field to "amount"', () => {
    expect(caught(() => parseAmount('x', 'CNY')).details.field).toBe('amount');
  });

  it('accepts zero only when allowed', () => {
    expect(parseAmount('0', 'CNY', 'amount', { allowZero: true }).isZero()).toBe(true);
    expect(parseAmount('0.00', 'CNY', 'amount', { allowZero: true }).isZero()).toBe(true);
    expect(caught(() => parseAmount('-0', 'CNY', 'amount', { allowZero: true })).code).toBe('amount_not_positive');
  });

  it('rejects an unknown currency', () => {
    const err = caught(() => parseAmount('1.00', 'ABC'));
    expect(err.code).toBe('unknown_currency');
    expect(err.details.field).toBe('currency');
  });
});

describe('roundMoney and formatAmount', () => {
  it.each([
    ['1.005', 'CNY', '1.01'],
    ['1.0049999999', 'CNY', '1.00'],
    ['2.675', 'USD', '2.68'], // 2.675 as a float is 2.67499999…; as a decimal it is a tie
    ['1.015', 'USD', '1.02'],
    ['0.125', 'EUR', '0.13'],
    ['0.135', 'EUR', '0.14'],
    ['0.004', 'CNY', '0.00'],
    ['0.005', 'CNY', '0.01'],
    ['10983.745', 'CNY', '10983.75'],
    ['34246.5', 'JPY', '34247'],
    ['34246.4999', 'JPY', '34246'],
    ['0.5', 'JPY', '1'],
    ['1.0005', 'KWD', '1.001'],
    ['-1.005', 'CNY', '-1.01'],
    ['-0.5', 'JPY', '-1'],
    ['999999999999999.995', 'CNY', '1000000000000000.00'],
  ])('round %s %s = %s', (input, currency, expected) => {
    expect(formatAmount(roundMoney(input, currency), currency)).toBe(expected);
  });

  it.each([
    ['888116.25', 'CNY', '888116.25'],
    ['900000', 'CNY', '900000.00'],
    ['12311431', 'JPY', '12311431'],
    ['5', 'USD', '5.00'],
    ['1e21', 'CNY', '1000000000000000000000.00'],
    ['1e-7', 'CNY', '0.00'],
    ['-0.001', 'CNY', '0.00'],
    ['-0', 'JPY', '0'],
    ['1.5', 'BHD', '1.500'],
  ])('format %s %s = %s', (input, currency, expected) => {
    expect(formatAmount(input, currency)).toBe(expected);
  });

  it('formats Decimal instances from the base decimal.js constructor too', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Base = require('decimal.js') as typeof Decimal;
    expect(formatAmount(new Base('1.005'), 'CNY')).toBe('1.01');
  });
});

describe('minor units', () => {
  it('converts both ways', () => {
    expect(toMinorUnits('888116.25', 'CNY')).toBe(88811625n);
    expect(toMinorUnits('12311431', 'JPY')).toBe(12311431n);
    expect(toMinorUnits('9999999999999999.99', 'CNY')).toBe(999999999999999999n);
    expect(fromMinorUnits(88811625n, 'CNY').toString()).toBe('888116.25');
    expect(fromMinorUnits('1500', 'BHD').toString()).toBe('1.5');
  });

  it('refuses a fraction of a minor unit', () => {
    expect(caught(() => toMinorUnits('1.001', 'CNY')).code).toBe('amount_too_precise');
  });
});

describe('parseRate and formatRate', () => {
  it.each([
    ['0.0385', '0.0385'],
    ['0.05050', '0.0505'],
    ['0', '0'],
    ['1', '1'],
    ['1.0', '1'],
    ['0.00000001', '0.00000001'],
    ['0.12345678', '0.12345678'],
  ])('parses %s', (input, expected) => {
    expect(formatRate(parseRate(input, 'baseRate'))).toBe(expected);
  });

  it.each(['1.01', '2', '-0.01', '0.123456789', '3.85%', '', ' 0.1', '0.1 ', '1e-2', '.5', 'abc', 0.0385, null])(
    'rejects %j',
    (input) => {
      const err = caught(() => parseRate(input, 'margin'));
      expect(err.code).toBe('rate_invalid');
      expect(err.details.field).toBe('margin');
    },
  );

  it('formats without trailing noise or exponents', () => {
    expect(formatRate(new Decimal('0.0500'))).toBe('0.05');
    expect(formatRate(new Decimal('0.0385').plus('0.0120'))).toBe('0.0505');
    expect(formatRate('5e-8')).toBe('0.00000005');
    expect(formatRate('-0')).toBe('0');
  });
});

describe('roundedQuotient', () => {
  it('rounds the exact quotient once', () => {
    expect(roundedQuotient(['900000', '0.0505', 87], [360], 2).toFixed(2)).toBe('10983.75');
    expect(roundedQuotient([1], [3], 6).toString()).toBe('0.333333');
    expect(roundedQuotient([2], [3], 6).toString()).toBe('0.666667');
    expect(roundedQuotient([1], [8], 2).toString()).toBe('0.13');
  });

  it('refuses division by zero', () => {
    expect(() => roundedQuotient([1], [0], 2)).toThrow(RangeError);
  });
});
