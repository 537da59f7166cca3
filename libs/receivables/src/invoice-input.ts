import {
  Decimal,
  DomainError,
  FieldViolation,
  invalid,
  IsoDate,
  normaliseDocumentNumber,
  parseAmount,
  parseCurrency,
  parseIsoDate,
} from '@scf/core';

/** Rows per bulk upload or bulk decision: the size of a large anchor's monthly payables run. */
export const MAX_BATCH_ROWS = 10_000;

/** 1–64 printable characters, no surrounding blanks: the number printed on the invoice (发票号码). */
export const DOCUMENT_NUMBER_PATTERN = /^[^\s\p{Cc}](?:[^\p{Cc}]{0,62}[^\s\p{Cc}])?$/u;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface InvoiceInput {
  invoiceNumber: string;
  currency: string;
  amount: string;
  issueDate: string;
  dueDate: string;
}

/** An approved payable uploaded by the anchor: an invoice of one of its enrolled suppliers. */
export interface PayableInput extends InvoiceInput {
  supplierId: string;
}

/** A row that passed every check: the amount exact in the currency's minor unit, the dates real. */
export interface CheckedInvoice {
  invoiceNumber: string;
  /** The number as duplicates are compared (normaliseDocumentNumber). */
  numberKey: string;
  currency: string;
  amount: Decimal;
  issueDate: IsoDate;
  dueDate: IsoDate;
}

export interface CheckedPayable extends CheckedInvoice {
  supplierId: string;
}

const INVOICE_FIELDS: readonly string[] = ['invoiceNumber', 'currency', 'amount', 'issueDate', 'dueDate'];
const PAYABLE_FIELDS: readonly string[] = [...INVOICE_FIELDS, 'supplierId'];

type Checked<T> = { value: T; violations: [] } | { value: undefined; violations: FieldViolation[] };

/**
 * Every violation of one invoice row, each named with its path ("invoices[17].amount"), so that a
 * bulk upload can report all bad rows at once. Rows arrive untyped from bulk bodies, hence the
 * shape checks.
 */
export function checkInvoice(raw: unknown, programCurrency: string, path = ''): Checked<CheckedInvoice> {
  return checkRow(raw, programCurrency, path, INVOICE_FIELDS) as Checked<CheckedInvoice>;
}

export function checkPayable(raw: unknown, programCurrency: string, path = ''): Checked<CheckedPayable> {
  const checked = checkRow(raw, programCurrency, path, PAYABLE_FIELDS);
  const supplierId = (raw as Record<string, unknown> | null)?.supplierId;
  if (typeof supplierId !== 'string' || !UUID_PATTERN.test(supplierId)) {
    const violation = { field: join(path, 'supplierId'), rule: 'id_malformed', message: `${join(path, 'supplierId')} must be a UUID` };
    return { value: undefined, violations: [...checked.violations, violation] };
  }
  if (!checked.value) return checked;
  return { value: { ...checked.value, supplierId: supplierId.toLowerCase() }, violations: [] };
}

function checkRow(raw: unknown, programCurrency: string, path: string, fields: readonly string[]): Checked<CheckedInvoice> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { value: undefined, violations: [{ field: path || 'body', rule: 'not_an_object', message: `${path || 'body'} must be an object` }] };
  }
  const row = raw as Record<string, unknown>;
  const violations: FieldViolation[] = Object.keys(row)
    .filter((key) => !fields.includes(key))
    .map((key) => ({ field: join(path, key), rule: 'unknown_field', message: `${join(path, key)} is not an accepted field` }));
  const attempt = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      violations.push({ field: String(error.details.field), rule: error.code, message: error.message });
      return undefined;
    }
  };

  const invoiceNumberField = join(path, 'invoiceNumber');
  const invoiceNumber = typeof row.invoiceNumber === 'string' && DOCUMENT_NUMBER_PATTERN.test(row.invoiceNumber) ? row.invoiceNumber : undefined;
  const numberKey = invoiceNumber === undefined ? undefined : normaliseDocumentNumber(invoiceNumber);
  if (invoiceNumber === undefined) {
    violations.push({ field: invoiceNumberField, rule: 'invoice_number_invalid', message: `${invoiceNumberField} must be 1 to 64 printable characters` });
  } else if (numberKey === '') {
    violations.push({ field: invoiceNumberField, rule: 'invoice_number_invalid', message: `${invoiceNumberField} must hold a letter or a digit` });
  }

  const currencyField = join(path, 'currency');
  const currency = attempt(() => parseCurrency(row.currency, currencyField));
  if (currency !== undefined && currency !== programCurrency) {
    violations.push({ field: currencyField, rule: 'currency_mismatch', message: `${currencyField} must be the program currency ${programCurrency}` });
  }
  // Precision follows the currency the amount is booked in: the program's.
  const amount = attempt(() => parseAmount(row.amount, programCurrency, join(path, 'amount')));

  const issueDate = attempt(() => parseIsoDate(row.issueDate, join(path, 'issueDate')));
  const dueDateField = join(path, 'dueDate');
  const dueDate = attempt(() => parseIsoDate(row.dueDate, dueDateField));
  // Valid ISO dates order as strings; cheaper than day numbers across 10,000 rows.
  if (issueDate !== undefined && dueDate !== undefined && dueDate <= issueDate) {
    violations.push({ field: dueDateField, rule: 'due_date_not_after_issue_date', message: `${dueDateField} must be after the issue date` });
  }

  if (violations.length > 0) return { value: undefined, violations };
  return { value: { invoiceNumber: invoiceNumber!, numberKey: numberKey!, currency: currency!, amount: amount!, issueDate: issueDate!, dueDate: dueDate! }, violations: [] };
}

function join(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

/** One bad row (a single submission): the first violation is the headline, all are listed. */
export function invalidRow(violations: FieldViolation[]): DomainError {
  const [first] = violations;
  return new DomainError('VALIDATION', first.rule, first.message, { field: first.field, violations });
}

/** A bulk request is all-or-nothing: one bad row refuses the lot, and every bad row is named. */
export function invalidBatch(violations: FieldViolation[], rows: number): DomainError {
  const badRows = new Set(violations.map((v) => /^[^.]*/.exec(v.field)![0])).size;
  return new DomainError('VALIDATION', 'batch_invalid', `${badRows} of ${rows} rows are invalid; nothing was saved`, {
    field: violations[0].field,
    violations,
  });
}

/** A decision's reason (rejection of an invoice or a discharge): 1 to 500 characters, trimmed. */
export function checkReason(reason: unknown): string {
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 500) {
    throw invalid('reason_required', 'reason must be 1 to 500 characters', 'reason');
  }
  return reason.trim();
}
