import { addDays, daysBetween, daysInMonth, IsoDate, parseIsoDate } from './dates';
import { invalid } from './errors';

/**
 * A holiday calendar: the ISO weekdays that are never business days (1 = Monday … 7 = Sunday)
 * and the listed holidays. Every other date is a business day.
 */
export interface BusinessCalendar {
  weekendDays: readonly number[];
  holidays: ReadonlySet<IsoDate>;
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(date: IsoDate): number {
  const days = daysBetween('1970-01-01', date);
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

export function isBusinessDay(date: IsoDate, calendar: BusinessCalendar): boolean {
  return !calendar.weekendDays.includes(isoWeekday(date)) && !calendar.holidays.has(date);
}

/**
 * Modified following: a non-business day moves to the next business day, unless that falls in the
 * next month; then to the previous business day. The date never leaves its month, so a month end
 * stays a month end. A month without a single business day is a broken calendar: 400.
 */
export function modifiedFollowing(date: IsoDate, calendar: BusinessCalendar): IsoDate {
  parseIsoDate(date);
  const day = Number(date.slice(8, 10));
  const lastDay = daysInMonth(Number(date.slice(0, 4)), Number(date.slice(5, 7)));
  for (let offset = 0; day + offset <= lastDay; offset++) {
    const candidate = addDays(date, offset);
    if (isBusinessDay(candidate, calendar)) return candidate;
  }
  for (let offset = 1; day - offset >= 1; offset++) {
    const candidate = addDays(date, -offset);
    if (isBusinessDay(candidate, calendar)) return candidate;
  }
  throw invalid('no_business_day', `the calendar has no business day in the month of ${date}`, 'calendar');
}

/**
 * The value date for a payment made on business date `today`: modified following, except that a
 * value date can't lie in the past, so on a month's last non-business days it is the next
 * business day even in the next month.
 */
export function valueDateFor(today: IsoDate, calendar: BusinessCalendar): IsoDate {
  const adjusted = modifiedFollowing(today, calendar);
  if (adjusted >= today) return adjusted;
  let next = addDays(today, 1);
  while (!isBusinessDay(next, calendar)) next = addDays(next, 1);
  return next;
}

/** ISO weekdays a calendar may name as weekend: at least one weekday must stay a business day. */
export function parseWeekendDays(value: unknown, field = 'weekendDays'): number[] {
  if (!Array.isArray(value) || value.some((day) => !Number.isInteger(day) || day < 1 || day > 7)) {
    throw invalid('weekend_days_invalid', `${field} must list ISO weekdays 1 (Monday) to 7 (Sunday)`, field);
  }
  const days = [...new Set(value as number[])].sort();
  if (days.length === 7) throw invalid('weekend_days_invalid', `${field} must leave at least one business day in the week`, field);
  return days;
}

/**
 * Whether the runtime knows the IANA zone. Only region names ('Asia/Shanghai') and UTC: a fixed
 * offset like '+08:00' has no daylight-saving rules and no holidays to go with it.
 */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || !/^(UTC|[A-Za-z]+(\/[A-Za-z0-9_+-]+)+)$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export function parseTimeZone(value: unknown, field = 'timeZone'): string {
  if (!isTimeZone(value)) throw invalid('time_zone_invalid', `${field} must be an IANA time zone such as 'Asia/Shanghai'`, field);
  return value;
}

/** The calendar date in `timeZone` at the instant `now`: 07:59 in Beijing is still that day there, not yesterday's UTC date. */
export function todayIn(timeZone: string, now: Date = new Date()): IsoDate {
  if (Number.isNaN(now.getTime())) throw invalid('date_invalid', 'now is an invalid Date', 'now');
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: parseTimeZone(timeZone), year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}

/**
 * Where a program of this currency does business unless its bank says otherwise: the main
 * financial centre of the currency's country. Currencies not listed must name their zone.
 */
const BUSINESS_TIME_ZONES: ReadonlyMap<string, string> = new Map([
  ['CNY', 'Asia/Shanghai'], ['HKD', 'Asia/Hong_Kong'], ['TWD', 'Asia/Taipei'], ['JPY', 'Asia/Tokyo'], ['KRW', 'Asia/Seoul'],
  ['SGD', 'Asia/Singapore'], ['MYR', 'Asia/Kuala_Lumpur'], ['THB', 'Asia/Bangkok'], ['IDR', 'Asia/Jakarta'], ['PHP', 'Asia/Manila'],
  ['VND', 'Asia/Ho_Chi_Minh'], ['INR', 'Asia/Kolkata'], ['AED', 'Asia/Dubai'], ['SAR', 'Asia/Riyadh'], ['AUD', 'Australia/Sydney'],
  ['NZD', 'Pacific/Auckland'], ['USD', 'America/New_York'], ['CAD', 'America/Toronto'], ['MXN', 'America/Mexico_City'],
  ['BRL', 'America/Sao_Paulo'], ['EUR', 'Europe/Berlin'], ['GBP', 'Europe/London'], ['CHF', 'Europe/Zurich'],
  ['SEK', 'Europe/Stockholm'], ['NOK', 'Europe/Oslo'], ['DKK', 'Europe/Copenhagen'], ['PLN', 'Europe/Warsaw'],
  ['CZK', 'Europe/Prague'], ['HUF', 'Europe/Budapest'], ['TRY', 'Europe/Istanbul'], ['ZAR', 'Africa/Johannesburg'],
]);

export function defaultBusinessTimeZone(currency: string): string | undefined {
  return BUSINESS_TIME_ZONES.get(currency);
}

/**
 * The code of the calendar a program of this currency uses unless its bank names another: the
 * currency's first two letters, which ISO 4217 takes from the country (CNY → CN, USD → US;
 * EUR → EU, the euro area).
 */
export function defaultCalendarCode(currency: string): string {
  return currency.slice(0, 2);
}
