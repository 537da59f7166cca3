import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@scf/config';
import { redisConnection } from '@scf/queue';

export interface RateVerdict {
  allowed: boolean;
  /** Seconds until the window resets (for Retry-After). */
  retryAfterSeconds: number;
}

// Fixed window: the first hit creates the counter with its expiry, atomically, in one round trip.
const HIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

const WARNING_INTERVAL_MS = 30_000;

type RedisWithHit = Redis & { rateHit(key: string, windowMs: number): Promise<[number, number]> };

/**
 * Counters in Redis, so a limit holds across API replicas. When Redis is unreachable or slow the
 * limiter lets requests through (with a warning): confirmations must keep flowing during a blip.
 */
@Injectable()
export class RateLimiter implements OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: RedisWithHit;
  private lastWarningAt = 0;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = new Redis({
      ...redisConnection(config.redisUrl),
      keyPrefix: `${config.queuePrefix}:rate:`,
      // Fail fast instead of queueing: a request must never wait for Redis to come back.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      commandTimeout: 250,
      retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
    }) as RedisWithHit;
    this.redis.defineCommand('rateHit', { numberOfKeys: 1, lua: HIT });
    this.redis.on('error', (error: Error) => this.warn(error));
  }

  async hit(bucket: string, limit: number, windowMs = 60_000): Promise<RateVerdict> {
    try {
      const [count, ttl] = await this.redis.rateHit(bucket, windowMs);
      return { allowed: count <= limit, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
    } catch (error) {
      this.warn(error as Error);
      return { allowed: true, retryAfterSeconds: 0 };
    }
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }

  private warn(error: Error): void {
    const now = Date.now();
    if (now - this.lastWarningAt < WARNING_INTERVAL_MS) return;
    this.lastWarningAt = now;
    this.logger.warn(`rate limits are not enforced while Redis is unavailable: ${error.message}`);
  }
}
