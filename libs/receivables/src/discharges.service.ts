import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@scf/audit';
import { conflict, Decimal, forbidden, formatAmount, IsoDate, notFound } from '@scf/core';
import { Actor, hasRole, OrganisationType, Role } from '@scf/identity';
import { OffersService } from '@scf/offers';
import { JOBS, OutboxService } from '@scf/queue';
import { visibleTo } from './access';
import { checkReason } from './invoice-input';
import { PageWindow, SqlParams } from './listing';

export enum DischargeKind {
  /** The anchor says it paid an unfinanced receivable to the supplier. */
  PAYMENT = 'PAYMENT',
  /** The anchor reduces a confirmed receivable by a credit note. */
  CREDIT_NOTE = 'CREDIT_NOTE',
}

export enum DischargeStatus {
  PENDING = 'PENDING',
  /** By the supplier: it received the payment, or it agrees to the credit. */
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  /** By the operations of the program's bank. */
  CONFIRMED = 'CONFIRMED',
  REJECTED = 'REJECTED',
}

export interface DischargeView {
  id: string;
  kind: DischargeKind;
  receivableId: string;
  invoiceId: string;
  programId: string;
  supplierId: string;
  anchorId: string;
  currency: string;
  amount: string;
  paidOn: string | null;
  creditNoteNumber: string | null;
  status: DischargeStatus;
  claimedBy: string;
  decidedBy: string | null;
  decidedByOrganisationId: string | null;
  decisionReason: string | null;
  /** What the accepted discharge wrote: the payment, or the credit note. */
  outcomeId: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

/** The receivable a discharge is claimed on, as its claimant locked it. */
export interface DischargedReceivable {
  id: string;
  invoiceId: string;
  programId: string;
  supplierId: string;
  anchorId: string;
  currency: string;
}

export type DischargeClaim =
  | { kind: DischargeKind.PAYMENT; amount: Decimal; paidOn: IsoDate }
  | { kind: DischargeKind.CREDIT_NOTE; amount: Decimal; creditNoteNumber: string };

/**
 * Carries out an accepted discharge in the deciding transaction (invoice and receivable locked) and
 * returns the id of what it wrote. `decidedBy` is the supplier or the bank that accepted it.
 */
export type DischargeEffect = (manager: EntityManager, discharge: DischargeView, decidedBy: Actor) => Promise<string>;

export interface DischargeFilter {
  status?: DischargeStatus;
  kind?: DischargeKind;
  receivableId?: string;
}

type Decision = DischargeStatus.ACKNOWLEDGED | DischargeStatus.CONFIRMED | DischargeStatus.REJECTED;

const dischargeColumns = `
  d.id, d.kind, d.receivable_id AS "receivableId", d.invoice_id AS "invoiceId", d.program_id AS "programId",
  d.supplier_id AS "supplierId", d.anchor_id AS "anchorId", d.currency, d.amount, d.paid_on AS "paidOn",
  d.credit_note_number AS "creditNoteNumber", d.status, d.claimed_by AS "claimedBy", d.decided_by AS "decidedBy",
  d.decided_by_organisation_id AS "decidedByOrganisationId", d.decision_reason AS "decisionReason", d.outcome_id AS "outcomeId",
  d.created_at AS "createdAt", d.decided_at AS "decidedAt"`;

/**
 * The debtor cannot discharge itself. What the anchor says reduces its own debt (its payment of an
 * unfinanced receivable, its credit note on a confirmed one) is a claim, PENDING until the
 * supplier acknowledges it or the operations of the program's bank confirm it. Meanwhile it
 * changes nothing, but the receivable is not financed on a face that may be about to shrink: the
 * claim withdraws its open offer, and the offer generator opens none while a claim is pending.
 *
 * Each kind takes effect where it belongs (the payment in libs/financing, the credit note in this
 * library): each registers its effect here, as libs/receivables can't depend on libs/financing.
 */
@Injectable()
export class DischargesService {
  private readonly effects = new Map<DischargeKind, DischargeEffect>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly offers: OffersService,
    private readonly outbox: OutboxService,
  ) {}

  takeEffect(kind: DischargeKind, effect: DischargeEffect): void {
    if (this.effects.has(kind)) throw new Error(`discharges of kind ${kind} already take effect elsewhere`);
    this.effects.set(kind, effect);
  }

  /** Refuses a change of the receivable's debt while a discharge of it awaits its decision. */
  async assertNonePending(manager: EntityManager, receivableId: string): Promise<void> {
    const [pending]: { id: string }[] = await manager.query(`SELECT id FROM discharges WHERE receivable_id = $1 AND status = 'PENDING'`, [
      receivableId,
    ]);
    if (pending) {
      throw conflict('discharge_pending', `discharge ${pending.id} of this receivable awaits the supplier's acknowledgement or the bank's confirmation`, {
        dischargeId: pending.id,
      });
    }
  }

  /**
   * The anchor's claim, in the caller's transaction, which has locked the OPEN receivable (so the
   * check for a pending claim can't race; the partial unique index is the backstop).
   */
  async claim(manager: EntityManager, actor: Actor, receivable: DischargedReceivable, claim: DischargeClaim): Promise<DischargeView> {
    await this.assertNonePending(manager, receivable.id);
    const [discharge]: DischargeView[] = await manager.query(
      `INSERT INTO discharges AS d (kind, receivable_id, invoice_id, program_id, supplier_id, anchor_id, currency, amount, paid_on,
                                      credit_note_number, status, claimed_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'PENDING', $11)
       RETURNING ${dischargeColumns}`,
      [
        claim.kind, receivable.id, receivable.invoiceId, receivable.programId, receivable.supplierId, receivable.anchorId,
        receivable.currency, claim.amount.toString(), claim.kind === DischargeKind.PAYMENT ? claim.paidOn : null,
        claim.kind === DischargeKind.CREDIT_NOTE ? claim.creditNoteNumber : null, actor.userId,
      ],
    );
    await this.offers.withdrawOpenOffers(manager, [receivable.id]);
    await this.audit.record(manager, [
      {
        chainId: receivable.programId,
        actor: { userId: actor.userId, organisationId: actor.organisationId },
        action: 'discharge.claimed',
        objectType: 'discharge',
        objectId: discharge.id,
        before: null,
        after: this.eventBody(discharge),
      },
    ]);
    return discharge;
  }

  acknowledge(actor: Actor, dischargeId: string): Promise<DischargeView> {
    return this.decide(actor, dischargeId, DischargeStatus.ACKNOWLEDGED, null);
  }

  confirm(actor: Actor, dischargeId: string): Promise<DischargeView> {
    return this.decide(actor, dischargeId, DischargeStatus.CONFIRMED, null);
  }

  reject(actor: Actor, dischargeId: string, reason: string): Promise<DischargeView> {
    return this.decide(actor, dischargeId, DischargeStatus.REJECTED, checkReason(reason));
  }

  async get(actor: Actor, dischargeId: string, manager: EntityManager = this.dataSource.manager): Promise<DischargeView> {
    const [discharge]: DischargeView[] = await manager.query(
      `SELECT ${dischargeColumns} FROM discharges d WHERE d.id = $1 AND ${visibleTo(actor, 'd', '$2')}`,
      [dischargeId, actor.organisationId],
    );
    if (!discharge) throw notFound('discharge');
    return discharge;
  }

  /** A page of the discharges the actor may see, newest first; `limit + 1` rows so the caller can tell that more exist. */
  async list(actor: Actor, filter: DischargeFilter, window: PageWindow): Promise<DischargeView[]> {
    const params = new SqlParams();
    const where = [visibleTo(actor, 'd', params.bind(actor.organisationId))];
    if (filter.status) where.push(`d.status = ${params.bind(filter.status)}`);
    if (filter.kind) where.push(`d.kind = ${params.bind(filter.kind)}`);
    if (filter.receivableId) where.push(`d.receivable_id = ${params.bind(filter.receivableId)}`);
    return this.dataSource.query(
      `SELECT ${dischargeColumns} FROM discharges d WHERE ${where.join(' AND ')}
        ORDER BY d.created_at DESC, d.id DESC
        LIMIT ${params.bind(window.limit + 1)} OFFSET ${params.bind(window.offset)}`,
      params.values,
    );
  }

  /**
   * Locks the invoice, then the receivable (the order of credit notes and confirmations), then
   * decides with a guarded PENDING → decision update; an accepted discharge takes effect in the
   * same transaction, a rejected one gives the receivable its offer back.
   */
  private async decide(actor: Actor, dischargeId: string, decision: Decision, reason: string | null): Promise<DischargeView> {
    return this.dataSource.transaction(async (manager) => {
      const visible = await this.get(actor, dischargeId, manager);
      assertMayDecide(actor, decision);
      await manager.query(`SELECT id FROM invoices WHERE id = $1 FOR UPDATE`, [visible.invoiceId]);
      await manager.query(`SELECT id FROM receivables WHERE id = $1 FOR UPDATE`, [visible.receivableId]);
      const discharge = await this.get(actor, dischargeId, manager);
      if (discharge.status !== DischargeStatus.PENDING) throw conflict('discharge_decided', `the discharge is ${discharge.status}, not PENDING`);

      let outcomeId: string | null = null;
      if (decision === DischargeStatus.REJECTED) {
        await this.outbox.enqueue(manager, [{ job: JOBS.GENERATE_OFFERS, data: { programId: discharge.programId, receivableIds: [discharge.receivableId] } }]);
      } else {
        const effect = this.effects.get(discharge.kind);
        if (!effect) throw new Error(`no effect registered for discharges of kind ${discharge.kind}`);
        outcomeId = await effect(manager, discharge, actor);
      }
      const [[decided], count]: [DischargeView[], number] = await manager.query(
        `UPDATE discharges d SET status = $2, decided_by = $3, decided_by_organisation_id = $4, decided_at = now(), decision_reason = $5, outcome_id = $6
          WHERE d.id = $1 AND d.status = 'PENDING'
         RETURNING ${dischargeColumns}`,
        [discharge.id, decision, actor.userId, actor.organisationId, reason, outcomeId],
      );
      if (count !== 1) throw conflict('discharge_decided', 'the discharge was decided meanwhile');
      await this.audit.record(manager, [
        {
          chainId: discharge.programId,
          actor: { userId: actor.userId, organisationId: actor.organisationId },
          action: `discharge.${decision.toLowerCase()}`,
          objectType: 'discharge',
          objectId: discharge.id,
          before: { status: DischargeStatus.PENDING },
          after: { ...this.eventBody(decided), status: decision, reason, outcomeId },
        },
      ]);
      return decided;
    });
  }

  private eventBody(discharge: DischargeView): Record<string, unknown> {
    return {
      kind: discharge.kind,
      status: discharge.status,
      receivableId: discharge.receivableId,
      invoiceId: discharge.invoiceId,
      amount: formatAmount(discharge.amount, discharge.currency),
      currency: discharge.currency,
      ...(discharge.paidOn && { paidOn: discharge.paidOn }),
      ...(discharge.creditNoteNumber && { creditNoteNumber: discharge.creditNoteNumber }),
    };
  }
}

/**
 * The supplier acknowledges, the operations of the program's bank confirm, and either rejects.
 * The anchor, whose debt it is, decides nothing. The actor already sees the discharge: a supplier
 * is its supplier, a bank the program's. (The table's CHECK refuses the anchor as decider too.)
 */
function assertMayDecide(actor: Actor, decision: Decision): void {
  if (actor.organisationType === OrganisationType.ANCHOR) {
    throw forbidden('debtor_cannot_discharge', 'the anchor owes the receivable: the supplier acknowledges or the bank confirms its discharge');
  }
  const supplier = actor.organisationType === OrganisationType.SUPPLIER && hasRole(actor, Role.SUPPLIER_ADMIN, Role.SUPPLIER_FINANCE);
  const bank = actor.organisationType === OrganisationType.BANK && hasRole(actor, Role.BANK_OPERATIONS);
  const allowed = { [DischargeStatus.ACKNOWLEDGED]: supplier, [DischargeStatus.CONFIRMED]: bank, [DischargeStatus.REJECTED]: supplier || bank }[decision];
  if (!allowed) {
    throw forbidden(
      'discharge_decider_required',
      decision === DischargeStatus.CONFIRMED ? "the program's bank operations confirm a discharge" : 'the supplier acknowledges a discharge',
    );
  }
}
