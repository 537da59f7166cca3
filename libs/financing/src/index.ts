export * from './financing-request.entity';
export * from './financing-item.entity';
export * from './payment.entity';
export * from './financing.module';
export * from './jobs/daily-financing.handler';
