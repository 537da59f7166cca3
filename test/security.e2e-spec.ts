import { execFile } from 'node:child_process';
import { createCipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Logger } from '@nestjs/common';
import { FieldCipher } from '@scf/identity';
import { RateLimiter } from '../apps/api/src/security/rate-limiter';
import { Platform } from './support/platform';
import { acceptInvitation, auth, Bank, createActiveProgram, createBank, enrolNewSupplier, login, PASSWORD, Session } from './support/fixtures';

const DIST = process.env.SCF_DIST ?? join(__dirname, '..', 'dist');
const ORIGIN = 'https://portal.example.com';
const WRITES_PER_MINUTE = 20;
const ACCOUNT = '6222021234567890123';
const TAX_ID = '91310000MA1FL7Q21X';

const unique = () => randomUUID().slice(0, 8);
const apiKey = (key: string) => ({ 'X-API-Key': key });

jest.setTimeout(120_000);

describe('security', () => {
  let platform: Platform;
  let bank: Bank;

  beforeAll(async () => {
    platform = await Platform.start({
      worker: false,
      env: { CORS_ORIGINS: ORIGIN, RATE_LIMIT_WRITES_PER_MINUTE: String(WRITES_PER_MINUTE), RATE_LIMIT_LOGINS_PER_MINUTE: '10' },
    });
    bank = await createBank(platform);
  });
  afterAll(() => platform.stop());

  /** A bank onboards an anchor with a tax id and bank account; returns the anchor and its admin. */
  async function onboardAnchor(by: Session = bank.admin) {
    const email = `admin-${unique()}@anchor.test`;
    const res = await platform
      .http()
      .post('/v1/organisations')
      .set(auth(by))
      .send({ type: 'ANCHOR', name: `Anchor ${unique()}`, taxId: TAX_ID, bankAccount: ACCOUNT, admin: { email, displayName: 'Anchor admin', roles: ['ANCHOR_ADMIN', 'ANCHOR_PAYABLES'] } });
    expect(res.status).toBe(201);
    await acceptInvitation(platform, res.body.invitation);
    return { id: res.body.id as string, body: res.body, admin: await login(platform, email) };
  }

  async function issueKey(admin: Session, scopes = ['ANCHOR_PAYABLES']) {
    const res = await platform.http().post('/v1/api-keys').set(auth(admin)).send({ name: 'ERP upload', scopes });
    expect(res.status).toBe(201);
    return res.body as { id: string; key: string; prefix: string; scopes: string[] };
  }

  describe('headers, CORS and errors', () => {
    it('sends security headers and no fingerprint', async () => {
      const res = await platform.http().get('/health/live');
      expect(res.status).toBe(200);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers['x-powered-by']).toBeUndefined();
    });

    it('allows the configured origin only', async () => {
      const allowed = await platform
        .http()
        .options('/v1/auth/login')
        .set('Origin', ORIGIN)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type,idempotency-key');
      expect(allowed.status).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(allowed.headers['access-control-allow-headers']).toMatch(/Idempotency-Key/);
      expect(allowed.headers['access-control-allow-credentials']).toBeUndefined();

      const foreign = await platform.http().options('/v1/auth/login').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
      expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
      const simple = await platform.http().get('/health/live').set('Origin', 'https://evil.example');
      expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('answers an unknown route and a missing credential with problem+json', async () => {
      const unknown = await platform.http().get('/v1/no-such-route');
      expect(unknown.status).toBe(404);
      expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(unknown.body).toMatchObject({ status: 404, code: 'not_found' });
      const anonymous = await platform.http().get('/v1/organisations/mine');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['content-type']).toMatch(/application\/problem\+json/);
    });
  });

  describe('rate limits', () => {
    it('limits login attempts per address and email with 429, Retry-After and a problem body', async () => {
      const email = `nobody-${unique()}@x.test`;
      for (let i = 0; i < 10; i += 1) {
        expect((await platform.http().post('/v1/auth/login').send({ email, password: 'wrong-password' })).status).toBe(401);
      }
      const limited = await platform.http().post('/v1/auth/login').send({ email, password: 'wrong-password' });
      expect(limited.status).toBe(429);
      expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(limited.body).toMatchObject({ status: 429, code: 'too_many_requests' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      // Another email from the same address is counted apart.
      await login(platform, (await platform.sql<{ email: string }>(`SELECT email FROM users WHERE id = $1`, [bank.maker.userId]))[0].email);
    });

    it('limits writes per organisation, not reads and not other organisations, and shares the count through Redis', async () => {
      const own = await createBank(platform);
      const other = await createBank(platform);
      const write = (session: Session) => platform.http().patch('/v1/organisations/mine').set(auth(session)).send({ bankAccount: ACCOUNT });
      for (let i = 0; i < WRITES_PER_MINUTE; i += 1) expect((await write(own.admin)).status).toBe(200);
      const limited = await write(own.admin);
      expect(limited.status).toBe(429);
      expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await platform.http().get('/v1/organisations/mine').set(auth(own.admin))).status).toBe(200);
      expect((await write(other.admin)).status).toBe(200);

      // The counter lives in Redis (shared by every replica), with the window as its expiry.
      const redis = (platform.app.get(RateLimiter) as unknown as { redis: { pttl(key: string): Promise<number> } }).redis;
      const ttl = await redis.pttl(`writes:${own.id}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    });

    it('fails open when Redis goes away, and limits again when it is back', async () => {
      const own = await createBank(platform);
      const write = () => platform.http().patch('/v1/organisations/mine').set(auth(own.admin)).send({ taxId: TAX_ID });
      for (let i = 0; i < WRITES_PER_MINUTE; i += 1) await write();
      expect((await write()).status).toBe(429);

      const redis = (platform.app.get(RateLimiter) as unknown as { redis: { disconnect(): void; connect(): Promise<void> } }).redis;
      redis.disconnect();
      try {
        expect((await write()).status).toBe(200);
      } finally {
        await redis.connect();
      }
      expect((await write()).status).toBe(429);
    });

    it('accepts logins and writes when Redis is unreachable from the start', async () => {
      const isolated = await Platform.start({ worker: false, env: { REDIS_URL: 'redis://127.0.0.1:1/0', RATE_LIMIT_LOGINS_PER_MINUTE: '1', RATE_LIMIT_WRITES_PER_MINUTE: '1' } });
      try {
        const other = await createBank(isolated);
        await login(isolated, (await isolated.sql<{ email: string }>(`SELECT email FROM users WHERE id = $1`, [other.admin.userId]))[0].email);
        for (let i = 0; i < 3; i += 1) {
          expect((await isolated.http().patch('/v1/organisations/mine').set(auth(other.admin)).send({ taxId: TAX_ID })).status).toBe(200);
        }
      } finally {
        await isolated.stop();
      }
    });
  });

  describe('API keys', () => {
    it('issues a key once, stores only its hash, and authenticates with it in the issuing admin\'s name', async () => {
      const anchor = await onboardAnchor();
      const issued = await platform.http().post('/v1/api-keys').set(auth(anchor.admin)).send({ name: 'SAP payables', scopes: ['ANCHOR_PAYABLES'] });
      expect(issued.status).toBe(201);
      expect(issued.headers['cache-control']).toBe('no-store');
      expect(issued.body).toMatchObject({ name: 'SAP payables', scopes: ['ANCHOR_PAYABLES'], createdBy: anchor.admin.userId, lastUsedAt: null, revokedAt: null });
      const key: string = issued.body.key;
      expect(key).toMatch(/^scf_[A-Za-z0-9_-]{43}$/);
      expect(key.startsWith(issued.body.prefix)).toBe(true);

      const [row] = await platform.sql(`SELECT * FROM api_keys WHERE id = $1`, [issued.body.id]);
      expect(row.key_hash).toBe(createHash('sha256').update(key).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(key.slice(12));

      for (const headers of [apiKey(key), { Authorization: `ApiKey ${key}` }]) {
        const me = await platform.http().get('/v1/auth/me').set(headers);
        expect(me.status).toBe(200);
        expect(me.body).toEqual({
          userId: anchor.admin.userId,
          organisationId: anchor.id,
          organisationType: 'ANCHOR',
          roles: ['ANCHOR_PAYABLES'],
          apiKeyId: issued.body.id,
        });
      }
      // The key's scopes are all it can do: no admin routes, no sessions.
      expect((await platform.http().post('/v1/api-keys').set(apiKey(key)).send({ name: 'more', scopes: ['ANCHOR_PAYABLES'] })).status).toBe(403);
      expect((await platform.http().post('/v1/auth/logout').set(apiKey(key))).status).toBe(403);
      expect((await platform.http().post('/v1/auth/refresh').set(apiKey(key))).status).toBe(403);
      expect((await platform.http().get('/v1/auth/me').set({ ...apiKey(key), ...auth(anchor.admin) })).status).toBe(401);

      // A response carrying a secret is never stored for replay.
      const replayable = await platform.http().post('/v1/api-keys').set(auth(anchor.admin)).set('Idempotency-Key', 'erp-key-0001').send({ name: 'ERP', scopes: ['ANCHOR_PAYABLES'] });
      expect(replayable.status).toBe(400);
      expect(replayable.body.field).toBe('Idempotency-Key');
      const refresh = await platform.http().post('/v1/auth/refresh').set(auth(anchor.admin)).set('Idempotency-Key', 'refresh-0001');
      expect(refresh.status).toBe(400);
      const stored = await platform.sql(`SELECT key FROM idempotency_keys WHERE organisation_id = $1`, [anchor.id]);
      expect(stored).toEqual([]);

      const listed = await platform.http().get('/v1/api-keys').set(auth(anchor.admin));
      expect(listed.status).toBe(200);
      expect(listed.body.items).toHaveLength(1);
      expect(listed.body.items[0].lastUsedAt).toEqual(expect.any(String));
      expect(listed.body.items[0]).not.toHaveProperty('key');
      expect(listed.body.items[0]).not.toHaveProperty('keyHash');
      expect(JSON.stringify(listed.body)).not.toContain(key);
    });

    it('lets an ERP key scoped to ANCHOR_PAYABLES confirm a supplier\'s invoice, in the name of the admin who issued it', async () => {
      const anchor = await onboardAnchor();
      const program = await createActiveProgram(platform, bank, anchor.id);
      const supplier = await enrolNewSupplier(platform, bank, anchor, program.id, '1000000.00');
      const invoice = await platform
        .http()
        .post('/v1/invoices')
        .set(auth(supplier.admin))
        .send({ programId: program.id, invoiceNumber: `ERP-${unique()}`, currency: 'CNY', amount: '1000.00', issueDate: '2026-02-20', dueDate: '2026-05-20' });
      expect(invoice.status).toBe(201);
      const { key } = await issueKey(anchor.admin);
      const confirmed = await platform.http().post(`/v1/invoices/${invoice.body.id}/confirm`).set(apiKey(key)).send({});
      expect(confirmed.status).toBe(200);
      const [event] = await platform.sql(`SELECT actor_user_id, organisation_id FROM business_events WHERE action = 'invoice.confirmed' AND object_id = $1`, [invoice.body.id]);
      expect(event).toEqual({ actor_user_id: anchor.admin.userId, organisation_id: anchor.id });
      // Its scopes stop at payables: no bank or supplier work.
      expect((await platform.http().post('/v1/invoices').set(apiKey(key)).send({})).status).toBe(403);
    });

    it('revokes a key at once; another organisation can neither see nor revoke it', async () => {
      const anchor = await onboardAnchor();
      const other = await onboardAnchor();
      const issued = await issueKey(anchor.admin);
      expect((await platform.http().get('/v1/auth/me').set(apiKey(issued.key))).status).toBe(200);

      expect((await platform.http().delete(`/v1/api-keys/${issued.id}`).set(auth(other.admin))).status).toBe(404);
      expect((await platform.http().get('/v1/api-keys').set(auth(other.admin))).body.items).toEqual([]);
      const malformed = await platform.http().delete('/v1/api-keys/not-a-uuid').set(auth(anchor.admin));
      expect(malformed.status).toBe(400);
      expect(malformed.body.field).toBe('apiKeyId');

      expect((await platform.http().delete(`/v1/api-keys/${issued.id}`).set(auth(anchor.admin))).status).toBe(204);
      const refused = await platform.http().get('/v1/auth/me').set(apiKey(issued.key));
      expect(refused.status).toBe(401);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect((await platform.http().delete(`/v1/api-keys/${issued.id}`).set(auth(anchor.admin))).status).toBe(204);
      expect((await platform.http().get('/v1/auth/me').set(apiKey(`scf_${'x'.repeat(43)}`))).status).toBe(401);

      const events = await platform.sql<{ action: string; after: Record<string, unknown> }>(
        `SELECT action, after FROM business_events WHERE chain_id = $1 AND object_type = 'api-key' ORDER BY seq`,
        [anchor.id],
      );
      expect(events.map((e) => e.action)).toEqual(['api-key.created', 'api-key.revoked']);
      expect(JSON.stringify(events)).not.toContain(issued.key);
    });

    it('refuses bad input naming the field, admin scopes, other types\' roles, and non-admins', async () => {
      const anchor = await onboardAnchor();
      const post = (body: unknown, session = anchor.admin) => platform.http().post('/v1/api-keys').set(auth(session)).send(body as object);
      const cases: [unknown, string][] = [
        [{ scopes: ['ANCHOR_PAYABLES'] }, 'name'],
        [{ name: '   ', scopes: ['ANCHOR_PAYABLES'] }, 'name'],
        [{ name: 'k', scopes: [] }, 'scopes'],
        [{ name: 'k', scopes: ['ROOT'] }, 'scopes'],
        [{ name: 'k', scopes: ['ANCHOR_ADMIN'] }, 'scopes'],
        [{ name: 'k', scopes: ['BANK_APPROVER'] }, 'scopes'],
        [{ name: 'k', scopes: ['ANCHOR_PAYABLES'], organisationId: bank.id }, 'organisationId'],
      ];
      for (const [body, field] of cases) {
        const res = await post(body);
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.body.field).toBe(field);
      }
      expect((await post({ name: 'k', scopes: ['BANK_CREDIT_OFFICER'] }, bank.maker)).status).toBe(403);
    });
  });

  describe('organisation data privacy', () => {
    it('encrypts tax id and bank account at rest and masks them for anyone but the organisation\'s admins and banks', async () => {
      const anchor = await onboardAnchor();
      // The creation answer may be stored for Idempotency-Key replay: it shows them masked.
      expect(anchor.body).toMatchObject({ taxId: '****Q21X', bankAccount: '****0123' });

      const [row] = await platform.sql<{ tax_id: string; bank_account: string }>(`SELECT tax_id, bank_account FROM organisations WHERE id = $1`, [anchor.id]);
      expect(row.tax_id).toMatch(/^enc:v2:dev:/);
      expect(row.bank_account).toMatch(/^enc:v2:dev:/);
      expect(JSON.stringify(row)).not.toContain(ACCOUNT.slice(-8));

      const own = await platform.http().get('/v1/organisations/mine').set(auth(anchor.admin));
      expect(own.body).toMatchObject({ id: anchor.id, taxId: TAX_ID, bankAccount: ACCOUNT });

      const clerkEmail = `clerk-${unique()}@anchor.test`;
      const added = await platform
        .http()
        .post(`/v1/organisations/${anchor.id}/users`)
        .set(auth(anchor.admin))
        .send({ email: clerkEmail, displayName: 'Clerk', roles: ['ANCHOR_PAYABLES'] });
      expect(added.status).toBe(201);
      await acceptInvitation(platform, added.body.invitation);
      const clerk = await login(platform, clerkEmail);
      const masked = await platform.http().get('/v1/organisations/mine').set(auth(clerk));
      expect(masked.body).toMatchObject({ taxId: '****Q21X', bankAccount: '****0123' });
      const { key } = await issueKey(anchor.admin);
      expect((await platform.http().get('/v1/organisations/mine').set(apiKey(key))).body.bankAccount).toBe('****0123');
    });

    it('lets an admin change the bank details, recording only masked values, and names a bad field', async () => {
      const anchor = await onboardAnchor();
      const changed = await platform.http().patch('/v1/organisations/mine').set(auth(anchor.admin)).send({ bankAccount: 'DE89 3704 0044 0532 0130 00' });
      expect(changed.status).toBe(200);
      expect(changed.body.bankAccount).toBe('DE89 3704 0044 0532 0130 00');
      const [event] = await platform.sql<{ before: unknown; after: unknown }>(
        `SELECT before, after FROM business_events WHERE chain_id = $1 AND action = 'organisation.bank-details-changed'`,
        [anchor.id],
      );
      expect(event).toEqual({ before: { taxId: '****Q21X', bankAccount: '****0123' }, after: { taxId: '****Q21X', bankAccount: '****3000' } });

      for (const body of [{ bankAccount: '!!' }, { bankAccount: 12345678 }, {}]) {
        const bad = await platform.http().patch('/v1/organisations/mine').set(auth(anchor.admin)).send(body);
        expect(bad.status).toBe(400);
        expect(bad.body.field).toBe('bankAccount');
      }
      const badTax = await platform.http().post('/v1/organisations').set(auth(bank.admin)).send({
        type: 'ANCHOR', name: 'A', taxId: '<script>', admin: { email: `x-${unique()}@a.test`, displayName: 'x' },
      });
      expect(badTax.status).toBe(400);
      expect(badTax.body.field).toBe('taxId');
    });

    it('re-encrypts every row under a new key, bound to its row, with the rotation command', async () => {
      const anchor = await onboardAnchor();
      const dev = platform.config.encryptionKeys[0];
      // Both formats written before row binding: plaintext, and enc:v1 (authenticated with the column name only).
      const columnBound = (plaintext: string, column: string) => {
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', dev.key, iv);
        cipher.setAAD(Buffer.from(column));
        const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
        return `enc:v1:${dev.id}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
      };
      await platform.sql(`UPDATE organisations SET tax_id = 'LEGACY-PLAINTEXT-1', bank_account = $2 WHERE id = $1`, [
        bank.id,
        columnBound('LEGACY-V1-ACCOUNT', 'organisations.bank_account'),
      ]);
      const next = { id: 'k2', key: randomBytes(32) };
      const keys = `${next.id}:${next.key.toString('base64')},${dev.id}:${dev.key.toString('base64')}`;
      const { stdout } = await promisify(execFile)(process.execPath, [join(DIST, 'apps/cli/src/reencrypt.js')], {
        // NODE_PATH: the build may live outside the repository (SCF_DIST).
        env: { ...platform.env, ENCRYPTION_KEYS: keys, NODE_PATH: join(__dirname, '..', 'node_modules') },
      });
      expect(stdout).toMatch(/re-encrypted \d+ organisations, \d+ payout_account_changes, \d+ disbursement_instructions with key "k2"/);

      const rows = await platform.sql<{ id: string; tax_id: string | null; bank_account: string | null }>(
        `SELECT id, tax_id, bank_account FROM organisations WHERE tax_id IS NOT NULL OR bank_account IS NOT NULL`,
      );
      expect(rows.length).toBeGreaterThan(1);
      for (const row of rows) {
        for (const value of [row.tax_id, row.bank_account]) if (value !== null) expect(value).toMatch(/^enc:v2:k2:/);
      }
      const rotated = new FieldCipher([next, dev]);
      const at = (id: string, column: string) => ({ table: 'organisations', column, rowId: id });
      const anchorRow = rows.find((r) => r.id === anchor.id)!;
      expect(rotated.decrypt(anchorRow.bank_account!, at(anchor.id, 'bank_account'))).toBe(ACCOUNT);
      expect(rotated.decrypt(rows.find((r) => r.id === bank.id)!.tax_id!, at(bank.id, 'tax_id'))).toBe('LEGACY-PLAINTEXT-1');
      expect(rotated.decrypt(rows.find((r) => r.id === bank.id)!.bank_account!, at(bank.id, 'bank_account'))).toBe('LEGACY-V1-ACCOUNT');
      const payout = await platform.sql<{ id: string; bank_account: string }>(`SELECT id, bank_account FROM payout_account_changes`);
      expect(payout.length).toBeGreaterThan(0);
      const payoutAt = (id: string) => ({ table: 'payout_account_changes', column: 'bank_account', rowId: id });
      for (const row of payout) expect(row.bank_account).toMatch(/^enc:v2:k2:/);
      // This API only holds the old key: put the test data back under it for the remaining tests.
      const back = new FieldCipher([dev]);
      for (const row of rows) {
        const again = (value: string | null, column: string) => value && back.encrypt(rotated.decrypt(value, at(row.id, column)), at(row.id, column));
        await platform.sql(`UPDATE organisations SET tax_id = $2, bank_account = $3 WHERE id = $1`, [row.id, again(row.tax_id, 'tax_id'), again(row.bank_account, 'bank_account')]);
      }
      for (const row of payout) {
        await platform.sql(`UPDATE payout_account_changes SET bank_account = $2 WHERE id = $1`, [row.id, back.encrypt(rotated.decrypt(row.bank_account, payoutAt(row.id)), payoutAt(row.id))]);
      }
    });
  });

  it('never logs passwords, tokens, API keys or account numbers, even at debug level', async () => {
    const output: string[] = [];
    const capture = (stream: NodeJS.WriteStream) =>
      jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        output.push(String(chunk));
        const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      }) as never);
    const spies = [capture(process.stdout), capture(process.stderr)];
    const wrongPassword = 'Wrong-password-do-not-log-7';
    let logged: Platform | undefined;
    const secrets: string[] = [PASSWORD, wrongPassword, ACCOUNT, TAX_ID];
    try {
      logged = await Platform.start({ worker: false, env: { LOG_LEVEL: 'debug' } });
      const loggedBank = await createBank(logged);
      secrets.push(loggedBank.admin.token);
      const anchorEmail = `admin-${unique()}@anchor.test`;
      const created = await logged
        .http()
        .post('/v1/organisations')
        .set(auth(loggedBank.admin))
        .send({ type: 'ANCHOR', name: 'Logged anchor', taxId: TAX_ID, bankAccount: ACCOUNT, admin: { email: anchorEmail, displayName: 'A', roles: ['ANCHOR_ADMIN', 'ANCHOR_PAYABLES'] } });
      expect(created.status).toBe(201);
      secrets.push(created.body.invitation.token);
      await acceptInvitation(logged, created.body.invitation);
      const anchorAdmin = await login(logged, anchorEmail);
      secrets.push(anchorAdmin.token);
      const issued = await logged.http().post('/v1/api-keys').set(auth(anchorAdmin)).send({ name: 'ERP', scopes: ['ANCHOR_PAYABLES'] });
      secrets.push(issued.body.key);
      expect((await logged.http().get('/v1/organisations/mine').set(apiKey(issued.body.key))).status).toBe(200);
      expect((await logged.http().post('/v1/auth/login').send({ email: anchorEmail, password: wrongPassword })).status).toBe(401);
      expect((await logged.http().get(`/v1/auth/me?access_token=${anchorAdmin.token}&key=${issued.body.key}`).set(auth(anchorAdmin))).status).toBe(200);
      expect((await logged.http().get('/v1/auth/me').set('Authorization', `Bearer ${anchorAdmin.token}x`)).status).toBe(401);
      // A careless log line elsewhere in the code is scrubbed as well.
      new Logger('Careless').debug(`calling ERP with Bearer ${anchorAdmin.token}, key ${issued.body.key}, account ${ACCOUNT}, password=${PASSWORD}`);
      new Logger('Careless').error({ request: { headers: { authorization: `Bearer ${anchorAdmin.token}` }, body: { bankAccount: ACCOUNT, password: PASSWORD } } });
    } finally {
      await logged?.stop();
      spies.forEach((spy) => spy.mockRestore());
    }
    const log = output.join('');
    expect(log).toMatch(/POST \/v1\/auth\/login 200 \d+ms/);
    expect(log).toMatch(/POST \/v1\/auth\/login 401 \d+ms/);
    expect(log).toContain('calling ERP with Bearer [REDACTED]');
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(log).not.toContain(secret);
    }
    // Not even the signature part of a token.
    for (const token of secrets.filter((s) => s.startsWith('eyJ'))) expect(log).not.toContain(token.split('.')[2]);
  });
});
