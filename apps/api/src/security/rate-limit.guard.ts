import { CanActivate, ExecutionContext, HttpException, HttpStatus, Inject, Injectable, SetMetadata, applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiResponse } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '@scf/config';
import { Actor } from '@scf/identity';
import { Problem } from '../http/problem';
import { RateLimiter } from './rate-limiter';

const CREDENTIAL_LIMIT = 'scf:credential-rate-limit';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Limit {
  bucket: string;
  perMinute: number;
  what: string;
}

/**
 * Attempts at a credential (login, invitation, password reset and change) are limited per client
 * address and email, and per client address alone across emails (password spraying), before the
 * password is even checked.
 */
export const CredentialRateLimit = () =>
  applyDecorators(
    SetMetadata(CREDENTIAL_LIMIT, true),
    ApiResponse({ status: 429, type: Problem, description: 'too many attempts for this email, or from this address; see Retry-After' }),
  );

// Hashed: Redis never holds addresses or emails in clear.
const hashed = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * Runs after AuthGuard (registered after it): credential attempts per IP + email and per IP, and every write of an
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
    for (const limit of this.limitsOf(context, request)) {
      const verdict = await this.limiter.hit(limit.bucket, limit.perMinute);
      if (verdict.allowed) continue;
      context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(verdict.retryAfterSeconds));
      throw new HttpException(`${limit.what}: retry in ${verdict.retryAfterSeconds} s`, HttpStatus.TOO_MANY_REQUESTS);
    }
    return true;
  }

  private limitsOf(context: ExecutionContext, request: Request & { actor?: Actor }): Limit[] {
    if (this.reflector.getAllAndOverride<boolean>(CREDENTIAL_LIMIT, [context.getHandler(), context.getClass()])) {
      // The account tried: the email of a login or reset request, the user changing their password.
      const account = typeof request.body?.email === 'string' ? request.body.email.trim().toLowerCase() : request.actor?.userId;
      const perAddress = { bucket: `login-address:${hashed(String(request.ip))}`, perMinute: this.config.rateLimitLoginsPerAddressPerMinute, what: 'too many attempts from this address' };
      if (account === undefined) return [perAddress];
      return [{ bucket: `login:${hashed(`${request.ip}\n${account}`)}`, perMinute: this.config.rateLimitLoginsPerMinute, what: 'too many login attempts' }, perAddress];
    }
    if (request.actor && WRITE_METHODS.has(request.method)) {
      return [{ bucket: `writes:${request.actor.organisationId}`, perMinute: this.config.rateLimitWritesPerMinute, what: 'too many changes from this organisation' }];
    }
    return [];
  }
}
