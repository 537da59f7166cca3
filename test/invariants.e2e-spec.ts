import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Platform } from './support/platform';
import { CNY_TERMS, createActiveProgram, createAnchor, createBank, enrolNewSupplier } from './support/fixtures';
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
