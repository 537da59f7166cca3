import { EntityManager } from 'typeorm';

/**
 * Servicing's one lock order: program → enrolment → financing request → financing item →
 * receivable. Repayments (single and in runs), reversals, penalty waivers and the end-of-day run
 * take the program row first; as every writer of a funded financing's balances passes through
 * it, they are serialised per program and the deeper rows are only ever taken below it, in that
 * order. A run of several programs takes them in id order. FOR NO KEY UPDATE is the lock an
 * UPDATE of utilisation takes anyway, so a repayment's limit release doesn't upgrade it later.
 */
export async function lockProgramForServicing(manager: EntityManager, programId: string): Promise<void> {
  await manager.query(`SELECT 1 FROM programs WHERE id = $1 FOR NO KEY UPDATE`, [programId]);
}

/** The enrolments whose sub-limits the receivables' funded financings use, in id order, before those financings' rows. */
export async function lockEnrolmentsOfFinancings(manager: EntityManager, receivableIds: string[]): Promise<void> {
  await manager.query(
    `SELECT 1 FROM enrolments WHERE id IN (
       SELECT r.enrolment_id FROM financing_items i JOIN financing_requests r ON r.id = i.financing_request_id
        WHERE i.receivable_id = ANY($1::uuid[]) AND r.status IN ('FUNDED','OVERDUE','REPAID'))
     ORDER BY id FOR NO KEY UPDATE`,
    [receivableIds],
  );
}
