import fc from 'fast-check';
import { minorUnits } from './currency';
import { DomainError } from './errors';
import { formatAmount, parseAmount, parseRate, formatRate, roundMoney, toMinorUnits } from './money';

const RUNS = { numRuns: 2000 };
const CURRENCIES = ['CNY', 'USD', 'EUR', 'JPY', 'KRW', 'KWD', 'CLF'] as const;

/** Integer m scaled by 10^-scale, written out by hand: the reference never touches decimal.js. */
function scaledToString(m: bigint, scale: number): string {
  const sign = m < 0n ? '-' : '';
  const digits = (m < 0n ? -m : m).toString().padStart(scale + 1, '0');
  if (scale === 0) return sign + digits;
  return `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Half-up (away from zero on ties) of m·10^-scale to `minor` decimals, as integer minor units. */
function referenceRound(m: bigint, scale: number, minor: number): bigint {
  if (scale <= minor) return m * 10n ** BigInt(minor - scale);
  const divisor = 10n ** BigInt(scale - minor);
  const magnitude = m < 0n ? -m : m;
  const q = magnitude / divisor;
  const rounded = 2n * (magnitude % divisor) >= divisor ? q + 1n : q;
  return m < 0n ? -rounded : rounded;
}

function referenceFormat(units: bigint, minor: number): string {
  return scaledToString(units, minor).replace(/^-(0+(\.0+)?)$/, '$1');
}

const currency = fc.constantFrom(...CURRENCIES);

/** Mantissas biased towards exact ties (…5, …50, …500) and near-ties, where rounding bugs live. */
const mantissa = fc.oneof(
  fc.bigInt({ min: -(10n ** 22n), max: 10n ** 22n }),
  fc
    .tuple(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), fc.constantFrom(5n, 50n, 500n, 4n, 49n, 499n, 6n, 51n))
    .map(([q, tail]) => q * 1000n + (q < 0n ? -tail : tail)),
);

describe('money properties', () => {
  it('roundMoney is half-up, matching a BigInt reference on minor units', () => {
    fc.assert(
      fc.property(mantissa, fc.integer({ min: 0, max: 12 }), currency, (m, scale, c) => {
        const minor = minorUnits(c);
        const expected = referenceFormat(referenceRound(m, scale, minor), minor);
        expect(formatAmount(roundMoney(scaledToString(m, scale), c), c)).toBe(expected);
      }),
      RUNS,
    );
  });

  const canonicalAmount = currency.chain((c) =>
    fc
      .bigInt({ min: 1n, max: 10n ** BigInt(16 + minorUnits(c)) - 1n })
      .map((units) => ({ c, units, text: scaledToString(units, minorUnits(c)) })),
  );

  it('format(parse(x)) round-trips canonical amounts', () => {
    fc.assert(
      fc.property(canonicalAmount, ({ c, units, text }) => {
        const parsed = parseAmount(text, c);
        expect(formatAmount(parsed, c)).toBe(text);
        expect(toMinorUnits(parsed, c)).toBe(units);
      }),
      RUNS,
    );
  });

  it('trailing zeros are tolerated, one more significant digit is not', () => {
    fc.assert(
      fc.property(canonicalAmount, fc.integer({ min: 1, max: 9 }), ({ c, text }, digit) => {
        const point = minorUnits(c) === 0 ? '.' : '';
        expect(formatAmount(parseAmount(`${text}${point}000`, c), c)).toBe(text);
        expect(() => parseAmount(`${text}${point}${digit}`, c)).toThrow(
          expect.objectContaining({ code: 'amount_too_precise' }),
        );
      }),
      RUNS,
    );
  });

  it('any string either parses to a canonical amount or fails with a known code', () => {
    const candidate = fc.oneof(
      fc.stringMatching(/^-?\d{0,18}(\.\d{0,5})?$/),
      fc.string({ maxLength: 12 }),
    );
    const codes = ['amount_malformed', 'amount_not_positive', 'amount_too_precise'];
    fc.assert(
      fc.property(candidate, currency, (text, c) => {
        let parsed;
        try {
          parsed = parseAmount(text, c, 'face');
        } catch (e) {
          expect(e).toBeInstanceOf(DomainError);
          expect(codes).toContain((e as DomainError).code);
          expect((e as DomainError).details.field).toBe('face');
          return;
        }
        expect(text).toMatch(/^\d{1,16}(\.\d+)?$/);
        expect(parsed.isPositive() && !parsed.isZero()).toBe(true);
        expect(parseAmount(formatAmount(parsed, c), c).equals(parsed)).toBe(true);
      }),
      RUNS,
    );
  });

  it('format(parse(x)) round-trips rates', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), (units) => {
        const text = scaledToString(BigInt(units), 8);
        const shortest = formatRate(parseRate(text));
        expect(shortest).not.toMatch(/e|\.\d*0$|^\./);
        expect(formatRate(parseRate(shortest))).toBe(shortest);
        expect(parseRate(shortest).equals(parseRate(text))).toBe(true);
      }),
      RUNS,
    );
  });
});
