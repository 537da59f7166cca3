import { forbidden } from '@scf/core';
import { Actor } from '@scf/identity';

/** Four-eyes: whoever proposed something never decides it, whatever roles that user holds. */
export function assertNotProposer(proposedBy: string, actor: Actor): void {
  if (proposedBy === actor.userId) throw forbidden('four_eyes', 'a proposal must be decided by a user other than its maker');
}

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
