import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@scf/audit';
import { conflict, formatAmount, notFound } from '@scf/core';
import { Actor, mask, maySeeOrganisationSecrets, openField, PayoutAccountsService, sealField } from '@scf/identity';
import { FinancingRequestRow } from './financing.views';

const TABLE = 'disbursement_instructions';
const accountAt = (rowId: string) => ({ table: TABLE, column: 'bank_account', rowId });

/** What the bank pays, to whom and where, for one funded financing request. */
export interface DisbursementInstructionView {
  id: string;
  financingRequestId: string;
  payeeOrganisationId: string;
  /** In full for the bank and the payee's admins, masked (****0123) for the payee's other users. */
  bankAccount: string;
  /** The verified payout account change the account was taken from. */
  payoutAccountChangeId: string;
  currency: string;
  /** The net proceeds. */
  amount: string;
  valueDate: string;
  paymentReference: string;
  createdAt: Date;
}

interface InstructionRow {
  id: string;
  financing_request_id: string;
  payee_organisation_id: string;
  payout_account_change_id: string;
  bank_account: string;
  amount: string;
  currency: string;
  value_date: string;
  payment_reference: string;
  created_at: Date;
}

/**
 * Disbursement instructions: funding names the verified account it pays to. Written in the funding
 * transaction from the request as funded (net proceeds, value date), with a snapshot of the
 * supplier's verified payout account (encrypted, bound to the instruction's row), so a later
 * change of account never rewrites where past money went.
 */
@Injectable()
export class DisbursementService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly payoutAccounts: PayoutAccountsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * The instruction for a request just funded, in the funding transaction (call it after the
   * request's amounts and value date are final). 409 `payout_account_unverified` when the supplier
   * has no verified payout account: nothing is funded then.
   */
  async instruct(manager: EntityManager, financingRequestId: string, funder: Actor): Promise<void> {
    const [request]: FinancingRequestRow[] = await manager.query(`SELECT * FROM financing_requests WHERE id = $1`, [financingRequestId]);
    const account = await this.payoutAccounts.verifiedFor(manager, request.supplier_id);
    if (!account) {
      throw conflict('payout_account_unverified', 'the supplier has no payout account verified by a bank: verify its pending payout account change first');
    }
    const id = randomUUID();
    const [row]: InstructionRow[] = await manager.query(
      `INSERT INTO ${TABLE} (id, financing_request_id, payee_organisation_id, payout_account_change_id, bank_account, amount, currency,
         value_date, payment_reference, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'SCF-' || to_char($8::date, 'YYYYMMDD') || '-' || lpad(nextval('disbursement_reference_seq')::text, 10, '0'),
         clock_timestamp())
       RETURNING *`,
      [
        id, request.id, request.supplier_id, account.changeId, sealField(account.bankAccount, accountAt(id)),
        request.total_net_proceeds, request.currency, request.value_date,
      ],
    );
    await this.audit.record(manager, [
      {
        chainId: request.program_id,
        actor: { userId: funder.userId, organisationId: funder.organisationId },
        action: 'disbursement.instructed',
        objectType: 'financing_request',
        objectId: request.id,
        after: {
          paymentReference: row.payment_reference,
          payeeOrganisationId: row.payee_organisation_id,
          bankAccount: mask(account.bankAccount),
          payoutAccountChangeId: account.changeId,
          amount: row.amount,
          currency: row.currency,
          valueDate: row.value_date,
        },
      },
    ]);
  }

  /** The instruction of a funded request, for the program's bank and the supplier it pays (404 for anyone else, or before funding). */
  async forFinancing(actor: Actor, financingRequestId: string): Promise<DisbursementInstructionView> {
    const [visible]: { instruction_id: string | null }[] = await this.dataSource.query(
      `SELECT d.id AS instruction_id FROM financing_requests r
         JOIN programs p ON p.id = r.program_id
         LEFT JOIN ${TABLE} d ON d.financing_request_id = r.id
        WHERE r.id = $1 AND (p.bank_id = $2 OR r.supplier_id = $2)`,
      [financingRequestId, actor.organisationId],
    );
    if (!visible) throw notFound('financing request');
    if (!visible.instruction_id) throw notFound('disbursement instruction');
    const [row]: InstructionRow[] = await this.dataSource.query(`SELECT * FROM ${TABLE} WHERE id = $1`, [visible.instruction_id]);
    const bankAccount = openField(row.bank_account, accountAt(row.id));
    return {
      id: row.id,
      financingRequestId: row.financing_request_id,
      payeeOrganisationId: row.payee_organisation_id,
      bankAccount: maySeeOrganisationSecrets(actor, row.payee_organisation_id) ? bankAccount : mask(bankAccount)!,
      payoutAccountChangeId: row.payout_account_change_id,
      currency: row.currency,
      amount: formatAmount(row.amount, row.currency),
      valueDate: row.value_date,
      paymentReference: row.payment_reference,
      createdAt: row.created_at,
    };
  }
}
