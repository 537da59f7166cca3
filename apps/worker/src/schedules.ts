import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@scf/config';
import { DAILY_SCHEDULES, DEFAULT_JOB_OPTIONS, END_OF_DAY_JOBS, QUEUES } from '@scf/queue';

/**
 * Registers the job schedulers. upsertJobScheduler is idempotent, so every worker may do it; the
 * handlers record what they completed, so a repeated run does nothing twice.
 */
@Injectable()
export class Schedules implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QUEUES.SCHEDULED) private readonly scheduled: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const { job, pattern } of DAILY_SCHEDULES) {
      await this.scheduled.upsertJobScheduler(job, { pattern, tz: 'UTC' }, { name: job, data: {}, opts: DEFAULT_JOB_OPTIONS });
    }
    const every = this.config.endOfDayTickSeconds * 1000;
    for (const job of END_OF_DAY_JOBS) {
      // Switched off, the tick must not survive in Redis from an earlier start.
      if (every === 0) await this.scheduled.removeJobScheduler(job);
      else await this.scheduled.upsertJobScheduler(job, { every }, { name: job, data: {}, opts: DEFAULT_JOB_OPTIONS });
    }
  }
}
