import { Injectable } from '@nestjs/common';
import { ClockService } from '@scf/database';
import { JOBS, JobHandler, JobPayloads } from '@scf/queue';
import { OfferGenerator } from '../offer-generator';

/**
 * The program's pricing, limits or status changed. The program row, not the payload, says what
 * is current: a job delivered late or twice re-prices against the latest terms, which is the same.
 */
@Injectable()
export class RepriceProgramHandler implements JobHandler<typeof JOBS.REPRICE_PROGRAM> {
  readonly job = JOBS.REPRICE_PROGRAM;

  constructor(
    private readonly generator: OfferGenerator,
    private readonly clock: ClockService,
  ) {}

  async handle({ programId }: JobPayloads[typeof JOBS.REPRICE_PROGRAM]) {
    return this.generator.refresh(programId, await this.clock.todayOf(programId));
  }
}
