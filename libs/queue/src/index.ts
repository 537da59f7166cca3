export * from './queues';
export * from './outbox.service';
export * from './outbox.relay';
export * from './queue.module';
export * from './job-handler';
export * from './housekeeping.handler';
