import { Module } from '@nestjs/common';
import { DailyFinancingHandler, FinancingModule } from '@scf/financing';
import { DailyOffersHandler, GenerateOffersHandler, OffersModule, RepriceProgramHandler } from '@scf/offers';
import { HousekeepingHandler, JOB_HANDLERS, JobHandler } from '@scf/queue';

const HANDLERS = [GenerateOffersHandler, RepriceProgramHandler, DailyOffersHandler, DailyFinancingHandler, HousekeepingHandler];

/** Collects one handler per job name from the context libraries (see JobRegistry). */
@Module({
  imports: [OffersModule, FinancingModule],
  providers: [HousekeepingHandler, { provide: JOB_HANDLERS, inject: HANDLERS, useFactory: (...handlers: JobHandler[]) => handlers }],
  exports: [JOB_HANDLERS],
})
export class JobHandlersModule {}
