import { Injectable } from '@nestjs/common';
import { JOBS, JobHandler, JobPayloads } from '@scf/queue';

@Injectable()
export class GenerateOffersHandler implements JobHandler<typeof JOBS.GENERATE_OFFERS> {
  readonly job = JOBS.GENERATE_OFFERS;

  async handle(_data: JobPayloads[typeof JOBS.GENERATE_OFFERS]): Promise<void> {}
}
