import { allocateRepayment } from './repayment';

describe('allocateRepayment', () => {
  const due = { penalty: '5000.00', principal: '1111111.10', reserve: '123456.79' };
  const fixed = (a: ReturnType<typeof allocateRepayment>) =>
    Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v.toFixed(2)]));

  it('pays penalty first, then the advance, then the reserve', () => {
    expect(fixed(allocateRepayment('3000.00', due))).toEqual({ penaltyPaid: '3000.00', principalPaid: '0.00', reserveReleased: '0.00', excess: '0.00' });
    expect(fixed(allocateRepayment('1000000.00', due))).toEqual({ penaltyPaid: '5000.00', principalPaid: '995000.00', reserveReleased: '0.00', excess: '0.00' });
    expect(fixed(allocateRepayment('1234567.89', due))).toEqual({ penaltyPaid: '5000.00', principalPaid: '1111111.10', reserveReleased: '118456.79', excess: '0.00' });
  });

  it('keeps whatever is paid beyond all claims as excess', () => {
    expect(fixed(allocateRepayment('1240000.00', due))).toEqual({ penaltyPaid: '5000.00', principalPaid: '1111111.10', reserveReleased: '123456.79', excess: '432.11' });
  });
});
