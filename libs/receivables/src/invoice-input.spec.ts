import { checkInvoice, checkPayable, invalidBatch } from './invoice-input';

const row = { invoiceNumber: 'INV-1', currency: 'CNY', amount: '1000000.00', issueDate: '2026-02-26', dueDate: '2026-05-27' };

describe('checkInvoice', () => {
  it('parses a good row exactly', () => {
    const { value, violations } = checkInvoice(row, 'CNY');
    expect(violations).toEqual([]);
    expect(value).toMatchObject({ invoiceNumber: 'INV-1', numberKey: 'inv1', currency: 'CNY', issueDate: '2026-02-26', dueDate: '2026-05-27' });
    expect(value!.amount.toString()).toBe('1000000');
  });

  it('names every violation of a row with its path', () => {
    const { value, violations } = checkInvoice(
      { ...row, invoiceNumber: ' ', currency: 'USD', amount: '1.001', dueDate: '2026-02-30', note: 'x' },
      'CNY',
      'invoices[17]',
    );
    expect(value).toBeUndefined();
    expect(violations.map((v) => [v.field, v.rule])).toEqual([
      ['invoices[17].note', 'unknown_field'],
      ['invoices[17].invoiceNumber', 'invoice_number_invalid'],
      ['invoices[17].currency', 'currency_mismatch'],
      ['invoices[17].amount', 'amount_too_precise'],
      ['invoices[17].dueDate', 'date_invalid'],
    ]);
  });

  it.each([
    ['JPY with decimals', 'JPY', { currency: 'JPY', amount: '1.5' }, 'amount', 'amount_too_precise'],
    ['CNY with three decimals', 'CNY', { amount: '1.001' }, 'amount', 'amount_too_precise'],
    ['zero', 'CNY', { amount: '0.00' }, 'amount', 'amount_not_positive'],
    ['negative', 'CNY', { amount: '-1.00' }, 'amount', 'amount_not_positive'],
    ['a JSON number', 'CNY', { amount: 100 }, 'amount', 'amount_not_string'],
    ['unknown currency', 'CNY', { currency: 'XYZ' }, 'currency', 'unknown_currency'],
    ['due on the issue date', 'CNY', { dueDate: '2026-02-26' }, 'dueDate', 'due_date_not_after_issue_date'],
    ['due before the issue date', 'CNY', { dueDate: '2025-12-31' }, 'dueDate', 'due_date_not_after_issue_date'],
    ['a date with a time', 'CNY', { issueDate: '2026-02-26T00:00:00Z' }, 'issueDate', 'date_invalid'],
    ['a 65-character number', 'CNY', { invoiceNumber: 'N'.repeat(65) }, 'invoiceNumber', 'invoice_number_invalid'],
    ['a number of separators only', 'CNY', { invoiceNumber: '-/-' }, 'invoiceNumber', 'invoice_number_invalid'],
  ])('refuses %s', (_, currency, change, field, rule) => {
    const { violations } = checkInvoice({ ...row, currency, ...change }, currency);
    expect(violations).toEqual([expect.objectContaining({ field, rule })]);
  });

  it('accepts trailing zeros within the minor unit and JPY whole amounts', () => {
    expect(checkInvoice({ ...row, amount: '1.500' }, 'CNY').violations).toEqual([]);
    expect(checkInvoice({ ...row, currency: 'JPY', amount: '12345678' }, 'JPY').value!.amount.toString()).toBe('12345678');
  });

  it('refuses a row that is not an object', () => {
    expect(checkInvoice(null, 'CNY', 'invoices[3]').violations).toEqual([expect.objectContaining({ field: 'invoices[3]', rule: 'not_an_object' })]);
    expect(checkInvoice(['INV-1'], 'CNY', 'invoices[4]').violations).toEqual([expect.objectContaining({ field: 'invoices[4]', rule: 'not_an_object' })]);
  });
});

describe('checkPayable', () => {
  it('needs a supplier id and normalises it', () => {
    const supplierId = '3F2504E0-4F89-11D3-9A0C-0305E82C3301';
    expect(checkPayable({ ...row, supplierId }, 'CNY').value!.supplierId).toBe(supplierId.toLowerCase());
    expect(checkPayable({ ...row, supplierId: 'x' }, 'CNY', 'payables[2]').violations).toEqual([
      expect.objectContaining({ field: 'payables[2].supplierId', rule: 'id_malformed' }),
    ]);
  });
});

describe('invalidBatch', () => {
  it('counts bad rows, not violations', () => {
    const error = invalidBatch(
      [
        { field: 'invoices[1].amount', rule: 'a', message: 'a' },
        { field: 'invoices[1].dueDate', rule: 'b', message: 'b' },
        { field: 'invoices[9].currency', rule: 'c', message: 'c' },
      ],
      10,
    );
    expect(error.message).toBe('2 of 10 rows are invalid; nothing was saved');
    expect(error.details.field).toBe('invoices[1].amount');
  });
});
