import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Enrolment } from './enrolment.entity';
import { Program } from './program.entity';
import { ProgramChange } from './program-change.entity';
import { LimitsService } from './limits.service';

@Module({
  imports: [TypeOrmModule.forFeature([Program, ProgramChange, Enrolment])],
  providers: [LimitsService],
  exports: [TypeOrmModule, LimitsService],
})
export class ProgramsModule {}
