export * from './database.module';
export * from './data-source-options';
export * from './snake-naming.strategy';
export * from './ensure-database';
export * from './clock.service';
export * from './business-days.service';
export * from './migrate';
export * from './invariants';
