jest.setTimeout(120_000);

import { Platform, waitFor } from './support/platform';
import { auth, Bank, createActiveProgram, createAnchor, createBank, enrolNewSupplier, Session } from './support/fixtures';

describe('Idempotency-Key', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await Platform.start({ worker: false });
  });
  afterAll(() => platform.stop());

  const anchorBody = (email: string) => ({ type: 'ANCHOR', name: 'Idem Anchor', admin: { email, displayName: 'A' } });

  it('replays the first response for the same key and body, doing nothing twice', async () => {
    const bank = await createBank(platform);
    const body = anchorBody('idem-1@anchor.test');
    const first = await platform.http().post('/v1/organisations').set(auth(bank.admin)).set('Idempotency-Key', 'key-0000001').send(body);
    const second = await platform.http().post('/v1/organisations').set(auth(bank.admin)).set('Idempotency-Key', 'key-0000001').send(body);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    // The invitation token is shown once: the replay says which invitation was made, without it.
    expect(second.body).toEqual({ ...first.body, invitation: { ...first.body.invitation, token: null } });
    expect(first.body.invitation.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second.headers['idempotent-replayed']).toBe('true');
    const rows = await platform.sql(`SELECT count(*)::int AS n FROM users WHERE email = 'idem-1@anchor.test'`);
    expect(rows[0].n).toBe(1);
  });

  it('refuses the same key with a different body with 422', async () => {
    const bank = await createBank(platform);
    await platform.http().post('/v1/organisations').set(auth(bank.admin)).set('Idempotency-Key', 'key-0000002').send(anchorBody('idem-2@anchor.test'));
    const reused = await platform.http().post('/v1/organisations').set(auth(bank.admin)).set('Idempotency-Key', 'key-0000002').send(anchorBody('idem-3@anchor.test'));
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
    expect((await platform.sql(`SELECT 1 FROM users WHERE email = 'idem-3@anchor.test'`)).length).toBe(0);
  });

  it('keeps keys per organisation', async () => {
    const [a, b] = [await createBank(platform), await createBank(platform)];
    const first = await platform.http().post('/v1/organisations').set(auth(a.admin)).set('Idempotency-Key', 'shared-key-1').send(anchorBody('idem-4@anchor.test'));
    const other = await platform.http().post('/v1/organisations').set(auth(b.admin)).set('Idempotency-Key', 'shared-key-1').send(anchorBody('idem-5@anchor.test'));
    expect(first.status).toBe(201);
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);
  });

  it('lets exactly one of concurrent requests with the same key execute; the others get 409 or the replay', async () => {
    const bank = await createBank(platform);
    const body = anchorBody('idem-6@anchor.test');
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => platform.http().post('/v1/organisations').set(auth(bank.admin)).set('Idempotency-Key', 'race-key-01').send(body)),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    expect(responses.filter((r) => r.status === 409).every((r) => r.body.code === 'idempotency_key_in_progress')).toBe(true);
    const created = new Set(responses.filter((r) => r.status === 201).map((r) => r.body.id));
    expect(created.size).toBe(1);
    expect((await platform.sql(`SELECT count(*)::int AS n FROM users WHERE email = 'idem-6@anchor.test'`))[0].n).toBe(1);
  });

  it('rejects a malformed key and forgets the key of a failed request', async () => {
    const bank = await createBank(platform);
    const bad = await platform.http().post('/v1/organisations').set(auth(bank.admin)).set('Idempotency-Key', 'short').send(anchorBody('idem-7@anchor.test'));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('idempotency_key_invalid');
    const failing = { ...anchorBody('idem-8@anchor.test'), name: '' };
    expect((await platform.http().post('/v1/organisations').set(auth(bank.admin)).set('Idempotency-Key', 'key-0000009').send(failing)).status).toBe(400);
    const keys = await platform.sql(`SELECT 1 FROM idempotency_keys WHERE key = 'key-0000009'`);
    expect(keys.length).toBe(0);
  });

  describe('one transaction per claimed request', () => {
    let bank: Bank;
    let anchor: { id: string; admin: Session };
    let supplier: Session;
    let programId: string;
    beforeAll(async () => {
      bank = await createBank(platform);
      anchor = await createAnchor(platform, bank);
      programId = (await createActiveProgram(platform, bank, anchor.id)).id;
      supplier = (await enrolNewSupplier(platform, bank, anchor, programId, '5000000.00')).admin;
    });

    const invoice = (invoiceNumber: string) => ({ programId, invoiceNumber, currency: 'CNY', amount: '1000.00', issueDate: '2026-02-26', dueDate: '2026-05-27' });
    const submit = (key: string, body: object) => platform.http().post('/v1/invoices').set(auth(supplier)).set('Idempotency-Key', key).send(body);
    const invoicesNumbered = async (invoiceNumber: string) =>
      (await platform.sql<{ n: number }>(`SELECT count(*)::int AS n FROM invoices WHERE invoice_number = $1`, [invoiceNumber]))[0].n;
    const submitted = async (invoiceNumber: string): Promise<string> => {
      const res = await submit(`sub-${invoiceNumber}`, invoice(invoiceNumber));
      expect(res.status).toBe(201);
      return res.body.id;
    };
    // then(): supertest sends only when awaited, and some of these must be in flight while the test goes on.
    // The timeout turns a request stuck behind the test's own lock into a failure instead of a hang.
    const reject = (invoiceId: string, key: string) =>
      platform
        .http()
        .post(`/v1/invoices/${invoiceId}/reject`)
        .set(auth(anchor.admin))
        .set('Idempotency-Key', key)
        .timeout(10_000)
        .send({ reason: 'wrong amount' })
        .then((res) => res);
    const statusOf = async (invoiceId: string) => (await platform.sql<{ status: string }>(`SELECT status FROM invoices WHERE id = $1`, [invoiceId]))[0].status;

    /** Holds the invoice's row lock in a transaction of its own, so that a request rejecting it waits mid-transaction. */
    async function blockInvoice(invoiceId: string) {
      const client = await platform.db.connect();
      await client.query('BEGIN');
      await client.query(`SELECT 1 FROM invoices WHERE id = $1 FOR UPDATE`, [invoiceId]);
      return {
        /** The backend of the request waiting behind the lock, once it waits. */
        waiter: () =>
          waitFor(async () => {
            const [row] = await platform.sql<{ pid: number }>(
              `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%invoices%'`,
            );
            return row?.pid;
          }),
        release: async () => {
          await client.query('ROLLBACK');
          client.release();
        },
      };
    }

    it('a single invoice submission whose response is lost replays it', async () => {
      const body = invoice('INV-LOST-1');
      const first = await submit('lost-0000001', body);
      const retry = await submit('lost-0000001', body);
      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(await invoicesNumbered('INV-LOST-1')).toBe(1);
    });

    describe('when storing the response fails after the request wrote', () => {
      // Stands in for a crash between the request's writes and its response: storing keys "dies-…" fails.
      beforeAll(async () => {
        await platform.sql(`CREATE FUNCTION fail_to_store_response() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'response lost'; END $$`);
        await platform.sql(
          `CREATE TRIGGER idempotency_response_lost BEFORE INSERT ON idempotency_keys FOR EACH ROW WHEN (NEW.key LIKE 'dies-%') EXECUTE FUNCTION fail_to_store_response()`,
        );
      });
      afterAll(async () => {
        await platform.sql(`DROP TRIGGER IF EXISTS idempotency_response_lost ON idempotency_keys`);
        await platform.sql(`DROP FUNCTION IF EXISTS fail_to_store_response()`);
      });

      it('commits none of its writes, and the retry carries the submission out once (not duplicate_invoice)', async () => {
        const body = invoice('INV-DIES-1');
        const failed = await submit('dies-0000001', body);
        expect(failed.status).toBe(500);
        expect(await invoicesNumbered('INV-DIES-1')).toBe(0);
        expect(await platform.sql(`SELECT 1 FROM idempotency_keys WHERE key = 'dies-0000001'`)).toEqual([]);

        await platform.sql(`DROP TRIGGER idempotency_response_lost ON idempotency_keys`);
        const retry = await submit('dies-0000001', body);
        expect(retry.status).toBe(201);
        expect(retry.body.invoiceNumber).toBe('INV-DIES-1');
        const replay = await submit('dies-0000001', body);
        expect(replay.headers['idempotent-replayed']).toBe('true');
        expect(replay.body).toEqual(retry.body);
        expect(await invoicesNumbered('INV-DIES-1')).toBe(1);
      });
    });

    it('never takes over a claim whose request is still running, however long it runs', async () => {
      const invoiceId = await submitted('INV-RUN-1');
      const blocker = await blockInvoice(invoiceId);
      const running = reject(invoiceId, 'run-0000001');
      try {
        await blocker.waiter();
        const meanwhile = await reject(invoiceId, 'run-0000001');
        expect(meanwhile.status).toBe(409);
        expect(meanwhile.body.code).toBe('idempotency_key_in_progress');
      } finally {
        await blocker.release();
      }
      const first = await running;
      expect(first.status).toBe(200);
      expect(first.body.status).toBe('REJECTED');
      const retry = await reject(invoiceId, 'run-0000001');
      expect(retry.status).toBe(200);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(await platform.sql(`SELECT 1 FROM business_events WHERE object_id = $1 AND action = 'invoice.rejected'`, [invoiceId])).toHaveLength(1);
    });

    it('takes over the claim of a request that died, at once', async () => {
      const invoiceId = await submitted('INV-DEAD-1');
      const blocker = await blockInvoice(invoiceId);
      const dying = reject(invoiceId, 'dead-0000001');
      try {
        await platform.sql(`SELECT pg_terminate_backend($1)`, [await blocker.waiter()]);
        expect((await dying).status).toBe(500);
      } finally {
        await blocker.release();
      }
      expect(await statusOf(invoiceId)).toBe('SUBMITTED');
      const retry = await reject(invoiceId, 'dead-0000001');
      expect(retry.status).toBe(200);
      expect(retry.body.status).toBe('REJECTED');
    });

    it('commits nothing when the key was stored meanwhile by another request (the mark must store exactly one row)', async () => {
      const invoiceId = await submitted('INV-MARK-1');
      const blocker = await blockInvoice(invoiceId);
      const running = reject(invoiceId, 'mark-0000001');
      try {
        await blocker.waiter();
        await platform.sql(
          `INSERT INTO idempotency_keys (organisation_id, key, request_hash, response_status, response_body, expires_at)
           VALUES ($1, 'mark-0000001', 'another request', 200, '{}', now() + interval '1 day')`,
          [anchor.id],
        );
      } finally {
        await blocker.release();
      }
      const res = await running;
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('idempotency_key_in_progress');
      expect(await statusOf(invoiceId)).toBe('SUBMITTED');
    });
  });
});
