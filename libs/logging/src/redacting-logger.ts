import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { AppConfig } from '@scf/config';
import { redact } from './redact';

export const LEVELS_BY_CONFIG: Record<string, LogLevel[]> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** The Nest logger of the API and the worker: LOG_LEVEL and LOG_FORMAT from the configuration, secrets scrubbed from every line. */
export class RedactingLogger extends ConsoleLogger {
  constructor(config: AppConfig) {
    super({ logLevels: LEVELS_BY_CONFIG[config.logLevel] ?? LEVELS_BY_CONFIG.info, json: config.logFormat === 'json' });
  }

  override log(message: unknown, ...rest: unknown[]): void {
    super.log(redact(message), ...rest.map((p) => redact(p)));
  }

  override error(message: unknown, ...rest: unknown[]): void {
    super.error(redact(message), ...rest.map((p) => redact(p)));
  }

  override warn(message: unknown, ...rest: unknown[]): void {
    super.warn(redact(message), ...rest.map((p) => redact(p)));
  }

  override debug(message: unknown, ...rest: unknown[]): void {
    super.debug(redact(message), ...rest.map((p) => redact(p)));
  }

  override verbose(message: unknown, ...rest: unknown[]): void {
    super.verbose(redact(message), ...rest.map((p) => redact(p)));
  }

  override fatal(message: unknown, ...rest: unknown[]): void {
    super.fatal(redact(message), ...rest.map((p) => redact(p)));
  }
}
