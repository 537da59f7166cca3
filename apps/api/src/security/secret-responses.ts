import { ApiExtension } from '@nestjs/swagger';
import type { Response } from 'express';
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

const STORED_FOR_REPLAY = 'scf:storedForReplay';

/**
 * The response carries a one-time secret (an invitation token) on a route that honours
 * Idempotency-Key: what is stored for a replay is `stored`, the same answer without the secret.
 * A retry thus learns what was created, and the secret never rests in the idempotency table.
 */
export function storeForReplayWithoutSecret(response: Response, stored: unknown): void {
  response.locals[STORED_FOR_REPLAY] = stored;
}

/** What the idempotency interceptor stores for a replay of `body`. */
export const storedForReplay = (response: Response, body: unknown): unknown => response.locals[STORED_FOR_REPLAY] ?? body;
