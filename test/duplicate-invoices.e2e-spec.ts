jest.setTimeout(120_000);

import { randomUUID } from 'node:crypto';
import { normaliseDocumentNumber } from '@scf/core';
import { Platform } from './support/platform';
import { auth, Bank, createActiveProgram, createAnchor, createBank, createSupplier, enrolNewSupplier, Session, Supplier } from './support/fixtures';
import { seedEnrolment, seedProgram } from './support/program-seeds';
import { enrolSupplier } from './support/receivables-fixtures';

const unique = () => randomUUID().slice(0, 8).toUpperCase();

/**
 * Duplicate invoices: a supplier's invoice number is compared normalised (NFKC, case, separators),
 * is unique among its live invoices in every program of every bank, and the database decides
 * between concurrent submissions; near-duplicates are flagged for the anchor, not refused.
 */
describe('duplicate invoices', () => {
  let platform: Platform;
  let bank: Bank;
  let anchor: { id: string; admin: Session };
  let program: { id: string };
  let supplier: Supplier;

  beforeAll(async () => {
    platform = await Platform.start({ worker: false });
    bank = await createBank(platform);
    anchor = await createAnchor(platform, bank);
    program = await createActiveProgram(platform, bank, anchor.id);
    const enrolled = await enrolNewSupplier(platform, bank, anchor, program.id, '5000000.00');
    supplier = { id: enrolled.supplierId, admin: enrolled.admin };
  });
  afterAll(() => platform.stop());

  // Each invoice its own amount: equal amounts and dates of one supplier are near-duplicates.
  let invoices = 0;
  const body = (overrides: Record<string, unknown> = {}) => ({
    programId: program.id,
    invoiceNumber: `INV-${unique()}`,
    currency: 'CNY',
    amount: `${100000 + (invoices += 1)}.00`,
    issueDate: '2026-02-26',
    dueDate: '2026-05-27',
    ...overrides,
  });
  const submit = (session: Session, invoice: object) => platform.http().post('/v1/invoices').set(auth(session)).send(invoice);
  const bulk = (session: Session, programId: string, invoices: object[]) =>
    platform.http().post('/v1/invoices/bulk').set(auth(session)).send({ programId, invoices });
  const get = (session: Session, id: string) => platform.http().get(`/v1/invoices/${id}`).set(auth(session));
  const rowsOf = (supplierId: string, key: string) =>
    platform.sql<{ invoice_number: string; status: string }>(
      `SELECT invoice_number, status FROM invoices WHERE supplier_id = $1 AND invoice_number_key = $2 ORDER BY created_at`,
      [supplierId, key],
    );

  it('refuses the same number spelled otherwise, in a program of another bank too, with 409 duplicate_invoice', async () => {
    // A second bank's program for the same anchor (seeded: through the API a bank finances only the anchors it onboarded).
    const otherBank = await createBank(platform);
    const otherProgram = await seedProgram(platform, otherBank, anchor.id);
    await seedEnrolment(platform, otherBank, otherProgram.id, supplier.id, '5000000.00');
    const serial = unique();
    expect((await submit(supplier.admin, body({ invoiceNumber: `INV-2026/${serial}` }))).status).toBe(201);

    for (const [spelling, programId] of [
      [`inv 2026 ${serial.toLowerCase()}`, program.id],
      [`Inv_2026.${serial}`, otherProgram.id],
      [`ＩＮＶ－２０２６／${serial}`, otherProgram.id],
      [`INV\u200b2026\u2013${serial}`, program.id],
    ]) {
      const again = await submit(supplier.admin, body({ invoiceNumber: spelling, programId, amount: '99999.00' }));
      expect([spelling, again.status, again.body.code, again.body.field]).toEqual([spelling, 409, 'duplicate_invoice', 'invoiceNumber']);
    }
    expect(await rowsOf(supplier.id, `inv2026${serial.toLowerCase()}`)).toEqual([{ invoice_number: `INV-2026/${serial}`, status: 'SUBMITTED' }]);

    const empty = await submit(supplier.admin, body({ invoiceNumber: '-/.' }));
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ code: 'invoice_number_invalid', field: 'invoiceNumber' });
  });

  it('stores the key the code computes: the database and normaliseDocumentNumber agree', async () => {
    const numbers = [`ＡＢ－${unique()}`, `x y_z/${unique()}.1`, `No.\u3000${unique()}`, `Ⅻ-${unique()}\u00ad9`, `发票${unique()}—号`, `ÉTÉ\ufeff${unique()}`];
    const res = await bulk(supplier.admin, program.id, numbers.map((invoiceNumber) => ({ ...body({ invoiceNumber }), programId: undefined })));
    expect(res.status).toBe(201);
    const stored = await platform.sql<{ invoice_number: string; invoice_number_key: string }>(
      `SELECT invoice_number, invoice_number_key FROM invoices WHERE invoice_number = ANY($1) ORDER BY invoice_number`,
      [numbers],
    );
    expect(stored).toHaveLength(numbers.length);
    for (const row of stored) expect(row.invoice_number_key).toBe(normaliseDocumentNumber(row.invoice_number));
  });

  it("lets a rejected invoice's number be submitted again, corrected, and flags nothing against the rejected one", async () => {
    const number = `RJ-${unique()}`;
    const first = await submit(supplier.admin, body({ invoiceNumber: number, amount: '120000.00' }));
    expect((await submit(supplier.admin, body({ invoiceNumber: number.toLowerCase() }))).status).toBe(409);
    const rejected = await platform.http().post(`/v1/invoices/${first.body.id}/reject`).set(auth(anchor.admin)).send({ reason: 'wrong amount' });
    expect(rejected.status).toBe(200);

    const corrected = await submit(supplier.admin, body({ invoiceNumber: number.toLowerCase(), amount: '100000.00' }));
    expect(corrected.status).toBe(201);
    expect((await get(anchor.admin, corrected.body.id)).body.duplicateFlags).toEqual([]);
    // Live again: the number is taken once more.
    const third = await submit(supplier.admin, body({ invoiceNumber: number }));
    expect(third.status).toBe(409);
    expect((await rowsOf(supplier.id, normaliseDocumentNumber(number))).map((row) => row.status)).toEqual(['REJECTED', 'SUBMITTED']);
  });

  it('flags near-duplicates for the anchor with the reason, and shows them to nobody else', async () => {
    const other = await createSupplier(platform, anchor.id);
    await enrolSupplier(platform, bank, anchor, program.id, other.id);
    const number = `ND-${unique()}`;
    const original = await submit(supplier.admin, body({ invoiceNumber: number, amount: '250000.00', issueDate: '2026-02-10', dueDate: '2026-05-10' }));
    expect(original.status).toBe(201);

    // Another supplier of the same anchor, the same number spelled otherwise, another amount.
    const copied = await submit(other.admin, body({ invoiceNumber: number.toLowerCase().replace('-', ' '), amount: '260000.00' }));
    expect(copied.status).toBe(201);
    // The same supplier, amount and dates under a number variant.
    const variant = await submit(supplier.admin, body({ invoiceNumber: `${number}A`, amount: '250000.00', issueDate: '2026-02-10', dueDate: '2026-05-10' }));
    expect(variant.status).toBe(201);
    // Unrelated: another amount.
    const clean = await submit(supplier.admin, body({ amount: '250000.01', issueDate: '2026-02-10', dueDate: '2026-05-10' }));

    const copiedView = await get(anchor.admin, copied.body.id);
    expect(copiedView.body.duplicateFlags).toEqual([
      {
        rule: 'NUMBER_OF_ANOTHER_SUPPLIER',
        matchedInvoiceId: original.body.id,
        matchedInvoiceNumber: number,
        matchedSupplierId: supplier.id,
        reason: `another supplier's invoice ${number} has the same number once case, spaces and separators are ignored`,
      },
    ]);
    expect((await get(anchor.admin, variant.body.id)).body.duplicateFlags).toEqual([
      expect.objectContaining({ rule: 'SAME_AMOUNT_AND_DATES', matchedInvoiceId: original.body.id, reason: expect.stringContaining(number) }),
    ]);
    // The earlier invoice shows what was flagged against it.
    expect((await get(anchor.admin, original.body.id)).body.duplicateFlags.map((f: { matchedInvoiceId: string }) => f.matchedInvoiceId).sort()).toEqual(
      [copied.body.id, variant.body.id].sort(),
    );
    expect((await get(anchor.admin, clean.body.id)).body.duplicateFlags).toEqual([]);
    const listed = await platform.http().get(`/v1/invoices?supplierId=${other.id}`).set(auth(anchor.admin));
    expect(listed.body.items).toEqual([expect.objectContaining({ id: copied.body.id, duplicateFlags: [expect.objectContaining({ matchedInvoiceId: original.body.id })] })]);

    // The suppliers and the bank see no flags: they would name another supplier's invoice.
    for (const session of [other.admin, bank.operations]) {
      const view = await get(session, copied.body.id);
      expect(view.status).toBe(200);
      expect(view.body).not.toHaveProperty('duplicateFlags');
      expect(view.text).not.toContain(original.body.id);
    }
    const ownList = await platform.http().get('/v1/invoices').set(auth(other.admin));
    expect(ownList.text).not.toContain(original.body.id);

    // Once the matched invoice is rejected, the flag no longer applies.
    await platform.http().post(`/v1/invoices/${original.body.id}/reject`).set(auth(anchor.admin)).send({ reason: 'duplicate' });
    expect((await get(anchor.admin, copied.body.id)).body.duplicateFlags).toEqual([]);
  });

  it('names normalised duplicates row by row in bulk submissions and payables uploads, and flags the anchor\'s near-duplicates', async () => {
    const onFile = `OF-${unique()}`;
    expect((await submit(supplier.admin, body({ invoiceNumber: onFile }))).status).toBe(201);
    const rows = [0, 1, 2, 3].map(() => ({ ...body(), programId: undefined }));
    rows[2] = { ...rows[2], invoiceNumber: rows[0].invoiceNumber.toLowerCase().replace('-', ' ') };
    rows[3] = { ...rows[3], invoiceNumber: onFile.replace('-', '_') };
    const refused = await bulk(supplier.admin, program.id, rows);
    expect(refused.status).toBe(400);
    expect(refused.body.violations).toEqual([
      expect.objectContaining({ field: 'invoices[2].invoiceNumber', rule: 'duplicate_in_batch' }),
      expect.objectContaining({ field: 'invoices[3].invoiceNumber', rule: 'duplicate_invoice', message: expect.stringContaining(onFile) }),
    ]);

    const second = await createSupplier(platform, anchor.id);
    await enrolSupplier(platform, bank, anchor, program.id, second.id);
    const number = `PY-${unique()}`;
    const payable = { invoiceNumber: number, currency: 'CNY', amount: '300000.00', issueDate: '2026-02-20', dueDate: '2026-05-20' };
    const uploaded = await platform
      .http()
      .post('/v1/payables/bulk')
      .set(auth(anchor.admin))
      .send({ programId: program.id, payables: [{ ...payable, supplierId: supplier.id }, { ...payable, invoiceNumber: number.toLowerCase(), supplierId: second.id }] });
    expect(uploaded.status).toBe(201);
    const [first, later] = uploaded.body.invoices;
    expect((await get(anchor.admin, later.id)).body.duplicateFlags).toEqual([
      expect.objectContaining({ rule: 'NUMBER_OF_ANOTHER_SUPPLIER', matchedInvoiceId: first.id }),
    ]);
    const again = await platform
      .http()
      .post('/v1/payables/bulk')
      .set(auth(anchor.admin))
      .send({ programId: program.id, payables: [{ ...payable, invoiceNumber: number.replace('-', '/'), supplierId: supplier.id }] });
    expect(again.status).toBe(400);
    expect(again.body.violations).toEqual([expect.objectContaining({ field: 'payables[0].invoiceNumber', rule: 'duplicate_invoice' })]);
  });

  it('lets exactly one of concurrent submissions of one number through, single or bulk: the unique index decides', async () => {
    const serial = unique();
    const spellings = [`RC-${serial}`, `rc ${serial}`, `RC_${serial}`, `ＲＣ${serial}`, `Rc.${serial}`, `RC/${serial}`];
    const singles = await Promise.all(spellings.map((invoiceNumber) => submit(supplier.admin, body({ invoiceNumber }))));
    expect(singles.map((res) => res.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(singles.filter((res) => res.status === 409).every((res) => res.body.code === 'duplicate_invoice')).toBe(true);
    expect(await rowsOf(supplier.id, `rc${serial.toLowerCase()}`)).toHaveLength(1);

    // Bulk submissions check for duplicates before they write: racing, both pass the check, and the index refuses the second.
    const batchSerial = unique();
    const batch = (spelling: string) => [{ ...body({ invoiceNumber: spelling }), programId: undefined }, { ...body(), programId: undefined }];
    const batches = await Promise.all([bulk(supplier.admin, program.id, batch(`BR-${batchSerial}`)), bulk(supplier.admin, program.id, batch(`br ${batchSerial}`))]);
    expect(batches.map((res) => res.status).sort()).toEqual([201, 409]);
    expect(batches.find((res) => res.status === 409)!.body.code).toBe('duplicate_invoice');
    expect(await rowsOf(supplier.id, `br${batchSerial.toLowerCase()}`)).toHaveLength(1);
  });

  it('flags one of two near-duplicates submitted at once by two suppliers: they take turns per anchor', async () => {
    const other = await createSupplier(platform, anchor.id);
    await enrolSupplier(platform, bank, anchor, program.id, other.id);
    for (let round = 0; round < 5; round += 1) {
      const number = `CC-${unique()}`;
      const [a, b] = await Promise.all([submit(supplier.admin, body({ invoiceNumber: number })), submit(other.admin, body({ invoiceNumber: number.toLowerCase() }))]);
      expect([a.status, b.status]).toEqual([201, 201]);
      const flags = await platform.sql(`SELECT rule FROM invoice_duplicate_flags WHERE invoice_id = ANY($1) OR matched_invoice_id = ANY($1)`, [[a.body.id, b.body.id]]);
      expect(flags).toEqual([{ rule: 'NUMBER_OF_ANOTHER_SUPPLIER' }]);
    }
  });
});
