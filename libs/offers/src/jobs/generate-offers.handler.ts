import { Injectable } from '@nestjs/common';
import { ClockService } from '@scf/database';
import { JOBS, JobHandler, JobPayloads } from '@scf/queue';
import { OfferGenerator } from '../offer-generator';

/** Receivables were confirmed (or became OPEN again): open offers on those that lack one. */
@Injectable()
export class GenerateOffersHandler implements JobHandler<typeof JOBS.GENERATE_OFFERS> {
  readonly job = JOBS.GENERATE_OFFERS;

  constructor(
    private readonly generator: OfferGenerator,
    private readonly clock: ClockService,
  ) {}

  async handle({ programId, receivableIds }: JobPayloads[typeof JOBS.GENERATE_OFFERS]): Promise<{ opened: number }> {
    return { opened: await this.generator.generate(programId, receivableIds, await this.clock.todayOf(programId)) };
  }
}
