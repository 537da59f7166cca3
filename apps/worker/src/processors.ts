import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUES } from '@scf/queue';
import { JobRegistry } from './job-registry';

abstract class DispatchingProcessor extends WorkerHost {
  protected readonly logger = new Logger(this.constructor.name);

  constructor(private readonly registry: JobRegistry) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const started = Date.now();
    const result = await this.registry.handlerFor(job.name).handle(job.data);
    this.logger.debug(`${job.name} ${job.id} done in ${Date.now() - started} ms`);
    return result;
  }
}

@Processor(QUEUES.OFFERS, { concurrency: 2 })
export class OffersProcessor extends DispatchingProcessor {}

@Processor(QUEUES.SCHEDULED, { concurrency: 1 })
export class ScheduledProcessor extends DispatchingProcessor {}
