import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '@scf/audit';
import { AppConfig } from '@scf/config';
import { ConfigModule } from '@scf/config/config.module';
import { DatabaseModule } from '@scf/database';
import { QueueModule } from '@scf/queue';
import { JobRegistry } from './job-registry';
import { OffersProcessor, ScheduledProcessor } from './processors';
import { Schedules } from './schedules';
import { JobHandlersModule } from './job-handlers.module';

/** The queue worker: no HTTP server, only BullMQ processors, schedulers and the outbox relay. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, QueueModule.forWorker(), AuditModule, JobHandlersModule],
      providers: [JobRegistry, OffersProcessor, ScheduledProcessor, Schedules],
    };
  }
}
