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
  const url = await app.getUrl();
  new Logger('API').log(`listening on ${url} — docs at ${url}/docs`);
}

void main();
