import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { conflict, Decimal } from '@scf/core';

/**
 * Reserves and releases utilisation of a program and an enrolment (sub-limit) in one transaction.
 * Each update is guarded in SQL: under Read Committed a waiting UPDATE re-evaluates its WHERE on
 * the latest row, so concurrent reservations can never push utilisation past a limit; the CHECK
 * constraints on both tables are the backstop. Program row first, then enrolment: one lock order.
 */
@Injectable()
export class LimitsService {
  async reserve(manager: EntityManager, programId: string, enrolmentId: string, amount: Decimal.Value): Promise<void> {
    const value = new Decimal(amount).toString();
    const [, programRows] = await manager.query(
      `UPDATE programs SET utilised = utilised + $2, updated_at = now()
        WHERE id = $1 AND status = 'ACTIVE' AND utilised + $2 <= limit_amount`,
      [programId, value],
    );
    if (programRows !== 1) throw conflict('program_limit_exceeded', 'the program has not enough available limit (or is not active)');
    const [, enrolmentRows] = await manager.query(
      `UPDATE enrolments SET utilised = utilised + $2, updated_at = now()
        WHERE id = $1 AND program_id = $3 AND status = 'APPROVED' AND utilised + $2 <= sub_limit`,
      [enrolmentId, value, programId],
    );
    if (enrolmentRows !== 1) throw conflict('sub_limit_exceeded', 'the supplier has not enough available sub-limit (or is not approved)');
  }

  /** Gives utilisation back (rejection, cancellation, repayment). Status is irrelevant: a suspended line still gets its limit back. */
  async release(manager: EntityManager, programId: string, enrolmentId: string, amount: Decimal.Value): Promise<void> {
    const value = new Decimal(amount).toString();
    await manager.query(`UPDATE programs SET utilised = utilised - $2, updated_at = now() WHERE id = $1`, [programId, value]);
    await manager.query(`UPDATE enrolments SET utilised = utilised - $2, updated_at = now() WHERE id = $1`, [enrolmentId, value]);
  }
}
