import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '@scf/config';
import { assertServicesReachable } from '@scf/database/preflight';
import { LEVELS_BY_CONFIG, RedactingLogger } from '@scf/logging';
import { WorkerModule } from './worker.module';

async function main() {
  const config = loadConfigOrExit();
  await assertServicesReachable(config);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: config.logLevel === 'silent' ? false : new RedactingLogger(config),
  });
  // SIGTERM/SIGINT: the BullMQ workers finish their in-flight jobs and the relay stops (both in
  // beforeApplicationShutdown), then connections close and the process exits 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  // The readiness line supervisors and tests wait for, whatever the log level.
  if (LEVELS_BY_CONFIG[config.logLevel]?.includes('log')) new Logger('Worker').log('worker started');
  else process.stdout.write('worker started\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
