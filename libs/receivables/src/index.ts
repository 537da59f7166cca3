export * from './invoice.entity';
export * from './credit-note.entity';
export * from './receivable.entity';
export * from './receivable-part.entity';
export * from './receivables.module';
