import { Client } from 'pg';
import { loadConfigOrExit } from '@scf/config';
import { DomainError, parseIsoDate } from '@scf/core';
import { SET_BUSINESS_DATE_SQL } from '@scf/database/clock.service';

/**
 * `npm run clock:set -- 2026-06-30`: moves the business date of a demo or test platform. Only for
 * CLOCK=manual, where API and worker read the date from the database: under the system clock the
 * business date is the calendar's and nothing may move it.
 */
async function main() {
  const config = loadConfigOrExit();
  if (config.clock !== 'manual') {
    process.stderr.write('the business date follows the system clock: start the platform with CLOCK=manual to set it (e.g. CLOCK=manual npm start)\n');
    process.exit(1);
  }
  let date: string;
  try {
    date = parseIsoDate(process.argv[2], 'the business date');
  } catch (error) {
    process.stderr.write(`${error instanceof DomainError ? error.message : String(error)}: npm run clock:set -- 2026-06-30\n`);
    process.exit(1);
  }
  const client = new Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    await client.query(SET_BUSINESS_DATE_SQL, [date]);
  } finally {
    await client.end();
  }
  process.stdout.write(`business date: ${date}\n`);
}

main().catch((error) => {
  process.stderr.write(`clock:set failed: ${(error as Error).message}\n`);
  process.exit(1);
});
