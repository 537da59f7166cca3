import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, BusinessEvent } from '@scf/audit';
import {
  compareDates,
  conflict,
  Decimal,
  DomainError,
  forbidden,
  formatAmount,
  invalid,
  IsoDate,
  notFound,
  parseAmount,
  parseIsoDate,
} from '@scf/core';
import { ClockService, isUniqueViolation } from '@scf/database';
import { Actor, hasRole, Role } from '@scf/identity';
import { OffersService } from '@scf/offers';
import { LimitsService } from '@scf/programs';
import { DischargeKind, DischargesService, DischargeView } from '@scf/receivables';
import { allocateRepayment, RepaymentAllocation } from './repayment';
import { lockEnrolmentsOfFinancings, lockProgramForServicing } from './servicing-locks';
import { PaymentRow, PAYMENT_COLUMNS, PaymentView, paymentView } from './payment.views';

export interface PaymentInput {
  amount: string;
  paidOn: string;
}

export interface PaymentRunLine extends PaymentInput {
  receivableId: string;
}

export interface PaymentRunView {
  id: string;
  lineCount: number;
  /** One payment per line, in the order of the lines. */
  payments: PaymentView[];
}

export const MAX_PAYMENT_RUN_LINES = 10_000;

interface ReceivableRow {
  id: string;
  invoice_id: string;
  program_id: string;
  supplier_id: string;
  anchor_id: string;
  currency: string;
  face_amount: string;
  status: 'OPEN' | 'FINANCING_REQUESTED' | 'FINANCED' | 'OVERDUE' | 'SETTLED';
  bank_id: string;
}

/** The financing a payment of a financed receivable goes to, read again under lock. */
interface FinancingRow {
  item_id: string;
  item_status: 'LIVE' | 'OVERDUE' | 'REPAID';
  face_amount: string;
  advance: string;
  principal_paid: string;
  penalty_accrued: string;
  penalty_paid: string;
  penalty_waived: string;
  reserve_released: string;
  financing_request_id: string;
  request_status: string;
  enrolment_id: string;
  value_date: string;
  receivable_id: string;
  receivable_status: ReceivableRow['status'];
  program_id: string;
}

const FINANCING_SELECT = `
  SELECT i.id AS item_id, i.status AS item_status, i.face_amount, i.advance, i.principal_paid, i.penalty_accrued, i.penalty_paid,
         i.penalty_waived, i.reserve_released, r.id AS financing_request_id, r.status AS request_status, r.enrolment_id, r.program_id,
         to_char(r.value_date, 'YYYY-MM-DD') AS value_date, rc.id AS receivable_id, rc.status AS receivable_status
    FROM financing_items i
    JOIN financing_requests r ON r.id = i.financing_request_id
    JOIN receivables rc ON rc.id = i.receivable_id`;

interface Recorded {
  payment: PaymentView;
  event: BusinessEvent;
}

/** One repayment to apply; `field` names its input fields in errors (`paidOn`, `lines[3].paidOn`). */
interface Repayment {
  receivable: ReceivableRow;
  amount: string;
  paidOn: IsoDate;
  field: (name: string) => string;
}

/** A financing's balances while a batch of repayments is allocated against them. */
interface Balance {
  itemId: string;
  requestId: string;
  programId: string;
  enrolmentId: string;
  valueDate: IsoDate;
  face: Decimal;
  advance: Decimal;
  principalPaid: Decimal;
  penaltyAccrued: Decimal;
  penaltyPaid: Decimal;
  penaltyWaived: Decimal;
  reserveReleased: Decimal;
  itemStatus: string;
  requestStatus: string;
  receivableStatus: string;
  touched: boolean;
}

interface AllocatedLine {
  line: Repayment;
  balance: Balance;
  amount: Decimal;
  allocation: RepaymentAllocation;
  penaltyDue: Decimal;
  before: { item: string; request: string; receivable: string };
  closesFinancing: boolean;
  settles: boolean;
}

interface NewPayment {
  receivable: ReceivableRow;
  financingItemId: string | null;
  amount: Decimal;
  toBank: Decimal;
  toSupplier: Decimal;
  penaltyDue: Decimal;
  penaltyPaid: Decimal;
  principalPaid: Decimal;
  excess: Decimal;
  paidOn: IsoDate;
  before: { item: string | null; request: string | null; receivable: string };
}

function openBalance(row: FinancingRow): Balance {
  return {
    itemId: row.item_id,
    requestId: row.financing_request_id,
    programId: row.program_id,
    enrolmentId: row.enrolment_id,
    valueDate: row.value_date,
    face: new Decimal(row.face_amount),
    advance: new Decimal(row.advance),
    principalPaid: new Decimal(row.principal_paid),
    penaltyAccrued: new Decimal(row.penalty_accrued),
    penaltyPaid: new Decimal(row.penalty_paid),
    penaltyWaived: new Decimal(row.penalty_waived),
    reserveReleased: new Decimal(row.reserve_released),
    itemStatus: row.item_status,
    requestStatus: row.request_status,
    receivableStatus: row.receivable_status,
    touched: false,
  };
}

/** Why a receivable without an open financing can't take a repayment. */
function unpayable(status: string | undefined): DomainError {
  switch (status) {
    case 'SETTLED':
      return conflict('already_paid', 'the receivable is already settled');
    case 'FINANCING_REQUESTED':
      return conflict('financing_pending', 'a financing of this receivable awaits approval or funding; settle it after funding or closure');
    case 'OPEN':
      return conflict('receivable_not_financed', 'a payment run repays financed receivables only');
    default:
      return conflict('financing_not_funded', 'the receivable has no funded financing');
  }
}

function assertRecordsRepayment(actor: Actor, receivable: ReceivableRow): void {
  if (!(receivable.bank_id === actor.organisationId && hasRole(actor, Role.BANK_OPERATIONS))) {
    throw forbidden('bank_records_repayment', 'a financed receivable is repaid to the bank: its operations staff record the payment');
  }
}

/**
 * The anchor's payments of receivables. A financed receivable is repaid to the bank, which
 * records each payment (partial, complete or over), allocated penalty → advance → reserve, the
 * excess owed back to the anchor; a wrong entry is reversed by maker-checker. An unfinanced
 * receivable is settled by one payment of its face.
 */
@Injectable()
export class PaymentsService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly limits: LimitsService,
    private readonly audit: AuditService,
    private readonly offers: OffersService,
    private readonly clock: ClockService,
    private readonly discharges: DischargesService,
  ) {}

  async record(actor: Actor, receivableId: string, input: PaymentInput): Promise<PaymentView | DischargeView> {
    const paidOn = parseIsoDate(input.paidOn, 'paidOn');
    const today = await this.clock.today();
    return this.unique(() =>
      this.dataSource.transaction(async (manager) => {
        const seen = await this.visible(manager, actor, receivableId);
        await lockProgramForServicing(manager, seen.program_id);
        // Read again under the program lock: a funding or a payment may have moved it meanwhile.
        const [{ status }]: { status: ReceivableRow['status'] }[] = await manager.query(`SELECT status FROM receivables WHERE id = $1`, [seen.id]);
        const receivable = { ...seen, status };
        let recorded: Recorded;
        switch (status) {
          case 'SETTLED':
            throw conflict('already_paid', 'the receivable is already settled');
          case 'FINANCING_REQUESTED':
            throw conflict('financing_pending', 'a financing of this receivable awaits approval or funding; settle it after funding or closure');
          case 'FINANCED':
          case 'OVERDUE':
            assertRecordsRepayment(actor, receivable);
            [recorded] = await this.repay(manager, actor, [{ receivable, amount: input.amount, paidOn, field: (name) => name }], today, null);
            break;
          case 'OPEN': {
            const outcome = await this.settleUnfinanced(manager, actor, receivable, input.amount, paidOn);
            if ('discharge' in outcome) return outcome.discharge;
            recorded = outcome;
            break;
          }
        }
        await this.audit.record(manager, [recorded.event]);
        return recorded.payment;
      }),
    );
  }

  /**
   * A payment file: every line is validated and applied in one transaction, all or nothing. A
   * bank statement is reconciled as a whole: half a file booked would have to be told apart from
   * the rest before the file could be sent again, and a resent file would book the first half
   * twice. A refused line is named (`lines[i].field`) and nothing is recorded. The lines are
   * applied in order, so two lines of one receivable are two payments.
   */
  async recordRun(actor: Actor, lines: PaymentRunLine[]): Promise<PaymentRunView> {
    if (!hasRole(actor, Role.BANK_OPERATIONS)) throw forbidden('bank_records_repayment', 'a payment run is recorded by the bank\'s operations staff');
    const paidOn = lines.map((line, i) => parseIsoDate(line.paidOn, `lines[${i}].paidOn`));
    const today = await this.clock.today();
    return this.dataSource.transaction(async (manager) => {
      const receivables: ReceivableRow[] = await manager.query(`${VISIBLE_RECEIVABLE} WHERE rc.id = ANY($1::uuid[]) AND p.bank_id = $2`, [
        [...new Set(lines.map((line) => line.receivableId))],
        actor.organisationId,
      ]);
      const byId = new Map(receivables.map((r) => [r.id, r]));
      const repayments = lines.map((line, i) => {
        const receivable = byId.get(line.receivableId);
        if (!receivable) throw notFound('receivable', `lines[${i}].receivableId`);
        return { receivable, amount: line.amount, paidOn: paidOn[i], field: (name: string) => `lines[${i}].${name}` };
      });
      // Programs in id order before anything else: two runs over the same programs never wait on each other crosswise.
      for (const programId of [...new Set(receivables.map((r) => r.program_id))].sort()) await lockProgramForServicing(manager, programId);
      const [run]: { id: string }[] = await manager.query(
        `INSERT INTO payment_runs (organisation_id, line_count, recorded_by) VALUES ($1, $2, $3) RETURNING id`,
        [actor.organisationId, lines.length, actor.userId],
      );
      const recorded = await this.repay(manager, actor, repayments, today, run.id);
      await this.audit.record(manager, recorded.map((r) => r.event));
      return { id: run.id, lineCount: lines.length, payments: recorded.map((r) => r.payment) };
    });
  }

  /**
   * Reversal of a wrong repayment, proposed by the bank's operations. Nothing changes until a
   * different bank user approves it.
   */
  async proposeReversal(actor: Actor, paymentId: string, reason: string): Promise<ReversalView> {
    if (!hasRole(actor, Role.BANK_OPERATIONS)) throw forbidden('bank_reverses_repayment', 'the bank\'s operations staff propose a reversal');
    return this.dataSource.transaction(async (manager) => {
      const payment = await this.bankPayment(manager, actor, paymentId);
      if (!payment.financing_item_id) throw conflict('not_a_repayment', 'only a repayment of a financed receivable is reversed here');
      if (payment.reversed_at) throw conflict('payment_reversed', 'the payment is already reversed');
      const [reversal]: ReversalRow[] = await manager
        .query(
          `INSERT INTO payment_reversals (payment_id, program_id, reason, status, proposed_by)
           VALUES ($1, $2, $3, 'PENDING', $4) RETURNING ${REVERSAL_COLUMNS}`,
          [payment.id, payment.program_id, reason, actor.userId],
        )
        .catch((error: unknown) => {
          if (isUniqueViolation(error, 'payment_reversals_one_open_per_payment')) throw conflict('reversal_pending', 'a reversal of this payment is already proposed');
          throw error;
        });
      await this.audit.record(manager, [
        {
          chainId: payment.program_id,
          actor: { userId: actor.userId, organisationId: actor.organisationId },
          action: 'payment.reversal_proposed',
          objectType: 'payment',
          objectId: payment.id,
          before: null,
          after: { reversalId: reversal.id, reason },
        },
      ]);
      return reversalView(reversal);
    });
  }

  /**
   * The checker's approval restores what the payment changed, exactly: the collected balances,
   * the statuses it moved and the limit it released. Only the newest standing payment of a
   * receivable can be reversed, so every later allocation stays as it was computed.
   */
  async approveReversal(actor: Actor, paymentId: string, reversalId: string): Promise<ReversalView> {
    assertBankChecker(actor);
    return this.dataSource.transaction(async (manager) => {
      const payment = await this.bankPayment(manager, actor, paymentId);
      await lockProgramForServicing(manager, payment.program_id);
      const reversal = await this.pendingReversal(manager, payment.id, reversalId);
      if (reversal.proposed_by === actor.userId) throw forbidden('four_eyes', 'a proposal must be decided by a user other than its maker');
      await lockEnrolmentsOfFinancings(manager, [payment.receivable_id]);
      const [financing]: FinancingRow[] = await manager.query(`${FINANCING_SELECT} WHERE i.id = $1 FOR UPDATE OF r, i, rc`, [
        payment.financing_item_id,
      ]);
      const [later] = await manager.query(
        `SELECT 1 FROM payments WHERE receivable_id = $1 AND reversed_at IS NULL AND seq > $2 LIMIT 1`,
        [payment.receivable_id, payment.seq],
      );
      if (later) throw conflict('later_payment_exists', 'a later payment of this receivable stands: reverse it first');

      const reopens = financing.item_status === 'REPAID' && payment.item_status_before !== 'REPAID';
      const [, restored] = await manager.query(
        `UPDATE financing_items
            SET principal_paid = principal_paid - $2, penalty_paid = penalty_paid - $3, reserve_released = reserve_released - $4,
                status = CASE WHEN $5 THEN $6 ELSE status END
          WHERE id = $1 AND principal_paid >= $2 AND penalty_paid >= $3 AND reserve_released >= $4`,
        [financing.item_id, payment.principal_paid, payment.penalty_paid, payment.to_supplier, reopens, payment.item_status_before],
      );
      if (restored !== 1) throw conflict('payment_state_changed', 'the financing changed concurrently: retry');
      if (reopens) {
        // The advance is outstanding again: it takes its limit back, within the limits as they are now.
        await this.limits.reinstate(manager, payment.program_id, financing.enrolment_id, financing.advance);
        await this.refreshRequestStatuses(manager, [financing.financing_request_id]);
      }
      if (financing.receivable_status === 'SETTLED') {
        await manager.query(`UPDATE receivables SET status = $2, settled_at = NULL WHERE id = $1 AND status = 'SETTLED'`, [
          payment.receivable_id,
          payment.receivable_status_before,
        ]);
      }
      await manager.query(`UPDATE payments SET reversed_at = now() WHERE id = $1 AND reversed_at IS NULL`, [payment.id]);
      const [[decided]]: [ReversalRow[], number] = await manager.query(
        `UPDATE payment_reversals SET status = 'APPROVED', decided_by = $2, decided_at = now() WHERE id = $1 AND status = 'PENDING'
         RETURNING ${REVERSAL_COLUMNS}`,
        [reversal.id, actor.userId],
      );
      await this.audit.record(manager, [
        {
          chainId: payment.program_id,
          actor: { userId: actor.userId, organisationId: actor.organisationId },
          action: 'payment.reversed',
          objectType: 'payment',
          objectId: payment.id,
          before: { itemStatus: financing.item_status, receivableStatus: financing.receivable_status },
          after: {
            reversalId: reversal.id,
            itemStatus: reopens ? payment.item_status_before : financing.item_status,
            receivableStatus: financing.receivable_status === 'SETTLED' ? payment.receivable_status_before : financing.receivable_status,
            principalRestored: payment.principal_paid,
            penaltyRestored: payment.penalty_paid,
            reserveRestored: payment.to_supplier,
            limitReinstated: reopens ? financing.advance : '0',
          },
        },
      ]);
      return reversalView(decided);
    });
  }

  async rejectReversal(actor: Actor, paymentId: string, reversalId: string, reason: string): Promise<ReversalView> {
    assertBankChecker(actor);
    return this.dataSource.transaction(async (manager) => {
      const payment = await this.bankPayment(manager, actor, paymentId);
      const reversal = await this.pendingReversal(manager, payment.id, reversalId);
      if (reversal.proposed_by === actor.userId) throw forbidden('four_eyes', 'a proposal must be decided by a user other than its maker');
      const [[decided]]: [ReversalRow[], number] = await manager.query(
        `UPDATE payment_reversals SET status = 'REJECTED', rejection_reason = $3, decided_by = $2, decided_at = now()
          WHERE id = $1 AND status = 'PENDING' RETURNING ${REVERSAL_COLUMNS}`,
        [reversal.id, actor.userId, reason],
      );
      if (!decided) throw conflict('reversal_not_pending', 'the reversal was decided concurrently');
      await this.audit.record(manager, [
        {
          chainId: payment.program_id,
          actor: { userId: actor.userId, organisationId: actor.organisationId },
          action: 'payment.reversal_rejected',
          objectType: 'payment',
          objectId: payment.id,
          before: null,
          after: { reversalId: reversal.id, reason },
        },
      ]);
      return reversalView(decided);
    });
  }

  /** A unique index refused a second unfinanced payment that raced this one. */
  private async unique<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error, 'payments_one_unfinanced_per_receivable')) throw conflict('already_paid', 'a payment of this receivable is already recorded');
      throw error;
    }
  }

  /**
   * Repayments of financed receivables, one or many, under the program locks the caller holds:
   * takes the rest in servicing's order (enrolments, then requests, items and receivables),
   * allocates each line in order against the balances as the previous lines left them, and
   * writes the outcome set-wise, so that a file of 10,000 lines costs a handful of statements.
   */
  private async repay(manager: EntityManager, actor: Actor, lines: Repayment[], today: IsoDate, runId: string | null): Promise<Recorded[]> {
    const receivableIds = [...new Set(lines.map((line) => line.receivable.id))];
    await lockEnrolmentsOfFinancings(manager, receivableIds);
    const financings = new Map(
      (await this.lockFinancings(manager, receivableIds)).map((row) => [row.receivable_id, openBalance(row)] as const),
    );
    const unfinanced = receivableIds.filter((id) => !financings.has(id));
    const statuses = new Map(
      ((await manager.query(`SELECT id, status FROM receivables WHERE id = ANY($1::uuid[])`, [unfinanced])) as { id: string; status: string }[]).map(
        (r) => [r.id, r.status],
      ),
    );
    const allocated: AllocatedLine[] = lines.map((line) => {
      const { receivable, field } = line;
      const balance = financings.get(receivable.id);
      if (!balance) throw unpayable(statuses.get(receivable.id));
      // An earlier line of the same run may have settled it.
      if (balance.receivableStatus === 'SETTLED') throw unpayable('SETTLED');
      const amount = parseAmount(line.amount, receivable.currency, field('amount'));
      if (compareDates(line.paidOn, balance.valueDate) < 0 || compareDates(line.paidOn, today) > 0) {
        throw invalid('paid_on_out_of_range', `paidOn must lie between the value date ${balance.valueDate} and today ${today}`, field('paidOn'));
      }
      const before = { item: balance.itemStatus, request: balance.requestStatus, receivable: balance.receivableStatus };
      const due = {
        penalty: balance.penaltyAccrued.minus(balance.penaltyPaid).minus(balance.penaltyWaived),
        principal: balance.advance.minus(balance.principalPaid),
        reserve: balance.face.minus(balance.advance).minus(balance.reserveReleased),
      };
      const allocation = allocateRepayment(amount, due);
      balance.penaltyPaid = balance.penaltyPaid.plus(allocation.penaltyPaid);
      balance.principalPaid = balance.principalPaid.plus(allocation.principalPaid);
      balance.reserveReleased = balance.reserveReleased.plus(allocation.reserveReleased);
      const repaid = balance.principalPaid.equals(balance.advance);
      const closesFinancing = repaid && balance.itemStatus !== 'REPAID';
      if (closesFinancing) balance.itemStatus = 'REPAID';
      const settles = repaid && balance.reserveReleased.equals(balance.face.minus(balance.advance));
      if (settles) balance.receivableStatus = 'SETTLED';
      balance.touched = true;
      return { line, balance, amount, allocation, penaltyDue: due.penalty, before, closesFinancing, settles };
    });

    const touched = [...financings.values()].filter((b) => b.touched);
    await manager.query(
      `UPDATE financing_items i SET principal_paid = v.principal, penalty_paid = v.penalty, reserve_released = v.reserve, status = v.status
         FROM unnest($1::uuid[], $2::numeric[], $3::numeric[], $4::numeric[], $5::text[]) AS v(id, principal, penalty, reserve, status)
        WHERE i.id = v.id`,
      [
        touched.map((b) => b.itemId), touched.map((b) => b.principalPaid.toString()), touched.map((b) => b.penaltyPaid.toString()),
        touched.map((b) => b.reserveReleased.toString()), touched.map((b) => b.itemStatus),
      ],
    );
    const closed = allocated.filter((a) => a.closesFinancing);
    // The advances are back: the line revolves, one release per enrolment.
    const releases = new Map<string, { programId: string; enrolmentId: string; amount: Decimal }>();
    for (const { balance } of closed) {
      const release = releases.get(balance.enrolmentId) ?? { programId: balance.programId, enrolmentId: balance.enrolmentId, amount: new Decimal(0) };
      release.amount = release.amount.plus(balance.advance);
      releases.set(balance.enrolmentId, release);
    }
    for (const release of releases.values()) await this.limits.release(manager, release.programId, release.enrolmentId, release.amount);
    const requestStatuses = await this.refreshRequestStatuses(manager, [...new Set(closed.map((a) => a.balance.requestId))]);
    const settled = allocated.filter((a) => a.settles).map((a) => a.line.receivable.id);
    if (settled.length) {
      const [, count] = await manager.query(
        `UPDATE receivables SET status = 'SETTLED', settled_at = now() WHERE id = ANY($1::uuid[]) AND status IN ('FINANCED','OVERDUE')`,
        [settled],
      );
      if (count !== settled.length) throw conflict('receivable_state_changed', 'a receivable changed concurrently: retry');
    }

    const payments = await this.insertPayments(
      manager,
      actor,
      runId,
      allocated.map((a) => ({
        receivable: a.line.receivable,
        financingItemId: a.balance.itemId,
        amount: a.amount,
        toBank: a.allocation.penaltyPaid.plus(a.allocation.principalPaid),
        toSupplier: a.allocation.reserveReleased,
        penaltyDue: a.penaltyDue,
        penaltyPaid: a.allocation.penaltyPaid,
        principalPaid: a.allocation.principalPaid,
        excess: a.allocation.excess,
        paidOn: a.line.paidOn,
        before: a.before,
      })),
    );
    return allocated.map((a, i) => {
      const money = (value: Decimal) => formatAmount(value, a.line.receivable.currency);
      return {
        payment: payments[i],
        event: {
          chainId: a.balance.programId,
          actor: { userId: actor.userId, organisationId: actor.organisationId },
          action: a.closesFinancing ? 'financing.repaid' : 'financing.repayment_recorded',
          objectType: 'financing_item',
          objectId: a.balance.itemId,
          before: { receivableStatus: a.before.receivable, itemStatus: a.before.item },
          after: {
            financingRequestId: a.balance.requestId,
            requestStatus: requestStatuses.get(a.balance.requestId) ?? a.before.request,
            receivableStatus: a.settles ? 'SETTLED' : a.before.receivable,
            paymentId: payments[i].id,
            paymentRunId: runId,
            amount: money(a.amount),
            penaltyPaid: money(a.allocation.penaltyPaid),
            principalPaid: money(a.allocation.principalPaid),
            reserveReleased: money(a.allocation.reserveReleased),
            excess: money(a.allocation.excess),
            paidOn: a.line.paidOn,
          },
        },
      };
    });
  }

  /**
   * Paid at maturity without financing. Recorded by the bank's operations, it settles at once.
   * Recorded by the anchor, whose debt it is, it is a PENDING discharge that settles once the
   * supplier acknowledges it or the bank confirms it: the debtor cannot discharge itself.
   */
  private async settleUnfinanced(
    manager: EntityManager,
    actor: Actor,
    receivable: ReceivableRow,
    amountInput: string,
    paidOn: IsoDate,
  ): Promise<Recorded | { discharge: DischargeView }> {
    const ownAnchor = receivable.anchor_id === actor.organisationId && hasRole(actor, Role.ANCHOR_ADMIN, Role.ANCHOR_PAYABLES);
    const ownBank = receivable.bank_id === actor.organisationId && hasRole(actor, Role.BANK_OPERATIONS);
    if (!ownAnchor && !ownBank) {
      throw forbidden('payer_required', 'the anchor\'s payables staff or the bank\'s operations record a payment');
    }
    const amount = this.exactFace(receivable, amountInput);
    if (ownAnchor) {
      const { id, invoice_id: invoiceId, program_id: programId, supplier_id: supplierId, anchor_id: anchorId, currency } = receivable;
      const discharge = await this.discharges.claim(manager, actor, { id, invoiceId, programId, supplierId, anchorId, currency }, { kind: DischargeKind.PAYMENT, amount, paidOn });
      return { discharge };
    }
    await this.discharges.assertNonePending(manager, receivable.id);
    return this.settleUnfinancedNow(manager, actor, receivable, amount, paidOn);
  }

  /**
   * Everything goes to the supplier, and the receivable's offer is withdrawn. `actor` settles it;
   * an acknowledged claim was recorded by its claimant (`discharge`).
   */
  private async settleUnfinancedNow(
    manager: EntityManager,
    actor: Actor,
    receivable: ReceivableRow,
    amount: Decimal,
    paidOn: IsoDate,
    discharge?: { id: string; claimedBy: string },
  ): Promise<Recorded> {
    const zero = new Decimal(0);
    const recorder = discharge ? { ...actor, userId: discharge.claimedBy } : actor;
    const [payment] = await this.insertPayments(manager, recorder, null, [
      {
        receivable,
        financingItemId: null,
        amount,
        toBank: zero,
        toSupplier: amount,
        penaltyDue: zero,
        penaltyPaid: zero,
        principalPaid: zero,
        excess: zero,
        paidOn,
        before: { item: null, request: null, receivable: receivable.status },
      },
    ]);
    await this.settle(manager, receivable, ['OPEN']);
    await this.offers.withdrawOpenOffers(manager, [receivable.id]);
    return {
      payment,
      event: {
        chainId: receivable.program_id,
        actor: { userId: recorder.userId, organisationId: recorder.organisationId },
        action: 'receivable.settled',
        objectType: 'receivable',
        objectId: receivable.id,
        before: { status: receivable.status },
        after: { status: 'SETTLED', paymentId: payment.id, amount: amount.toString(), paidOn, ...(discharge ? { dischargeId: discharge.id } : {}) },
      },
    };
  }

  /**
   * The anchor's payment, acknowledged or confirmed: the payment is recorded as the anchor stated
   * it (recorded by its claimant, on its date) and settles the receivable, which must still be OPEN
   * for exactly the amount claimed. Under the program's servicing lock, as every payment.
   */
  onModuleInit(): void {
    this.discharges.takeEffect(DischargeKind.PAYMENT, async (manager, discharge, decidedBy) => {
      const seen = await this.visible(manager, decidedBy, discharge.receivableId);
      await lockProgramForServicing(manager, seen.program_id);
      const [{ status }]: { status: ReceivableRow['status'] }[] = await manager.query(`SELECT status FROM receivables WHERE id = $1 FOR UPDATE`, [seen.id]);
      if (status !== 'OPEN') throw conflict('receivable_state_changed', `the receivable is ${status}, not OPEN`);
      const receivable = { ...seen, status };
      const amount = this.exactFace(receivable, formatAmount(discharge.amount, receivable.currency));
      const recorded = await this.settleUnfinancedNow(manager, decidedBy, receivable, amount, discharge.paidOn!, discharge);
      await this.audit.record(manager, [recorded.event]);
      return recorded.payment.id;
    });
  }

  /** The anchor's undertaking is the face amount; a single payment settles an unfinanced one exactly. */
  private exactFace(receivable: ReceivableRow, input: string): Decimal {
    const amount = parseAmount(input, receivable.currency, 'amount');
    if (!amount.equals(receivable.face_amount)) {
      throw invalid(
        'amount_mismatch',
        `the payment must equal the receivable's face amount ${formatAmount(receivable.face_amount, receivable.currency)}`,
        'amount',
      );
    }
    return amount;
  }

  /** The bank of the program, the anchor and the supplier see the receivable; anyone else gets 404. */
  private async visible(manager: EntityManager, actor: Actor, receivableId: string): Promise<ReceivableRow> {
    const [row]: ReceivableRow[] = await manager.query(`${VISIBLE_RECEIVABLE} WHERE rc.id = $1 AND $2 IN (p.bank_id, rc.anchor_id, rc.supplier_id)`, [
      receivableId,
      actor.organisationId,
    ]);
    if (!row) throw notFound('receivable', 'id');
    return row;
  }

  /**
   * The funded financings of receivables that still owe something (the advance, or, once the
   * bank is whole, the supplier's reserve), locked with their requests and receivables. Called
   * under the program lock, after the enrolments.
   */
  private async lockFinancings(manager: EntityManager, receivableIds: string[]): Promise<FinancingRow[]> {
    return manager.query(
      `${FINANCING_SELECT}
        WHERE i.receivable_id = ANY($1::uuid[]) AND r.status IN ('FUNDED','OVERDUE','REPAID')
          AND (i.status IN ('LIVE','OVERDUE') OR (i.status = 'REPAID' AND i.reserve_released < i.face_amount - i.advance))
        ORDER BY r.id, i.id
        FOR UPDATE OF r, i, rc`,
      [receivableIds],
    );
  }

  /** A request is REPAID when none of its items is outstanding, OVERDUE while one of them is. */
  private async refreshRequestStatuses(manager: EntityManager, requestIds: string[]): Promise<Map<string, string>> {
    if (requestIds.length === 0) return new Map();
    const [requests]: [{ id: string; status: string }[], number] = await manager.query(
      `UPDATE financing_requests r
          SET status = CASE
                WHEN NOT EXISTS (SELECT 1 FROM financing_items i WHERE i.financing_request_id = r.id AND i.status IN ('LIVE','OVERDUE')) THEN 'REPAID'
                WHEN EXISTS (SELECT 1 FROM financing_items i WHERE i.financing_request_id = r.id AND i.status = 'OVERDUE') THEN 'OVERDUE'
                ELSE 'FUNDED' END,
              closed_at = CASE
                WHEN NOT EXISTS (SELECT 1 FROM financing_items i WHERE i.financing_request_id = r.id AND i.status IN ('LIVE','OVERDUE')) THEN now()
                END
        WHERE r.id = ANY($1::uuid[]) AND r.status IN ('FUNDED','OVERDUE','REPAID')
        RETURNING r.id, r.status`,
      [requestIds],
    );
    return new Map(requests.map((r) => [r.id, r.status]));
  }

  private async settle(manager: EntityManager, receivable: ReceivableRow, from: string[]): Promise<void> {
    const [, settled] = await manager.query(
      `UPDATE receivables SET status = 'SETTLED', settled_at = now() WHERE id = $1 AND status = ANY($2::text[])`,
      [receivable.id, from],
    );
    if (settled !== 1) throw conflict('receivable_state_changed', 'the receivable changed concurrently: retry');
  }

  private async bankPayment(manager: EntityManager, actor: Actor, paymentId: string): Promise<PaymentRow & { program_id: string }> {
    const [payment]: (PaymentRow & { program_id: string })[] = await manager.query(
      `SELECT ${PAYMENT_COLUMNS}, rc.program_id FROM payments t JOIN receivables rc ON rc.id = t.receivable_id JOIN programs p ON p.id = rc.program_id
        WHERE t.id = $1 AND p.bank_id = $2`,
      [paymentId, actor.organisationId],
    );
    if (!payment) throw notFound('payment');
    return payment;
  }

  private async pendingReversal(manager: EntityManager, paymentId: string, reversalId: string): Promise<ReversalRow> {
    const [reversal]: ReversalRow[] = await manager.query(
      `SELECT ${REVERSAL_COLUMNS} FROM payment_reversals WHERE id = $1 AND payment_id = $2 FOR UPDATE`,
      [reversalId, paymentId],
    );
    if (!reversal) throw notFound('reversal');
    if (reversal.status !== 'PENDING') throw conflict('reversal_not_pending', `the reversal is already ${reversal.status.toLowerCase()}`);
    return reversal;
  }

  /** Writes the payments in one statement and gives them back in the order given. */
  private async insertPayments(manager: EntityManager, actor: Actor, runId: string | null, payments: NewPayment[]): Promise<PaymentView[]> {
    const column = <T>(pick: (p: NewPayment) => T) => payments.map(pick);
    const money = (pick: (p: NewPayment) => Decimal) => column((p) => pick(p).toString());
    const rows: PaymentRow[] = await manager.query(
      `INSERT INTO payments AS t (receivable_id, financing_item_id, currency, amount, to_bank, to_supplier, penalty_due, penalty_paid,
         principal_paid, excess, paid_on, item_status_before, request_status_before, receivable_status_before, line_no,
         recorded_by, payment_run_id)
       SELECT v.receivable_id, v.financing_item_id, v.currency, v.amount, v.to_bank, v.to_supplier, v.penalty_due, v.penalty_paid,
              v.principal_paid, v.excess, v.paid_on, v.item_status_before, v.request_status_before, v.receivable_status_before,
              CASE WHEN $16::uuid IS NULL THEN NULL ELSE v.line_no - 1 END, $15, $16
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[],
                     $9::numeric[], $10::numeric[], $11::date[], $12::text[], $13::text[], $14::text[])
              WITH ORDINALITY AS v(receivable_id, financing_item_id, currency, amount, to_bank, to_supplier, penalty_due, penalty_paid,
                                   principal_paid, excess, paid_on, item_status_before, request_status_before, receivable_status_before, line_no)
        ORDER BY v.line_no
       RETURNING ${PAYMENT_COLUMNS}`,
      [
        column((p) => p.receivable.id), column((p) => p.financingItemId), column((p) => p.receivable.currency), money((p) => p.amount),
        money((p) => p.toBank), money((p) => p.toSupplier), money((p) => p.penaltyDue), money((p) => p.penaltyPaid),
        money((p) => p.principalPaid), money((p) => p.excess), column((p) => p.paidOn), column((p) => p.before.item),
        column((p) => p.before.request), column((p) => p.before.receivable), actor.userId, runId,
      ],
    );
    // Identity values follow the order of the SELECT: seq gives the lines' order back.
    return rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map((row) => paymentView(actor, row));
  }
}

const VISIBLE_RECEIVABLE = `
  SELECT rc.id, rc.invoice_id, rc.program_id, rc.supplier_id, rc.anchor_id, rc.currency, rc.face_amount, rc.status, p.bank_id
    FROM receivables rc JOIN programs p ON p.id = rc.program_id`;

const REVERSAL_COLUMNS = `id, payment_id, status, reason, rejection_reason, proposed_by, decided_by, created_at, decided_at`;

interface ReversalRow {
  id: string;
  payment_id: string;
  status: 'PENDING' | 'APPROVED' | 'REJECTED';
  reason: string;
  rejection_reason: string | null;
  proposed_by: string;
  decided_by: string | null;
  created_at: Date;
  decided_at: Date | null;
}

export interface ReversalView {
  id: string;
  paymentId: string;
  status: 'PENDING' | 'APPROVED' | 'REJECTED';
  reason: string;
  rejectionReason: string | null;
  proposedBy: string;
  decidedBy: string | null;
  createdAt: string;
  decidedAt: string | null;
}

function reversalView(row: ReversalRow): ReversalView {
  return {
    id: row.id,
    paymentId: row.payment_id,
    status: row.status,
    reason: row.reason,
    rejectionReason: row.rejection_reason,
    proposedBy: row.proposed_by,
    decidedBy: row.decided_by,
    createdAt: row.created_at.toISOString(),
    decidedAt: row.decided_at?.toISOString() ?? null,
  };
}

/** Bank staff other than the maker decide reversals and waivers: its approvers, or operations colleagues. */
export function assertBankChecker(actor: Actor): void {
  if (!hasRole(actor, Role.BANK_APPROVER, Role.BANK_OPERATIONS)) {
    throw forbidden('bank_checker_required', 'a bank approver or another operations user decides this');
  }
}

