import { DomainError } from './errors';
import { formatAmount } from './money';
import { OfferPricingInput, penaltyInterest, priceOffer, reserve } from './pricing';

const cny: OfferPricingInput = {
  face: '1000000.00',
  currency: 'CNY',
  advanceRate: '0.90',
  baseRate: '0.0385',
  margin: '0.0120',
  feeRate: '0.001',
  valueDate: '2026-03-01',
  maturityDate: '2026-05-27',
  basis: 360,
};

const jpy: OfferPricingInput = {
  face: '12345678',
  currency: 'JPY',
  advanceRate: '1.00',
  baseRate: '0.0150',
  margin: '0.0075',
  feeRate: '0',
  valueDate: '2026-01-10',
  maturityDate: '2026-02-24',
  basis: 365,
};

function shown(input: OfferPricingInput) {
  const p = priceOffer(input);
  const c = input.currency;
  return {
    d: p.tenorDays,
    A: formatAmount(p.advance, c),
    D: formatAmount(p.discount, c),
    Fee: formatAmount(p.fee, c),
    N: formatAmount(p.netProceeds, c),
    r: p.annualRate.toString(),
    cost: p.effectiveAnnualCost?.toFixed(6),
  };
}

describe('priceOffer: worked examples of domain.md', () => {
  it('CNY, ACT/360', () => {
    expect(shown(cny)).toEqual({
      d: 87, A: '900000.00', D: '10983.75', Fee: '900.00', N: '888116.25', r: '0.0505', cost: '0.055369',
    });
  });

  it('JPY, ACT/365', () => {
    expect(shown(jpy)).toEqual({
      d: 45, A: '12345678', D: '34247', Fee: '0', N: '12311431', r: '0.0225', cost: '0.022563',
    });
  });

  it('accepts Decimal and number inputs alike', () => {
    expect(shown({ ...cny, face: 1000000, advanceRate: 0.9, feeRate: '0.0010' }).N).toBe('888116.25');
  });
});

describe('priceOffer: rules', () => {
  function codeOf(input: OfferPricingInput): string {
    try {
      priceOffer(input);
    } catch (e) {
      if (e instanceof DomainError && e.kind === 'VALIDATION') return e.code;
      throw e;
    }
    return 'ok';
  }

  it('needs the value date strictly before maturity', () => {
    expect(codeOf({ ...cny, valueDate: '2026-05-27' })).toBe('value_date_not_before_maturity');
    expect(codeOf({ ...cny, valueDate: '2026-06-01' })).toBe('value_date_not_before_maturity');
  });

  it('keeps the tenor within the program range, bounds inclusive', () => {
    expect(codeOf({ ...cny, minTenorDays: 87, maxTenorDays: 87 })).toBe('ok');
    expect(codeOf({ ...cny, minTenorDays: 88 })).toBe('tenor_out_of_range');
    expect(codeOf({ ...cny, maxTenorDays: 86 })).toBe('tenor_out_of_range');
    try {
      priceOffer({ ...cny, minTenorDays: 7, maxTenorDays: 30 });
    } catch (e) {
      expect((e as DomainError).details).toEqual({ field: 'valueDate', tenorDays: 87, minTenorDays: 7, maxTenorDays: 30 });
    }
  });

  it('refuses nonsense inputs', () => {
    expect(codeOf({ ...cny, valueDate: '2026-02-30' })).toBe('date_invalid');
    expect(codeOf({ ...cny, face: '0' })).toBe('amount_not_positive');
    expect(codeOf({ ...cny, face: '-5' })).toBe('amount_not_positive');
    expect(codeOf({ ...cny, advanceRate: '1.01' })).toBe('rate_invalid');
    expect(codeOf({ ...cny, margin: '-0.01' })).toBe('rate_invalid');
    expect(codeOf({ ...cny, feeRate: '-0.001' })).toBe('rate_invalid');
    expect(codeOf({ ...cny, currency: 'ABC' })).toBe('unknown_currency');
    expect(codeOf({ ...cny, basis: 364 as 360 })).toBe('day_count_basis_invalid');
  });

  it('gives no effective cost when nothing would be paid out', () => {
    const p = priceOffer({ ...cny, baseRate: '1', margin: '1', maturityDate: '2027-03-01' });
    expect(p.netProceeds.isNegative()).toBe(true);
    expect(p.effectiveAnnualCost).toBeNull();
    const zeroAdvance = priceOffer({ ...cny, advanceRate: '0' });
    expect(zeroAdvance.netProceeds.isZero()).toBe(true);
    expect(zeroAdvance.effectiveAnnualCost).toBeNull();
  });

  it('costs zero when there is no rate and no fee', () => {
    const p = priceOffer({ ...cny, baseRate: '0', margin: '0', feeRate: '0' });
    expect(formatAmount(p.netProceeds, 'CNY')).toBe('900000.00');
    expect(p.effectiveAnnualCost?.toString()).toBe('0');
  });
});

describe('penaltyInterest and reserve', () => {
  it('accrues penalty on the advance at the program basis', () => {
    // 900000 × 0.08 × 10 / 360 = 2000
    expect(
      formatAmount(penaltyInterest({ advance: '900000.00', penaltyRate: '0.08', daysOverdue: 10, basis: 360, currency: 'CNY' }), 'CNY'),
    ).toBe('2000.00');
    // 12345678 × 0.1 × 3 / 365 = 10147.13… → 10147
    expect(
      formatAmount(penaltyInterest({ advance: '12345678', penaltyRate: '0.1', daysOverdue: 3, basis: 365, currency: 'JPY' }), 'JPY'),
    ).toBe('10147');
    expect(penaltyInterest({ advance: '1.00', penaltyRate: '0.5', daysOverdue: 0, basis: 365, currency: 'USD' }).isZero()).toBe(true);
    expect(() => penaltyInterest({ advance: '1', penaltyRate: '0.1', daysOverdue: -1, basis: 365, currency: 'USD' })).toThrow(
      expect.objectContaining({ code: 'days_invalid', details: { field: 'daysOverdue' } }),
    );
  });

  it('reserve is F − A', () => {
    expect(formatAmount(reserve('1000000.00', '900000.00', 'CNY'), 'CNY')).toBe('100000.00');
    expect(formatAmount(reserve('12345678', '12345678', 'JPY'), 'JPY')).toBe('0');
  });
});
