export * from './audit.service';
export * from './audit.module';
export * from './event-hash';
export * from './chain-verifier';
export * from './audit-log.service';
