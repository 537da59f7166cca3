import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Business days. A bank keeps holiday calendars (weekend days plus listed holidays, code such as
 * 'CN'); each program names one of its bank's calendars and a business time zone, whose date is
 * the program's "today". Existing programs get their bank's calendar named after the currency's
 * country (weekends only until the bank loads holidays); CNY programs do business in Beijing, the
 * others keep the UTC date they have used so far.
 *
 * end_of_day_runs records, per program, each business date the daily jobs completed: the jobs run
 * at each program's local end of day, exactly once per date, and resume after a crash.
 */
export class BusinessCalendars1764300050000 implements MigrationInterface {
  name = 'BusinessCalendars1764300050000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendars (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        bank_id uuid NOT NULL REFERENCES organisations(id),
        code text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,15}$'),
        name text NOT NULL,
        weekend_days smallint[] NOT NULL DEFAULT '{6,7}'
          CHECK (weekend_days <@ '{1,2,3,4,5,6,7}'::smallint[] AND cardinality(weekend_days) < 7),
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT calendars_code_per_bank UNIQUE (bank_id, code)
      )`);
    await q.query(`
      CREATE TABLE calendar_holidays (
        calendar_id uuid NOT NULL REFERENCES calendars(id),
        holiday date NOT NULL,
        name text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (calendar_id, holiday)
      )`);

    await q.query(`ALTER TABLE programs ADD COLUMN time_zone text, ADD COLUMN calendar_code text`);
    await q.query(`
      INSERT INTO calendars (bank_id, code, name)
      SELECT DISTINCT bank_id, left(currency, 2), left(currency, 2) || ' business days' FROM programs
          ON CONFLICT DO NOTHING`);
    await q.query(`
      UPDATE programs SET calendar_code = left(currency, 2),
                          time_zone = CASE WHEN currency = 'CNY' THEN 'Asia/Shanghai' ELSE 'UTC' END`);
    await q.query(`ALTER TABLE programs ALTER COLUMN time_zone SET NOT NULL, ALTER COLUMN calendar_code SET NOT NULL`);
    // A program's calendar is one of its own bank's: another bank's edits can't move its dates.
    await q.query(`
      ALTER TABLE programs ADD CONSTRAINT programs_calendar_of_bank
        FOREIGN KEY (bank_id, calendar_code) REFERENCES calendars (bank_id, code)`);

    await q.query(`
      CREATE TABLE end_of_day_runs (
        job_name text NOT NULL,
        program_id uuid NOT NULL REFERENCES programs(id),
        business_date date NOT NULL,
        completed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (job_name, program_id, business_date)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE end_of_day_runs`);
    await q.query(`ALTER TABLE programs DROP CONSTRAINT programs_calendar_of_bank`);
    await q.query(`ALTER TABLE programs DROP COLUMN calendar_code, DROP COLUMN time_zone`);
    await q.query(`DROP TABLE calendar_holidays`);
    await q.query(`DROP TABLE calendars`);
  }
}
