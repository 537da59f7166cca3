import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@scf/config';
import { IsoDate, todayIso } from '@scf/core';

/** Moves the manual clock (CLOCK=manual) to a date; shared by ClockService and the clock:set command. */
export const SET_BUSINESS_DATE_SQL = `INSERT INTO clock (id, business_date) VALUES (true, $1) ON CONFLICT (id) DO UPDATE SET business_date = EXCLUDED.business_date`;

/**
 * The business date. In production it is today's UTC date; with CLOCK=manual (tests, demos) it is
 * the date held in the `clock` table, so that API and worker processes agree on it.
 */
@Injectable()
export class ClockService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  async today(): Promise<IsoDate> {
    if (this.config.clock === 'system') return todayIso();
    const rows: { business_date: string }[] = await this.dataSource.query(
      `SELECT to_char(business_date, 'YYYY-MM-DD') AS business_date FROM clock`,
    );
    return rows[0]?.business_date ?? todayIso();
  }

  async set(date: IsoDate): Promise<void> {
    await this.dataSource.query(SET_BUSINESS_DATE_SQL, [date]);
  }
}
