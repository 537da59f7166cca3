import { DynamicModule, Global, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { APP_CONFIG, AppConfig } from '@scf/config';
import { OutboxService } from './outbox.service';
import { OutboxRelay } from './outbox.relay';
import { DEFAULT_JOB_OPTIONS, QUEUES } from './queues';

export function redisConnection(redisUrl: string) {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    db: Number(url.pathname.slice(1) || 0),
    username: url.username || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}

/**
 * The API only writes to the outbox (no Redis needed to accept a confirmation); the worker also
 * registers the queues and the relay.
 */
@Global()
@Module({})
export class QueueModule {
  static forApi(): DynamicModule {
    return { module: QueueModule, providers: [OutboxService], exports: [OutboxService] };
  }

  static forWorker(): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            connection: redisConnection(config.redisUrl),
            prefix: config.queuePrefix,
            defaultJobOptions: DEFAULT_JOB_OPTIONS,
          }),
        }),
        BullModule.registerQueue(...Object.values(QUEUES).map((name) => ({ name }))),
      ],
      providers: [OutboxService, OutboxRelay],
      exports: [OutboxService, OutboxRelay, BullModule],
    };
  }
}
