/**
 * Domain errors carry a stable machine-readable code and a kind that the HTTP layer maps to a
 * status. libs/core knows nothing of HTTP; apps/api/src/http/problem.filter.ts does the mapping.
 */
export type DomainErrorKind =
  | 'VALIDATION' // 400: the input breaks a rule
  | 'NOT_FOUND' // 404: absent, or not visible to the caller
  | 'FORBIDDEN' // 403: the caller may see it but not do this
  | 'CONFLICT' // 409: the current state or a limit forbids it
  | 'UNPROCESSABLE' // 422: well-formed but refers to something incompatible (e.g. a reused idempotency key)
  | 'UNSUPPORTED_MEDIA_TYPE' // 415: a body in a format the API does not read
  | 'UNAUTHENTICATED'; // 401

export interface FieldViolation {
  field: string;
  rule: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly details: { field?: string; violations?: FieldViolation[]; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (code: string, message: string, field?: string) =>
  new DomainError('VALIDATION', code, message, field ? { field } : {});
export const notFound = (what: string, field?: string) =>
  new DomainError('NOT_FOUND', 'not_found', `${what} not found`, field ? { field } : {});
export const conflict = (code: string, message: string, details: DomainError['details'] = {}) =>
  new DomainError('CONFLICT', code, message, details);
export const forbidden = (code: string, message: string) => new DomainError('FORBIDDEN', code, message);
