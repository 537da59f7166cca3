import 'reflect-metadata';
import { loadConfigOrExit } from '@scf/config';
import { migrate } from '@scf/database/migrate';
import { assertServicesReachable } from '@scf/database/preflight';

async function main() {
  const config = loadConfigOrExit();
  await assertServicesReachable(config);
  const applied = await migrate(config.databaseUrl);
  process.stdout.write(applied.length ? `applied migrations: ${applied.join(', ')}\n` : 'database schema is up to date\n');
}

main().catch((error) => {
  process.stderr.write(`migration failed: ${(error as Error).message}\n`);
  process.exit(1);
});
