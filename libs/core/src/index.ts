export * from './errors';
export * from './currency';
export * from './money';
export * from './dates';
export * from './day-count';
export * from './pricing';
export * from './allocation';
export * from './limits';
