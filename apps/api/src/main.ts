import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { loadConfigOrExit } from '@scf/config';
import { assertServicesReachable } from '@scf/database/preflight';
import { createApi } from './bootstrap';

async function main() {
  const config = loadConfigOrExit();
  await assertServicesReachable(config);
  const app = await createApi(config);
  await app.listen(config.port, config.host);
  const logger = new Logger('API');
  const url = listeningUrl(app.getHttpServer().address());
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

/** The address the server really bound (PORT=0 picks a free port), not what was asked for. */
function listeningUrl(address: AddressInfo | string | null): string {
  if (!address || typeof address === 'string') return String(address);
  return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}

void main();
