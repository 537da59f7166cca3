import { EntityManager } from 'typeorm';
import { compareDates, conflict, IsoDate, notFound } from '@scf/core';
import { EnrolmentStatus } from './enrolment.entity';
import { ProgramStatus } from './program.entity';

/** What decides whether a supplier's enrolment in a program may be financed on a date. */
export interface FinanceabilityState {
  programStatus: ProgramStatus;
  validFrom: IsoDate;
  validTo: IsoDate;
  enrolmentStatus: EnrolmentStatus;
}

/**
 * The one rule for financing something new (acceptance, approval, funding): the program ACTIVE and
 * within its validity on `on`, the enrolment APPROVED. Each refusal is a 409 with its own code.
 */
export function assertFinanceableState(state: FinanceabilityState, on: IsoDate): void {
  if (state.programStatus === ProgramStatus.SUSPENDED) throw conflict('program_suspended', 'the program is suspended: it finances nothing new');
  if (state.programStatus === ProgramStatus.EXPIRED || compareDates(on, state.validTo) > 0) {
    throw conflict('program_expired', `the program was valid until ${state.validTo}`);
  }
  if (state.programStatus !== ProgramStatus.ACTIVE) {
    throw conflict('program_not_active', `the program is ${state.programStatus.toLowerCase()}: it finances nothing`);
  }
  if (compareDates(on, state.validFrom) < 0) throw conflict('program_not_yet_valid', `the program is valid from ${state.validFrom}`);
  if (state.enrolmentStatus === EnrolmentStatus.SUSPENDED) {
    throw conflict('enrolment_suspended', 'the supplier\'s enrolment is suspended: it gets no new financing');
  }
  if (state.enrolmentStatus !== EnrolmentStatus.APPROVED) {
    throw conflict('enrolment_not_approved', `the supplier's enrolment is ${state.enrolmentStatus.toLowerCase()}`);
  }
}

/**
 * Checks the rule on the program and enrolment rows, key-share locked until the caller commits:
 * a suspension, reactivation or term change (which lock the row FOR UPDATE) waits for the caller,
 * or the caller for it and then sees its result. Key-share does not block the guarded limit
 * updates, so concurrent acceptances neither wait on each other here nor deadlock later.
 */
export async function assertFinanceable(manager: EntityManager, programId: string, enrolmentId: string, on: IsoDate): Promise<void> {
  const [row]: { status: ProgramStatus; valid_from: IsoDate; valid_to: IsoDate; enrolment_status: EnrolmentStatus }[] = await manager.query(
    `SELECT p.status, p.valid_from, p.valid_to, e.status AS enrolment_status
       FROM programs p JOIN enrolments e ON e.program_id = p.id
      WHERE p.id = $1 AND e.id = $2
        FOR KEY SHARE OF p, e`,
    [programId, enrolmentId],
  );
  if (!row) throw notFound('enrolment');
  assertFinanceableState(
    { programStatus: row.status, validFrom: row.valid_from, validTo: row.valid_to, enrolmentStatus: row.enrolment_status },
    on,
  );
}

/**
 * A suspension withdraws the open offers of the program or enrolment at once, in the suspending
 * transaction (which holds the row FOR UPDATE). An acceptance key-share locks that row before it
 * locks any offer, so none is in flight here; the offers that are locked belong to a re-pricing or
 * expiry run that is closing them anyway, and are skipped rather than waited for (that run's new
 * offer then waits for this suspension and finds the program or enrolment no longer financeable).
 */
export async function withdrawOpenOffers(manager: EntityManager, of: { programId: string } | { enrolmentId: string }): Promise<number> {
  const [column, id] = 'programId' in of ? ['program_id', of.programId] : ['enrolment_id', of.enrolmentId];
  const [, withdrawn]: [unknown, number] = await manager.query(
    `WITH open AS (SELECT o.id FROM offers o WHERE o.${column} = $1 AND o.status = 'OPEN' FOR UPDATE OF o SKIP LOCKED)
     UPDATE offers SET status = 'WITHDRAWN', closed_at = now() FROM open WHERE offers.id = open.id`,
    [id],
  );
  return withdrawn;
}
