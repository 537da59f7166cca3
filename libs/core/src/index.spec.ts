import * as core from './index';

describe('barrel', () => {
  it('exports the domain API and the errors', () => {
    for (const name of [
      'DomainError', 'invalid', 'notFound', 'conflict', 'forbidden', 'Decimal', 'parseAmount', 'roundMoney',
      'formatAmount', 'parseRate', 'formatRate', 'isCurrency', 'minorUnits', 'parseIsoDate', 'daysBetween',
      'addDays', 'compareDates', 'todayIso', 'isDayCountBasis', 'interest', 'priceOffer', 'penaltyInterest',
      'reserve', 'splitAmount', 'sumsTo', 'available', 'fitsWithin',
    ]) {
      expect(core).toHaveProperty(name);
    }
  });
});
