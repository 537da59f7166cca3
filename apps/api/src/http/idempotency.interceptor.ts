import { applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { from, lastValueFrom, Observable, of, switchMap, throwError } from 'rxjs';
import { DomainError } from '@scf/core';
import { canonicalJson } from '@scf/audit';
import { Actor } from '@scf/identity';
import { assertPlainBody } from './body-shape';
import { ClaimedRequest, IdempotencyService } from './idempotency.service';
import { storedForReplay } from '../security/secret-responses';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const REQUIRED = 'scf:idempotency-required';
const KEY_PATTERN = /^[A-Za-z0-9_\-:.]{8,128}$/;

/** Marks a route that moves money or a commitment: the Idempotency-Key header is mandatory there. */
export const RequiresIdempotencyKey = () =>
  applyDecorators(
    SetMetadata(REQUIRED, true),
    ApiHeader({ name: 'Idempotency-Key', required: true, description: '8–128 characters [A-Za-z0-9_-:.]; a retry with the same key and body replays the first response' }),
  );

/**
 * Every authenticated POST honours an Idempotency-Key: same key + same body → the first response
 * replayed (status and body) with nothing done twice; same key + other body → 422; the same key
 * still executing → 409 (retry shortly). The request runs in one transaction that stores its
 * response with its writes (IdempotencyService), so a retry after a lost response replays it and
 * a retry after a failure runs afresh. Keys are scoped to the caller's organisation and kept for
 * IDEMPOTENCY_TTL_HOURS (24 h at least).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: IdempotencyService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const response = context.switchToHttp().getResponse<Response>();
    const header = request.headers[IDEMPOTENCY_HEADER];
    const required = this.reflector.getAllAndOverride<boolean>(REQUIRED, [context.getHandler(), context.getClass()]);
    if (request.method !== 'POST' || !request.actor) return next.handle();
    if (header === undefined) {
      if (required) throw new DomainError('VALIDATION', 'idempotency_key_required', 'this route requires an Idempotency-Key header', { field: 'Idempotency-Key' });
      return next.handle();
    }
    if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
      throw new DomainError('VALIDATION', 'idempotency_key_invalid', 'Idempotency-Key must be 8–128 characters of [A-Za-z0-9_-:.]', { field: 'Idempotency-Key' });
    }
    // The body is hashed before the validation pipe runs: refuse a hostile shape first.
    assertPlainBody(request.body);
    const organisationId = request.actor.organisationId;
    const hash = createHash('sha256').update(`${request.method} ${request.originalUrl}\n${canonicalJson(request.body ?? null)}`).digest('hex');

    return from(this.keys.claim(organisationId, header, hash)).pipe(
      switchMap((claim) => {
        switch (claim.kind) {
          case 'mismatch':
            return throwError(() => new DomainError('UNPROCESSABLE', 'idempotency_key_reused', 'this Idempotency-Key was used with a different request', { field: 'Idempotency-Key' }));
          case 'in_progress':
            return throwError(() => new DomainError('CONFLICT', 'idempotency_key_in_progress', 'a request with this Idempotency-Key is still being processed: retry shortly'));
          case 'replay':
            response.status(claim.status);
            response.setHeader('Idempotent-Replayed', 'true');
            return of(claim.body);
          case 'claimed':
            return from(this.run(claim.request, next, response));
        }
      }),
    );
  }

  private async run(claimed: ClaimedRequest, next: CallHandler, response: Response): Promise<unknown> {
    let body: unknown;
    try {
      body = await this.keys.within(claimed, () => lastValueFrom(next.handle(), { defaultValue: undefined }));
    } catch (error) {
      await this.keys.abandon(claimed);
      throw error;
    }
    await this.keys.complete(claimed, response.statusCode, storedForReplay(response, body));
    return body;
  }
}
