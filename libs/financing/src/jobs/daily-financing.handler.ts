import { Injectable } from '@nestjs/common';
import { JOBS, JobHandler, JobPayloads } from '@scf/queue';

@Injectable()
export class DailyFinancingHandler implements JobHandler<typeof JOBS.DAILY_FINANCING> {
  readonly job = JOBS.DAILY_FINANCING;

  async handle(_data: JobPayloads[typeof JOBS.DAILY_FINANCING]): Promise<void> {}
}
