/**
 * Configuration is read once, validated, and frozen. A missing or wrong value stops the process
 * with one line that names the variable and how to fix it (see reportConfigErrorAndExit).
 */
export interface AppConfig {
  readonly env: 'development' | 'test' | 'production';
  readonly port: number;
  /** The address the API listens on: loopback unless exposed on purpose (docker/ sets 0.0.0.0). */
  readonly host: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly jwtSecret: string;
  readonly jwtTtlSeconds: number;
  readonly clock: 'system' | 'manual';
  readonly logLevel: string;
  readonly corsOrigins: string[];
  readonly queuePrefix: string;
  readonly idempotencyTtlHours: number;
  /** How long a worker holds a job before another may take it over after a crash. */
  readonly workerLockMs: number;
  readonly logFormat: 'text' | 'json';
  /** Proxy hops in front of the API whose X-Forwarded-For is trusted (0: use the socket address). */
  readonly trustProxyHops: number;
  readonly rateLimitLoginsPerMinute: number;
  /** Credential attempts per client address across all emails (password spraying). */
  readonly rateLimitLoginsPerAddressPerMinute: number;
  readonly rateLimitWritesPerMinute: number;
  /** A token can be refreshed until this many seconds after the password login that began the session. */
  readonly sessionMaxSeconds: number;
  /**
   * How often the worker checks for programs whose local business day has ended, to run their
   * end of day (0: never; tests run the daily jobs themselves).
   */
  readonly endOfDayTickSeconds: number;
  /** Field-encryption keys; the first encrypts, every one decrypts (rotation). */
  readonly encryptionKeys: readonly EncryptionKey[];
}

export interface EncryptionKey {
  readonly id: string;
  readonly key: Buffer;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

// NODE_ENV has no default here: unset means production (see nodeEnvOf).
const DEFAULTS: Env = {
  PORT: '3000',
  HOST: '127.0.0.1',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/scf',
  REDIS_URL: 'redis://127.0.0.1:6379/0',
  JWT_TTL_SECONDS: '3600',
  CLOCK: 'system',
  LOG_LEVEL: 'info',
  CORS_ORIGINS: '',
  QUEUE_PREFIX: 'scf',
  IDEMPOTENCY_TTL_HOURS: '24',
  WORKER_LOCK_MS: '30000',
  LOG_FORMAT: 'text',
  TRUST_PROXY_HOPS: '0',
  RATE_LIMIT_LOGINS_PER_MINUTE: '10',
  RATE_LIMIT_LOGINS_PER_ADDRESS_PER_MINUTE: '60',
  RATE_LIMIT_WRITES_PER_MINUTE: '300',
  SESSION_MAX_SECONDS: '43200',
  END_OF_DAY_TICK_SECONDS: '900',
};

// NODE_ENV=development or test only: lets a laptop or a test run without key management. They
// are public (they are in this file), so never used for real data.
const DEV_JWT_SECRET = 'dev-only-secret-change-me-0123456789abcdef';
const DEV_ENCRYPTION_KEYS = 'dev:ZGV2LW9ubHktZmllbGQta2V5LWNoYW5nZS1tZS0wMDA=';
const ENCRYPTION_KEYS_HINT = 'export ENCRYPTION_KEYS=k1:$(openssl rand -base64 32) (comma-separate several; the first encrypts)';
const JWT_SECRET_HINT = 'export JWT_SECRET=$(openssl rand -hex 32)';

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

/** An IPv4 or IPv6 address or a host name: what Node's server.listen() accepts as its host. */
function host(env: Env): string {
  const value = read(env, 'HOST');
  if (!/^[A-Za-z0-9.-]{1,253}$/.test(value) && !/^[0-9A-Fa-f:.]{2,45}$/.test(value)) {
    throw new ConfigError(`HOST="${value}" is invalid: use an address such as 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`);
  }
  return value;
}

function corsOrigins(env: Env): string[] {
  const origins = read(env, 'CORS_ORIGINS', true).split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of origins) {
    if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(origin)) {
      throw new ConfigError(`CORS_ORIGINS entry "${origin}" is invalid: list origins such as https://portal.example.com, comma-separated (no paths, no *)`);
    }
  }
  return origins;
}

/** Unset is production: a deployment that forgot NODE_ENV must not run on the public development secrets. */
function nodeEnvOf(env: Env): AppConfig['env'] {
  return env.NODE_ENV === undefined || env.NODE_ENV === '' ? 'production' : oneOf(env, 'NODE_ENV', ['development', 'test', 'production'] as const);
}

/**
 * In production JWT_SECRET and ENCRYPTION_KEYS must be given and must not be the built-in
 * development values; everything missing is named in one line.
 */
function assertProductionSecrets(env: Env): void {
  const missing = [
    !env.JWT_SECRET || env.JWT_SECRET === DEV_JWT_SECRET ? `JWT_SECRET (${JWT_SECRET_HINT})` : undefined,
    !env.ENCRYPTION_KEYS || env.ENCRYPTION_KEYS === DEV_ENCRYPTION_KEYS ? `ENCRYPTION_KEYS (${ENCRYPTION_KEYS_HINT})` : undefined,
  ].filter(Boolean);
  if (!missing.length) return;
  const why = env.NODE_ENV ? 'NODE_ENV=production' : 'NODE_ENV is unset, which means production';
  throw new ConfigError(
    `${why}: set ${missing.join(' and ')}, not the built-in development values; for a laptop, set NODE_ENV=development instead`,
  );
}

/** ENCRYPTION_KEYS="id:base64key,..." — 32-byte AES-256 keys; ids name the key inside each ciphertext. */
function encryptionKeys(env: Env): EncryptionKey[] {
  const value = env.ENCRYPTION_KEYS || DEV_ENCRYPTION_KEYS;
  const keys = value.split(',').map((entry, index) => {
    const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/]+={0,2})$/.exec(entry.trim());
    const key = match ? Buffer.from(match[2], 'base64') : undefined;
    if (!match || key?.length !== 32) throw new ConfigError(`ENCRYPTION_KEYS entry ${index + 1} is invalid: use id:base64 of 32 random bytes; ${ENCRYPTION_KEYS_HINT}`);
    return { id: match[1], key };
  });
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new ConfigError('ENCRYPTION_KEYS has a key id twice: give every key its own id');
  return keys;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = nodeEnvOf(env);
  if (nodeEnv === 'production') assertProductionSecrets(env);
  const jwtSecret = env.JWT_SECRET || DEV_JWT_SECRET;
  if (jwtSecret.length < 32) throw new ConfigError(`JWT_SECRET must be at least 32 characters: ${JWT_SECRET_HINT}`);
  const clock = oneOf(env, 'CLOCK', ['system', 'manual'] as const);
  if (clock === 'manual' && nodeEnv === 'production') {
    throw new ConfigError('CLOCK=manual is refused when NODE_ENV=production: unset CLOCK');
  }
  return Object.freeze({
    env: nodeEnv,
    port: integer(env, 'PORT', 0, 65535),
    host: host(env),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    jwtSecret,
    jwtTtlSeconds: integer(env, 'JWT_TTL_SECONDS', 60, 86400),
    clock,
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    corsOrigins: corsOrigins(env),
    queuePrefix: read(env, 'QUEUE_PREFIX'),
    idempotencyTtlHours: integer(env, 'IDEMPOTENCY_TTL_HOURS', 24, 24 * 30),
    workerLockMs: integer(env, 'WORKER_LOCK_MS', 1000, 600_000),
    logFormat: oneOf(env, 'LOG_FORMAT', ['text', 'json'] as const),
    trustProxyHops: integer(env, 'TRUST_PROXY_HOPS', 0, 10),
    rateLimitLoginsPerMinute: integer(env, 'RATE_LIMIT_LOGINS_PER_MINUTE', 1, 10_000),
    rateLimitLoginsPerAddressPerMinute: integer(env, 'RATE_LIMIT_LOGINS_PER_ADDRESS_PER_MINUTE', 1, 1_000_000),
    rateLimitWritesPerMinute: integer(env, 'RATE_LIMIT_WRITES_PER_MINUTE', 1, 1_000_000),
    sessionMaxSeconds: integer(env, 'SESSION_MAX_SECONDS', 60, 30 * 86400),
    endOfDayTickSeconds: integer(env, 'END_OF_DAY_TICK_SECONDS', 0, 3600),
    encryptionKeys: Object.freeze(encryptionKeys(env)),
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
