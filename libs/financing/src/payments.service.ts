import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
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
import { ClockService } from '@scf/database';
import { Actor, hasRole, Role } from '@scf/identity';
import { OffersService } from '@scf/offers';
import { LimitsService } from '@scf/programs';
import { allocateRepayment } from './repayment';
import { lockEnrolmentOfFinancing, lockProgramForServicing } from './servicing-locks';
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
  receivable_status: ReceivableRow['status'];
}

interface Recorded {
  payment: PaymentView;
  event: BusinessEvent;
}

interface RunContext {
  runId: string;
  lineNo: number;
}

/**
 * The anchor's payments of receivables. A financed receivable is repaid to the bank, which
 * records each payment (partial, complete or over), allocated penalty → advance → reserve, the
 * excess owed back to the anchor; a wrong entry is reversed by maker-checker. An unfinanced
 * receivable is settled by one payment of its face.
 */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly limits: LimitsService,
    private readonly audit: AuditService,
    private readonly offers: OffersService,
    private readonly clock: ClockService,
  ) {}

  async record(actor: Actor, receivableId: string, input: PaymentInput): Promise<PaymentView> {
    const paidOn = parseIsoDate(input.paidOn, 'paidOn');
    const today = await this.clock.today();
    return this.unique(() =>
      this.dataSource.transaction(async (manager) => {
        const receivable = await this.visible(manager, actor, receivableId);
        const { payment, event } = await this.apply(manager, actor, receivable, input.amount, paidOn, today);
        await this.audit.record(manager, [event]);
        return payment;
      }),
    );
  }

  /**
   * A payment file: every line is validated and applied in one transaction, all or nothing. A
   * bank statement is reconciled as a whole: half a file booked would have to be told apart from
   * the rest before the file could be sent again, and a resent file would book the first half
   * twice. A refused line is named (`lines[i].field`) and nothing is recorded.
   */
  async recordRun(actor: Actor, lines: PaymentRunLine[]): Promise<PaymentRunView> {
    if (!hasRole(actor, Role.BANK_OPERATIONS)) throw forbidden('bank_records_repayment', 'a payment run is recorded by the bank\'s operations staff');
    const paidOn = lines.map((line, i) => parseIsoDate(line.paidOn, `lines[${i}].paidOn`));
    const today = await this.clock.today();
    return this.unique(() =>
      this.dataSource.transaction(async (manager) => {
        const receivables: ReceivableRow[] = await manager.query(
          `${VISIBLE_RECEIVABLE} WHERE rc.id = ANY($1::uuid[]) AND p.bank_id = $2`,
          [[...new Set(lines.map((line) => line.receivableId))], actor.organisationId],
        );
        const byId = new Map(receivables.map((r) => [r.id, r]));
        // Programs in id order before any line: two runs over the same programs never wait on each other crosswise.
        for (const programId of [...new Set(receivables.map((r) => r.program_id))].sort()) await lockProgramForServicing(manager, programId);
        const [run]: { id: string }[] = await manager.query(
          `INSERT INTO payment_runs (organisation_id, line_count, recorded_by) VALUES ($1, $2, $3) RETURNING id`,
          [actor.organisationId, lines.length, actor.userId],
        );
        const payments: PaymentView[] = [];
        const events: BusinessEvent[] = [];
        for (const [i, line] of lines.entries()) {
          const receivable = byId.get(line.receivableId);
          if (!receivable) throw notFound('receivable', `lines[${i}].receivableId`);
          try {
            const { payment, event } = await this.apply(manager, actor, receivable, line.amount, paidOn[i], today, { runId: run.id, lineNo: i });
            payments.push(payment);
            events.push(event);
          } catch (error) {
            throw inLine(error, i);
          }
        }
        await this.audit.record(manager, events);
        return { id: run.id, lineCount: lines.length, payments };
      }),
    );
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
          if (isUniqueViolation(error)) throw conflict('reversal_pending', 'a reversal of this payment is already proposed');
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
      await lockEnrolmentOfFinancing(manager, payment.receivable_id);
      const [financing] = await this.lockFinancing(manager, payment.receivable_id, payment.financing_item_id!);
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
        await this.refreshRequestStatus(manager, financing.financing_request_id);
      }
      if (financing.receivable_status === 'SETTLED') {
        await manager.query(`UPDATE receivables SET status = $2, settled_at = NULL WHERE id = $1 AND status = 'SETTLED'`, [
          payment.receivable_id,
          payment.receivable_status_before,
        ]);
      }
      await manager.query(`UPDATE payments SET reversed_at = now() WHERE id = $1 AND reversed_at IS NULL`, [payment.id]);
      const [decided]: ReversalRow[] = await manager.query(
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
      const [decided]: ReversalRow[] = await manager.query(
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
      if (isUniqueViolation(error)) throw conflict('already_paid', 'a payment of this receivable is already recorded');
      throw error;
    }
  }

  /**
   * Takes the locks in servicing's order (program, enrolment, request and item, receivable),
   * re-reads the receivable under them and records the payment its status allows.
   */
  private async apply(
    manager: EntityManager,
    actor: Actor,
    seen: ReceivableRow,
    amountInput: string,
    paidOn: IsoDate,
    today: IsoDate,
    run?: RunContext,
  ): Promise<Recorded> {
    await lockProgramForServicing(manager, seen.program_id);
    await lockEnrolmentOfFinancing(manager, seen.id);
    const financings = await this.lockFinancing(manager, seen.id);
    const [{ status }]: { status: ReceivableRow['status'] }[] = await manager.query(
      `SELECT status FROM receivables WHERE id = $1 FOR UPDATE`,
      [seen.id],
    );
    const receivable = { ...seen, status };
    switch (status) {
      case 'SETTLED':
        throw conflict('already_paid', 'the receivable is already settled');
      case 'FINANCING_REQUESTED':
        throw conflict('financing_pending', 'a financing of this receivable awaits approval or funding; settle it after funding or closure');
      case 'FINANCED':
      case 'OVERDUE':
        if (!financings.length) throw conflict('financing_not_funded', 'the receivable has no funded financing');
        return this.repayFinancing(manager, actor, receivable, financings[0], amountInput, paidOn, today, run);
      case 'OPEN':
        if (run) throw conflict('receivable_not_financed', 'a payment run repays financed receivables only');
        return this.settleUnfinanced(manager, actor, receivable, amountInput, paidOn);
    }
  }

  private async repayFinancing(
    manager: EntityManager,
    actor: Actor,
    receivable: ReceivableRow,
    financing: FinancingRow,
    amountInput: string,
    paidOn: IsoDate,
    today: IsoDate,
    run?: RunContext,
  ): Promise<Recorded> {
    if (!(receivable.bank_id === actor.organisationId && hasRole(actor, Role.BANK_OPERATIONS))) {
      throw forbidden('bank_records_repayment', 'a financed receivable is repaid to the bank: its operations staff record the payment');
    }
    const { currency } = receivable;
    const amount = parseAmount(amountInput, currency, 'amount');
    if (compareDates(paidOn, financing.value_date) < 0 || compareDates(paidOn, today) > 0) {
      throw invalid('paid_on_out_of_range', `paidOn must lie between the value date ${financing.value_date} and today ${today}`, 'paidOn');
    }
    const due = {
      penalty: new Decimal(financing.penalty_accrued).minus(financing.penalty_paid).minus(financing.penalty_waived),
      principal: new Decimal(financing.advance).minus(financing.principal_paid),
      reserve: new Decimal(financing.face_amount).minus(financing.advance).minus(financing.reserve_released),
    };
    const allocation = allocateRepayment(amount, due);
    const repaid = allocation.principalPaid.equals(due.principal);
    const settled = repaid && allocation.reserveReleased.equals(due.reserve);
    const closesFinancing = repaid && financing.item_status !== 'REPAID';

    const [, updated] = await manager.query(
      `UPDATE financing_items
          SET principal_paid = principal_paid + $2, penalty_paid = penalty_paid + $3, reserve_released = reserve_released + $4,
              status = CASE WHEN $5 THEN 'REPAID' ELSE status END
        WHERE id = $1 AND principal_paid = $6 AND penalty_paid = $7 AND reserve_released = $8`,
      [
        financing.item_id, allocation.principalPaid.toString(), allocation.penaltyPaid.toString(), allocation.reserveReleased.toString(),
        closesFinancing, financing.principal_paid, financing.penalty_paid, financing.reserve_released,
      ],
    );
    if (updated !== 1) throw conflict('payment_state_changed', 'the financing changed concurrently: retry');
    let requestStatus = financing.request_status;
    if (closesFinancing) {
      // The advance is back: the line revolves.
      await this.limits.release(manager, receivable.program_id, financing.enrolment_id, financing.advance);
      requestStatus = await this.refreshRequestStatus(manager, financing.financing_request_id);
    }
    if (settled) await this.settle(manager, receivable, ['FINANCED', 'OVERDUE']);

    const payment = await this.insertPayment(manager, actor, receivable, financing.item_id, {
      amount,
      toBank: allocation.penaltyPaid.plus(allocation.principalPaid),
      toSupplier: allocation.reserveReleased,
      penaltyDue: due.penalty,
      penaltyPaid: allocation.penaltyPaid,
      principalPaid: allocation.principalPaid,
      excess: allocation.excess,
      paidOn,
      before: { item: financing.item_status, request: financing.request_status, receivable: receivable.status },
      run,
    });
    const money = (value: Decimal) => formatAmount(value, currency);
    return {
      payment,
      event: {
        chainId: receivable.program_id,
        actor: { userId: actor.userId, organisationId: actor.organisationId },
        action: closesFinancing ? 'financing.repaid' : 'financing.repayment_recorded',
        objectType: 'financing_item',
        objectId: financing.item_id,
        before: { receivableStatus: receivable.status, itemStatus: financing.item_status },
        after: {
          financingRequestId: financing.financing_request_id,
          requestStatus,
          receivableStatus: settled ? 'SETTLED' : receivable.status,
          paymentId: payment.id,
          paymentRunId: run?.runId ?? null,
          amount: money(amount),
          penaltyPaid: money(allocation.penaltyPaid),
          principalPaid: money(allocation.principalPaid),
          reserveReleased: money(allocation.reserveReleased),
          excess: money(allocation.excess),
          paidOn,
        },
      },
    };
  }

  /** Paid at maturity without financing: everything goes to the supplier, and its offer is withdrawn. */
  private async settleUnfinanced(
    manager: EntityManager,
    actor: Actor,
    receivable: ReceivableRow,
    amountInput: string,
    paidOn: IsoDate,
  ): Promise<Recorded> {
    const ownAnchor = receivable.anchor_id === actor.organisationId && hasRole(actor, Role.ANCHOR_ADMIN, Role.ANCHOR_PAYABLES);
    const ownBank = receivable.bank_id === actor.organisationId && hasRole(actor, Role.BANK_OPERATIONS);
    if (!ownAnchor && !ownBank) {
      throw forbidden('payer_required', 'the anchor\'s payables staff or the bank\'s operations record a payment');
    }
    const amount = parseAmount(amountInput, receivable.currency, 'amount');
    if (!amount.equals(receivable.face_amount)) {
      throw invalid(
        'amount_mismatch',
        `the payment must equal the receivable's face amount ${formatAmount(receivable.face_amount, receivable.currency)}`,
        'amount',
      );
    }
    const zero = new Decimal(0);
    const payment = await this.insertPayment(manager, actor, receivable, null, {
      amount,
      toBank: zero,
      toSupplier: amount,
      penaltyDue: zero,
      penaltyPaid: zero,
      principalPaid: zero,
      excess: zero,
      paidOn,
      before: { item: null, request: null, receivable: receivable.status },
    });
    await this.settle(manager, receivable, ['OPEN']);
    await this.offers.withdrawOpenOffers(manager, [receivable.id]);
    return {
      payment,
      event: {
        chainId: receivable.program_id,
        actor: { userId: actor.userId, organisationId: actor.organisationId },
        action: 'receivable.settled',
        objectType: 'receivable',
        objectId: receivable.id,
        before: { status: receivable.status },
        after: { status: 'SETTLED', paymentId: payment.id, amount: amount.toString(), paidOn },
      },
    };
  }

  /** The bank of the program, the anchor and the supplier see the receivable; anyone else gets 404. */
  private async visible(manager: EntityManager, actor: Actor, receivableId: string): Promise<ReceivableRow> {
    const [row]: ReceivableRow[] = await manager.query(`${VISIBLE_RECEIVABLE} WHERE rc.id = $1 AND $2 IN (p.bank_id, rc.anchor_id, rc.supplier_id)`, [
      receivableId,
      actor.organisationId,
    ]);
    if (!row) throw notFound('receivable');
    return row;
  }

  /**
   * The funded financing of a receivable that still owes something (the advance, or, once the
   * bank is whole, the supplier's reserve), locked with its request. Called under the program lock.
   */
  private async lockFinancing(manager: EntityManager, receivableId: string, itemId?: string): Promise<FinancingRow[]> {
    return manager.query(
      `SELECT i.id AS item_id, i.status AS item_status, i.face_amount, i.advance, i.principal_paid, i.penalty_accrued, i.penalty_paid,
              i.penalty_waived, i.reserve_released, r.id AS financing_request_id, r.status AS request_status, r.enrolment_id,
              to_char(r.value_date, 'YYYY-MM-DD') AS value_date, rc.status AS receivable_status
         FROM financing_items i
         JOIN financing_requests r ON r.id = i.financing_request_id
         JOIN receivables rc ON rc.id = i.receivable_id
        WHERE i.receivable_id = $1 AND r.status IN ('FUNDED','OVERDUE','REPAID')
          AND ${itemId ? `i.id = $2` : `(i.status IN ('LIVE','OVERDUE') OR (i.status = 'REPAID' AND i.reserve_released < i.face_amount - i.advance))`}
        FOR UPDATE OF r, i`,
      itemId ? [receivableId, itemId] : [receivableId],
    );
  }

  /** A request is REPAID when none of its items is outstanding, OVERDUE while one of them is. */
  private async refreshRequestStatus(manager: EntityManager, requestId: string): Promise<string> {
    const [[request]]: [{ status: string }[], number] = await manager.query(
      `UPDATE financing_requests r
          SET status = CASE
                WHEN NOT EXISTS (SELECT 1 FROM financing_items i WHERE i.financing_request_id = r.id AND i.status IN ('LIVE','OVERDUE')) THEN 'REPAID'
                WHEN EXISTS (SELECT 1 FROM financing_items i WHERE i.financing_request_id = r.id AND i.status = 'OVERDUE') THEN 'OVERDUE'
                ELSE 'FUNDED' END,
              closed_at = CASE
                WHEN NOT EXISTS (SELECT 1 FROM financing_items i WHERE i.financing_request_id = r.id AND i.status IN ('LIVE','OVERDUE')) THEN now()
                END
        WHERE r.id = $1 AND r.status IN ('FUNDED','OVERDUE','REPAID')
        RETURNING r.status`,
      [requestId],
    );
    return request.status;
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

  private async insertPayment(
    manager: EntityManager,
    actor: Actor,
    receivable: ReceivableRow,
    financingItemId: string | null,
    split: {
      amount: Decimal;
      toBank: Decimal;
      toSupplier: Decimal;
      penaltyDue: Decimal;
      penaltyPaid: Decimal;
      principalPaid: Decimal;
      excess: Decimal;
      paidOn: IsoDate;
      before: { item: string | null; request: string | null; receivable: string };
      run?: RunContext;
    },
  ): Promise<PaymentView> {
    const [row]: PaymentRow[] = await manager.query(
      `INSERT INTO payments AS t (receivable_id, financing_item_id, currency, amount, to_bank, to_supplier, penalty_due, penalty_paid,
         principal_paid, excess, paid_on, recorded_by, item_status_before, request_status_before, receivable_status_before,
         payment_run_id, line_no)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
       RETURNING ${PAYMENT_COLUMNS}`,
      [
        receivable.id, financingItemId, receivable.currency, split.amount.toString(), split.toBank.toString(),
        split.toSupplier.toString(), split.penaltyDue.toString(), split.penaltyPaid.toString(), split.principalPaid.toString(),
        split.excess.toString(), split.paidOn, actor.userId, split.before.item, split.before.request, split.before.receivable,
        split.run?.runId ?? null, split.run?.lineNo ?? null,
      ],
    );
    return paymentView(row);
  }
}

const VISIBLE_RECEIVABLE = `
  SELECT rc.id, rc.program_id, rc.supplier_id, rc.anchor_id, rc.currency, rc.face_amount, rc.status, p.bank_id
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

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error as { code?: string }).code === '23505';
}

/** Names the line of a payment file that a refusal concerns: `lines[3].amount`. */
function inLine(error: unknown, line: number): unknown {
  if (!(error instanceof DomainError)) return error;
  const field = typeof error.details.field === 'string' ? error.details.field : undefined;
  return new DomainError(error.kind, error.code, `line ${line}: ${error.message}`, {
    ...error.details,
    field: field?.startsWith('lines[') ? field : `lines[${line}]${field ? `.${field}` : ''}`,
    line,
  });
}
