import { DataSource } from 'typeorm';
import { PayoutAccountsService } from '@scf/identity';
import { auth, Bank } from './fixtures';
import { Platform } from './platform';

export const PAYOUT_ACCOUNT = '6222 0212 3456 7890';

/**
 * Gives the supplier a payout account verified by the bank's checker, as funding requires: its
 * pending change if it has one (the account given at onboarding), else one proposed by its own
 * admin. Nothing when an account is verified already. The supplier must be enrolled in a program
 * of the bank. Returns the verified change's id.
 */
export async function verifyPayoutAccount(platform: Platform, bank: Bank, supplierId: string, bankAccount = PAYOUT_ACCOUNT): Promise<string> {
  const [verified] = await platform.sql<{ id: string }>(`SELECT id FROM payout_account_changes WHERE organisation_id = $1 AND status = 'VERIFIED'`, [supplierId]);
  if (verified) return verified.id;
  let [pending] = await platform.sql<{ id: string }>(`SELECT id FROM payout_account_changes WHERE organisation_id = $1 AND status = 'PENDING'`, [supplierId]);
  if (!pending) {
    const [admin] = await platform.sql<{ id: string }>(
      `SELECT id FROM users WHERE organisation_id = $1 AND 'SUPPLIER_ADMIN' = ANY(roles) ORDER BY created_at LIMIT 1`,
      [supplierId],
    );
    pending = await platform.app
      .get(DataSource)
      .transaction((manager) => platform.app.get(PayoutAccountsService).propose(manager, supplierId, bankAccount, { userId: admin.id, organisationId: supplierId }));
  }
  const res = await platform.http().post(`/v1/payout-account-changes/${pending.id}/verify`).set(auth(bank.checker)).send({});
  if (res.status !== 200) throw new Error(`verify payout account: ${res.status} ${JSON.stringify(res.body)}`);
  return pending.id;
}
