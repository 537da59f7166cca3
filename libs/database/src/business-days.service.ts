import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { BusinessCalendar, compareDates, IsoDate, notFound } from '@scf/core';
import { ClockService } from './clock.service';

/** A DataSource, an EntityManager or a QueryRunner's query, whichever transaction the caller is in. */
export interface Queryable {
  query(sql: string, params: unknown[]): Promise<any>;
}

/** A program whose end of day has not run yet for the business date it has reached. */
export interface EndOfDayDue {
  programId: string;
  businessDate: IsoDate;
}

/**
 * Business days per program: its holiday calendar, and which programs' local business day has
 * ended. Programs that can still have offers or financings in flight take part in end of day:
 * ACTIVE, SUSPENDED and EXPIRED (a draft or a rejected one has neither).
 */
@Injectable()
export class BusinessDaysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: ClockService,
  ) {}

  /**
   * The program's calendar, with the holidays listed between `from` and `to` (the dates a caller
   * will adjust), read through `db` (a transaction's manager or query runner) when given.
   */
  async calendarOf(programId: string, from: IsoDate, to: IsoDate, db: Queryable = this.dataSource): Promise<BusinessCalendar> {
    const rows: { weekend_days: number[]; holidays: string[] | null }[] = await db.query(
      `SELECT c.weekend_days,
              (SELECT array_agg(to_char(h.holiday, 'YYYY-MM-DD')) FROM calendar_holidays h
                WHERE h.calendar_id = c.id AND h.holiday BETWEEN $2::date AND $3::date) AS holidays
         FROM programs p JOIN calendars c ON c.bank_id = p.bank_id AND c.code = p.calendar_code
        WHERE p.id = $1`,
      [programId, from, to],
    );
    if (!rows[0]) throw notFound('program', 'programId');
    return { weekendDays: rows[0].weekend_days.map(Number), holidays: new Set(rows[0].holidays ?? []) };
  }

  /**
   * The programs whose end of day `job` is due, in id order: those whose business date (today in
   * their zone, or `businessDate` for all when given) is after the last one recorded for them.
   */
  async dueForEndOfDay(job: string, businessDate?: IsoDate): Promise<EndOfDayDue[]> {
    const programs: { id: string; time_zone: string; last: string | null }[] = await this.dataSource.query(
      `SELECT p.id, p.time_zone,
              (SELECT to_char(max(r.business_date), 'YYYY-MM-DD') FROM end_of_day_runs r WHERE r.job_name = $1 AND r.program_id = p.id) AS last
         FROM programs p WHERE p.status IN ('ACTIVE','SUSPENDED','EXPIRED') ORDER BY p.id`,
      [job],
    );
    const todayOfZone = new Map<string, IsoDate>();
    const due: EndOfDayDue[] = [];
    for (const program of programs) {
      let date = businessDate ?? todayOfZone.get(program.time_zone);
      if (!date) {
        date = await this.clock.todayIn(program.time_zone);
        todayOfZone.set(program.time_zone, date);
      }
      if (program.last === null || compareDates(program.last, date) < 0) due.push({ programId: program.id, businessDate: date });
    }
    return due;
  }

  /**
   * Records that `job` ran for the program's business date. Written first in the transaction of
   * the program's end of day, it also claims it: a concurrent run waits on the key and then finds
   * it taken (false), so the day's work is done once.
   */
  async recordEndOfDay(manager: EntityManager, job: string, programId: string, businessDate: IsoDate): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO end_of_day_runs (job_name, program_id, business_date) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`,
      [job, programId, businessDate],
    );
    return inserted.length === 1;
  }
}
