import { ConfigError, loadConfig } from './index';

describe('loadConfig', () => {
  it('uses development defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ env: 'development', port: 3000, host: '127.0.0.1', clock: 'system', idempotencyTtlHours: 24 });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT="abc" is invalid/],
    [{ HOST: 'http://0.0.0.0' }, /HOST="http:\/\/0.0.0.0" is invalid/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres:/],
    [{ REDIS_URL: 'not a url' }, /REDIS_URL="not a url" is not a URL/],
    [{ NODE_ENV: 'production' }, /JWT_SECRET must be set/],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), CLOCK: 'manual' }, /CLOCK=manual is refused/],
    [{ CLOCK: 'sometimes' }, /CLOCK="sometimes" is invalid: use one of system, manual/],
    [{ IDEMPOTENCY_TTL_HOURS: '1' }, /IDEMPOTENCY_TTL_HOURS="1" is invalid/],
  ])('refuses %j with one readable line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
