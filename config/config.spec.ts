import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from './index';

const SECRETS = { JWT_SECRET: 'x'.repeat(40), ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}` };

describe('loadConfig', () => {
  it('uses development defaults, built-in secrets included, when NODE_ENV=development or test', () => {
    for (const NODE_ENV of ['development', 'test']) {
      const config = loadConfig({ NODE_ENV });
      expect(config).toMatchObject({ env: NODE_ENV, port: 3000, host: '127.0.0.1', clock: 'system', idempotencyTtlHours: 24, rateLimitLoginsPerAddressPerMinute: 60, endOfDayTickSeconds: 900 });
      expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
      expect(config.encryptionKeys).toHaveLength(1);
    }
  });

  it('treats an unset NODE_ENV as production: no built-in secret, one line naming what to set', () => {
    expect(() => loadConfig({})).toThrow(
      new ConfigError(
        'NODE_ENV is unset, which means production: set JWT_SECRET (export JWT_SECRET=$(openssl rand -hex 32)) and ENCRYPTION_KEYS ' +
          '(export ENCRYPTION_KEYS=k1:$(openssl rand -base64 32) (comma-separate several; the first encrypts)), not the built-in development values; ' +
          'for a laptop, set NODE_ENV=development instead',
      ),
    );
    expect(loadConfig(SECRETS)).toMatchObject({ env: 'production', jwtSecret: SECRETS.JWT_SECRET });
  });

  it('refuses the built-in development secrets in production even when given explicitly', () => {
    const dev = loadConfig({ NODE_ENV: 'development' });
    const devKeys = `dev:${dev.encryptionKeys[0].key.toString('base64')}`;
    expect(() => loadConfig({ ...SECRETS, JWT_SECRET: dev.jwtSecret })).toThrow(/^NODE_ENV is unset, which means production: set JWT_SECRET \(/);
    expect(() => loadConfig({ ...SECRETS, NODE_ENV: 'production', ENCRYPTION_KEYS: devKeys })).toThrow(/^NODE_ENV=production: set ENCRYPTION_KEYS \(/);
  });

  it.each([
    [{ NODE_ENV: 'development', PORT: 'abc' }, /PORT="abc" is invalid/],
    [{ NODE_ENV: 'development', HOST: 'http://0.0.0.0' }, /HOST="http:\/\/0.0.0.0" is invalid/],
    [{ NODE_ENV: 'development', DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres:/],
    [{ NODE_ENV: 'development', REDIS_URL: 'not a url' }, /REDIS_URL="not a url" is not a URL/],
    [{ NODE_ENV: 'production' }, /JWT_SECRET/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV="staging" is invalid: use one of development, test, production/],
    [{ NODE_ENV: 'development', JWT_SECRET: 'short' }, /JWT_SECRET must be at least 32 characters/],
    [{ ...SECRETS, NODE_ENV: 'production', CLOCK: 'manual' }, /CLOCK=manual is refused/],
    [{ NODE_ENV: 'development', CLOCK: 'sometimes' }, /CLOCK="sometimes" is invalid: use one of system, manual/],
    [{ NODE_ENV: 'development', IDEMPOTENCY_TTL_HOURS: '1' }, /IDEMPOTENCY_TTL_HOURS="1" is invalid/],
    [{ NODE_ENV: 'development', END_OF_DAY_TICK_SECONDS: '7200' }, /END_OF_DAY_TICK_SECONDS="7200" is invalid/],
  ])('refuses %j with one readable line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
