import { Module } from '@nestjs/common';
import { JOB_HANDLERS } from '@scf/queue';

/** Collects one handler per job name from the context libraries (see JobRegistry). */
@Module({
  providers: [{ provide: JOB_HANDLERS, useValue: [] }],
  exports: [JOB_HANDLERS],
})
export class JobHandlersModule {}
