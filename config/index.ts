/**
 * Configuration is read once, validated, and frozen. A missing or wrong value stops the process
 * with one line that names the variable and how to fix it (see reportConfigErrorAndExit).
 */
export interface AppConfig {
  readonly env: 'development' | 'test' | 'production';
  readonly port: number;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly jwtSecret: string;
  readonly jwtTtlSeconds: number;
  readonly clock: 'system' | 'manual';
  readonly logLevel: string;
  readonly corsOrigins: string[];
  readonly queuePrefix: string;
  readonly idempotencyTtlHours: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

const DEFAULTS: Env = {
  NODE_ENV: 'development',
  PORT: '3000',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/scf',
  REDIS_URL: 'redis://127.0.0.1:6379/0',
  JWT_TTL_SECONDS: '3600',
  CLOCK: 'system',
  LOG_LEVEL: 'info',
  CORS_ORIGINS: '',
  QUEUE_PREFIX: 'scf',
  IDEMPOTENCY_TTL_HOURS: '24',
};

function read(env: Env, name: string, optional = false): string {
  const value = env[name] ?? DEFAULTS[name];
  if (optional) return value ?? '';
  if (value === undefined || value === '') {
    throw new ConfigError(`${name} is not set: export ${name}=... (see config/.env.example)`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[]): T {
  const value = read(env, name);
  if (!allowed.includes(value as T)) {
    throw new ConfigError(`${name}="${value}" is invalid: use one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function integer(env: Env, name: string, min: number, max: number): number {
  const value = read(env, name);
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`${name}="${value}" is invalid: use a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

function url(env: Env, name: string, protocols: string[]): string {
  const value = read(env, name);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name}="${value}" is not a URL: use e.g. ${DEFAULTS[name]}`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.join(' or ')} (got ${parsed.protocol})`);
  }
  return value;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'test', 'production'] as const);
  const jwtSecret = env.JWT_SECRET ?? (nodeEnv === 'production' ? undefined : 'dev-only-secret-change-me-0123456789abcdef');
  if (!jwtSecret || jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET must be set to at least 32 characters: export JWT_SECRET=$(openssl rand -hex 32)');
  }
  const clock = oneOf(env, 'CLOCK', ['system', 'manual'] as const);
  if (clock === 'manual' && nodeEnv === 'production') {
    throw new ConfigError('CLOCK=manual is refused when NODE_ENV=production: unset CLOCK');
  }
  return Object.freeze({
    env: nodeEnv,
    port: integer(env, 'PORT', 0, 65535),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    jwtSecret,
    jwtTtlSeconds: integer(env, 'JWT_TTL_SECONDS', 60, 86400),
    clock,
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    corsOrigins: read(env, 'CORS_ORIGINS', true).split(',').map((o) => o.trim()).filter(Boolean),
    queuePrefix: read(env, 'QUEUE_PREFIX'),
    idempotencyTtlHours: integer(env, 'IDEMPOTENCY_TTL_HOURS', 24, 24 * 30),
  });
}

export function loadConfigOrExit(env: Env = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

export const APP_CONFIG = Symbol('APP_CONFIG');
