import { randomUUID } from 'node:crypto';
import { defaultBusinessTimeZone } from '@scf/core';
import { Bank, CNY_TERMS, createAnchor, createBank, createSupplier, EVERY_DAY_CALENDAR, ProgramTermsInput, Session, Supplier } from './fixtures';
import { Platform } from './platform';
import { verifyPayoutAccount } from './payout-fixtures';

/**
 * Programs and enrolments written straight to the database, in the state the four-eyes routes
 * leave them, for tests of the contexts downstream (offers, worker, financing).
 */

const unique = () => randomUUID().slice(0, 8);

/**
 * An ACTIVE program (maker proposed, checker approved), written directly. Its holiday calendar is
 * the bank's EVERY_DAY_CALENDAR unless `calendarCode` names another of the bank's calendars; its
 * business time zone the currency's default unless `terms.timeZone` names one.
 */
export async function seedProgram(
  platform: Platform,
  bank: Bank,
  anchorId: string,
  terms: ProgramTermsInput & { timeZone?: string } = CNY_TERMS,
  calendarCode?: string,
) {
  const t = { ...CNY_TERMS, ...terms };
  if (calendarCode === undefined) {
    await platform.sql(
      `INSERT INTO calendars (bank_id, code, name, weekend_days) VALUES ($1, $2, 'Every day a business day', '{}') ON CONFLICT DO NOTHING`,
      [bank.id, EVERY_DAY_CALENDAR],
    );
  }
  const [program] = await platform.sql<{ id: string }>(
    `INSERT INTO programs (bank_id, anchor_id, name, currency, limit_amount, valid_from, valid_to, base_rate, margin, advance_rate,
       fee_rate, day_count_basis, min_tenor_days, max_tenor_days, grace_days, penalty_rate, offer_validity_days,
       auto_approval_threshold, status, created_by, approved_by, time_zone, calendar_code)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 'ACTIVE', $19, $20, $21, $22)
     RETURNING id`,
    [
      bank.id, anchorId, `Program ${unique()}`, t.currency, t.limitAmount, t.validFrom, t.validTo, t.baseRate, t.margin,
      t.advanceRate, t.feeRate, t.dayCountBasis, t.minTenorDays, t.maxTenorDays, t.graceDays, t.penaltyRate,
      t.offerValidityDays, t.autoApprovalThreshold, bank.maker.userId, bank.checker.userId,
      terms.timeZone ?? defaultBusinessTimeZone(t.currency) ?? 'UTC', calendarCode ?? EVERY_DAY_CALENDAR,
    ],
  );
  return { id: program.id, currency: t.currency, terms: t };
}

/** An APPROVED enrolment with its sub-limit; the supplier's payout account is verified by the bank (funding needs it). */
export async function seedEnrolment(platform: Platform, bank: Bank, programId: string, supplierId: string, subLimit: string) {
  const [enrolment] = await platform.sql<{ id: string }>(
    `INSERT INTO enrolments (program_id, supplier_id, sub_limit, status, proposed_by, approved_by)
     VALUES ($1, $2, $3, 'APPROVED', $4, $5) RETURNING id`,
    [programId, supplierId, subLimit, bank.maker.userId, bank.checker.userId],
  );
  await verifyPayoutAccount(platform, bank, supplierId);
  return enrolment.id;
}

/** A bank, an anchor it onboarded, an ACTIVE program between them and one supplier APPROVED in it. */
export interface SeededWorld {
  bank: Bank;
  anchor: { id: string; admin: Session };
  program: { id: string; currency: string };
  supplier: Supplier;
  enrolmentId: string;
}

/** The parties of a financing over HTTP where they log in, with program and enrolment seeded. */
export async function seedWorld(platform: Platform, terms: ProgramTermsInput = CNY_TERMS, subLimit = '5000000.00'): Promise<SeededWorld> {
  const bank = await createBank(platform);
  const anchor = await createAnchor(platform, bank);
  const program = await seedProgram(platform, bank, anchor.id, terms);
  const supplier = await createSupplier(platform);
  const enrolmentId = await seedEnrolment(platform, bank, program.id, supplier.id, subLimit);
  return { bank, anchor, program, supplier, enrolmentId };
}
