import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Enrolment } from './enrolment.entity';
import { Program } from './program.entity';
import { ProgramChange } from './program-change.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Program, ProgramChange, Enrolment])],
  exports: [TypeOrmModule],
})
export class ProgramsModule {}
