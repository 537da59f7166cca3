import { DomainError } from '@scf/core';
import { NewProgram, parseNewProgram, parseTermChanges, changesPricing } from './program-terms';

const TERMS: NewProgram = {
  name: 'Sunrise suppliers',
  anchorId: '00000000-0000-4000-8000-000000000001',
  currency: 'CNY',
  limitAmount: '10000000.00',
  validFrom: '2026-01-01',
  validTo: '2027-12-31',
  baseRate: '0.0385',
  margin: '0.0120',
  advanceRate: '0.90',
  feeRate: '0.001',
  dayCountBasis: 360,
  minTenorDays: 7,
  maxTenorDays: 180,
  graceDays: 5,
  penaltyRate: '0.18',
  offerValidityDays: 3,
  autoApprovalThreshold: '0',
};

const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? { code: error.code, field: error.details.field } : error;
  }
  throw new Error('expected a DomainError');
};

describe('parseNewProgram', () => {
  it('normalises amounts and rates to exact decimals', () => {
    expect(parseNewProgram(TERMS)).toMatchObject({ limitAmount: '10000000', margin: '0.012', advanceRate: '0.9', autoApprovalThreshold: '0', dayCountBasis: 360 });
  });

  it.each([
    [{ limitAmount: '1.001' }, 'amount_too_precise', 'limitAmount'],
    [{ currency: 'JPY', limitAmount: '1.5' }, 'amount_too_precise', 'limitAmount'],
    [{ currency: 'ABC' }, 'unknown_currency', 'currency'],
    [{ validTo: '2026-01-01' }, 'validity_invalid', 'validTo'],
    [{ validFrom: '2026-02-30' }, 'date_invalid', 'validFrom'],
    [{ advanceRate: '0' }, 'rate_invalid', 'advanceRate'],
    [{ feeRate: '1' }, 'rate_invalid', 'feeRate'],
    [{ minTenorDays: 30, maxTenorDays: 29 }, 'tenor_invalid', 'maxTenorDays'],
    [{ dayCountBasis: 364 }, 'day_count_basis_invalid', 'dayCountBasis'],
    [{ autoApprovalThreshold: '-1' }, 'amount_not_positive', 'autoApprovalThreshold'],
  ])('%j → %s on %s', (override, code, field) => {
    expect(failure(() => parseNewProgram({ ...TERMS, ...override }))).toEqual({ code, field });
  });
});

describe('parseTermChanges', () => {
  const program = { currency: 'JPY', validFrom: '2026-01-01' };

  it('keeps only the given fields, checked in the program currency', () => {
    expect(parseTermChanges({ limitAmount: '500000000', margin: '0.0080' }, program)).toEqual({ limitAmount: '500000000', margin: '0.008' });
    expect(failure(() => parseTermChanges({ limitAmount: '1.5' }, program))).toEqual({ code: 'amount_too_precise', field: 'limitAmount' });
    expect(failure(() => parseTermChanges({ validTo: '2025-12-31' }, program))).toEqual({ code: 'validity_invalid', field: 'validTo' });
    expect(failure(() => parseTermChanges({}, program))).toEqual({ code: 'change_empty', field: undefined });
  });

  it('tells pricing changes from limit and validity changes', () => {
    expect(changesPricing({ limitAmount: '1', validTo: '2028-01-01', autoApprovalThreshold: '0' })).toBe(false);
    expect(changesPricing({ penaltyRate: '0.2' })).toBe(true);
  });
});
