import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@scf/config';
import { IsoDate, notFound, todayIn } from '@scf/core';

/** Moves the manual clock (CLOCK=manual) to a date; shared by ClockService and the clock:set command. */
export const SET_BUSINESS_DATE_SQL = `INSERT INTO clock (id, business_date) VALUES (true, $1) ON CONFLICT (id) DO UPDATE SET business_date = EXCLUDED.business_date`;

/**
 * The business date. In production a program's "today" is the date in its business time zone
 * (07:00 in Beijing is that day there, though UTC is still on the day before); with CLOCK=manual
 * (tests, demos) every program's today is the single date held in the `clock` table, so that API
 * and worker processes agree on it.
 */
@Injectable()
export class ClockService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  /** Today for the platform as a whole (UTC), where no program is concerned: housekeeping, key expiry. */
  async today(): Promise<IsoDate> {
    return this.todayIn('UTC');
  }

  /** Today in a business time zone (an IANA name). */
  async todayIn(timeZone: string): Promise<IsoDate> {
    if (this.config.clock === 'system') return todayIn(timeZone);
    return (await this.manualDate()) ?? todayIn(timeZone);
  }

  /** Today for a program: the date in its business time zone. 404 for an unknown program. */
  async todayOf(programId: string, manager: EntityManager = this.dataSource.manager): Promise<IsoDate> {
    const rows: { time_zone: string }[] = await manager.query(`SELECT time_zone FROM programs WHERE id = $1`, [programId]);
    if (!rows[0]) throw notFound('program', 'programId');
    return this.todayIn(rows[0].time_zone);
  }

  async set(date: IsoDate): Promise<void> {
    await this.dataSource.query(SET_BUSINESS_DATE_SQL, [date]);
  }

  private async manualDate(): Promise<IsoDate | undefined> {
    const rows: { business_date: string }[] = await this.dataSource.query(
      `SELECT to_char(business_date, 'YYYY-MM-DD') AS business_date FROM clock`,
    );
    return rows[0]?.business_date;
  }
}
