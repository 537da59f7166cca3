import { CanActivate, ExecutionContext, HttpException, HttpStatus, Inject, Injectable, SetMetadata, applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiResponse } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '@scf/config';
import { Actor } from '@scf/identity';
import { Problem } from '../http/problem';
import { RateLimiter } from './rate-limiter';

const LOGIN_LIMIT = 'scf:login-rate-limit';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Login attempts are limited per client address and email, before the password is even checked. */
export const LoginRateLimit = () =>
  applyDecorators(
    SetMetadata(LOGIN_LIMIT, true),
    ApiResponse({ status: 429, type: Problem, description: 'too many login attempts for this email from this address; see Retry-After' }),
  );

/**
 * Runs after AuthGuard (registered after it): login attempts per IP + email, and every write of an
 * authenticated caller per organisation, so one organisation (or a runaway ERP job) can't crowd out
 * the others.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const limit = this.limitOf(context, request);
    if (!limit) return true;
    const verdict = await this.limiter.hit(limit.bucket, limit.perMinute);
    if (verdict.allowed) return true;
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(verdict.retryAfterSeconds));
    throw new HttpException(`${limit.what}: retry in ${verdict.retryAfterSeconds} s`, HttpStatus.TOO_MANY_REQUESTS);
  }

  private limitOf(context: ExecutionContext, request: Request & { actor?: Actor }) {
    if (this.reflector.getAllAndOverride<boolean>(LOGIN_LIMIT, [context.getHandler(), context.getClass()])) {
      const email = typeof request.body?.email === 'string' ? request.body.email.trim().toLowerCase() : '';
      // Hashed: Redis never holds addresses or emails in clear.
      const who = createHash('sha256').update(`${request.ip}\n${email}`).digest('hex');
      return { bucket: `login:${who}`, perMinute: this.config.rateLimitLoginsPerMinute, what: 'too many login attempts' };
    }
    if (request.actor && WRITE_METHODS.has(request.method)) {
      return { bucket: `writes:${request.actor.organisationId}`, perMinute: this.config.rateLimitWritesPerMinute, what: 'too many changes from this organisation' };
    }
    return undefined;
  }
}
