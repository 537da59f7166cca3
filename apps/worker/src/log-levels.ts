import { LogLevel } from '@nestjs/common';

const ORDER: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const NEST_LEVEL: Record<string, LogLevel> = { fatal: 'fatal', error: 'error', warn: 'warn', info: 'log', debug: 'debug', trace: 'verbose' };

/** LOG_LEVEL (pino names) → the Nest levels it lets through; false for 'silent'. */
export function nestLogLevels(logLevel: string): LogLevel[] | false {
  const level = NEST_LEVEL[logLevel];
  return level ? ORDER.slice(0, ORDER.indexOf(level) + 1) : false;
}
