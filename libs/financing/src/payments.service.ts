import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AuditService } from '@scf/audit';
import {
  conflict,
  DayCountBasis,
  Decimal,
  forbidden,
  formatAmount,
  invalid,
  IsoDate,
  notFound,
  parseAmount,
  parseIsoDate,
  reserve,
} from '@scf/core';
import { Actor, hasRole, Role } from '@scf/identity';
import { OffersService } from '@scf/offers';
import { LimitsService } from '@scf/programs';
import { penaltyAsOf } from './penalty';

export interface PaymentInput {
  amount: string;
  paidOn: string;
}

export interface PaymentView {
  id: string;
  receivableId: string;
  financingItemId: string | null;
  currency: string;
  amount: string;
  /** The advance A, back to the bank. */
  toBank: string;
  /** The reserve F − A when financed, the whole amount when not. */
  toSupplier: string;
  /** Penalty interest accrued on A up to the payment date, owed to the bank on top of `amount`. */
  penaltyDue: string;
  paidOn: string;
  createdAt: string;
}

interface ReceivableRow {
  id: string;
  program_id: string;
  supplier_id: string;
  anchor_id: string;
  currency: string;
  face_amount: string;
  status: 'OPEN' | 'FINANCING_REQUESTED' | 'FINANCED' | 'OVERDUE' | 'SETTLED';
  bank_id: string;
  grace_days: number;
  penalty_rate: string;
  day_count_basis: DayCountBasis;
}

interface LiveItemRow {
  id: string;
  advance: string;
  maturity_date: string;
  financing_request_id: string;
  enrolment_id: string;
}

interface PaymentRow {
  id: string;
  receivable_id: string;
  financing_item_id: string | null;
  currency: string;
  amount: string;
  to_bank: string;
  to_supplier: string;
  penalty_due: string;
  paid_on: string;
  created_at: Date;
}

/**
 * The anchor's payment of a receivable at maturity. For a financed receivable the bank records
 * it and splits it: the advance back to the bank, the reserve to the supplier; the line revolves.
 */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly limits: LimitsService,
    private readonly audit: AuditService,
    private readonly offers: OffersService,
  ) {}

  async record(actor: Actor, receivableId: string, input: PaymentInput): Promise<PaymentView> {
    const paidOn = parseIsoDate(input.paidOn, 'paidOn');
    try {
      return await this.dataSource.transaction(async (manager) => {
        const receivable = await this.lockVisible(manager, actor, receivableId);
        switch (receivable.status) {
          case 'SETTLED':
            throw conflict('already_paid', 'the receivable is already settled');
          case 'FINANCING_REQUESTED':
            throw conflict('financing_pending', 'a financing of this receivable awaits approval or funding; settle it after funding or closure');
          case 'FINANCED':
          case 'OVERDUE':
            return this.repayFinancing(manager, actor, receivable, input.amount, paidOn);
          case 'OPEN':
            return this.settleUnfinanced(manager, actor, receivable, input.amount, paidOn);
        }
      });
    } catch (error) {
      if (error instanceof QueryFailedError && (error as { code?: string }).code === '23505') {
        throw conflict('already_paid', 'a payment of this receivable is already recorded');
      }
      throw error;
    }
  }

  private async repayFinancing(
    manager: EntityManager,
    actor: Actor,
    receivable: ReceivableRow,
    amountInput: string,
    paidOn: IsoDate,
  ): Promise<PaymentView> {
    if (!(receivable.bank_id === actor.organisationId && hasRole(actor, Role.BANK_OPERATIONS))) {
      throw forbidden('bank_records_repayment', 'a financed receivable is repaid to the bank: its operations staff record the payment');
    }
    const amount = this.exactFace(receivable, amountInput);
    const [item]: LiveItemRow[] = await manager.query(
      `SELECT i.id, i.advance, i.maturity_date, i.financing_request_id, r.enrolment_id
         FROM financing_items i JOIN financing_requests r ON r.id = i.financing_request_id
        WHERE i.receivable_id = $1 AND i.status IN ('LIVE','OVERDUE') AND r.status IN ('FUNDED','OVERDUE')
        FOR UPDATE OF i, r`,
      [receivable.id],
    );
    if (!item) throw conflict('financing_not_funded', 'the receivable has no funded financing');
    const { currency } = receivable;
    const { daysOverdue, penalty } = penaltyAsOf(
      {
        advance: item.advance,
        currency,
        maturityDate: item.maturity_date,
        graceDays: receivable.grace_days,
        penaltyRate: receivable.penalty_rate,
        basis: Number(receivable.day_count_basis) as DayCountBasis,
      },
      paidOn,
    );
    const toBank = new Decimal(item.advance);
    const toSupplier = reserve(amount, toBank, currency);

    const payment = await this.insertPayment(manager, actor, receivable, item.id, { amount, toBank, toSupplier, penalty, paidOn });
    await manager.query(
      `UPDATE financing_items SET status = 'REPAID', penalty_accrued = $2, penalty_accrued_to = $3 WHERE id = $1`,
      [item.id, penalty.toString(), daysOverdue > 0 ? paidOn : null],
    );
    await this.settle(manager, receivable, ['FINANCED', 'OVERDUE']);
    // Repayment releases utilisation: the line revolves.
    await this.limits.release(manager, receivable.program_id, item.enrolment_id, item.advance);
    const [[request]]: [{ status: string }[], number] = await manager.query(
      `UPDATE financing_requests r
          SET status = CASE
                WHEN NOT EXISTS (SELECT 1 FROM financing_items i WHERE i.financing_request_id = r.id AND i.status IN ('LIVE','OVERDUE')) THEN 'REPAID'
                WHEN EXISTS (SELECT 1 FROM financing_items i WHERE i.financing_request_id = r.id AND i.status = 'OVERDUE') THEN 'OVERDUE'
                ELSE 'FUNDED' END,
              closed_at = CASE
                WHEN NOT EXISTS (SELECT 1 FROM financing_items i WHERE i.financing_request_id = r.id AND i.status IN ('LIVE','OVERDUE')) THEN now()
                END
        WHERE r.id = $1 AND r.status IN ('FUNDED','OVERDUE')
        RETURNING r.status`,
      [item.financing_request_id],
    );
    await this.audit.record(manager, [
      {
        chainId: receivable.program_id,
        actor: { userId: actor.userId, organisationId: actor.organisationId },
        action: 'financing.repaid',
        objectType: 'financing_item',
        objectId: item.id,
        before: { receivableStatus: receivable.status },
        after: {
          financingRequestId: item.financing_request_id,
          requestStatus: request.status,
          paymentId: payment.id,
          amount: amount.toString(),
          toBank: toBank.toString(),
          toSupplier: toSupplier.toString(),
          penaltyDue: penalty.toString(),
          paidOn,
        },
      },
    ]);
    return payment;
  }

  /** Paid at maturity without financing: everything goes to the supplier, and its offer is withdrawn. */
  private async settleUnfinanced(
    manager: EntityManager,
    actor: Actor,
    receivable: ReceivableRow,
    amountInput: string,
    paidOn: IsoDate,
  ): Promise<PaymentView> {
    const ownAnchor = receivable.anchor_id === actor.organisationId && hasRole(actor, Role.ANCHOR_ADMIN, Role.ANCHOR_PAYABLES);
    const ownBank = receivable.bank_id === actor.organisationId && hasRole(actor, Role.BANK_OPERATIONS);
    if (!ownAnchor && !ownBank) {
      throw forbidden('payer_required', 'the anchor\'s payables staff or the bank\'s operations record a payment');
    }
    const amount = this.exactFace(receivable, amountInput);
    const zero = new Decimal(0);
    const payment = await this.insertPayment(manager, actor, receivable, null, {
      amount,
      toBank: zero,
      toSupplier: amount,
      penalty: zero,
      paidOn,
    });
    await this.settle(manager, receivable, ['OPEN']);
    await this.offers.withdrawOpenOffers(manager, [receivable.id]);
    await this.audit.record(manager, [
      {
        chainId: receivable.program_id,
        actor: { userId: actor.userId, organisationId: actor.organisationId },
        action: 'receivable.settled',
        objectType: 'receivable',
        objectId: receivable.id,
        before: { status: receivable.status },
        after: { status: 'SETTLED', paymentId: payment.id, amount: amount.toString(), paidOn },
      },
    ]);
    return payment;
  }

  /** The anchor's undertaking is the face amount; a single payment settles it exactly. */
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
  private async lockVisible(manager: EntityManager, actor: Actor, receivableId: string): Promise<ReceivableRow> {
    const [row]: ReceivableRow[] = await manager.query(
      `SELECT rc.id, rc.program_id, rc.supplier_id, rc.anchor_id, rc.currency, rc.face_amount, rc.status,
              p.bank_id, p.grace_days, p.penalty_rate, p.day_count_basis
         FROM receivables rc JOIN programs p ON p.id = rc.program_id
        WHERE rc.id = $1 AND $2 IN (p.bank_id, rc.anchor_id, rc.supplier_id)
        FOR UPDATE OF rc`,
      [receivableId, actor.organisationId],
    );
    if (!row) throw notFound('receivable', 'id');
    return row;
  }

  private async settle(manager: EntityManager, receivable: ReceivableRow, from: string[]): Promise<void> {
    const [, settled] = await manager.query(
      `UPDATE receivables SET status = 'SETTLED', settled_at = now() WHERE id = $1 AND status = ANY($2::text[])`,
      [receivable.id, from],
    );
    if (settled !== 1) throw conflict('receivable_state_changed', 'the receivable changed concurrently: retry');
  }

  private async insertPayment(
    manager: EntityManager,
    actor: Actor,
    receivable: ReceivableRow,
    financingItemId: string | null,
    split: { amount: Decimal; toBank: Decimal; toSupplier: Decimal; penalty: Decimal; paidOn: IsoDate },
  ): Promise<PaymentView> {
    const [row]: PaymentRow[] = await manager.query(
      `INSERT INTO payments (receivable_id, financing_item_id, currency, amount, to_bank, to_supplier, penalty_due, paid_on, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       RETURNING id, receivable_id, financing_item_id, currency, amount, to_bank, to_supplier, penalty_due,
                 paid_on, created_at`,
      [
        receivable.id, financingItemId, receivable.currency, split.amount.toString(), split.toBank.toString(),
        split.toSupplier.toString(), split.penalty.toString(), split.paidOn, actor.userId,
      ],
    );
    return paymentView(row);
  }
}

function paymentView(row: PaymentRow): PaymentView {
  const money = (value: string) => formatAmount(value, row.currency);
  return {
    id: row.id,
    receivableId: row.receivable_id,
    financingItemId: row.financing_item_id,
    currency: row.currency,
    amount: money(row.amount),
    toBank: money(row.to_bank),
    toSupplier: money(row.to_supplier),
    penaltyDue: money(row.penalty_due),
    paidOn: row.paid_on,
    createdAt: row.created_at.toISOString(),
  };
}
