import { Injectable } from '@nestjs/common';
import { JOBS, JobHandler, JobPayloads } from '@scf/queue';

@Injectable()
export class DailyOffersHandler implements JobHandler<typeof JOBS.DAILY_OFFERS> {
  readonly job = JOBS.DAILY_OFFERS;

  async handle(_data: JobPayloads[typeof JOBS.DAILY_OFFERS]): Promise<void> {}
}
