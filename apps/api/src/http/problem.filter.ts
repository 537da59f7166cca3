import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, DomainErrorKind } from '@scf/core';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE, Problem } from './problem';

const STATUS_OF_KIND: Record<DomainErrorKind, number> = {
  VALIDATION: HttpStatus.BAD_REQUEST,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  CONFLICT: HttpStatus.CONFLICT,
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  UNPROCESSABLE: HttpStatus.UNPROCESSABLE_ENTITY,
  UNSUPPORTED_MEDIA_TYPE: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
};

const PG_CODES: Record<string, { status: number; code: string; detail: string }> = {
  '23505': { status: 409, code: 'duplicate', detail: 'a conflicting record already exists' },
  '23514': { status: 409, code: 'constraint_violated', detail: 'the change would break a limit or rule' },
  '40001': { status: 409, code: 'concurrent_update', detail: 'a concurrent change interfered: retry' },
  '40P01': { status: 409, code: 'concurrent_update', detail: 'a concurrent change interfered: retry' },
  '22P02': { status: 400, code: 'malformed_value', detail: 'a value has the wrong format' },
  '22003': { status: 400, code: 'value_out_of_range', detail: 'a value is out of range' },
  '22008': { status: 400, code: 'date_invalid', detail: 'a date is out of range' },
};

/** Every error leaves as application/problem+json; no stack trace or SQL reaches a client. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const problem = this.toProblem(exception);
    if (problem.status >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (response.headersSent) return;
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  toProblem(exception: unknown): Problem {
    if (exception instanceof DomainError) {
      const status = STATUS_OF_KIND[exception.kind];
      return problem(status, exception.code, exception.message, exception.details);
    }
    const parseFailure = bodyParserFailure(exception instanceof HttpException ? exception.cause : exception);
    if (parseFailure) return parseFailure;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const detail = typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? exception.message);
      return problem(status, codeOfHttpStatus(status), detail);
    }
    const pgCode = (exception as { code?: unknown })?.code;
    if (typeof pgCode === 'string' && PG_CODES[pgCode]) {
      const mapped = PG_CODES[pgCode];
      return problem(mapped.status, mapped.code, mapped.detail);
    }
    return problem(500, 'internal_error', 'an unexpected error occurred');
  }
}

/** body-parser errors (malformed JSON, too large, wrong charset) carry a `type` and a 4xx `status`. */
function bodyParserFailure(error: unknown): Problem | undefined {
  const failure = error as { type?: unknown; status?: unknown } | undefined;
  if (typeof failure?.type !== 'string' || typeof failure.status !== 'number') return undefined;
  if (failure.type === 'entity.parse.failed') return problem(400, 'malformed_json', 'the request body is not valid JSON');
  if (failure.type === 'entity.too.large') return problem(413, 'body_too_large', 'the request body is too large');
  if (failure.status >= 400 && failure.status < 500) return problem(failure.status, codeOfHttpStatus(failure.status), 'the request body could not be read');
  return undefined;
}

function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  return { type: PROBLEM_TYPE_BASE + code, title: titleOf(status), status, code, detail, ...extra };
}

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Content Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Content',
  429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};
const titleOf = (status: number) => TITLES[status] ?? 'Error';

function codeOfHttpStatus(status: number): string {
  return (TITLES[status] ?? 'error').toLowerCase().replace(/ /g, '_');
}
