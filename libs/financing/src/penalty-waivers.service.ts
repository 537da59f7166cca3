import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@scf/audit';
import { conflict, Decimal, forbidden, formatAmount, invalid, notFound, parseAmount } from '@scf/core';
import { Actor, hasRole, Role } from '@scf/identity';
import { assertBankChecker } from './payments.service';
import { lockProgramForServicing } from './servicing-locks';

export interface PenaltyWaiverView {
  id: string;
  financingItemId: string;
  currency: string;
  amount: string;
  reason: string;
  status: 'PENDING' | 'APPROVED' | 'REJECTED';
  rejectionReason: string | null;
  proposedBy: string;
  decidedBy: string | null;
  createdAt: string;
  decidedAt: string | null;
}

interface WaiverRow {
  id: string;
  financing_item_id: string;
  program_id: string;
  currency: string;
  amount: string;
  reason: string;
  status: PenaltyWaiverView['status'];
  rejection_reason: string | null;
  proposed_by: string;
  decided_by: string | null;
  created_at: Date;
  decided_at: Date | null;
}

interface ItemRow {
  id: string;
  program_id: string;
  currency: string;
  penalty_outstanding: string;
}

const WAIVER_COLUMNS = `w.id, w.financing_item_id, w.program_id, r.currency, w.amount, w.reason, w.status, w.rejection_reason,
  w.proposed_by, w.decided_by, w.created_at, w.decided_at`;

/**
 * Waiving penalty interest gives up money the bank is owed: the bank's operations propose it, a
 * different bank user approves it, and only the approval lowers the outstanding penalty (never
 * the accruals themselves, which stay in the ledger as booked).
 */
@Injectable()
export class PenaltyWaiversService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async propose(actor: Actor, itemId: string, input: { amount: string; reason: string }): Promise<PenaltyWaiverView> {
    if (!hasRole(actor, Role.BANK_OPERATIONS)) throw forbidden('bank_waives_penalty', 'the bank\'s operations staff propose a penalty waiver');
    return this.dataSource.transaction(async (manager) => {
      const item = await this.bankItem(manager, actor, itemId);
      const amount = parseAmount(input.amount, item.currency, 'amount');
      assertWithinPenalty(amount, item);
      const [row]: { id: string }[] = await manager.query(
        `INSERT INTO penalty_waivers (financing_item_id, program_id, amount, reason, status, proposed_by)
         VALUES ($1, $2, $3, $4, 'PENDING', $5) RETURNING id`,
        [item.id, item.program_id, amount.toString(), input.reason, actor.userId],
      );
      await this.audit.record(manager, [
        {
          chainId: item.program_id,
          actor: { userId: actor.userId, organisationId: actor.organisationId },
          action: 'penalty.waiver_proposed',
          objectType: 'financing_item',
          objectId: item.id,
          before: null,
          after: { waiverId: row.id, amount: formatAmount(amount, item.currency), reason: input.reason },
        },
      ]);
      return this.view(manager, row.id);
    });
  }

  async approve(actor: Actor, itemId: string, waiverId: string): Promise<PenaltyWaiverView> {
    return this.decide(actor, itemId, waiverId, undefined);
  }

  async reject(actor: Actor, itemId: string, waiverId: string, reason: string): Promise<PenaltyWaiverView> {
    return this.decide(actor, itemId, waiverId, reason);
  }

  private async decide(actor: Actor, itemId: string, waiverId: string, rejection: string | undefined): Promise<PenaltyWaiverView> {
    assertBankChecker(actor);
    return this.dataSource.transaction(async (manager) => {
      const seen = await this.bankItem(manager, actor, itemId);
      await lockProgramForServicing(manager, seen.program_id);
      const [waiver]: WaiverRow[] = await manager.query(
        `SELECT ${WAIVER_COLUMNS} FROM penalty_waivers w JOIN financing_items i ON i.id = w.financing_item_id
           JOIN financing_requests r ON r.id = i.financing_request_id
          WHERE w.id = $1 AND w.financing_item_id = $2 FOR UPDATE OF w`,
        [waiverId, itemId],
      );
      if (!waiver) throw notFound('waiver');
      if (waiver.status !== 'PENDING') throw conflict('waiver_not_pending', `the waiver is already ${waiver.status.toLowerCase()}`);
      if (waiver.proposed_by === actor.userId) throw forbidden('four_eyes', 'a proposal must be decided by a user other than its maker');
      if (rejection === undefined) {
        // Guarded: the waiver never takes the penalty below what has been paid (CHECK as backstop).
        const [, waived] = await manager.query(
          `UPDATE financing_items SET penalty_waived = penalty_waived + $2
            WHERE id = $1 AND penalty_paid + penalty_waived + $2 <= penalty_accrued`,
          [itemId, waiver.amount],
        );
        if (waived !== 1) throw conflict('waiver_exceeds_penalty', 'the penalty outstanding is now below the waiver (paid or waived since): reject it');
      }
      await manager.query(
        `UPDATE penalty_waivers SET status = $2, rejection_reason = $3, decided_by = $4, decided_at = now() WHERE id = $1`,
        [waiverId, rejection === undefined ? 'APPROVED' : 'REJECTED', rejection ?? null, actor.userId],
      );
      await this.audit.record(manager, [
        {
          chainId: waiver.program_id,
          actor: { userId: actor.userId, organisationId: actor.organisationId },
          action: rejection === undefined ? 'penalty.waived' : 'penalty.waiver_rejected',
          objectType: 'financing_item',
          objectId: itemId,
          before: { penaltyOutstanding: formatAmount(seen.penalty_outstanding, seen.currency) },
          after: { waiverId, amount: formatAmount(waiver.amount, waiver.currency), ...(rejection === undefined ? {} : { reason: rejection }) },
        },
      ]);
      return this.view(manager, waiverId);
    });
  }

  /** A financing of a program the actor's bank funds; anyone else gets 404. */
  private async bankItem(manager: EntityManager, actor: Actor, itemId: string): Promise<ItemRow> {
    const [item]: ItemRow[] = await manager.query(
      `SELECT i.id, r.program_id, r.currency, i.penalty_accrued - i.penalty_paid - i.penalty_waived AS penalty_outstanding
         FROM financing_items i JOIN financing_requests r ON r.id = i.financing_request_id JOIN programs p ON p.id = r.program_id
        WHERE i.id = $1 AND p.bank_id = $2`,
      [itemId, actor.organisationId],
    );
    if (!item) throw notFound('financing item');
    return item;
  }

  private async view(manager: EntityManager, waiverId: string): Promise<PenaltyWaiverView> {
    const [row]: WaiverRow[] = await manager.query(
      `SELECT ${WAIVER_COLUMNS} FROM penalty_waivers w JOIN financing_items i ON i.id = w.financing_item_id
         JOIN financing_requests r ON r.id = i.financing_request_id WHERE w.id = $1`,
      [waiverId],
    );
    return {
      id: row.id,
      financingItemId: row.financing_item_id,
      currency: row.currency,
      amount: formatAmount(row.amount, row.currency),
      reason: row.reason,
      status: row.status,
      rejectionReason: row.rejection_reason,
      proposedBy: row.proposed_by,
      decidedBy: row.decided_by,
      createdAt: row.created_at.toISOString(),
      decidedAt: row.decided_at?.toISOString() ?? null,
    };
  }
}

function assertWithinPenalty(amount: Decimal, item: ItemRow): void {
  if (amount.greaterThan(item.penalty_outstanding)) {
    throw invalid('waiver_exceeds_penalty', `the penalty outstanding is ${formatAmount(item.penalty_outstanding, item.currency)}`, 'amount');
  }
}
