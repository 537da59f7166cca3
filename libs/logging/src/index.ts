export * from './redact';
export * from './redacting-logger';
