export * from './offer.entity';
export * from './offers.service';
export * from './offer-generator';
export * from './offers.module';
export * from './jobs/generate-offers.handler';
export * from './jobs/reprice-program.handler';
export * from './jobs/daily-offers.handler';
