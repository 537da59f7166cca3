import { Actor } from '@scf/identity';

export { assertNotProposer } from '@scf/identity';

export const actorRef = (actor: Actor) => ({ userId: actor.userId, organisationId: actor.organisationId });

/** A CHECK constraint refused the statement (the backstop behind a guarded update). */
export function isCheckViolation(error: unknown, constraint: string): boolean {
  const failure = error as { code?: unknown; constraint?: unknown } | undefined;
  return failure?.code === '23514' && failure.constraint === constraint;
}

export interface PageWindow {
  limit: number;
  offset: number;
}
