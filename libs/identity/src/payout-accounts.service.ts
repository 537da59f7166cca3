import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@scf/audit';
import { conflict, notFound } from '@scf/core';
import { Actor } from './actor';
import { mask, openField, sealField } from './field-encryption';
import { assertNotProposer } from './four-eyes';
import { OrganisationType } from './organisation.entity';

export enum PayoutAccountChangeStatus {
  PENDING = 'PENDING',
  /** The account in effect: funding pays here. At most one per organisation. */
  VERIFIED = 'VERIFIED',
  REJECTED = 'REJECTED',
  /** Was in effect until a later change was verified. */
  SUPERSEDED = 'SUPERSEDED',
}

/** A proposed payout account with its decision; `bankAccount` in clear (the caller masks it for readers who may not see it). */
export interface PayoutAccountChange {
  id: string;
  organisationId: string;
  bankAccount: string;
  status: PayoutAccountChangeStatus;
  reason: string | null;
  proposedBy: string;
  proposedByOrganisationId: string;
  decidedBy: string | null;
  decidedByOrganisationId: string | null;
  createdAt: Date;
  decidedAt: Date | null;
  supersededAt: Date | null;
}

/** The verified account a disbursement pays to, with the change that verified it. */
export interface VerifiedPayoutAccount {
  changeId: string;
  bankAccount: string;
}

export interface PayoutAccountFilter {
  organisationId?: string;
  status?: PayoutAccountChangeStatus;
  limit: number;
  offset: number;
}

interface ChangeRow {
  id: string;
  organisation_id: string;
  bank_account: string;
  status: PayoutAccountChangeStatus;
  reason: string | null;
  proposed_by: string;
  proposed_by_organisation_id: string;
  decided_by: string | null;
  decided_by_organisation_id: string | null;
  created_at: Date;
  decided_at: Date | null;
  superseded_at: Date | null;
}

const TABLE = 'payout_account_changes';

/**
 * SQL condition: the organisation `organisation` is a supplier that the bank `bank` finances, i.e.
 * enrolled (not rejected) in a program the bank funds. Such a bank sees its payout account in full
 * and its checkers verify changes to it.
 */
const financedByBankSql = (organisation: string, bank: string) =>
  `EXISTS (SELECT 1 FROM enrolments e JOIN programs p ON p.id = e.program_id
            WHERE e.supplier_id = ${organisation} AND p.bank_id = ${bank} AND e.status <> 'REJECTED')`;

/**
 * Where a supplier's money is paid. A new account is a pending change until a checker of a bank
 * that finances the supplier verifies it (never its proposer); only then does it take effect
 * (organisations.bank_account and the disbursements after it). Until then funding pays the
 * account verified before. Every step is a business event on the organisation's chain, with the
 * account masked: the event log is kept for years and read widely.
 */
@Injectable()
export class PayoutAccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** A supplier admin proposes a new payout account for its own organisation. */
  proposeOwn(actor: Actor, bankAccount: string): Promise<PayoutAccountChange> {
    if (actor.organisationType !== OrganisationType.SUPPLIER) throw notFound('supplier');
    return this.dataSource.transaction((manager) =>
      this.propose(manager, actor.organisationId, bankAccount, { userId: actor.userId, organisationId: actor.organisationId }),
    );
  }

  /** A pending change, in the caller's transaction (also the account given when a supplier is onboarded). */
  async propose(
    manager: EntityManager,
    organisationId: string,
    bankAccount: string,
    proposedBy: { userId: string; organisationId: string },
  ): Promise<PayoutAccountChange> {
    const id = randomUUID();
    let row: ChangeRow;
    try {
      [row] = await manager.query(
        `INSERT INTO ${TABLE} (id, organisation_id, bank_account, status, proposed_by, proposed_by_organisation_id)
         VALUES ($1, $2, $3, 'PENDING', $4, $5) RETURNING *`,
        [id, organisationId, sealField(bankAccount, { table: TABLE, column: 'bank_account', rowId: id }), proposedBy.userId, proposedBy.organisationId],
      );
    } catch (error) {
      if ((error as { constraint?: string }).constraint === 'payout_account_changes_one_pending') {
        throw conflict('payout_account_change_pending', 'a payout account change is already waiting for the bank: it must be verified or rejected first');
      }
      throw error;
    }
    const change = changeOf(row);
    await this.record(manager, proposedBy, change, 'payout_account.proposed', { status: change.status, bankAccount: mask(bankAccount) });
    return change;
  }

  /** A bank checker verifies a pending change: it takes effect now, the account verified before is superseded. */
  async verify(actor: Actor, changeId: string): Promise<PayoutAccountChange> {
    return this.dataSource.transaction(async (manager) => {
      const pending = await this.lockPendingForBank(manager, actor, changeId);
      const [[previous]]: [ChangeRow[], number] = await manager.query(
        `UPDATE ${TABLE} SET status = 'SUPERSEDED', superseded_at = clock_timestamp()
          WHERE organisation_id = $1 AND status = 'VERIFIED' RETURNING *`,
        [pending.organisationId],
      );
      const [[row]]: [ChangeRow[], number] = await manager.query(
        `UPDATE ${TABLE} SET status = 'VERIFIED', decided_by = $2, decided_by_organisation_id = $3, decided_at = clock_timestamp()
          WHERE id = $1 AND status = 'PENDING' RETURNING *`,
        [changeId, actor.userId, actor.organisationId],
      );
      await manager.query(`UPDATE organisations SET bank_account = $2 WHERE id = $1`, [
        pending.organisationId,
        sealField(pending.bankAccount, { table: 'organisations', column: 'bank_account', rowId: pending.organisationId }),
      ]);
      const verified = changeOf(row);
      await this.record(manager, actor, verified, 'payout_account.verified', { status: verified.status, bankAccount: mask(verified.bankAccount) }, {
        bankAccount: previous ? mask(changeOf(previous).bankAccount) : null,
      });
      return verified;
    });
  }

  /** A bank checker refuses a pending change, with the reason; the verified account stays in effect. */
  async reject(actor: Actor, changeId: string, reason: string): Promise<PayoutAccountChange> {
    return this.dataSource.transaction(async (manager) => {
      await this.lockPendingForBank(manager, actor, changeId);
      const [[row]]: [ChangeRow[], number] = await manager.query(
        `UPDATE ${TABLE} SET status = 'REJECTED', reason = $4, decided_by = $2, decided_by_organisation_id = $3, decided_at = clock_timestamp()
          WHERE id = $1 AND status = 'PENDING' RETURNING *`,
        [changeId, actor.userId, actor.organisationId, reason],
      );
      const rejected = changeOf(row);
      await this.record(manager, actor, rejected, 'payout_account.rejected', { status: rejected.status, bankAccount: mask(rejected.bankAccount), reason });
      return rejected;
    });
  }

  /**
   * The changes the actor may see, newest first, `limit + 1` rows: a supplier's users those of
   * their organisation, a bank's those of the suppliers it finances. Anchors see none.
   */
  async list(actor: Actor, filter: PayoutAccountFilter): Promise<PayoutAccountChange[]> {
    const params: unknown[] = [actor.organisationId];
    const where = [this.visibilitySql(actor, 'c.organisation_id', '$1')];
    if (filter.organisationId) where.push(`c.organisation_id = $${params.push(filter.organisationId)}`);
    if (filter.status) where.push(`c.status = $${params.push(filter.status)}`);
    const rows: ChangeRow[] = await this.dataSource.query(
      `SELECT c.* FROM ${TABLE} c WHERE ${where.join(' AND ')}
        ORDER BY c.created_at DESC, c.id LIMIT $${params.push(filter.limit + 1)} OFFSET $${params.push(filter.offset)}`,
      params,
    );
    return rows.map(changeOf);
  }

  /**
   * The payout account funding pays to, read under a share lock on the organisation: a
   * verification (which locks it for update) either committed before, and its account is the one
   * returned, or waits until the funding commits. Null when no account was ever verified.
   */
  async verifiedFor(manager: EntityManager, organisationId: string): Promise<VerifiedPayoutAccount | null> {
    await manager.query(`SELECT 1 FROM organisations WHERE id = $1 FOR SHARE`, [organisationId]);
    const [row]: ChangeRow[] = await manager.query(`SELECT * FROM ${TABLE} WHERE organisation_id = $1 AND status = 'VERIFIED'`, [organisationId]);
    return row ? { changeId: row.id, bankAccount: changeOf(row).bankAccount } : null;
  }

  private visibilitySql(actor: Actor, organisation: string, org: string): string {
    switch (actor.organisationType) {
      case OrganisationType.SUPPLIER:
        return `${organisation} = ${org}`;
      case OrganisationType.BANK:
        return financedByBankSql(organisation, org);
      case OrganisationType.ANCHOR:
        return 'false';
    }
  }

  /**
   * A pending change of a supplier the actor's bank finances (404 otherwise), with the
   * organisation locked first (the order funding uses) so verifications of one supplier run one
   * at a time.
   */
  private async lockPendingForBank(manager: EntityManager, actor: Actor, changeId: string): Promise<PayoutAccountChange> {
    const [found]: { organisation_id: string }[] = await manager.query(
      `SELECT c.organisation_id FROM ${TABLE} c WHERE c.id = $1 AND ${financedByBankSql('c.organisation_id', '$2')}`,
      [changeId, actor.organisationId],
    );
    if (!found || actor.organisationType !== OrganisationType.BANK) throw notFound('payout account change');
    await manager.query(`SELECT 1 FROM organisations WHERE id = $1 FOR NO KEY UPDATE`, [found.organisation_id]);
    const [row]: ChangeRow[] = await manager.query(`SELECT * FROM ${TABLE} WHERE id = $1 FOR UPDATE`, [changeId]);
    const change = changeOf(row);
    assertNotProposer(change.proposedBy, actor);
    if (change.status !== PayoutAccountChangeStatus.PENDING) {
      throw conflict('change_not_pending', `the payout account change is already ${change.status.toLowerCase()}`);
    }
    return change;
  }

  private record(
    manager: EntityManager,
    actor: { userId: string; organisationId: string },
    change: PayoutAccountChange,
    action: string,
    after: Record<string, unknown>,
    before?: Record<string, unknown>,
  ) {
    return this.audit.record(manager, [
      {
        chainId: change.organisationId,
        actor: { userId: actor.userId, organisationId: actor.organisationId },
        action,
        objectType: 'payout_account_change',
        objectId: change.id,
        before,
        after,
      },
    ]);
  }
}

function changeOf(row: ChangeRow): PayoutAccountChange {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    bankAccount: openField(row.bank_account, { table: TABLE, column: 'bank_account', rowId: row.id }),
    status: row.status,
    reason: row.reason,
    proposedBy: row.proposed_by,
    proposedByOrganisationId: row.proposed_by_organisation_id,
    decidedBy: row.decided_by,
    decidedByOrganisationId: row.decided_by_organisation_id,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
    supersededAt: row.superseded_at,
  };
}
