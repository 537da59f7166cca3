jest.setTimeout(120_000);

import { randomUUID } from 'node:crypto';
import { Actor, OrganisationType, Role } from '@scf/identity';
import { ReceivablesService } from '@scf/receivables';
import { Platform } from './support/platform';
import { auth, Bank, CNY_TERMS, createActiveProgram, createAnchor, createBank, createSupplier, enrolNewSupplier, JPY_TERMS, ProgramTermsInput, Session, Supplier } from './support/fixtures';
import { enrolSupplier, insertOpenOffer, suspend } from './support/receivables-fixtures';

const unique = () => randomUUID().slice(0, 8);

interface Program {
  id: string;
  currency: string;
}

describe('invoices and receivables', () => {
  let platform: Platform;
  let bank: Bank;
  let anchor: { id: string; admin: Session };
  let program: Program;
  let supplier: Supplier;
  let enrolmentId: string;

  beforeAll(async () => {
    platform = await Platform.start({ worker: false });
    bank = await createBank(platform);
    anchor = await createAnchor(platform, bank);
    ({ program, supplier, enrolmentId } = await freshProgram());
  });
  afterAll(() => platform.stop());

  const invoiceBody = (overrides: Record<string, unknown> = {}) => ({
    programId: program.id,
    invoiceNumber: `INV-${unique()}`,
    currency: 'CNY',
    amount: '1000000.00',
    issueDate: '2026-02-26',
    dueDate: '2026-05-27',
    ...overrides,
  });
  const submit = (session: Session, body: object) => platform.http().post('/v1/invoices').set(auth(session)).send(body);
  const confirm = (session: Session, id: string) => platform.http().post(`/v1/invoices/${id}/confirm`).set(auth(session)).send({});
  const offerJobsFor = (receivableId: string) =>
    platform.sql<{ payload: { programId: string; receivableIds: string[] } }>(
      `SELECT payload FROM outbox WHERE job_name = 'offers.generate' AND payload->'receivableIds' ? $1 ORDER BY id`,
      [receivableId],
    );
  const invoiceCount = async (supplierId: string) =>
    Number((await platform.sql<{ n: string }>(`SELECT count(*) AS n FROM invoices WHERE supplier_id = $1`, [supplierId]))[0].n);

  /** A fresh program of the anchor with one approved supplier, so counts in a test are its own. */
  async function freshProgram(terms: ProgramTermsInput = CNY_TERMS): Promise<{ program: Program; supplier: Supplier; enrolmentId: string }> {
    const created = await createActiveProgram(platform, bank, anchor.id, terms);
    const subLimit = created.currency === 'JPY' ? '100000000' : '5000000.00';
    const enrolled = await enrolNewSupplier(platform, bank, anchor, created.id, subLimit);
    return { program: created, supplier: { id: enrolled.supplierId, admin: enrolled.admin }, enrolmentId: enrolled.enrolmentId };
  }

  describe('submission and confirmation', () => {
    it('confirms a submitted invoice into a receivable with one part holding the exact face, and queues its offer', async () => {
      const submitted = await submit(supplier.admin, invoiceBody({ amount: '1000000.00' }));
      expect(submitted.status).toBe(201);
      expect(submitted.body).toMatchObject({
        programId: program.id,
        supplierId: supplier.id,
        anchorId: anchor.id,
        currency: 'CNY',
        amount: '1000000.00',
        creditedAmount: '0.00',
        payableAmount: '1000000.00',
        issueDate: '2026-02-26',
        dueDate: '2026-05-27',
        status: 'SUBMITTED',
        receivableId: null,
      });

      const confirmed = await confirm(anchor.admin, submitted.body.id);
      expect(confirmed.status).toBe(200);
      expect(confirmed.body).toMatchObject({ id: submitted.body.id, status: 'CONFIRMED', amount: '1000000.00' });
      const receivableId = confirmed.body.receivableId;
      expect(receivableId).toEqual(expect.any(String));

      const [receivable] = await platform.sql(`SELECT * FROM receivables WHERE id = $1`, [receivableId]);
      expect(receivable).toMatchObject({
        invoice_id: submitted.body.id,
        program_id: program.id,
        supplier_id: supplier.id,
        anchor_id: anchor.id,
        currency: 'CNY',
        face_amount: '1000000.0000',
        due_date: '2026-05-27',
        status: 'OPEN',
      });
      const parts = await platform.sql(`SELECT holder_id, amount FROM receivable_parts WHERE receivable_id = $1`, [receivableId]);
      expect(parts).toEqual([{ holder_id: supplier.id, amount: '1000000.0000' }]);
      expect((await offerJobsFor(receivableId)).map((row) => row.payload)).toEqual([{ programId: program.id, receivableIds: [receivableId] }]);
      const events = await platform.sql(`SELECT action, chain_id, object_id, after FROM business_events WHERE object_id = $1`, [submitted.body.id]);
      expect(events).toEqual([
        expect.objectContaining({ action: 'invoice.confirmed', chain_id: program.id, after: expect.objectContaining({ receivableId, faceAmount: '1000000.00' }) }),
      ]);

      const view = await platform.http().get(`/v1/receivables/${receivableId}`).set(auth(supplier.admin));
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({
        id: receivableId,
        invoiceNumber: submitted.body.invoiceNumber,
        faceAmount: '1000000.00',
        status: 'OPEN',
        parts: [{ holderId: supplier.id, amount: '1000000.00' }],
        openOffer: null,
      });

      const again = await confirm(anchor.admin, submitted.body.id);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('invalid_state');
    });

    it('formats JPY without decimals', async () => {
      const jpy = await freshProgram(JPY_TERMS);
      const submitted = await submit(jpy.supplier.admin, invoiceBody({ programId: jpy.program.id, currency: 'JPY', amount: '12345678', issueDate: '2026-01-10', dueDate: '2026-02-24' }));
      expect(submitted.status).toBe(201);
      const confirmed = await confirm(anchor.admin, submitted.body.id);
      expect(confirmed.body).toMatchObject({ amount: '12345678', payableAmount: '12345678', status: 'CONFIRMED' });
      const receivable = await platform.http().get(`/v1/receivables/${confirmed.body.receivableId}`).set(auth(jpy.supplier.admin));
      expect(receivable.body).toMatchObject({ currency: 'JPY', faceAmount: '12345678', parts: [{ amount: '12345678' }] });
    });

    it('lets a PENDING supplier submit but not a suspended one, and only into an ACTIVE program', async () => {
      const pending = await createSupplier(platform, anchor.id);
      await enrolSupplier(platform, bank, anchor, program.id, pending.id, { approve: false });
      expect((await submit(pending.admin, invoiceBody())).status).toBe(201);

      const suspended = await createSupplier(platform, anchor.id);
      await suspend(platform, bank, 'enrolments', await enrolSupplier(platform, bank, anchor, program.id, suspended.id));
      const refused = await submit(suspended.admin, invoiceBody());
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('enrolment_not_active');

      const other = await freshProgram();
      await suspend(platform, bank, 'programs', other.program.id);
      const inactive = await submit(other.supplier.admin, invoiceBody({ programId: other.program.id }));
      expect(inactive.status).toBe(409);
      expect(inactive.body.code).toBe('program_not_active');

      const notEnrolled = await submit(other.supplier.admin, invoiceBody());
      expect(notEnrolled.status).toBe(404);
      expect(await invoiceCount(other.supplier.id)).toBe(0);
    });

    it('refuses the same supplier and invoice number twice, even in another program', async () => {
      const second = await createActiveProgram(platform, bank, anchor.id);
      await enrolSupplier(platform, bank, anchor, second.id, supplier.id);
      const number = `DUP-${unique()}`;
      expect((await submit(supplier.admin, invoiceBody({ invoiceNumber: number }))).status).toBe(201);
      const again = await submit(supplier.admin, invoiceBody({ invoiceNumber: number, programId: second.id }));
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'duplicate_invoice', field: 'invoiceNumber' });
      const rows = await platform.sql(`SELECT program_id FROM invoices WHERE supplier_id = $1 AND invoice_number = $2`, [supplier.id, number]);
      expect(rows).toEqual([{ program_id: program.id }]);

      // Another supplier may use the same number: uniqueness is per supplier.
      const other = await createSupplier(platform, anchor.id);
      await enrolSupplier(platform, bank, anchor, program.id, other.id);
      expect((await submit(other.admin, invoiceBody({ invoiceNumber: number }))).status).toBe(201);
    });

    it('rejects with a reason, after which the invoice can no longer be confirmed', async () => {
      const submitted = await submit(supplier.admin, invoiceBody());
      const missingReason = await platform.http().post(`/v1/invoices/${submitted.body.id}/reject`).set(auth(anchor.admin)).send({});
      expect(missingReason.status).toBe(400);
      expect(missingReason.body.field).toBe('reason');
      const rejected = await platform.http().post(`/v1/invoices/${submitted.body.id}/reject`).set(auth(anchor.admin)).send({ reason: 'goods returned' });
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({ status: 'REJECTED', rejectionReason: 'goods returned', receivableId: null });
      expect((await confirm(anchor.admin, submitted.body.id)).body.code).toBe('invalid_state');
      expect(await platform.sql(`SELECT id FROM receivables WHERE invoice_id = $1`, [submitted.body.id])).toEqual([]);
    });
  });

  describe('bad input', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['CNY amount with three decimals', { amount: '1.001' }, 'amount'],
      ['negative amount', { amount: '-100.00' }, 'amount'],
      ['zero amount', { amount: '0' }, 'amount'],
      ['zero amount with decimals', { amount: '0.00' }, 'amount'],
      ['amount as a JSON number', { amount: 100 }, 'amount'],
      ['unknown currency', { currency: 'XYZ' }, 'currency'],
      ['lower-case currency', { currency: 'cny' }, 'currency'],
      ['currency other than the program', { currency: 'USD' }, 'currency'],
      ['due date equal to the issue date', { dueDate: '2026-02-26' }, 'dueDate'],
      ['due date before the issue date', { dueDate: '2026-01-26' }, 'dueDate'],
      ['impossible date', { dueDate: '2026-02-30' }, 'dueDate'],
      ['date with a time', { issueDate: '2026-02-26T00:00:00Z' }, 'issueDate'],
      ['malformed program id', { programId: 'program-1' }, 'programId'],
      ['empty invoice number', { invoiceNumber: '' }, 'invoiceNumber'],
      ['unknown field', { status: 'CONFIRMED' }, 'status'],
      ['missing amount', { amount: undefined }, 'amount'],
    ];

    it.each(cases)('refuses %s with 400 naming the field and stores nothing', async (_, overrides, field) => {
      const before = await invoiceCount(supplier.id);
      const res = await submit(supplier.admin, invoiceBody(overrides));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.violations ?? [{ field: res.body.field }]).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect(await invoiceCount(supplier.id)).toBe(before);
    });

    it('names the rule for currency-aware checks', async () => {
      expect((await submit(supplier.admin, invoiceBody({ amount: '1.001' }))).body).toMatchObject({ code: 'amount_too_precise', field: 'amount' });
      expect((await submit(supplier.admin, invoiceBody({ amount: '0' }))).body).toMatchObject({ code: 'amount_not_positive', field: 'amount' });
      expect((await submit(supplier.admin, invoiceBody({ currency: 'USD' }))).body).toMatchObject({ code: 'currency_mismatch', field: 'currency' });
      expect((await submit(supplier.admin, invoiceBody({ currency: 'XYZ' }))).body).toMatchObject({ code: 'unknown_currency', field: 'currency' });
      expect((await submit(supplier.admin, invoiceBody({ dueDate: '2026-02-30' }))).body).toMatchObject({ code: 'date_invalid', field: 'dueDate' });
      expect((await submit(supplier.admin, invoiceBody({ dueDate: '2026-02-25' }))).body).toMatchObject({
        code: 'due_date_not_after_issue_date',
        field: 'dueDate',
      });
    });

    it('refuses a JPY amount with decimals', async () => {
      const jpy = await freshProgram(JPY_TERMS);
      const res = await submit(jpy.supplier.admin, invoiceBody({ programId: jpy.program.id, currency: 'JPY', amount: '1.5' }));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'amount_too_precise', field: 'amount' });
      expect(await invoiceCount(jpy.supplier.id)).toBe(0);
    });

    it('refuses malformed JSON and malformed path ids', async () => {
      const malformed = await platform.http().post('/v1/invoices').set(auth(supplier.admin)).set('Content-Type', 'application/json').send('{"amount":');
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe('malformed_json');
      const badId = await confirm(anchor.admin, 'not-a-uuid');
      expect(badId.status).toBe(400);
      expect(badId.body).toMatchObject({ code: 'id_malformed', field: 'invoiceId' });
      const badQuery = await platform.http().get('/v1/invoices?dueFrom=2026-02-30').set(auth(supplier.admin));
      expect(badQuery.status).toBe(400);
      expect(badQuery.body.field).toBe('dueFrom');
      const badSort = await platform.http().get('/v1/receivables?sort=faceAmount;DROP').set(auth(supplier.admin));
      expect(badSort.status).toBe(400);
      expect(badSort.body.field).toBe('sort');
    });
  });

  describe('bulk', () => {
    it('submits 10,000 invoices in one request, fast', async () => {
      const { program: p, supplier: s } = await freshProgram();
      const invoices = Array.from({ length: 10_000 }, (_, i) => ({
        invoiceNumber: `B-${i}`,
        currency: 'CNY',
        amount: `${1000 + i}.50`,
        issueDate: '2026-02-26',
        dueDate: '2026-05-27',
      }));
      const started = Date.now();
      const res = await platform.http().post('/v1/invoices/bulk').set(auth(s.admin)).send({ programId: p.id, invoices });
      const elapsed = Date.now() - started;
      expect(res.status).toBe(201);
      expect(res.body.count).toBe(10_000);
      expect(res.body.invoices).toHaveLength(10_000);
      // Well under a second on an idle machine; the bound leaves room for a loaded CI box and
      // still catches per-row queries or a whole-body copy (several seconds).
      expect(elapsed).toBeLessThan(3000);
      const [stored] = await platform.sql<{ n: string; total: string }>(
        `SELECT count(*) AS n, sum(amount) AS total FROM invoices WHERE supplier_id = $1 AND status = 'SUBMITTED'`,
        [s.id],
      );
      // Σ (1000.50 + i) for i < 10,000 = 10,000 × 1000.50 + 49,995,000
      expect(stored).toEqual({ n: '10000', total: '60000000.0000' });

      // ...and the anchor confirms all of them at once.
      const ids = res.body.invoices.map((row: { id: string }) => row.id);
      const confirmStarted = Date.now();
      const confirmed = await platform.http().post('/v1/invoices/confirmations').set(auth(anchor.admin)).send({ invoiceIds: ids });
      const confirmElapsed = Date.now() - confirmStarted;
      expect(confirmed.status).toBe(200);
      expect(confirmed.body.count).toBe(10_000);
      // About a second idle (10,000 receivables, parts and hash-chained events); a nested loop over
      // the confirmation CTEs once made this 8 s.
      expect(confirmElapsed).toBeLessThan(6000);
      const [book] = await platform.sql<{ receivables: string; face: string; parts: string }>(
        `SELECT count(*) AS receivables, sum(r.face_amount) AS face, (SELECT sum(amount) FROM receivable_parts rp JOIN receivables r2 ON r2.id = rp.receivable_id WHERE r2.program_id = $1) AS parts
           FROM receivables r WHERE r.program_id = $1 AND r.status = 'OPEN'`,
        [p.id],
      );
      expect(book).toEqual({ receivables: '10000', face: '60000000.0000', parts: '60000000.0000' });
      const jobs = await platform.sql<{ payload: { programId: string; receivableIds: string[] } }>(
        `SELECT payload FROM outbox WHERE job_name = 'offers.generate' AND payload->>'programId' = $1 AND payload ? 'receivableIds'`,
        [p.id],
      );
      expect(jobs).toHaveLength(10);
      expect(jobs.every((job) => job.payload.receivableIds.length === 1000)).toBe(true);
      expect(new Set(jobs.flatMap((job) => job.payload.receivableIds)).size).toBe(10_000);
      const [events] = await platform.sql<{ n: string }>(`SELECT count(*) AS n FROM business_events WHERE chain_id = $1 AND action = 'invoice.confirmed'`, [p.id]);
      expect(events.n).toBe('10000');
    });

    it('refuses a whole batch naming every bad row, and stores nothing', async () => {
      const { program: p, supplier: s } = await freshProgram();
      const existing = await submit(s.admin, invoiceBody({ programId: p.id, invoiceNumber: 'ON-FILE' }));
      expect(existing.status).toBe(201);
      const invoices = Array.from({ length: 100 }, (_, i) => ({ invoiceNumber: `R-${i}`, currency: 'CNY', amount: '100.00', issueDate: '2026-02-26', dueDate: '2026-05-27' }));
      invoices[17] = { ...invoices[17], amount: '1.001' };
      invoices[42] = { ...invoices[42], dueDate: '2026-02-30' };
      const res = await platform.http().post('/v1/invoices/bulk').set(auth(s.admin)).send({ programId: p.id, invoices });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('batch_invalid');
      expect(res.body.violations).toEqual([
        expect.objectContaining({ field: 'invoices[17].amount', rule: 'amount_too_precise' }),
        expect.objectContaining({ field: 'invoices[42].dueDate', rule: 'date_invalid' }),
      ]);

      const duplicates = invoices.map((row, i) => (i === 17 || i === 42 ? { ...row, amount: '100.00', dueDate: '2026-05-27' } : row));
      duplicates[60] = { ...duplicates[60], invoiceNumber: 'R-3' };
      duplicates[61] = { ...duplicates[61], invoiceNumber: 'ON-FILE' };
      (duplicates[62] as Record<string, unknown>).discount = '5.00';
      const dup = await platform.http().post('/v1/invoices/bulk').set(auth(s.admin)).send({ programId: p.id, invoices: duplicates });
      expect(dup.status).toBe(400);
      expect(dup.body.violations).toEqual([
        expect.objectContaining({ field: 'invoices[60].invoiceNumber', rule: 'duplicate_in_batch' }),
        expect.objectContaining({ field: 'invoices[61].invoiceNumber', rule: 'duplicate_invoice' }),
        expect.objectContaining({ field: 'invoices[62].discount', rule: 'unknown_field' }),
      ]);
      expect(await invoiceCount(s.id)).toBe(1);

      const unknownField = await platform.http().post('/v1/invoices/bulk').set(auth(s.admin)).send({ programId: p.id, invoices: invoices.slice(0, 1), dryRun: true });
      expect(unknownField.status).toBe(400);
      expect(unknownField.body.violations).toEqual([expect.objectContaining({ field: 'dryRun', rule: 'unknown_field' })]);
      const notAList = await platform.http().post('/v1/invoices/bulk').set(auth(s.admin)).send({ programId: p.id, invoices: { 0: invoices[0] } });
      expect(notAList.status).toBe(400);
      expect(notAList.body.field).toBe('invoices');
      const tooMany = await platform.http().post('/v1/invoices/bulk').set(auth(s.admin)).send({ programId: p.id, invoices: Array(10_001).fill(invoices[0]) });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.field).toBe('invoices');
    });

    it('confirms and rejects in bulk all or nothing, naming ids that are not decidable', async () => {
      const { program: p, supplier: s } = await freshProgram();
      const ids: string[] = [];
      for (let i = 0; i < 4; i += 1) ids.push((await submit(s.admin, invoiceBody({ programId: p.id }))).body.id);
      const stranger = randomUUID();
      await platform.http().post(`/v1/invoices/${ids[3]}/reject`).set(auth(anchor.admin)).send({ reason: 'not ours' });

      const refused = await platform.http().post('/v1/invoices/confirmations').set(auth(anchor.admin)).send({ invoiceIds: [ids[0], stranger, ids[3], ids[0]] });
      expect(refused.status).toBe(400);
      expect(refused.body.violations).toEqual([
        expect.objectContaining({ field: 'invoiceIds[1]', rule: 'not_found' }),
        expect.objectContaining({ field: 'invoiceIds[2]', rule: 'invalid_state' }),
        expect.objectContaining({ field: 'invoiceIds[3]', rule: 'duplicate_in_batch' }),
      ]);
      expect(await platform.sql(`SELECT id FROM invoices WHERE id = $1 AND status = 'SUBMITTED'`, [ids[0]])).toHaveLength(1);

      const otherAnchor = await createAnchor(platform, bank);
      const foreign = await platform.http().post('/v1/invoices/confirmations').set(auth(otherAnchor.admin)).send({ invoiceIds: [ids[0]] });
      expect(foreign.status).toBe(400);
      expect(foreign.body.violations).toEqual([expect.objectContaining({ field: 'invoiceIds[0]', rule: 'not_found' })]);

      const confirmed = await platform.http().post('/v1/invoices/confirmations').set(auth(anchor.admin)).send({ invoiceIds: [ids[0], ids[1]] });
      expect(confirmed.status).toBe(200);
      expect(confirmed.body.count).toBe(2);
      const rejected = await platform.http().post('/v1/invoices/rejections').set(auth(anchor.admin)).send({ invoiceIds: [ids[2]], reason: 'price dispute' });
      expect(rejected.status).toBe(200);
      expect(rejected.body).toEqual({ count: 1, invoiceIds: [ids[2]] });
      const statuses = await platform.sql(`SELECT status, count(*)::int AS n FROM invoices WHERE program_id = $1 GROUP BY status ORDER BY status`, [p.id]);
      expect(statuses).toEqual([{ status: 'CONFIRMED', n: 2 }, { status: 'REJECTED', n: 2 }]);
    });

    it('takes the anchor\'s payables as confirmed receivables at once', async () => {
      const { program: p, supplier: s1 } = await freshProgram();
      const s2 = await createSupplier(platform, anchor.id);
      await enrolSupplier(platform, bank, anchor, p.id, s2.id);
      const outsider = await createSupplier(platform);
      const pending = await createSupplier(platform, anchor.id);
      await enrolSupplier(platform, bank, anchor, p.id, pending.id, { approve: false });
      const payables = [
        { supplierId: s1.id, invoiceNumber: 'P-1', currency: 'CNY', amount: '250000.00', issueDate: '2026-02-20', dueDate: '2026-05-20' },
        { supplierId: s2.id, invoiceNumber: 'P-1', currency: 'CNY', amount: '750000.50', issueDate: '2026-02-21', dueDate: '2026-06-21' },
      ];

      const refused = await platform
        .http()
        .post('/v1/payables/bulk')
        .set(auth(anchor.admin))
        .send({
          programId: p.id,
          payables: [
            ...payables,
            { ...payables[0], supplierId: outsider.id, invoiceNumber: 'P-2' },
            { ...payables[0], supplierId: 'x' },
            { ...payables[0], supplierId: pending.id },
          ],
        });
      expect(refused.status).toBe(400);
      expect(refused.body.violations).toEqual([
        expect.objectContaining({ field: 'payables[2].supplierId', rule: 'supplier_not_enrolled' }),
        expect.objectContaining({ field: 'payables[3].supplierId', rule: 'id_malformed' }),
        expect.objectContaining({ field: 'payables[4].supplierId', rule: 'supplier_not_enrolled' }),
      ]);
      expect(await platform.sql(`SELECT id FROM invoices WHERE program_id = $1`, [p.id])).toEqual([]);

      const supplierTry = await platform.http().post('/v1/payables/bulk').set(auth(s1.admin)).send({ programId: p.id, payables });
      expect(supplierTry.status).toBe(403);
      const otherAnchor = await createAnchor(platform, bank);
      const foreign = await platform.http().post('/v1/payables/bulk').set(auth(otherAnchor.admin)).send({ programId: p.id, payables });
      expect(foreign.status).toBe(404);

      const uploaded = await platform.http().post('/v1/payables/bulk').set(auth(anchor.admin)).send({ programId: p.id, payables });
      expect(uploaded.status).toBe(201);
      expect(uploaded.body.count).toBe(2);
      const receivables = await platform.sql(
        `SELECT r.supplier_id, r.face_amount, r.status, i.status AS invoice_status, i.submitted_by_organisation_id, p.amount AS part
           FROM receivables r JOIN invoices i ON i.id = r.invoice_id JOIN receivable_parts p ON p.receivable_id = r.id
          WHERE r.program_id = $1 ORDER BY r.face_amount`,
        [p.id],
      );
      expect(receivables).toEqual([
        { supplier_id: s1.id, face_amount: '250000.0000', status: 'OPEN', invoice_status: 'CONFIRMED', submitted_by_organisation_id: anchor.id, part: '250000.0000' },
        { supplier_id: s2.id, face_amount: '750000.5000', status: 'OPEN', invoice_status: 'CONFIRMED', submitted_by_organisation_id: anchor.id, part: '750000.5000' },
      ]);
      const jobs = await platform.sql<{ payload: { receivableIds: string[] } }>(`SELECT payload FROM outbox WHERE payload->>'programId' = $1 AND payload ? 'receivableIds'`,
        [p.id],
      );
      expect(jobs).toHaveLength(1);
      expect(jobs[0].payload.receivableIds.sort()).toEqual(uploaded.body.invoices.map((row: { receivableId: string }) => row.receivableId).sort());

      const s2View = await platform.http().get('/v1/invoices').set(auth(s2.admin));
      expect(s2View.body.items).toEqual([expect.objectContaining({ invoiceNumber: 'P-1', amount: '750000.50', status: 'CONFIRMED' })]);

      const again = await platform.http().post('/v1/payables/bulk').set(auth(anchor.admin)).send({ programId: p.id, payables: [payables[0]] });
      expect(again.status).toBe(400);
      expect(again.body.violations).toEqual([expect.objectContaining({ field: 'payables[0].invoiceNumber', rule: 'duplicate_invoice' })]);
    });
  });

  describe('credit notes', () => {
    it('reduce a submitted invoice, and its receivable is born net of them', async () => {
      const submitted = await submit(supplier.admin, invoiceBody({ amount: '1000000.00' }));
      const note = await platform
        .http()
        .post(`/v1/invoices/${submitted.body.id}/credit-notes`)
        .set(auth(supplier.admin))
        .send({ creditNoteNumber: 'CN-1', amount: '100000.25' });
      expect(note.status).toBe(201);
      expect(note.body).toMatchObject({ creditNoteNumber: 'CN-1', amount: '100000.25', invoice: { creditedAmount: '100000.25', payableAmount: '899999.75' } });
      const confirmed = await confirm(anchor.admin, submitted.body.id);
      const [receivable] = await platform.sql(`SELECT face_amount FROM receivables WHERE id = $1`, [confirmed.body.receivableId]);
      expect(receivable.face_amount).toBe('899999.7500');
    });

    it('reduce an OPEN receivable and its part, withdraw its open offer and ask for a new one', async () => {
      const submitted = await submit(supplier.admin, invoiceBody({ amount: '1000000.00' }));
      const { receivableId } = (await confirm(anchor.admin, submitted.body.id)).body;
      const offerId = await insertOpenOffer(platform, receivableId, enrolmentId);
      const withOffer = await platform.http().get(`/v1/receivables/${receivableId}`).set(auth(supplier.admin));
      expect(withOffer.body.openOffer).toMatchObject({ id: offerId, advance: '900000.00', discount: '10983.75', fee: '900.00', netProceeds: '888116.25', annualRate: '0.0505' });
      const anchorView = await platform.http().get(`/v1/receivables/${receivableId}`).set(auth(anchor.admin));
      // The anchor owes the receivable but does not see its supplier's price: no openOffer at all.
      expect(anchorView.status).toBe(200);
      expect(anchorView.body).not.toHaveProperty('openOffer');
      expect(anchorView.body).toMatchObject({ id: receivableId, faceAmount: '1000000.00', payeeId: supplier.id });

      const note = await platform
        .http()
        .post(`/v1/invoices/${submitted.body.id}/credit-notes`)
        .set(auth(supplier.admin))
        .send({ creditNoteNumber: 'CN-7', amount: '50000.00' });
      expect(note.status).toBe(201);
      expect(note.body.invoice).toMatchObject({ amount: '1000000.00', creditedAmount: '50000.00', payableAmount: '950000.00', receivableId });

      const after = await platform.http().get(`/v1/receivables/${receivableId}`).set(auth(supplier.admin));
      expect(after.body).toMatchObject({ faceAmount: '950000.00', parts: [{ holderId: supplier.id, amount: '950000.00' }], openOffer: null });
      const [offer] = await platform.sql(`SELECT status, closed_at FROM offers WHERE id = $1`, [offerId]);
      expect(offer).toEqual({ status: 'WITHDRAWN', closed_at: expect.any(Date) });
      expect((await offerJobsFor(receivableId)).map((row) => row.payload)).toEqual([
        { programId: program.id, receivableIds: [receivableId] },
        { programId: program.id, receivableIds: [receivableId] },
      ]);
      const [event] = await platform.sql(`SELECT after FROM business_events WHERE object_id = $1 AND action = 'invoice.credited'`, [submitted.body.id]);
      expect(event.after).toMatchObject({ amount: '50000.00', creditedAmount: '50000.00', receivableId });

      const duplicate = await platform
        .http()
        .post(`/v1/invoices/${submitted.body.id}/credit-notes`)
        .set(auth(supplier.admin))
        .send({ creditNoteNumber: 'CN-7', amount: '1.00' });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.code).toBe('duplicate_credit_note');

      const tooMuch = await platform
        .http()
        .post(`/v1/invoices/${submitted.body.id}/credit-notes`)
        .set(auth(supplier.admin))
        .send({ creditNoteNumber: 'CN-8', amount: '950000.00' });
      expect(tooMuch.status).toBe(409);
      expect(tooMuch.body).toMatchObject({ code: 'credit_exceeds_amount', field: 'amount' });
      const tooPrecise = await platform
        .http()
        .post(`/v1/invoices/${submitted.body.id}/credit-notes`)
        .set(auth(supplier.admin))
        .send({ creditNoteNumber: 'CN-9', amount: '1.001' });
      expect(tooPrecise.status).toBe(400);
      expect(tooPrecise.body.field).toBe('amount');
      const [face] = await platform.sql(`SELECT face_amount FROM receivables WHERE id = $1`, [receivableId]);
      expect(face.face_amount).toBe('950000.0000');
    });

    it('are refused once financing was requested', async () => {
      const submitted = await submit(supplier.admin, invoiceBody());
      const { receivableId } = (await confirm(anchor.admin, submitted.body.id)).body;
      await platform.sql(`UPDATE receivables SET status = 'FINANCING_REQUESTED' WHERE id = $1`, [receivableId]);
      const res = await platform
        .http()
        .post(`/v1/invoices/${submitted.body.id}/credit-notes`)
        .set(auth(supplier.admin))
        .send({ creditNoteNumber: 'CN-1', amount: '10.00' });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('receivable_in_financing');
      expect(await platform.sql(`SELECT id FROM credit_notes WHERE invoice_id = $1`, [submitted.body.id])).toEqual([]);
      const [state] = await platform.sql(`SELECT i.credited_amount, r.face_amount FROM invoices i JOIN receivables r ON r.invoice_id = i.id WHERE i.id = $1`, [
        submitted.body.id,
      ]);
      expect(state).toEqual({ credited_amount: '0.0000', face_amount: '1000000.0000' });
      // Back to OPEN: a receivable in financing without a financing would break the platform's invariants.
      await platform.sql(`UPDATE receivables SET status = 'OPEN' WHERE id = $1`, [receivableId]);
    });
  });

  describe('visibility', () => {
    it('keeps invoices and receivables inside their organisations', async () => {
      const submitted = await submit(supplier.admin, invoiceBody());
      const id = submitted.body.id;
      const otherSupplier = await createSupplier(platform, anchor.id);
      await enrolSupplier(platform, bank, anchor, program.id, otherSupplier.id);
      const otherAnchor = await createAnchor(platform, bank);
      const otherBank = await createBank(platform);

      expect((await platform.http().get(`/v1/invoices/${id}`).set(auth(otherSupplier.admin))).status).toBe(404);
      expect((await platform.http().get(`/v1/invoices/${id}`).set(auth(otherAnchor.admin))).status).toBe(404);
      expect((await platform.http().get(`/v1/invoices/${id}`).set(auth(otherBank.operations))).status).toBe(404);
      expect((await platform.http().get(`/v1/invoices/${id}`).set(auth(bank.operations))).status).toBe(200);
      expect((await platform.http().get(`/v1/invoices/${id}`).set(auth(anchor.admin))).status).toBe(200);

      expect((await confirm(otherSupplier.admin, id)).status).toBe(403);
      expect((await confirm(supplier.admin, id)).status).toBe(403);
      expect((await confirm(bank.checker, id)).status).toBe(403);
      const foreign = await confirm(otherAnchor.admin, id);
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe('not_found');
      const foreignNote = await platform.http().post(`/v1/invoices/${id}/credit-notes`).set(auth(otherSupplier.admin)).send({ creditNoteNumber: 'X', amount: '1.00' });
      expect(foreignNote.status).toBe(404);
      expect((await platform.sql(`SELECT status FROM invoices WHERE id = $1`, [id]))[0].status).toBe('SUBMITTED');

      const { receivableId } = (await confirm(anchor.admin, id)).body;
      expect((await platform.http().get(`/v1/receivables/${receivableId}`).set(auth(otherSupplier.admin))).status).toBe(404);
      expect((await platform.http().get(`/v1/receivables/${receivableId}`).set(auth(otherAnchor.admin))).status).toBe(404);
      expect((await platform.http().get(`/v1/receivables/${receivableId}`).set(auth(otherBank.operations))).status).toBe(404);
      expect((await platform.http().get(`/v1/receivables/${receivableId}`).set(auth(bank.operations))).status).toBe(200);

      const otherLists = await Promise.all(
        [otherSupplier.admin, otherAnchor.admin, otherBank.operations].map((session) => platform.http().get('/v1/receivables').set(auth(session))),
      );
      for (const list of otherLists) expect(list.body.items.map((row: { id: string }) => row.id)).not.toContain(receivableId);
      // A supplier can't widen its list by naming another supplier.
      const widened = await platform.http().get(`/v1/invoices?supplierId=${supplier.id}`).set(auth(otherSupplier.admin));
      expect(widened.body.items).toEqual([]);
    });
  });

  describe('a large book', () => {
    it('serves a supplier\'s receivables page from the index, whatever the size of its book', async () => {
      const { program: p, supplier: s } = await freshProgram();
      // 100,000 confirmed receivables of one supplier, written as the confirmation would.
      await platform.sql(
        `WITH invoice AS (
           INSERT INTO invoices (program_id, supplier_id, anchor_id, invoice_number, currency, amount, issue_date, due_date, status,
                                 submitted_by_organisation_id, decided_at)
           SELECT $1, $2, $3, 'BOOK-' || g, 'CNY', 1000 + g % 5000, '2026-01-01', date '2026-03-02' + g % 600, 'CONFIRMED', $2, now()
             FROM generate_series(1, 100000) g
           RETURNING *
         ), receivable AS (
           INSERT INTO receivables (invoice_id, program_id, supplier_id, anchor_id, currency, face_amount, due_date, status)
           SELECT id, program_id, supplier_id, anchor_id, currency, amount, due_date, 'OPEN' FROM invoice
           RETURNING id, supplier_id, face_amount
         )
         INSERT INTO receivable_parts (receivable_id, holder_id, amount) SELECT id, supplier_id, face_amount FROM receivable`,
        [p.id, s.id, anchor.id],
      );
      await platform.sql(`ANALYZE receivables`);
      const page = await platform.http().get('/v1/receivables?limit=50').set(auth(s.admin));
      expect(page.body.hasMore).toBe(true);
      expect(page.body.items.map((row: { dueDate: string }) => row.dueDate)).toEqual(Array(50).fill('2026-03-02'));

      // Timed in-process, without HTTP and authentication, so that only the query is measured.
      const receivables = platform.app.get(ReceivablesService);
      const actor: Actor = { userId: s.admin.userId, organisationId: s.id, organisationType: OrganisationType.SUPPLIER, roles: [Role.SUPPLIER_ADMIN] };
      const timings: number[] = [];
      for (let i = 0; i < 100; i += 1) {
        const started = process.hrtime.bigint();
        await receivables.list(actor, {}, { limit: 50, offset: 0 });
        timings.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      timings.sort((x, y) => x - y);
      // About 1 ms from receivables_supplier_idx; sorting the whole book instead costs ~40 ms here
      // (and seconds at 1,000,000 rows).
      expect(timings[50]).toBeLessThan(10);
    });
  });

  describe('lists', () => {
    it('filter, sort and page invoices and receivables', async () => {
      const { program: p, supplier: s } = await freshProgram();
      const dues = ['2026-04-10', '2026-06-10', '2026-05-10', '2026-07-10'];
      const ids: string[] = [];
      for (const [i, dueDate] of dues.entries()) {
        ids.push((await submit(s.admin, invoiceBody({ programId: p.id, dueDate, amount: `${(i + 1) * 100}.00` }))).body.id);
      }
      for (const id of ids.slice(0, 3)) await confirm(anchor.admin, id);

      const byDue = await platform.http().get(`/v1/invoices?sort=dueDate&programId=${p.id}`).set(auth(s.admin));
      expect(byDue.status).toBe(200);
      expect(byDue.body.items.map((row: { dueDate: string }) => row.dueDate)).toEqual(['2026-04-10', '2026-05-10', '2026-06-10', '2026-07-10']);
      const submittedOnly = await platform.http().get(`/v1/invoices?status=SUBMITTED&programId=${p.id}`).set(auth(anchor.admin));
      expect(submittedOnly.body.items.map((row: { id: string }) => row.id)).toEqual([ids[3]]);
      const bankView = await platform.http().get(`/v1/invoices?programId=${p.id}&sort=-amount&limit=2`).set(auth(bank.operations));
      expect(bankView.body).toMatchObject({ limit: 2, offset: 0, hasMore: true });
      expect(bankView.body.items.map((row: { amount: string }) => row.amount)).toEqual(['400.00', '300.00']);

      const receivables = await platform.http().get('/v1/receivables?limit=2').set(auth(s.admin));
      expect(receivables.status).toBe(200);
      expect(receivables.body).toMatchObject({ limit: 2, hasMore: true });
      expect(receivables.body.items.map((row: { dueDate: string; faceAmount: string }) => [row.dueDate, row.faceAmount])).toEqual([
        ['2026-04-10', '100.00'],
        ['2026-05-10', '300.00'],
      ]);
      const nextPage = await platform.http().get('/v1/receivables?limit=2&offset=2').set(auth(s.admin));
      expect(nextPage.body).toMatchObject({ hasMore: false, items: [expect.objectContaining({ dueDate: '2026-06-10' })] });
      const ranged = await platform.http().get(`/v1/receivables?dueFrom=2026-05-01&dueTo=2026-06-30&sort=-dueDate&programId=${p.id}`).set(auth(anchor.admin));
      expect(ranged.body.items.map((row: { dueDate: string }) => row.dueDate)).toEqual(['2026-06-10', '2026-05-10']);
      await platform.sql(`UPDATE receivables SET status = 'FINANCED' WHERE invoice_id = $1`, [ids[1]]);
      const financed = await platform.http().get('/v1/receivables?status=FINANCED').set(auth(s.admin));
      expect(financed.body.items.map((row: { invoiceId: string }) => row.invoiceId)).toEqual([ids[1]]);
      await platform.sql(`UPDATE receivables SET status = 'OPEN' WHERE invoice_id = $1`, [ids[1]]);
      const badRange = await platform.http().get('/v1/receivables?dueFrom=2026-06-01&dueTo=2026-05-01').set(auth(s.admin));
      expect(badRange.status).toBe(400);
      expect(badRange.body.field).toBe('dueTo');
    });
  });

  it('refuses invoices and payables outside the program\'s validity dates, and stores nothing', async () => {
    const before = await platform.sql(`SELECT count(*)::int AS n FROM invoices`);
    await platform.setBusinessDate('2028-01-03');
    try {
      const late = await submit(supplier.admin, invoiceBody({ issueDate: '2028-01-01', dueDate: '2028-03-01' }));
      expect(late.status).toBe(409);
      expect(late.body).toMatchObject({ code: 'program_not_active' });
      expect(late.body.detail).toMatch(/valid from 2026-01-01 to 2027-12-31/);
    } finally {
      await platform.setBusinessDate('2026-03-01');
    }
    expect(await platform.sql(`SELECT count(*)::int AS n FROM invoices`)).toEqual(before);
  });
});
