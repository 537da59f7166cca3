import { invalid } from './errors';

/**
 * ISO 4217 minor units of the active currencies and funds codes. Codes whose ISO entry has no
 * minor unit (XAU, XDR, XXX, ...) are deliberately absent: the platform cannot book them.
 * Note: ISO lists ISK, UGX, VUV, XAF, XOF, XPF as 0 and MGA, MRU as 2 even though the latter
 * have a 1/5 subunit; we follow ISO because banks' ledgers do.
 */
const ZERO_DECIMALS = [
  'BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV',
  'XAF', 'XOF', 'XPF',
] as const;

const THREE_DECIMALS = ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'] as const;

const FOUR_DECIMALS = ['CLF', 'UYW'] as const;

const TWO_DECIMALS = [
  'AED', 'AFN', 'ALL', 'AMD', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT', 'BGN', 'BMD',
  'BND', 'BOB', 'BOV', 'BRL', 'BSD', 'BTN', 'BWP', 'BYN', 'BZD', 'CAD', 'CDF', 'CHE', 'CHF', 'CHW',
  'CNY', 'COP', 'COU', 'CRC', 'CUP', 'CVE', 'CZK', 'DKK', 'DOP', 'DZD', 'EGP', 'ERN', 'ETB', 'EUR',
  'FJD', 'FKP', 'GBP', 'GEL', 'GHS', 'GIP', 'GMD', 'GTQ', 'GYD', 'HKD', 'HNL', 'HTG', 'HUF', 'IDR',
  'ILS', 'INR', 'IRR', 'JMD', 'KES', 'KGS', 'KHR', 'KPW', 'KYD', 'KZT', 'LAK', 'LBP', 'LKR', 'LRD',
  'LSL', 'MAD', 'MDL', 'MGA', 'MKD', 'MMK', 'MNT', 'MOP', 'MRU', 'MUR', 'MVR', 'MWK', 'MXN', 'MXV',
  'MYR', 'MZN', 'NAD', 'NGN', 'NIO', 'NOK', 'NPR', 'NZD', 'PAB', 'PEN', 'PGK', 'PHP', 'PKR', 'PLN',
  'QAR', 'RON', 'RSD', 'RUB', 'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD', 'SHP', 'SLE', 'SOS', 'SRD',
  'SSP', 'STN', 'SVC', 'SYP', 'SZL', 'THB', 'TJS', 'TMT', 'TOP', 'TRY', 'TTD', 'TWD', 'TZS', 'UAH',
  'USD', 'USN', 'UYU', 'UZS', 'VED', 'VES', 'WST', 'XCD', 'XCG', 'YER', 'ZAR', 'ZMW', 'ZWG',
] as const;

export type CurrencyCode = string;

// A Map, not an object literal, so that 'constructor' or '__proto__' are never currencies.
const MINOR_UNITS: ReadonlyMap<string, number> = new Map<string, number>([
  ...ZERO_DECIMALS.map((c) => [c, 0] as const),
  ...TWO_DECIMALS.map((c) => [c, 2] as const),
  ...THREE_DECIMALS.map((c) => [c, 3] as const),
  ...FOUR_DECIMALS.map((c) => [c, 4] as const),
]);

/** All supported codes, sorted. */
export const CURRENCY_CODES: readonly CurrencyCode[] = Object.freeze([...MINOR_UNITS.keys()].sort());

/** Exact, upper-case ISO code that the platform can book. */
export function isCurrency(code: unknown): code is CurrencyCode {
  return typeof code === 'string' && MINOR_UNITS.has(code);
}

export function minorUnits(code: string): number {
  const units = MINOR_UNITS.get(code);
  if (units === undefined) throw unknownCurrency(code);
  return units;
}

/** Validates untrusted input (a DTO field) and returns the code. */
export function parseCurrency(value: unknown, field = 'currency'): CurrencyCode {
  if (!isCurrency(value)) {
    throw invalid('unknown_currency', `${field} must be a supported ISO 4217 code`, field);
  }
  return value;
}

function unknownCurrency(code: unknown) {
  const shown = typeof code === 'string' ? JSON.stringify(code.slice(0, 16)) : typeof code;
  return invalid('unknown_currency', `unknown currency ${shown}`, 'currency');
}
