import { auth, Bank, Session } from './fixtures';
import { Platform } from './platform';

/**
 * POST /v1/programs/:id/enrolments for an existing supplier (by the anchor admin), then
 * POST /v1/enrolments/:id/approve (bank checker) unless the enrolment should stay PENDING.
 */
export async function enrolSupplier(
  platform: Platform,
  bank: Bank,
  anchor: { admin: Session },
  programId: string,
  supplierId: string,
  { subLimit = '5000000.00', approve = true }: { subLimit?: string; approve?: boolean } = {},
): Promise<string> {
  const res = await platform.http().post(`/v1/programs/${programId}/enrolments`).set(auth(anchor.admin)).send({ supplierId, subLimit });
  if (res.status !== 201) throw new Error(`enrol: ${res.status} ${JSON.stringify(res.body)}`);
  if (approve) {
    const approved = await platform.http().post(`/v1/enrolments/${res.body.id}/approve`).set(auth(bank.checker)).send({});
    if (approved.status !== 200) throw new Error(`approve enrolment: ${approved.status} ${JSON.stringify(approved.body)}`);
  }
  return res.body.id;
}

/** POST /v1/<programs|enrolments>/:id/suspend by the bank's checker. */
export async function suspend(platform: Platform, bank: Bank, what: 'programs' | 'enrolments', id: string): Promise<void> {
  const res = await platform.http().post(`/v1/${what}/${id}/suspend`).set(auth(bank.checker)).send({ reason: 'under review' });
  if (res.status !== 200) throw new Error(`suspend ${what}: ${res.status} ${JSON.stringify(res.body)}`);
}

/**
 * An OPEN offer on a receivable as the worker would have priced it (domain.md's first worked
 * example), for tests that run without the worker.
 */
export async function insertOpenOffer(platform: Platform, receivableId: string, enrolmentId: string): Promise<string> {
  const [offer] = await platform.sql<{ id: string }>(
    `INSERT INTO offers (receivable_id, program_id, enrolment_id, supplier_id, currency, face_amount, advance, discount, fee, net_proceeds,
                         annual_rate, effective_annual_cost, tenor_days, value_date, maturity_date, expires_on, pricing_version, status)
     SELECT r.id, r.program_id, $2, r.supplier_id, r.currency, r.face_amount, 900000, 10983.75, 900, 888116.25,
            0.0505, 0.050593, 87, '2026-03-01', r.due_date, '2026-03-04', 1, 'OPEN'
       FROM receivables r WHERE r.id = $1
     RETURNING id`,
    [receivableId, enrolmentId],
  );
  return offer.id;
}
