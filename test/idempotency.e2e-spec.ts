import { Platform } from './support/platform';
import { auth, createBank } from './support/fixtures';

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

  describe('when the process dies after its commit, before storing the response', () => {
    // Stands in for the crash: storing the response (state DONE) fails for keys starting "dies-".
    beforeAll(async () => {
      await platform.sql(`
        CREATE FUNCTION fail_to_store_response() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'response lost'; END $$`);
      await platform.sql(`
        CREATE TRIGGER idempotency_response_lost BEFORE UPDATE ON idempotency_keys FOR EACH ROW
        WHEN (NEW.state = 'DONE' AND NEW.key LIKE 'dies-%') EXECUTE FUNCTION fail_to_store_response()`);
    });
    afterAll(async () => {
      await platform.sql(`DROP TRIGGER idempotency_response_lost ON idempotency_keys`);
      await platform.sql(`DROP FUNCTION fail_to_store_response()`);
    });

    it('never carries the request out again: a retry learns it was done', async () => {
      const bank = await createBank(platform);
      const body = anchorBody('idem-9@anchor.test');
      const send = () => platform.http().post('/v1/organisations').set(auth(bank.admin)).set('Idempotency-Key', 'dies-0000001').send(body);

      expect((await send()).status).toBe(500);
      const [key] = await platform.sql<{ state: string }>(`SELECT state FROM idempotency_keys WHERE key = 'dies-0000001'`);
      expect(key.state).toBe('COMMITTED');

      const soon = await send();
      expect(soon.status).toBe(409);
      expect(soon.body.code).toBe('idempotency_key_in_progress');

      await platform.sql(`UPDATE idempotency_keys SET created_at = now() - interval '2 minutes' WHERE key = 'dies-0000001'`);
      const later = await send();
      expect(later.status).toBe(409);
      expect(later.body.code).toBe('idempotency_key_response_lost');
      expect((await platform.sql(`SELECT count(*)::int AS n FROM users WHERE email = 'idem-9@anchor.test'`))[0].n).toBe(1);
    });

    it('marks nothing COMMITTED for a request that failed before committing', async () => {
      const bank = await createBank(platform);
      const failing = { ...anchorBody('idem-10@anchor.test'), name: '' };
      expect((await platform.http().post('/v1/organisations').set(auth(bank.admin)).set('Idempotency-Key', 'dies-0000002').send(failing)).status).toBe(400);
      expect(await platform.sql(`SELECT 1 FROM idempotency_keys WHERE key = 'dies-0000002'`)).toEqual([]);
    });
  });
});
