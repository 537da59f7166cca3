import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { loadConfig } from '@scf/config';
import { OrganisationsService } from '@scf/identity';
import { createApi } from '../apps/api/src/bootstrap';
import { ignoreTeardownTermination, Platform } from './support/platform';
import { auth, Bank, createAnchor, createBank, PASSWORD, Session } from './support/fixtures';

jest.setTimeout(120_000);

const DIST = process.env.SCF_DIST ?? join(__dirname, '..', 'dist');

/** Runs `npm run audit:verify` (the built CLI) against the platform's database. */
function auditVerifyCli(platform: Platform): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(DIST, 'apps/cli/src/audit-verify.js')],
      { env: { ...platform.env, NODE_PATH: join(__dirname, '..', 'node_modules') } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe('tamper-evident business event log', () => {
  let platform: Platform;
  let bank: Bank;
  let anchor: { id: string; admin: Session };
  let apiKeyId: string;

  beforeAll(async () => {
    platform = await Platform.start({ worker: false });
    bank = await createBank(platform);
    anchor = await createAnchor(platform, bank);
    const issued = await platform.http().post('/v1/api-keys').set(auth(anchor.admin)).send({ name: 'ERP', scopes: ['ANCHOR_PAYABLES'] });
    expect(issued.status).toBe(201);
    apiKeyId = issued.body.id;
    expect((await platform.http().delete(`/v1/api-keys/${apiKeyId}`).set(auth(anchor.admin))).status).toBe(204);
  });
  afterAll(() => platform.stop());

  const verify = (session: Session = bank.admin) => platform.http().get('/v1/audit/verify').set(auth(session));

  it('records onboarding and API key events on the organisation\'s chain', async () => {
    const events = await platform.sql<{ seq: string; action: string; actor_user_id: string | null; organisation_id: string | null; object_id: string }>(
      `SELECT seq, action, actor_user_id, organisation_id, object_id FROM business_events WHERE chain_id = $1 ORDER BY seq`,
      [anchor.id],
    );
    expect(events.map((e) => [e.seq, e.action])).toEqual([
      ['1', 'organisation.created'],
      ['2', 'user.invited'],
      ['3', 'user.invitation-accepted'],
      ['4', 'api-key.created'],
      ['5', 'api-key.revoked'],
    ]);
    expect(events[0]).toMatchObject({ actor_user_id: bank.admin.userId, organisation_id: bank.id, object_id: anchor.id });
    expect(events[1]).toMatchObject({ actor_user_id: bank.admin.userId, object_id: anchor.admin.userId });
    expect(events[2]).toMatchObject({ actor_user_id: anchor.admin.userId, organisation_id: anchor.id, object_id: anchor.admin.userId });
    expect(events[4]).toMatchObject({ actor_user_id: anchor.admin.userId, organisation_id: anchor.id, object_id: apiKeyId });
  });

  it('lets each organisation read the history of its own objects only', async () => {
    const query = `/v1/audit/events?objectType=organisation&objectId=${anchor.id}`;
    const byBank = await platform.http().get(query).set(auth(bank.admin));
    expect(byBank.status).toBe(200);
    expect(byBank.body.items).toEqual([
      expect.objectContaining({ chainId: anchor.id, seq: 1, action: 'organisation.created', organisationId: bank.id, hash: expect.stringMatching(/^[0-9a-f]{64}$/) }),
    ]);
    const byAnchor = await platform.http().get(query).set(auth(anchor.admin));
    expect(byAnchor.body.items.map((e: { action: string }) => e.action)).toEqual(['organisation.created']);
    const ownHistory = await platform.http().get('/v1/audit/events').set(auth(anchor.admin));
    expect(ownHistory.body.items.map((e: { action: string }) => e.action)).toEqual(['organisation.created', 'user.invited', 'user.invitation-accepted', 'api-key.created', 'api-key.revoked']);

    const otherBank = await createBank(platform);
    const foreign = await platform.http().get(query).set(auth(otherBank.admin));
    expect(foreign.status).toBe(200);
    expect(foreign.body.items).toEqual([]);
    const foreignAll = await platform.http().get('/v1/audit/events').set(auth(otherBank.admin));
    expect(foreignAll.body.items.every((e: { chainId: string }) => e.chainId === otherBank.id)).toBe(true);

    const bad = await platform.http().get('/v1/audit/events?objectType=DROP%20TABLE').set(auth(bank.admin));
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('objectType');
  });

  it('lets bank admins and approvers verify the chains, nobody else', async () => {
    const res = await verify();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, brokenChains: 0 });
    expect(res.body.chainsChecked).toBeGreaterThanOrEqual(2);
    expect(res.body.eventsChecked).toBeGreaterThanOrEqual(6);
    expect(res.body.firstBroken).toBeUndefined();
    expect((await verify(bank.checker)).status).toBe(200);
    expect((await verify(bank.maker)).status).toBe(403);
    expect((await verify(anchor.admin)).status).toBe(403);
    expect(await auditVerifyCli(platform)).toMatchObject({ code: 0, stdout: expect.stringMatching(/audit log intact: \d+ chains, \d+ events verified/) });
  });

  it('refuses to change or delete events and to rewind chain heads', async () => {
    await expect(platform.sql(`UPDATE business_events SET after = '{}' WHERE chain_id = $1 AND seq = 1`, [anchor.id])).rejects.toThrow(/append-only/);
    await expect(platform.sql(`DELETE FROM business_events WHERE chain_id = $1 AND seq = 4`, [anchor.id])).rejects.toThrow(/append-only/);
    await expect(platform.sql(`TRUNCATE business_events`)).rejects.toThrow(/append-only/);
    await expect(platform.sql(`UPDATE audit_chains SET last_seq = 3 WHERE chain_id = $1`, [anchor.id])).rejects.toThrow(/only moves forward/);
    await expect(platform.sql(`DELETE FROM audit_chains WHERE chain_id = $1`, [anchor.id])).rejects.toThrow(/permanent/);
  });

  it('gives the application role no way to change history, even around the trigger', async () => {
    const client = await platform.db.connect();
    try {
      await client.query('SET ROLE scf_app');
      expect((await client.query(`SELECT count(*)::int AS n FROM business_events WHERE chain_id = $1`, [anchor.id])).rows[0].n).toBe(5);
      await expect(client.query(`UPDATE business_events SET after = '{}' WHERE chain_id = $1`, [anchor.id])).rejects.toThrow(/permission denied/);
      await expect(client.query(`DELETE FROM business_events WHERE chain_id = $1`, [anchor.id])).rejects.toThrow(/permission denied/);
      await expect(client.query(`TRUNCATE business_events`)).rejects.toThrow(/permission denied/);
      await expect(client.query(`ALTER TABLE business_events DISABLE TRIGGER business_events_no_update_delete`)).rejects.toThrow(/must be owner/);
      await expect(client.query(`DELETE FROM audit_chains WHERE chain_id = $1`, [anchor.id])).rejects.toThrow(/permission denied/);
      // Ordinary work still goes through.
      await client.query(`UPDATE organisations SET name = name WHERE id = $1`, [anchor.id]);
    } finally {
      await client.query('RESET ROLE');
      client.release();
    }
  });

  it('runs the API as a login role of scf_app: the grants suffice for real work', async () => {
    const role = `scf_app_test_${randomBytes(4).toString('hex')}`;
    await platform.sql(`CREATE ROLE ${role} LOGIN IN ROLE scf_app`);
    const url = new URL(platform.config.databaseUrl);
    url.username = role;
    const app = await createApi(loadConfig({ ...platform.env, DATABASE_URL: url.toString() }));
    await app.init();
    try {
      expect(await app.get(DataSource).query(`SELECT current_user AS name`)).toEqual([{ name: role }]);
      const email = `admin-${role}@bank.test`;
      await app.get(OrganisationsService).bootstrapBank({ name: 'Least-privilege bank', admin: { email, displayName: 'Admin', password: PASSWORD } });
      const http = () => request(app.getHttpServer());
      const token = (await http().post('/v1/auth/login').send({ email, password: PASSWORD })).body.accessToken;
      const anchorEmail = `anchor-${role}@anchor.test`;
      const created = await http()
        .post('/v1/organisations')
        .set({ Authorization: `Bearer ${token}` })
        .send({ type: 'ANCHOR', name: 'A', bankAccount: '6222021234567890123', admin: { email: anchorEmail, displayName: 'A', roles: ['ANCHOR_ADMIN', 'ANCHOR_PAYABLES'] } });
      expect(created.status).toBe(201);
      expect((await http().post('/v1/auth/invitations/accept').send({ token: created.body.invitation.token, password: PASSWORD })).status).toBe(204);
      const anchorToken = (await http().post('/v1/auth/login').send({ email: anchorEmail, password: PASSWORD })).body.accessToken;
      const key = await http().post('/v1/api-keys').set({ Authorization: `Bearer ${anchorToken}` }).send({ name: 'ERP', scopes: ['ANCHOR_PAYABLES'] });
      expect(key.status).toBe(201);
      expect((await http().get('/v1/auth/me').set({ 'X-API-Key': key.body.key })).status).toBe(200);
      expect((await http().delete(`/v1/api-keys/${key.body.id}`).set({ Authorization: `Bearer ${anchorToken}` })).status).toBe(204);
      const verified = await http().get('/v1/audit/verify').set({ Authorization: `Bearer ${token}` });
      expect(verified.body).toMatchObject({ ok: true });
    } finally {
      await app.close();
      await platform.sql(`DROP ROLE ${role}`);
    }
  });

  describe('with the trigger disabled by a database superuser', () => {
    // One connection: the tampering and its repair happen as the superuser, outside the application.
    let owner: Pool;
    beforeAll(async () => {
      owner = new Pool({ connectionString: platform.config.databaseUrl, max: 1 });
      owner.on('error', ignoreTeardownTermination);
      await owner.query(`ALTER TABLE business_events DISABLE TRIGGER business_events_no_update_delete`);
      await owner.query(`CREATE TABLE tampered (LIKE business_events)`);
    });
    afterAll(async () => {
      await owner.query(`DROP TABLE tampered`);
      await owner.query(`ALTER TABLE business_events ENABLE TRIGGER business_events_no_update_delete`);
      await owner.end();
    });

    /** Puts the saved rows back exactly, after which the chain verifies again. */
    async function restore() {
      await owner.query(`DELETE FROM business_events e USING tampered t WHERE e.chain_id = t.chain_id AND e.seq = t.seq`);
      await owner.query(`INSERT INTO business_events SELECT * FROM tampered`);
      await owner.query(`DELETE FROM tampered`);
      expect((await verify()).body).toMatchObject({ ok: true });
    }

    async function expectBroken(seq: number, reason: RegExp) {
      const res = await verify();
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: false, brokenChains: 1, firstBroken: { chainId: anchor.id, seq, reason: expect.stringMatching(reason) } });
      const cli = await auditVerifyCli(platform);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain(`chain ${anchor.id} at seq ${seq}`);
    }

    const save = (seq: number) =>
      owner.query(`INSERT INTO tampered SELECT * FROM business_events WHERE chain_id = $1 AND seq = $2`, [anchor.id, seq]);

    it('detects a changed event', async () => {
      await save(1);
      await owner.query(`UPDATE business_events SET after = jsonb_set(after, '{name}', '"Someone else"') WHERE chain_id = $1 AND seq = 1`, [anchor.id]);
      await expectBroken(1, /altered/);
      await restore();
    });

    it('detects a deleted event in the middle of a chain', async () => {
      await save(2);
      await owner.query(`DELETE FROM business_events WHERE chain_id = $1 AND seq = 2`, [anchor.id]);
      await expectBroken(2, /event 2 is missing/);
      await restore();
    });

    it('detects a deleted last event through the chain head', async () => {
      await save(5);
      await owner.query(`DELETE FROM business_events WHERE chain_id = $1 AND seq = 5`, [anchor.id]);
      await expectBroken(5, /events 5 to 5 are missing: the chain head is at 5/);
      await restore();
    });

    it('detects an event whose hash was recomputed to match a forged change', async () => {
      await save(2);
      await owner.query(`UPDATE business_events SET after = '{"roles":["ANCHOR_ADMIN","ANCHOR_PAYABLES"]}' WHERE chain_id = $1 AND seq = 2`, [anchor.id]);
      // A forger who also rewrites this hash still breaks the link to the next event.
      const [forged] = (await owner.query(`SELECT * FROM business_events WHERE chain_id = $1 AND seq = 2`, [anchor.id])).rows;
      const { eventHash } = await import('@scf/audit');
      const hash = eventHash(forged.prev_hash, {
        chainId: anchor.id, seq: 2, occurredAt: forged.occurred_at.toISOString(), actorUserId: forged.actor_user_id,
        organisationId: forged.organisation_id, action: forged.action, objectType: forged.object_type, objectId: forged.object_id,
        before: forged.before, after: forged.after,
      });
      await owner.query(`UPDATE business_events SET hash = $2 WHERE chain_id = $1 AND seq = 2`, [anchor.id, hash]);
      await expectBroken(3, /prev_hash does not link/);
      await restore();
    });
  });

  it('keeps working for new events after the checks', async () => {
    const email = `late-${Date.now()}@anchor.test`;
    const added = await platform
      .http()
      .post(`/v1/organisations/${anchor.id}/users`)
      .set(auth(anchor.admin))
      .send({ email, displayName: 'Late', roles: ['ANCHOR_PAYABLES'] });
    expect(added.status).toBe(201);
    expect((await verify()).body).toMatchObject({ ok: true });
  });
});
