import { Module } from '@nestjs/common';
import { IdentityModule } from '@scf/identity';
import { ProgramsModule } from '@scf/programs';
import { EnrolmentsController } from './enrolments.controller';
import { ProgramsController } from './programs.controller';
import { CalendarsController } from './calendars.controller';

@Module({
  imports: [ProgramsModule, IdentityModule],
  controllers: [ProgramsController, EnrolmentsController, CalendarsController],
})
export class ProgramsApiModule {}
