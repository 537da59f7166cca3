import { Module } from '@nestjs/common';
import { IdentityModule } from '@scf/identity';
import { ProgramsModule } from '@scf/programs';
import { EnrolmentsController } from './enrolments.controller';
import { ProgramsController } from './programs.controller';

@Module({
  imports: [ProgramsModule, IdentityModule],
  controllers: [ProgramsController, EnrolmentsController],
})
export class ProgramsApiModule {}
