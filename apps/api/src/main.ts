import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfigOrExit } from '@scf/config';
import { assertServicesReachable } from '@scf/database/preflight';
import { createApi } from './bootstrap';

async function main() {
  const config = loadConfigOrExit();
  await assertServicesReachable(config);
  const app = await createApi(config);
  await app.listen(config.port, '0.0.0.0');
  const logger = new Logger('API');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  logger.log(`listening on ${url} — docs at ${url}/docs`);

  // SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish, close pools, exit 0.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining`);
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

void main();
