import { forbidden } from '@scf/core';
import { Actor } from './actor';

/** Four-eyes: whoever proposed something never decides it, whatever roles that user holds. */
export function assertNotProposer(proposedBy: string, actor: Actor): void {
  if (proposedBy === actor.userId) throw forbidden('four_eyes', 'a proposal must be decided by a user other than its maker');
}
