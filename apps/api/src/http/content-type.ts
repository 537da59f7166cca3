import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '@scf/core';

/**
 * Every body this API reads is JSON. A body of another type (text/plain, a form, XML…) is never
 * parsed, so the route would see no fields and answer with a list of missing ones: refuse it for
 * what it is, 415, before anything reads it. A request without a body (no length, or 0) passes.
 */
export function requireJsonBodies(request: Request, _response: Response, next: NextFunction): void {
  const length = request.headers['content-length'];
  const hasBody = request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (!hasBody || request.is('application/json')) return next();
  const type = request.headers['content-type'];
  next(
    new DomainError('UNSUPPORTED_MEDIA_TYPE', 'unsupported_media_type', `the body must be application/json${type ? `, not ${type}` : ''}`, {
      field: 'Content-Type',
    }),
  );
}
