import { ApiExtension } from '@nestjs/swagger';
import { invalid } from '@scf/core';
import { IDEMPOTENCY_REFUSED } from '../http/openapi-conventions';

/** Documents a route that calls refuseReplayOfSecrets: no Idempotency-Key header, 400 if sent. */
export const RefusesIdempotencyKey = () => ApiExtension(IDEMPOTENCY_REFUSED, true);

/**
 * A replayable response is stored in the database, and this one holds a secret. Refusing the
 * header (the handler's error makes the interceptor drop its claim) keeps secrets out of storage.
 */
export function refuseReplayOfSecrets(idempotencyKey: string | undefined): void {
  if (idempotencyKey !== undefined) {
    throw invalid('idempotency_key_not_accepted', 'this response carries a secret and is never stored for replay: send it without Idempotency-Key', 'Idempotency-Key');
  }
}
