import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Platform } from './support/platform';
import { auth, Bank, createActiveProgram, createAnchor, createBank, enrolNewSupplier, Session } from './support/fixtures';

jest.setTimeout(120_000);

/** What a newcomer's first malformed requests meet: a 4xx that names what is wrong, and a document that tells the truth. */
describe('input hygiene', () => {
  let platform: Platform;
  let bank: Bank;
  let anchor: { id: string; admin: Session };
  let supplier: Session;
  let programId: string;
  beforeAll(async () => {
    platform = await Platform.start({ worker: false });
    bank = await createBank(platform);
    anchor = await createAnchor(platform, bank);
    programId = (await createActiveProgram(platform, bank, anchor.id)).id;
    supplier = (await enrolNewSupplier(platform, bank, anchor, programId, '5000000.00')).admin;
  });
  afterAll(() => platform.stop());

  const invoice = (overrides: Record<string, unknown> = {}) => ({
    programId,
    invoiceNumber: `INV-${randomUUID().slice(0, 8)}`,
    currency: 'CNY',
    amount: '1000.00',
    issueDate: '2026-02-26',
    dueDate: '2026-05-27',
    ...overrides,
  });

  it.each([
    ['a NUL', 'wrong\u0000amount'],
    ['a lone high surrogate', 'wrong amount \ud800'],
    ['a lone low surrogate', '\udc00wrong amount'],
  ])('refuses %s in a free-text field with 400 naming the field, and stores nothing', async (_, reason) => {
    const submitted = await platform.http().post('/v1/invoices').set(auth(supplier)).send(invoice());
    const res = await platform.http().post(`/v1/invoices/${submitted.body.id}/reject`).set(auth(anchor.admin)).send({ reason });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', field: 'reason', violations: [{ field: 'reason', rule: 'malformed_text' }] });
    expect((await platform.sql<{ status: string }>(`SELECT status FROM invoices WHERE id = $1`, [submitted.body.id]))[0].status).toBe('SUBMITTED');
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded'])('answers a %s body on a JSON route with 415 problem+json, not a list of missing fields', async (type) => {
    const res = await platform.http().post('/v1/invoices').set(auth(supplier)).set('Content-Type', type).send(type === 'text/plain' ? JSON.stringify(invoice()) : 'programId=x');
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'unsupported_media_type', field: 'Content-Type' });
  });

  it('names the field of a well-formed id whose parent does not exist in the 404', async () => {
    const missing = randomUUID();
    const invoiceRes = await platform.http().post('/v1/invoices').set(auth(supplier)).send(invoice({ programId: missing }));
    expect(invoiceRes.status).toBe(404);
    expect(invoiceRes.body).toMatchObject({ code: 'not_found', field: 'programId' });
    const enrolment = await platform.http().post(`/v1/programs/${missing}/enrolments`).set(auth(anchor.admin)).send({ subLimit: '1000.00', supplierId: randomUUID() });
    expect(enrolment.status).toBe(404);
    expect(enrolment.body).toMatchObject({ code: 'not_found', field: 'programId' });
    const creditNote = await platform.http().post(`/v1/invoices/${missing}/credit-notes`).set(auth(supplier)).send({ creditNoteNumber: 'CN-1', amount: '1.00' });
    expect(creditNote.status).toBe(404);
    expect(creditNote.body).toMatchObject({ code: 'not_found', field: 'invoiceId' });
  });

  it('names in the OpenAPI document only error codes the code can answer', async () => {
    const document = (await platform.http().get('/docs/json')).body;
    const named = new Map<string, string>();
    const problem = document.components.schemas.Problem.properties;
    named.set(problem.code.example, 'Problem.code example');
    named.set(String(problem.type.example).split('/').pop()!, 'Problem.type example');
    named.set(document.components.schemas.ProblemViolation.properties.rule.example, 'ProblemViolation.rule example');
    for (const [path, operations] of Object.entries<Record<string, { responses: Record<string, { description?: string }> }>>(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (!/^4/.test(status)) continue;
          for (const code of response.description?.match(/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g) ?? []) named.set(code, `${method.toUpperCase()} ${path} ${status}`);
        }
      }
    }
    // What the code can answer: the codes in its sources outside the document's own words (the
    // @Api… decorators, their descriptions and examples), and the codes the problem filter derives
    // from HTTP statuses. Migrations only hold old data.
    const code = (readSources(join(__dirname, '..', 'apps')) + readSources(join(__dirname, '..', 'libs')))
      .split('\n')
      .filter((line) => !/@Api|description:|example:/.test(line))
      .join('\n');
    const thrown = code.match(/(?<=['`])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?=['`])/g) ?? [];
    const fromStatuses = [...readFileSync(join(__dirname, '../apps/api/src/http/problem.filter.ts'), 'utf8').matchAll(/\d{3}: '([A-Za-z ]+)'/g)].map((match) =>
      match[1].toLowerCase().replace(/ /g, '_'),
    );
    const answered = new Set([...thrown, ...fromStatuses]);
    const unknown = [...named].filter(([code]) => !answered.has(code)).map(([code, where]) => `${code} (${where})`);
    expect(unknown).toEqual([]);
    expect(named.size).toBeGreaterThan(20);
  });
});

function readSources(dir: string): string {
  return readdirSync(dir, { withFileTypes: true })
    .map((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'migrations' || entry.name === 'web' ? '' : readSources(path);
      // openapi-conventions.ts only writes the document's words.
      const code = entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && entry.name !== 'openapi-conventions.ts';
      return code ? readFileSync(path, 'utf8') : '';
    })
    .join('\n');
}
