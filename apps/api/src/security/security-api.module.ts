import { Module } from '@nestjs/common';
import { IdentityModule } from '@scf/identity';
import { ApiKeysController } from './api-keys.controller';
import { RateLimiter } from './rate-limiter';

/** API keys and the Redis-backed rate limiter (its guard is registered in ApiModule, after AuthGuard). */
@Module({
  imports: [IdentityModule],
  controllers: [ApiKeysController],
  providers: [RateLimiter],
  exports: [RateLimiter],
})
export class SecurityApiModule {}
