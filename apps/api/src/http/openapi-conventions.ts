import type { OpenAPIObject, OperationObject, ParameterObject, ResponseObject } from '@nestjs/swagger';

/** Marks an authenticated POST whose response holds a secret: it refuses an Idempotency-Key (400). */
export const IDEMPOTENCY_REFUSED = 'x-idempotency-key-refused';

const WRITE_METHODS = ['post', 'put', 'patch', 'delete'] as const;
const KEY_DESCRIPTION = 'optional; 8–128 characters [A-Za-z0-9_-:.]; a retry with the same key and body replays the first response';
const IN_FLIGHT_CONFLICTS = 'with an Idempotency-Key: the first request with it is still running (`idempotency_key_in_progress`, retry shortly)';

const problem = (description: string): ResponseObject => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/**
 * Documents what global guards and interceptors do to every route, so the document stays complete
 * when a route is added: the write rate limit (429) on every authenticated write, and the
 * Idempotency-Key header with its 409 and 422 answers on every authenticated POST.
 */
export function documentCrossCuttingBehaviour(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of WRITE_METHODS) {
      const operation = item[method] as (OperationObject & { [IDEMPOTENCY_REFUSED]?: boolean }) | undefined;
      if (!operation?.security?.length) continue;
      operation.responses['429'] ??= problem('the organisation\'s write rate limit is used up (`too_many_requests`); see Retry-After');
      if (method !== 'post' || operation[IDEMPOTENCY_REFUSED]) continue;
      const parameters = (operation.parameters ??= []) as ParameterObject[];
      if (!parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key')) {
        parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, description: KEY_DESCRIPTION, schema: { type: 'string' } });
      }
      const conflict = operation.responses['409'] as ResponseObject | undefined;
      if (conflict) conflict.description = `${conflict.description}; ${IN_FLIGHT_CONFLICTS}`;
      else operation.responses['409'] = problem(IN_FLIGHT_CONFLICTS);
      operation.responses['422'] ??= problem('the Idempotency-Key was used with a different request (`idempotency_key_reused`)');
    }
  }
  return document;
}
