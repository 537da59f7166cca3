import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { DomainError } from '@scf/core';
import { QUEUES } from '@scf/queue';
import { JobRegistry } from './job-registry';
import { workerTimings } from './worker-timings';

// @Injectable() makes TypeScript emit the constructor's parameter types, which the subclasses inherit.
@Injectable()
abstract class DispatchingProcessor extends WorkerHost implements BeforeApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);

  constructor(private readonly registry: JobRegistry) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const started = Date.now();
    this.logger.debug(`${job.name} ${job.id} attempt ${job.attemptsMade + 1} started`);
    let result: unknown;
    try {
      result = await this.registry.handlerFor(job.name).handle(job.data);
    } catch (error) {
      // A payload the handler refuses will be refused again: fail now instead of retrying it 8 times.
      if (error instanceof DomainError && error.kind === 'VALIDATION') throw new UnrecoverableError(`${error.code}: ${error.message}`);
      throw error;
    }
    this.logger.log(`${job.name} ${job.id} done in ${Date.now() - started} ms: ${JSON.stringify(result ?? null)}`);
    return result;
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    const final = !job || error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    const message = `${job?.name} ${job?.id} attempt ${job?.attemptsMade} failed${final ? ' for good' : ', will retry'}: ${error.message}`;
    if (final) this.logger.error(message, error.stack);
    else this.logger.warn(message);
  }

  /**
   * Runs before any module's onApplicationShutdown, so the database and Redis connections are
   * still open while in-flight jobs finish; close() waits for them and takes no new ones.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }
}

@Processor(QUEUES.OFFERS, { concurrency: 2, ...workerTimings() })
export class OffersProcessor extends DispatchingProcessor {}

@Processor(QUEUES.SCHEDULED, { concurrency: 1, ...workerTimings() })
export class ScheduledProcessor extends DispatchingProcessor {}
