export * from './program.entity';
export * from './program-change.entity';
export * from './enrolment.entity';
export * from './programs.module';
export * from './limits.service';
