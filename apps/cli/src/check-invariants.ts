import { Client } from 'pg';
import { loadConfigOrExit } from '@scf/config';
import { checkInvariants, describeBreaches, INVARIANTS } from '@scf/database/invariants';

/** Verifies the whole database; exit code 1 with a readable list of breaches. */
async function main() {
  const config = loadConfigOrExit();
  const client = new Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    // One snapshot for every check, so concurrent traffic can't produce a false breach.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const breaches = await checkInvariants(async (sql) => (await client.query(sql)).rows);
    await client.query('COMMIT');
    if (breaches.length) {
      process.stderr.write(`${describeBreaches(breaches)}\n${breaches.length} of ${INVARIANTS.length} invariants broken\n`);
      process.exitCode = 1;
    } else {
      process.stdout.write(`all ${INVARIANTS.length} invariants hold\n`);
    }
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  process.stderr.write(`invariant check failed to run: ${(error as Error).message}\n`);
  process.exit(2);
});
