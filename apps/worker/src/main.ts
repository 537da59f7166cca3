import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '@scf/config';
import { assertServicesReachable } from '@scf/database/preflight';
import { WorkerModule } from './worker.module';

async function main() {
  const config = loadConfigOrExit();
  await assertServicesReachable(config);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: config.logLevel === 'silent' ? false : ['error', 'warn', 'log'],
  });
  // SIGTERM/SIGINT: BullMQ workers finish their in-flight jobs, the relay stops, then connections close.
  app.enableShutdownHooks();
  new Logger('Worker').log('worker started');
}

void main();
