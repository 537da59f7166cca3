import { invalid } from './errors';

/**
 * A business date ('YYYY-MM-DD'): a value date, a due date. It has no time and no zone, so it is
 * never a JS Date, which would drag the server's zone and DST into day counts.
 */
export type IsoDate = string;

const ISO_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

interface Civil {
  year: number;
  month: number;
  day: number;
}

function readCivil(value: unknown): Civil | null {
  if (typeof value !== 'string') return null;
  const match = ISO_DATE_PATTERN.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function isIsoDate(value: unknown): value is IsoDate {
  return readCivil(value) !== null;
}

/** Strict: '2026-02-30', '2026-13-01', '2026-2-1' and '2026-02-01T00:00:00Z' are all refused. */
export function parseIsoDate(value: unknown, field = 'date'): IsoDate {
  if (!isIsoDate(value)) {
    throw invalid('date_invalid', `${field} must be a calendar date 'YYYY-MM-DD'`, field);
  }
  return value;
}

/*
 * Day numbers by H. Hinnant's civil-calendar algorithms (proleptic Gregorian, day 0 = 1970-01-01):
 * integer arithmetic only, so no zone, no DST and no Date.UTC quirk for years below 100.
 */
function dayNumber({ year, month, day }: Civil): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilOf(dayNo: number): Civil {
  const z = dayNo + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

function format({ year, month, day }: Civil): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function civil(date: IsoDate, field: string): Civil {
  const parsed = readCivil(date);
  if (!parsed) throw invalid('date_invalid', `${field} must be a calendar date 'YYYY-MM-DD'`, field);
  return parsed;
}

/** Calendar days from `from` to `to` (negative when `to` is earlier); the d of ACT/360 and ACT/365. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return dayNumber(civil(to, 'to')) - dayNumber(civil(from, 'from'));
}

export function addDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isSafeInteger(days)) throw invalid('days_invalid', 'days must be an integer', 'days');
  const result = civilOf(dayNumber(civil(date, 'date')) + days);
  if (result.year < 1 || result.year > 9999) {
    throw invalid('date_invalid', 'date out of range 0001-01-01..9999-12-31', 'date');
  }
  return format(result);
}

export function compareDates(a: IsoDate, b: IsoDate): -1 | 0 | 1 {
  return Math.sign(daysBetween(b, a)) as -1 | 0 | 1;
}

/** Today's business date in UTC, whatever zone the process runs in. */
export function todayIso(now: Date = new Date()): IsoDate {
  if (Number.isNaN(now.getTime())) throw invalid('date_invalid', 'now is an invalid Date', 'now');
  return format({ year: now.getUTCFullYear(), month: now.getUTCMonth() + 1, day: now.getUTCDate() });
}

/** Milliseconds since the epoch at 00:00 UTC of the date, for comparisons with timestamps. */
export function startOfDayUtcMs(date: IsoDate): number {
  return dayNumber(civil(date, 'date')) * MS_PER_DAY;
}
