import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Platform } from './support/platform';
import { randomUUID } from 'node:crypto';
import { auth, CNY_TERMS, createActiveProgram, createAnchor, createBank, enrolNewSupplier } from './support/fixtures';
import { seedOfferedReceivable } from './support/financing-fixtures';
import { seedFundedFinancings } from './support/servicing-fixtures';

const CLI = join(process.env.SCF_DIST ?? join(__dirname, '..', 'dist'), 'apps/cli/src/check-invariants.js');

/** `npm run check:invariants`: exit 0 on a sound database, non-zero with a readable list of breaches. */
describe('invariant checker', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await Platform.start({ worker: false });
  });
  afterAll(() => platform.stop());

  const run = () => spawnSync(process.execPath, [CLI], { env: platform.env, encoding: 'utf8' });

  it('passes on a sound database and names each breach otherwise', async () => {
    const bank = await createBank(platform);
    const anchor = await createAnchor(platform, bank);
    const program = await createActiveProgram(platform, bank, anchor.id, CNY_TERMS);
    const supplier = await enrolNewSupplier(platform, bank, anchor, program.id, '1000000.00');

    const sound = run();
    expect(sound.status).toBe(0);
    expect(sound.stdout).toMatch(/invariants hold/);

    // Utilisation that no financing explains: the program and the enrolment disagree with the book.
    await platform.sql(`UPDATE programs SET utilised = utilised + 10 WHERE id = $1`, [program.id]);
    const broken = run();
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/program utilisation equals the sum of its enrolments/);
    expect(broken.stderr).toMatch(/program utilisation equals the advances of its live financings/);
    expect(broken.stderr).toContain(program.id);

    await platform.sql(`UPDATE enrolments SET utilised = utilised + 10 WHERE id = $1`, [supplier.enrolmentId]);
    expect(run().stderr).toMatch(/enrolment utilisation equals the advances of its live financings/);

    await platform.sql(`UPDATE programs SET utilised = utilised - 10 WHERE id = $1`, [program.id]);
    await platform.sql(`UPDATE enrolments SET utilised = utilised - 10 WHERE id = $1`, [supplier.enrolmentId]);
    expect(run().status).toBe(0);
  });

  it('names a funded financing without its disbursement instruction, or paid to an account not verified at that time', async () => {
    const bank = await createBank(platform);
    const anchor = await createAnchor(platform, bank);
    const program = await createActiveProgram(platform, bank, anchor.id, CNY_TERMS);
    const supplier = await enrolNewSupplier(platform, bank, anchor, program.id, '1000000.00');
    const { offerId } = await seedOfferedReceivable(platform, program, { supplierId: supplier.supplierId, anchorId: anchor.id }, { amount: '1000000.00', issueDate: '2026-02-01', dueDate: '2026-05-27' }, '2026-03-01');
    const post = (session: typeof bank.operations, path: string) =>
      platform.http().post(path).set(auth(session)).set('Idempotency-Key', randomUUID());
    const accepted = await post(supplier.admin, '/v1/financing-requests').send({ offerIds: [offerId] });
    expect((await post(bank.operations, `/v1/financing-requests/${accepted.body.id}/fund`).send({ valueDate: '2026-03-02' })).status).toBe(200);
    expect(run().status).toBe(0);

    const invariant = /every funded financing has one disbursement instruction, of its net proceeds, to an account verified at that time/;
    const [{ id: changeId }] = await platform.sql<{ id: string }>(`SELECT payout_account_change_id AS id FROM disbursement_instructions WHERE financing_request_id = $1`, [accepted.body.id]);
    await platform.sql(`UPDATE payout_account_changes SET decided_at = decided_at + interval '1 day' WHERE id = $1`, [changeId]);
    const lateVerification = run();
    expect(lateVerification.status).toBe(1);
    expect(lateVerification.stderr).toMatch(invariant);
    expect(lateVerification.stderr).toContain(accepted.body.id);
    await platform.sql(`UPDATE payout_account_changes SET decided_at = decided_at - interval '1 day' WHERE id = $1`, [changeId]);

    await platform.sql(`UPDATE disbursement_instructions SET amount = amount + 1 WHERE financing_request_id = $1`, [accepted.body.id]);
    expect(run().stderr).toMatch(invariant);
    await platform.sql(`UPDATE disbursement_instructions SET amount = amount - 1 WHERE financing_request_id = $1`, [accepted.body.id]);

    const [instruction] = await platform.sql(`DELETE FROM disbursement_instructions WHERE financing_request_id = $1 RETURNING *`, [accepted.body.id]);
    expect(run().stderr).toMatch(invariant);
    const columns = Object.keys(instruction);
    await platform.sql(`INSERT INTO disbursement_instructions (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(instruction));
    expect(run().status).toBe(0);
  });

  it('names a penalty booked beside its ledger and collections that no standing payment explains', async () => {
    const bank = await createBank(platform);
    const anchor = await createAnchor(platform, bank);
    const program = await createActiveProgram(platform, bank, anchor.id, CNY_TERMS);
    const supplier = await enrolNewSupplier(platform, bank, anchor, program.id, '1000000.00');
    const [receivableId] = await seedFundedFinancings(
      platform,
      { programId: program.id, enrolmentId: supplier.enrolmentId, supplierId: supplier.supplierId, anchorId: anchor.id, requestedBy: supplier.admin.userId, fundedBy: bank.operations.userId },
      1,
    );
    const [{ id: itemId }] = await platform.sql<{ id: string }>(`SELECT id FROM financing_items WHERE receivable_id = $1`, [receivableId]);
    expect(run().status).toBe(0);

    // Penalty booked without a ledger row behind it.
    await platform.sql(`UPDATE financing_items SET penalty_accrued = 10 WHERE id = $1`, [itemId]);
    const unbooked = run();
    expect(unbooked.status).toBe(1);
    expect(unbooked.stderr).toMatch(/penalty booked equals its accrual ledger/);
    expect(unbooked.stderr).toContain(itemId);
    await platform.sql(
      `INSERT INTO penalty_accruals (financing_item_id, accrual_date, program_id, advance_outstanding, penalty_rate, amount) VALUES ($1, '2026-06-05', $2, 900, 0.18, 10)`,
      [itemId, program.id],
    );
    expect(run().status).toBe(0);

    // Collections no payment explains.
    await platform.sql(`UPDATE financing_items SET principal_paid = 100, penalty_paid = 10 WHERE id = $1`, [itemId]);
    expect(run().stderr).toMatch(/payments sum: what each financing collected equals its standing payments/);
    await platform.sql(`UPDATE financing_items SET principal_paid = 0, penalty_paid = 0 WHERE id = $1`, [itemId]);
    expect(run().status).toBe(0);
  });
});
