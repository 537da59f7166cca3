import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '@scf/identity';
import { Enrolment } from './enrolment.entity';
import { EnrolmentChange } from './enrolment-change.entity';
import { Program } from './program.entity';
import { ProgramChange } from './program-change.entity';
import { LimitsService } from './limits.service';
import { ProgramsService } from './programs.service';
import { EnrolmentsService } from './enrolments.service';
import { CalendarsService } from './calendars.service';

@Module({
  imports: [TypeOrmModule.forFeature([Program, ProgramChange, Enrolment, EnrolmentChange]), IdentityModule],
  providers: [LimitsService, ProgramsService, EnrolmentsService, CalendarsService],
  exports: [TypeOrmModule, LimitsService, ProgramsService, EnrolmentsService, CalendarsService],
})
export class ProgramsModule {}
