import { Injectable } from '@nestjs/common';
import { JOBS, JobHandler, JobPayloads } from '@scf/queue';

@Injectable()
export class RepriceProgramHandler implements JobHandler<typeof JOBS.REPRICE_PROGRAM> {
  readonly job = JOBS.REPRICE_PROGRAM;

  async handle(_data: JobPayloads[typeof JOBS.REPRICE_PROGRAM]): Promise<void> {}
}
