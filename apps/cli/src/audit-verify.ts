import { Client } from 'pg';
import { verifyChains } from '@scf/audit/chain-verifier';
import { loadConfigOrExit } from '@scf/config';

/**
 * Verifies the hash chains of the business event log (every chain, or the one named as argument).
 * Exit 0: intact; 1: the first broken link is printed; 2: the check could not run.
 */
async function main() {
  const config = loadConfigOrExit();
  const chainId = process.argv[2];
  const client = new Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    // One snapshot: events appended meanwhile can't look like a break.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await verifyChains(async (sql, params) => (await client.query(sql, params)).rows, { chainId });
    await client.query('COMMIT');
    if (result.ok) {
      process.stdout.write(`audit log intact: ${result.chainsChecked} chains, ${result.eventsChecked} events verified\n`);
      return;
    }
    const broken = result.firstBroken!;
    process.stderr.write(
      `audit log BROKEN: chain ${broken.chainId} at seq ${broken.seq}: ${broken.reason}\n` +
        `${result.brokenChains} of ${result.chainsChecked} chains broken (${result.eventsChecked} events verified before the breaks)\n`,
    );
    process.exitCode = 1;
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  process.stderr.write(`audit verification failed to run: ${(error as Error).message}\n`);
  process.exit(2);
});
