import { Client } from 'pg';
import Redis from 'ioredis';
import { AppConfig } from '@scf/config';

const PG_HINT = 'start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';
const REDIS_HINT = 'start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no';

/** Fails fast with one readable line when PostgreSQL or Redis can't be reached. */
export async function assertServicesReachable(config: AppConfig, exit = true): Promise<string[]> {
  const problems: string[] = [];
  const url = new URL(config.databaseUrl);
  url.pathname = '/postgres';
  const pg = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 3000 });
  try {
    await pg.connect();
  } catch (error) {
    problems.push(`PostgreSQL is not reachable at ${url.host} (${(error as Error).message}); ${PG_HINT}`);
  } finally {
    await pg.end().catch(() => undefined);
  }
  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    problems.push(`Redis is not reachable at ${new URL(config.redisUrl).host} (${(error as Error).message}); ${REDIS_HINT}`);
  } finally {
    redis.disconnect();
  }
  if (problems.length && exit) {
    for (const problem of problems) process.stderr.write(`${problem}\n`);
    process.exit(2);
  }
  return problems;
}
