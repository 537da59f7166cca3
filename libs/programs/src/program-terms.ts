import {
  compareDates, defaultBusinessTimeZone, defaultCalendarCode, invalid, parseAmount, parseCurrency, parseDayCountBasis, parseIsoDate, parseRate,
  parseTimeZone,
} from '@scf/core';
import { parseCalendarCode } from './calendars.service';
import { ProgramTerms } from './program-change.entity';

/** What a maker submits to create a program (decimal strings for money and rates). */
export interface NewProgram {
  name: string;
  anchorId: string;
  currency: string;
  limitAmount: string;
  validFrom: string;
  validTo: string;
  baseRate: string;
  margin: string;
  advanceRate: string;
  feeRate: string;
  dayCountBasis: number;
  minTenorDays: number;
  maxTenorDays: number;
  graceDays: number;
  penaltyRate: string;
  offerValidityDays: number;
  autoApprovalThreshold: string;
  /** IANA zone of the program's business date; the currency's financial centre when omitted. */
  timeZone?: string;
  /** One of the bank's holiday calendars; the currency's country calendar when omitted. */
  calendarCode?: string;
}

export type ParsedProgram = Omit<NewProgram, 'dayCountBasis' | 'timeZone' | 'calendarCode'> & {
  dayCountBasis: 360 | 365;
  timeZone: string;
  calendarCode: string;
  /** Whether the maker named the calendar, or it is the currency's default. */
  calendarNamed: boolean;
};

const PRICING_FIELDS = ['baseRate', 'margin', 'advanceRate', 'feeRate', 'penaltyRate'] as const;
export const TERM_FIELDS: (keyof ProgramTerms)[] = ['limitAmount', ...PRICING_FIELDS, 'autoApprovalThreshold', 'validTo'];

/** Whether applying the change alters what offers cost, so that they must be re-priced. */
export const changesPricing = (changes: ProgramTerms) => PRICING_FIELDS.some((field) => changes[field] !== undefined);

const limitAmount = (value: unknown, currency: string) => parseAmount(value, currency, 'limitAmount').toFixed();
const threshold = (value: unknown, currency: string) =>
  parseAmount(value, currency, 'autoApprovalThreshold', { allowZero: true }).toFixed();

function rate(value: unknown, field: keyof ProgramTerms): string {
  const parsed = parseRate(value, field);
  if (field === 'advanceRate' && parsed.isZero()) throw invalid('rate_invalid', 'advanceRate must be greater than zero', field);
  // A fee of 100 % would leave nothing to pay out (and the schema refuses it).
  if (field === 'feeRate' && parsed.greaterThanOrEqualTo(1)) throw invalid('rate_invalid', 'feeRate must be below 1', field);
  return parsed.toFixed();
}

function validTo(value: unknown, validFrom: string): string {
  const date = parseIsoDate(value, 'validTo');
  if (compareDates(date, validFrom) <= 0) throw invalid('validity_invalid', 'validTo must be after validFrom', 'validTo');
  return date;
}

/** Currency-aware checks of a new program; the DTO has already checked shapes. Returns normalised terms. */
export function parseNewProgram(input: NewProgram): ParsedProgram {
  const currency = parseCurrency(input.currency, 'currency');
  const validFrom = parseIsoDate(input.validFrom, 'validFrom');
  if (input.maxTenorDays < input.minTenorDays) {
    throw invalid('tenor_invalid', 'maxTenorDays must not be less than minTenorDays', 'maxTenorDays');
  }
  const timeZone = input.timeZone ?? defaultBusinessTimeZone(currency);
  if (timeZone === undefined) {
    throw invalid('time_zone_required', `name the business time zone of a ${currency} program, e.g. 'Asia/Shanghai'`, 'timeZone');
  }
  return {
    ...input,
    currency,
    timeZone: parseTimeZone(timeZone),
    calendarCode: input.calendarCode === undefined ? defaultCalendarCode(currency) : parseCalendarCode(input.calendarCode),
    calendarNamed: input.calendarCode !== undefined,
    limitAmount: limitAmount(input.limitAmount, currency),
    autoApprovalThreshold: threshold(input.autoApprovalThreshold, currency),
    baseRate: rate(input.baseRate, 'baseRate'),
    margin: rate(input.margin, 'margin'),
    advanceRate: rate(input.advanceRate, 'advanceRate'),
    feeRate: rate(input.feeRate, 'feeRate'),
    penaltyRate: rate(input.penaltyRate, 'penaltyRate'),
    dayCountBasis: parseDayCountBasis(input.dayCountBasis),
    validFrom,
    validTo: validTo(input.validTo, validFrom),
  };
}

/** Checks a proposed change against the program's currency and dates; keeps only the fields given. */
export function parseTermChanges(input: ProgramTerms, program: { currency: string; validFrom: string }): ProgramTerms {
  const changes: ProgramTerms = {};
  for (const field of TERM_FIELDS) {
    const value = input[field];
    if (value === undefined) continue;
    if (field === 'limitAmount') changes[field] = limitAmount(value, program.currency);
    else if (field === 'autoApprovalThreshold') changes[field] = threshold(value, program.currency);
    else if (field === 'validTo') changes[field] = validTo(value, program.validFrom);
    else changes[field] = rate(value, field);
  }
  if (Object.keys(changes).length === 0) {
    throw invalid('change_empty', `propose at least one of: ${TERM_FIELDS.join(', ')}`);
  }
  return changes;
}
