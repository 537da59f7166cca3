import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@scf/audit';
import { compareDates, conflict, forbidden, invalid, IsoDate, notFound, parseIsoDate, parseWeekendDays } from '@scf/core';
import { Actor, OrganisationType } from '@scf/identity';
import { JOBS, OutboxService } from '@scf/queue';
import { actorRef } from './maker-checker';

/** One upload holds a few years of a country's holidays, and stays one statement. */
export const MAX_HOLIDAYS_PER_UPLOAD = 1000;

const CALENDAR_CODE = /^[A-Z0-9][A-Z0-9_-]{0,15}$/;

export interface HolidayView {
  date: IsoDate;
  name: string;
}

export interface CalendarView {
  code: string;
  name: string;
  /** ISO weekdays (1 = Monday … 7 = Sunday) that are never business days. */
  weekendDays: number[];
  holidays: HolidayView[];
}

export interface NewCalendar {
  code: string;
  name: string;
  weekendDays?: number[];
}

export interface HolidayUpload {
  holidays: { date: string; name?: string }[];
}

interface CalendarRow {
  id: string;
  code: string;
  name: string;
  weekend_days: number[];
}

export function parseCalendarCode(value: unknown, field = 'calendarCode'): string {
  if (typeof value !== 'string' || !CALENDAR_CODE.test(value)) {
    throw invalid('calendar_code_invalid', `${field} must be 1 to 16 capital letters, digits, '_' or '-', such as 'CN'`, field);
  }
  return value;
}

/**
 * Holiday calendars, each a bank's own: programs name one of their bank's calendars, so no other
 * bank's edit can move their value dates. Holidays are loaded in bulk and only ever added (an
 * upload is idempotent); each addition is a business event and re-prices the offers of the
 * programs that use the calendar.
 */
@Injectable()
export class CalendarsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async create(actor: Actor, input: NewCalendar): Promise<CalendarView> {
    const bankId = bankOf(actor);
    const code = parseCalendarCode(input.code, 'code');
    const weekendDays = parseWeekendDays(input.weekendDays ?? [6, 7]);
    return this.dataSource.transaction(async (manager) => {
      const created = await this.insert(manager, actor, bankId, code, input.name, weekendDays);
      if (!created) throw conflict('calendar_exists', `the calendar ${code} exists already`);
      return view(created, []);
    });
  }

  async list(actor: Actor): Promise<CalendarView[]> {
    const rows: CalendarRow[] = await this.dataSource.query(
      `SELECT id, code, name, weekend_days FROM calendars WHERE bank_id = $1 ORDER BY code`,
      [bankOf(actor)],
    );
    return rows.map((row) => view(row, []));
  }

  /** The calendar with its holidays between `from` and `to` (all when omitted). */
  async get(actor: Actor, code: string, range: { from?: string; to?: string } = {}): Promise<CalendarView> {
    const from = range.from === undefined ? null : parseIsoDate(range.from, 'from');
    const to = range.to === undefined ? null : parseIsoDate(range.to, 'to');
    if (from && to && compareDates(from, to) > 0) throw invalid('date_range_invalid', 'from must not be after to', 'from');
    const calendar = await this.find(this.dataSource.manager, bankOf(actor), code);
    const holidays: HolidayView[] = await this.dataSource.query(
      `SELECT to_char(holiday, 'YYYY-MM-DD') AS date, name FROM calendar_holidays
        WHERE calendar_id = $1 AND ($2::date IS NULL OR holiday >= $2) AND ($3::date IS NULL OR holiday <= $3)
        ORDER BY holiday`,
      [calendar.id, from, to],
    );
    return view(calendar, holidays);
  }

  /**
   * Adds holidays to a calendar; dates it already lists are left as they are, so an upload can be
   * repeated. Returns the dates added. Offers of the programs on this calendar are re-priced: a
   * value date or maturity may now fall on a holiday.
   */
  async addHolidays(actor: Actor, code: string, upload: HolidayUpload): Promise<{ added: IsoDate[]; calendar: CalendarView }> {
    const bankId = bankOf(actor);
    const entries = upload.holidays ?? [];
    if (entries.length === 0 || entries.length > MAX_HOLIDAYS_PER_UPLOAD) {
      throw invalid('holiday_count', `upload 1 to ${MAX_HOLIDAYS_PER_UPLOAD} holidays`, 'holidays');
    }
    const byDate = new Map<IsoDate, string>();
    entries.forEach((entry, i) => {
      const date = parseIsoDate(entry?.date, `holidays[${i}].date`);
      if (byDate.has(date)) throw invalid('holiday_duplicate', `${date} is listed twice`, `holidays[${i}].date`);
      byDate.set(date, entry.name ?? '');
    });
    const added = await this.dataSource.transaction(async (manager) => {
      // The calendar's row lock orders concurrent uploads, so each event lists what it really added.
      const calendar = await this.find(manager, bankId, code, true);
      const rows: { date: IsoDate }[] = await manager.query(
        `INSERT INTO calendar_holidays (calendar_id, holiday, name)
         SELECT $1, d, n FROM unnest($2::date[], $3::text[]) AS x(d, n)
             ON CONFLICT DO NOTHING
         RETURNING to_char(holiday, 'YYYY-MM-DD') AS date`,
        [calendar.id, [...byDate.keys()], [...byDate.values()]],
      );
      const dates = rows.map((row) => row.date).sort();
      if (dates.length === 0) return dates;
      await this.audit.record(manager, [
        { chainId: bankId, actor: actorRef(actor), action: 'calendar.holidays.added', objectType: 'calendar', objectId: calendar.id, after: { code, holidays: dates } },
      ]);
      const programs: { id: string; pricing_version: number }[] = await manager.query(
        `SELECT id, pricing_version FROM programs WHERE bank_id = $1 AND calendar_code = $2 AND status = 'ACTIVE' ORDER BY id`,
        [bankId, code],
      );
      await this.outbox.enqueue(
        manager,
        programs.map((program) => ({ job: JOBS.REPRICE_PROGRAM, data: { programId: program.id, pricingVersion: program.pricing_version } })),
      );
      return dates;
    });
    return { added, calendar: await this.get(actor, code) };
  }

  /**
   * The calendar a new program of the bank names, in the program's transaction. Named: it must be
   * one of the bank's (404 otherwise). Not named: the currency's country calendar, created with
   * Saturday and Sunday as weekend when the bank has none yet (its holidays are loaded later).
   */
  async forNewProgram(manager: EntityManager, actor: Actor, code: string, named: boolean): Promise<string> {
    const bankId = bankOf(actor);
    if (!named) await this.insert(manager, actor, bankId, code, `${code} business days`, [6, 7]);
    await this.find(manager, bankId, code, false, 'calendarCode');
    return code;
  }

  /** Inserts unless the bank has the code already; records the creation. Returns the row, or undefined. */
  private async insert(manager: EntityManager, actor: Actor, bankId: string, code: string, name: string, weekendDays: number[]): Promise<CalendarRow | undefined> {
    const [created]: CalendarRow[] = await manager.query(
      `INSERT INTO calendars (bank_id, code, name, weekend_days, created_by) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (bank_id, code) DO NOTHING
       RETURNING id, code, name, weekend_days`,
      [bankId, code, name, weekendDays, actor.userId],
    );
    if (created) {
      await this.audit.record(manager, [
        { chainId: bankId, actor: actorRef(actor), action: 'calendar.created', objectType: 'calendar', objectId: created.id, after: { code, name, weekendDays } },
      ]);
    }
    return created;
  }

  private async find(manager: EntityManager, bankId: string, code: string, lock = false, field = 'code'): Promise<CalendarRow> {
    const [calendar]: CalendarRow[] = await manager.query(
      `SELECT id, code, name, weekend_days FROM calendars WHERE bank_id = $1 AND code = $2 ${lock ? 'FOR UPDATE' : ''}`,
      [bankId, parseCalendarCode(code, field)],
    );
    if (!calendar) throw notFound('calendar', field);
    return calendar;
  }
}

function bankOf(actor: Actor): string {
  if (actor.organisationType !== OrganisationType.BANK) throw forbidden('bank_only', 'holiday calendars are kept by banks');
  return actor.organisationId;
}

const view = (row: CalendarRow, holidays: HolidayView[]): CalendarView => ({
  code: row.code,
  name: row.name,
  weekendDays: row.weekend_days.map(Number),
  holidays,
});
