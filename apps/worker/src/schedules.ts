import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { DAILY_SCHEDULES, DEFAULT_JOB_OPTIONS, QUEUES } from '@scf/queue';

/**
 * Registers the daily job schedulers. upsertJobScheduler is idempotent, so every worker may do it;
 * the handlers record each business date they completed, so a repeated run does nothing twice.
 */
@Injectable()
export class Schedules implements OnApplicationBootstrap {
  constructor(@InjectQueue(QUEUES.SCHEDULED) private readonly scheduled: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const { job, pattern } of DAILY_SCHEDULES) {
      await this.scheduled.upsertJobScheduler(job, { pattern, tz: 'UTC' }, { name: job, data: {}, opts: DEFAULT_JOB_OPTIONS });
    }
  }
}
