import fc from 'fast-check';
import { splitAmount, sumsTo } from './allocation';
import { minorUnits } from './currency';
import { toMinorUnits } from './money';

const RUNS = { numRuns: 2000 };

function scaledToString(m: bigint, scale: number): string {
  const digits = m.toString().padStart(scale + 1, '0');
  return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

const currency = fc.constantFrom('CNY', 'USD', 'JPY', 'KRW', 'KWD');
const weight = fc.oneof(
  fc.bigInt({ min: 0n, max: 1_000_000n }).map((w) => ({ w, text: w.toString() })),
  fc.bigInt({ min: 0n, max: 10n ** 12n }).map((w) => ({ w, text: scaledToString(w, 4) })),
  fc.constant({ w: 0n, text: '0' }),
);

const split = fc.record({
  currency,
  units: fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.bigInt({ min: 0n, max: 100n })),
  weights: fc.array(weight, { minLength: 1, maxLength: 20 }).filter((ws) => ws.some(({ w }) => w > 0n)),
});

describe('splitAmount properties', () => {
  it('parts sum exactly to the total, are ≥ 0, and each is within one minor unit of its exact share', () => {
    fc.assert(
      fc.property(split, ({ currency: c, units, weights }) => {
        const minor = minorUnits(c);
        const total = scaledToString(units, minor);
        const parts = splitAmount(total, weights.map(({ text }) => text), c);
        expect(parts).toHaveLength(weights.length);
        expect(sumsTo(parts, total)).toBe(true);

        // Compare weights on one scale: integer weights are ×10^4 against the decimal ones.
        const scaled = weights.map(({ w, text }) => (text.includes('.') ? w : w * 10_000n));
        const weightSum = scaled.reduce((a, b) => a + b, 0n);
        parts.forEach((part, i) => {
          expect(part.isNegative() && !part.isZero()).toBe(false);
          expect(part.decimalPlaces()).toBeLessThanOrEqual(minor);
          const share = toMinorUnits(part, c);
          const deviation = share * weightSum - units * scaled[i];
          expect(deviation > -weightSum && deviation < weightSum).toBe(true);
          if (scaled[i] === 0n) expect(share).toBe(0n);
        });
      }),
      RUNS,
    );
  });
});
