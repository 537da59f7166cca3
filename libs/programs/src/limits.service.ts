import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { conflict, Decimal, IsoDate } from '@scf/core';

/** The program terms a reservation was made under, read while the program row is locked. */
export interface ReservedUnder {
  autoApprovalThreshold: string;
}

/**
 * Reserves and releases utilisation of a program and an enrolment (sub-limit) in one transaction.
 * Each update is guarded in SQL: under Read Committed a waiting UPDATE re-evaluates its WHERE on
 * the latest row, so concurrent reservations can never push utilisation past a limit; the CHECK
 * constraints on both tables are the backstop. Program row first, then enrolment: one lock order.
 */
@Injectable()
export class LimitsService {
  /**
   * One statement: the enrolment update reads the program update's result, so it runs second and
   * only when the program had room. The program row stays locked until the caller commits, so
   * callers do this as late as possible in their transaction.
   */
  async reserve(manager: EntityManager, programId: string, enrolmentId: string, amount: Decimal.Value): Promise<ReservedUnder> {
    const rows: { auto_approval_threshold: string; enrolment_reserved: boolean }[] = await manager.query(
      `WITH program AS (
         UPDATE programs SET utilised = utilised + $3, updated_at = now()
          WHERE id = $1 AND status = 'ACTIVE' AND utilised + $3 <= limit_amount
         RETURNING auto_approval_threshold
       ), enrolment AS (
         UPDATE enrolments SET utilised = utilised + $3, updated_at = now()
          WHERE id = $2 AND program_id = $1 AND status = 'APPROVED' AND utilised + $3 <= sub_limit
            AND EXISTS (SELECT 1 FROM program)
         RETURNING id
       )
       SELECT auto_approval_threshold, EXISTS (SELECT 1 FROM enrolment) AS enrolment_reserved FROM program`,
      [programId, enrolmentId, new Decimal(amount).toString()],
    );
    if (rows.length === 0) throw conflict('program_limit_exceeded', 'the program has not enough available limit (or is not active)');
    if (!rows[0].enrolment_reserved) {
      throw conflict('sub_limit_exceeded', 'the supplier has not enough available sub-limit (or is not approved)');
    }
    return { autoApprovalThreshold: rows[0].auto_approval_threshold };
  }

  /**
   * Counts `advance` against the supplier's auto-approved exposure of the business date if it stays
   * within `threshold` (the program's auto-approval threshold, a daily cap per supplier), so that
   * splitting an amount into small requests never bypasses the checker. One guarded UPDATE on the
   * enrolment row, which the caller's reservation already locked: concurrent acceptances of one
   * supplier count one after the other. Returns whether the request may be approved automatically.
   */
  async claimAutoApproval(manager: EntityManager, enrolmentId: string, advance: Decimal.Value, threshold: Decimal.Value, businessDate: IsoDate): Promise<boolean> {
    const [, claimed]: [unknown, number] = await manager.query(
      `UPDATE enrolments
          SET auto_approved_advance = CASE WHEN auto_approved_on = $3::date THEN auto_approved_advance ELSE 0 END + $2,
              auto_approved_on = $3::date
        WHERE id = $1 AND CASE WHEN auto_approved_on = $3::date THEN auto_approved_advance ELSE 0 END + $2 <= $4`,
      [enrolmentId, new Decimal(advance).toString(), businessDate, new Decimal(threshold).toString()],
    );
    return claimed === 1;
  }

  /** Gives utilisation back (rejection, cancellation, repayment). Status is irrelevant: a suspended line still gets its limit back. */
  async release(manager: EntityManager, programId: string, enrolmentId: string, amount: Decimal.Value): Promise<void> {
    await manager.query(
      `WITH program AS (UPDATE programs SET utilised = utilised - $3, updated_at = now() WHERE id = $1 RETURNING id)
       UPDATE enrolments SET utilised = utilised - $3, updated_at = now() WHERE id = $2 AND EXISTS (SELECT 1 FROM program)`,
      [programId, enrolmentId, new Decimal(amount).toString()],
    );
  }

  /**
   * Takes utilisation back for an advance that is outstanding again (a reversed repayment).
   * Whatever the line's status, but never past a limit: if the line was used meanwhile, the
   * reversal waits until room is made.
   */
  async reinstate(manager: EntityManager, programId: string, enrolmentId: string, amount: Decimal.Value): Promise<void> {
    const [row]: { enrolment_reinstated: boolean }[] = await manager.query(
      `WITH program AS (
         UPDATE programs SET utilised = utilised + $3, updated_at = now() WHERE id = $1 AND utilised + $3 <= limit_amount RETURNING id
       ), enrolment AS (
         UPDATE enrolments SET utilised = utilised + $3, updated_at = now()
          WHERE id = $2 AND utilised + $3 <= sub_limit AND EXISTS (SELECT 1 FROM program) RETURNING id
       )
       SELECT EXISTS (SELECT 1 FROM enrolment) AS enrolment_reinstated FROM program`,
      [programId, enrolmentId, new Decimal(amount).toString()],
    );
    if (!row?.enrolment_reinstated) {
      throw conflict('limit_exceeded_by_reversal', 'the line has been used since: reinstating the advance would exceed a limit');
    }
  }
}
