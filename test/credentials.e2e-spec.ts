import { JwtService } from '@nestjs/jwt';
import { createHash } from 'node:crypto';
import { Platform } from './support/platform';
import { acceptInvitation, addUser, auth, Bank, createActiveProgram, createAnchor, createBank, login, PASSWORD, Session } from './support/fixtures';
import { OrganisationType, Role } from '@scf/identity';

jest.setTimeout(180_000);

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const tag = () => Math.random().toString(36).slice(2, 10);

describe('credentials', () => {
  let platform: Platform;
  let bank: Bank;
  beforeAll(async () => {
    platform = await Platform.start({ worker: false });
    bank = await createBank(platform);
  });
  afterAll(() => platform.stop());

  const http = () => platform.http();
  const loginAttempt = (email: string, password: string) => http().post('/v1/auth/login').send({ email, password });
  const emailOf = async (userId: string) => (await platform.sql<{ email: string }>(`SELECT email FROM users WHERE id = $1`, [userId]))[0].email;
  const onboardAnchor = (body: object = {}) =>
    http()
      .post('/v1/organisations')
      .set(auth(bank.admin))
      .send({ type: 'ANCHOR', name: `Anchor ${tag()}`, admin: { email: `admin-${tag()}@anchor.test`, displayName: 'Anchor admin' }, ...body });

  describe('invitations: nobody chooses another person\'s password', () => {
    it('refuses a password from the inviter, for an anchor, a supplier and a colleague alike', async () => {
      const anchor = await onboardAnchor({ admin: { email: `a-${tag()}@anchor.test`, displayName: 'A', password: 'Inviter-chosen-1' } });
      expect(anchor.status).toBe(400);
      expect(anchor.body.violations).toEqual([expect.objectContaining({ field: 'admin.password', rule: 'unknown_field' })]);

      const { admin: anchorAdmin } = await createAnchor(platform, bank);
      const program = await createActiveProgram(platform, bank, anchorAdmin.organisationId);
      const supplier = await http()
        .post(`/v1/programs/${program.id}/enrolments`)
        .set(auth(anchorAdmin))
        .send({ subLimit: '1000.00', invite: { name: 'S', admin: { email: `s-${tag()}@supplier.test`, displayName: 'S', password: 'Inviter-chosen-1' } } });
      expect(supplier.status).toBe(400);
      expect(supplier.body.violations).toEqual([expect.objectContaining({ field: 'invite.admin.password', rule: 'unknown_field' })]);

      const colleague = await http()
        .post(`/v1/organisations/${bank.id}/users`)
        .set(auth(bank.admin))
        .send({ email: `c-${tag()}@bank.test`, displayName: 'C', password: 'Inviter-chosen-1', roles: ['BANK_OPERATIONS'] });
      expect(colleague.status).toBe(400);
      expect(colleague.body.violations).toEqual([expect.objectContaining({ field: 'password', rule: 'unknown_field' })]);
      expect((await platform.sql(`SELECT 1 FROM users WHERE email LIKE 'a-%@anchor.test' OR email LIKE 's-%@supplier.test' OR email LIKE 'c-%@bank.test'`)).length).toBe(0);
    });

    it('invites the anchor\'s admin with a single-use 72-hour token stored as a hash; the invitee chooses the password', async () => {
      const email = `admin-${tag()}@anchor.test`;
      const res = await onboardAnchor({ admin: { email, displayName: 'Anchor admin' } });
      expect(res.status).toBe(201);
      expect(res.headers['cache-control']).toBe('no-store');
      const { invitation } = res.body;
      expect(invitation).toEqual({ id: expect.any(String), userId: expect.any(String), email, token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresAt: expect.any(String) });

      const [stored] = await platform.sql<{ token_hash: string; hours: number; purpose: string; issued_by: string; issued_by_organisation_id: string }>(
        `SELECT token_hash, round(extract(epoch FROM expires_at - created_at) / 3600)::int AS hours, purpose, issued_by, issued_by_organisation_id
           FROM credential_tokens WHERE id = $1`,
        [invitation.id],
      );
      expect(stored).toEqual({ token_hash: sha256(invitation.token), hours: 72, purpose: 'INVITATION', issued_by: bank.admin.userId, issued_by_organisation_id: bank.id });
      const [user] = await platform.sql(`SELECT status, password_hash FROM users WHERE id = $1`, [invitation.userId]);
      expect(user).toEqual({ status: 'INVITED', password_hash: null });

      // Until accepted nobody can log in as the invitee, whatever they try.
      const unknown = await loginAttempt(`nobody-${email}`, PASSWORD);
      for (const password of [PASSWORD, '', 'x'.repeat(12)]) {
        const attempt = await loginAttempt(email, password || 'x');
        expect(attempt.status).toBe(401);
        expect(attempt.body).toEqual(unknown.body);
      }

      const short = await http().post('/v1/auth/invitations/accept').send({ token: invitation.token, password: 'short' });
      expect(short.status).toBe(400);
      expect(short.body.violations).toEqual([expect.objectContaining({ field: 'password' })]);
      await acceptInvitation(platform, invitation, 'Chosen-by-the-invitee-1');
      const session = await login(platform, email, 'Chosen-by-the-invitee-1');
      expect(session).toMatchObject({ userId: invitation.userId, organisationId: res.body.id });

      const again = await http().post('/v1/auth/invitations/accept').send({ token: invitation.token, password: 'Taken-over-later-1' });
      expect(again.status).toBe(400);
      expect(again.body).toMatchObject({ code: 'invalid_token', field: 'token' });
      expect((await loginAttempt(email, 'Taken-over-later-1')).status).toBe(401);
    });

    it('refuses an expired invitation and an unknown token the same way', async () => {
      const res = await onboardAnchor();
      await platform.sql(`UPDATE credential_tokens SET created_at = now() - interval '73 hours', expires_at = now() - interval '1 hour' WHERE id = $1`, [res.body.invitation.id]);
      const expired = await http().post('/v1/auth/invitations/accept').send({ token: res.body.invitation.token, password: PASSWORD });
      expect(expired.status).toBe(400);
      expect(expired.body.code).toBe('invalid_token');
      const unknown = await http().post('/v1/auth/invitations/accept').send({ token: 'A'.repeat(43), password: PASSWORD });
      expect(unknown.body).toEqual(expired.body);
      expect((await platform.sql(`SELECT status FROM users WHERE id = $1`, [res.body.invitation.userId]))[0].status).toBe('INVITED');
    });

    it('lets the inviting organisation revoke an invitation not yet accepted, and nobody else', async () => {
      const res = await onboardAnchor();
      const { invitation } = res.body;
      const other = await createBank(platform);
      expect((await http().delete(`/v1/invitations/${invitation.id}`).set(auth(other.admin))).status).toBe(404);
      expect((await http().delete(`/v1/invitations/${invitation.id}`).set(auth(bank.operations))).status).toBe(403);
      expect((await http().delete(`/v1/invitations/${invitation.id}`).set(auth(bank.admin))).status).toBe(204);
      expect((await http().delete(`/v1/invitations/${invitation.id}`).set(auth(bank.admin))).status).toBe(204);
      const refused = await http().post('/v1/auth/invitations/accept').send({ token: invitation.token, password: PASSWORD });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('invalid_token');
      const events = await platform.sql(`SELECT action, actor_user_id FROM business_events WHERE object_id = $1 ORDER BY seq`, [invitation.userId]);
      expect(events).toEqual([
        { action: 'user.invited', actor_user_id: bank.admin.userId },
        { action: 'user.invitation-revoked', actor_user_id: bank.admin.userId },
      ]);

      const accepted = (await onboardAnchor()).body.invitation;
      await acceptInvitation(platform, accepted);
      const late = await http().delete(`/v1/invitations/${accepted.id}`).set(auth(bank.admin));
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('invitation_accepted');
    });

    it('lets exactly one of two concurrent acceptances set the password', async () => {
      const { invitation } = (await onboardAnchor()).body;
      const answers = await Promise.all(
        ['First-password-111', 'Second-password-22'].map((password) => http().post('/v1/auth/invitations/accept').send({ token: invitation.token, password })),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([204, 400]);
      const winner = answers[0].status === 204 ? 'First-password-111' : 'Second-password-22';
      expect((await loginAttempt(invitation.email, winner)).status).toBe(200);
    });

    it('keeps the token out of the stored Idempotency-Key response: a replay shows the invitation without it', async () => {
      const body = { type: 'ANCHOR', name: 'Replayed anchor', admin: { email: `r-${tag()}@anchor.test`, displayName: 'R' } };
      const key = `invite-${tag()}`;
      const first = await http().post('/v1/organisations').set(auth(bank.admin)).set('Idempotency-Key', key).send(body);
      const replay = await http().post('/v1/organisations').set(auth(bank.admin)).set('Idempotency-Key', key).send(body);
      expect(first.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual({ ...first.body, invitation: { ...first.body.invitation, token: null } });
      const [stored] = await platform.sql<{ response_body: unknown }>(`SELECT response_body FROM idempotency_keys WHERE key = $1`, [key]);
      expect(JSON.stringify(stored.response_body)).not.toContain(first.body.invitation.token);
    });
  });

  describe('password change and reset', () => {
    it('changes the password with the current one, ending every other session', async () => {
      const email = `pw-${tag()}@bank.test`;
      const session = await addUser(platform, { organisationId: bank.id, organisationType: OrganisationType.BANK, email, roles: [Role.BANK_OPERATIONS] });
      const other = await login(platform, email);
      const change = (s: Session, body: object) => http().post('/v1/auth/password').set(auth(s)).send(body);

      const wrong = await change(session, { currentPassword: 'not-the-password', newPassword: 'Brand-new-password-1' });
      expect(wrong.status).toBe(400);
      expect(wrong.body).toMatchObject({ code: 'wrong_password', field: 'currentPassword' });
      expect((await change(session, { currentPassword: PASSWORD, newPassword: 'short' })).body.violations).toEqual([expect.objectContaining({ field: 'newPassword' })]);

      const changed = await change(session, { currentPassword: PASSWORD, newPassword: 'Brand-new-password-1' });
      expect(changed.status).toBe(200);
      expect(changed.body.actor).toMatchObject({ userId: session.userId, organisationId: bank.id, roles: ['BANK_OPERATIONS'] });
      expect((await http().get('/v1/auth/me').set(auth(other))).status).toBe(401);
      expect((await http().get('/v1/auth/me').set(auth(session))).status).toBe(401);
      expect((await http().get('/v1/auth/me').set({ Authorization: `Bearer ${changed.body.accessToken}` })).status).toBe(200);
      expect((await loginAttempt(email, PASSWORD)).status).toBe(401);
      expect((await loginAttempt(email, 'Brand-new-password-1')).status).toBe(200);
    });

    it('answers a reset request alike for every email, and mails a single-use token only to an active user', async () => {
      const email = `reset-${tag()}@bank.test`;
      const session = await addUser(platform, { organisationId: bank.id, organisationType: OrganisationType.BANK, email, roles: [Role.BANK_OPERATIONS] });
      const invited = (await onboardAnchor()).body.invitation.email;
      const answers = await Promise.all(
        [email, `nobody-${tag()}@bank.test`, invited].map((address) => http().post('/v1/auth/password-reset').send({ email: address })),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(202);
        expect(answer.body).toEqual(answers[0].body);
        expect(answer.text).toBe('');
      }
      const mails = await platform.sql<{ recipient: string; body: string }>(`SELECT recipient, body FROM outgoing_mail WHERE recipient IN ($1, $2) ORDER BY created_at`, [email, invited]);
      expect(mails.map((m) => m.recipient)).toEqual([email]);
      const token = /\n\n([A-Za-z0-9_-]{43})\n\n/.exec(mails[0].body)![1];
      const [stored] = await platform.sql(`SELECT token_hash, round(extract(epoch FROM expires_at - created_at) / 60)::int AS minutes FROM credential_tokens WHERE purpose = 'PASSWORD_RESET' AND user_id = $1`, [session.userId]);
      expect(stored).toEqual({ token_hash: sha256(token), minutes: 60 });

      // A lockout does not stop the owner of the mailbox.
      await platform.sql(`UPDATE users SET failed_logins = 5, locked_until = now() + interval '15 minutes' WHERE id = $1`, [session.userId]);
      const reset = await http().post('/v1/auth/password-reset/confirm').send({ token, password: 'Reset-password-123' });
      expect(reset.status).toBe(204);
      expect((await http().get('/v1/auth/me').set(auth(session))).status).toBe(401);
      expect((await loginAttempt(email, 'Reset-password-123')).status).toBe(200);

      const reused = await http().post('/v1/auth/password-reset/confirm').send({ token, password: 'Someone-else-123' });
      expect(reused.status).toBe(400);
      expect(reused.body.code).toBe('invalid_token');
      expect((await loginAttempt(email, 'Reset-password-123')).status).toBe(200);
    });

    it('keeps only the newest reset link valid', async () => {
      const email = `twice-${tag()}@bank.test`;
      await addUser(platform, { organisationId: bank.id, organisationType: OrganisationType.BANK, email, roles: [Role.BANK_OPERATIONS] });
      for (let i = 0; i < 2; i += 1) expect((await http().post('/v1/auth/password-reset').send({ email })).status).toBe(202);
      const [older, newer] = (await platform.sql<{ body: string }>(`SELECT body FROM outgoing_mail WHERE recipient = $1 ORDER BY created_at`, [email])).map(
        (m) => /\n\n([A-Za-z0-9_-]{43})\n\n/.exec(m.body)![1],
      );
      expect((await http().post('/v1/auth/password-reset/confirm').send({ token: older, password: 'Older-link-12345' })).status).toBe(400);
      expect((await http().post('/v1/auth/password-reset/confirm').send({ token: newer, password: 'Newer-link-12345' })).status).toBe(204);
    });
  });

  describe('user management by organisation admins', () => {
    it('lists the organisation\'s own users only, with status and roles', async () => {
      const res = await http().get('/v1/users').set(auth(bank.admin));
      expect(res.status).toBe(200);
      expect(res.body.items.slice(0, 4)).toEqual([
        { id: bank.admin.userId, email: await emailOf(bank.admin.userId), displayName: 'Bank admin', roles: ['BANK_ADMIN'], status: 'ACTIVE' },
        expect.objectContaining({ id: bank.maker.userId, roles: ['BANK_CREDIT_OFFICER'], status: 'ACTIVE' }),
        expect.objectContaining({ id: bank.checker.userId, roles: ['BANK_APPROVER'], status: 'ACTIVE' }),
        expect.objectContaining({ id: bank.operations.userId, roles: ['BANK_OPERATIONS'], status: 'ACTIVE' }),
      ]);
      const own = await platform.sql<{ id: string }>(`SELECT id FROM users WHERE organisation_id = $1`, [bank.id]);
      expect(new Set(res.body.items.map((u: { id: string }) => u.id))).toEqual(new Set(own.map((u) => u.id)));
      expect((await http().get('/v1/users').set(auth(bank.maker))).status).toBe(403);
    });

    it('deactivates a user at once (sessions and the keys they issued stop working) and reactivates them', async () => {
      const org = await createBank(platform);
      const email = `ops-admin-${tag()}@bank.test`;
      const target = await addUser(platform, { organisationId: org.id, organisationType: OrganisationType.BANK, email, roles: [Role.BANK_ADMIN, Role.BANK_OPERATIONS] });
      const key = await http().post('/v1/api-keys').set(auth(target)).send({ name: 'ERP', scopes: ['BANK_OPERATIONS'] });
      expect(key.status).toBe(201);
      expect((await http().get('/v1/auth/me').set({ 'X-API-Key': key.body.key })).status).toBe(200);

      expect((await http().post(`/v1/users/${target.userId}/deactivate`).set(auth(bank.admin))).status).toBe(404);
      const off = await http().post(`/v1/users/${target.userId}/deactivate`).set(auth(org.admin));
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ id: target.userId, status: 'DEACTIVATED' });
      expect((await http().get('/v1/auth/me').set(auth(target))).status).toBe(401);
      expect((await http().get('/v1/auth/me').set({ 'X-API-Key': key.body.key })).status).toBe(401);
      const refused = await loginAttempt(email, PASSWORD);
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual((await loginAttempt(`nobody-${email}`, PASSWORD)).body);
      expect((await http().post(`/v1/users/${target.userId}/deactivate`).set(auth(org.admin))).body.code).toBe('invalid_state');

      const on = await http().post(`/v1/users/${target.userId}/reactivate`).set(auth(org.admin));
      expect(on.body).toMatchObject({ status: 'ACTIVE' });
      expect((await loginAttempt(email, PASSWORD)).status).toBe(200);
      expect((await http().get('/v1/auth/me').set(auth(target))).status).toBe(401);
      const events = await platform.sql(`SELECT action FROM business_events WHERE chain_id = $1 AND object_id = $2 ORDER BY seq`, [org.id, target.userId]);
      expect(events.map((e) => e.action)).toEqual(['user.invited', 'user.invitation-accepted', 'user.deactivated', 'user.reactivated']);
    });

    it('changes roles within the organisation type and never takes the admin role from the last active admin', async () => {
      const org = await createBank(platform);
      const roles = (s: Session, userId: string, body: object) => http().put(`/v1/users/${userId}/roles`).set(auth(s)).send(body);

      const foreign = await roles(org.admin, org.maker.userId, { roles: ['ANCHOR_ADMIN'] });
      expect(foreign.status).toBe(400);
      expect(foreign.body).toMatchObject({ code: 'role_not_allowed', field: 'roles' });
      const changed = await roles(org.admin, org.maker.userId, { roles: ['BANK_CREDIT_OFFICER', 'BANK_OPERATIONS'] });
      expect(changed.body).toMatchObject({ roles: ['BANK_CREDIT_OFFICER', 'BANK_OPERATIONS'] });
      expect((await http().get('/v1/auth/me').set(auth(org.maker))).body.roles).toEqual(['BANK_CREDIT_OFFICER', 'BANK_OPERATIONS']);

      const self = await roles(org.admin, org.admin.userId, { roles: ['BANK_OPERATIONS'] });
      expect(self.status).toBe(409);
      expect(self.body.code).toBe('last_admin');
      const selfOff = await http().post(`/v1/users/${org.admin.userId}/deactivate`).set(auth(org.admin));
      expect(selfOff.status).toBe(409);
      expect(selfOff.body.code).toBe('last_admin');

      // An invited admin who has not accepted yet does not count.
      const invited = await http().post(`/v1/organisations/${org.id}/users`).set(auth(org.admin)).send({ email: `next-${tag()}@bank.test`, displayName: 'Next', roles: ['BANK_ADMIN'] });
      expect((await roles(org.admin, org.admin.userId, { roles: ['BANK_OPERATIONS'] })).body.code).toBe('last_admin');
      await acceptInvitation(platform, invited.body.invitation);
      const demoted = await roles(org.admin, org.admin.userId, { roles: ['BANK_OPERATIONS'] });
      expect(demoted.status).toBe(200);
      expect((await http().get('/v1/users').set(auth(org.admin))).status).toBe(403);
    });

    it('lets only one of two admins demoting each other at the same moment succeed', async () => {
      const org = await createBank(platform);
      const second = await addUser(platform, { organisationId: org.id, organisationType: OrganisationType.BANK, email: `second-${tag()}@bank.test`, roles: [Role.BANK_ADMIN] });
      const answers = await Promise.all([
        http().put(`/v1/users/${second.userId}/roles`).set(auth(org.admin)).send({ roles: ['BANK_OPERATIONS'] }),
        http().put(`/v1/users/${org.admin.userId}/roles`).set(auth(second)).send({ roles: ['BANK_OPERATIONS'] }),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      const [{ admins }] = await platform.sql<{ admins: number }>(
        `SELECT count(*)::int AS admins FROM users WHERE organisation_id = $1 AND status = 'ACTIVE' AND 'BANK_ADMIN' = ANY(roles)`,
        [org.id],
      );
      expect(admins).toBe(1);
    });
  });

  describe('authentication does not trust the token for the organisation', () => {
    it('refuses a validly signed token that names another organisation for a real user', async () => {
      const other = await createBank(platform);
      const jwt = platform.app.get(JwtService, { strict: false });
      const { iat, exp, ...claims } = jwt.decode(bank.operations.token) as Record<string, unknown>;
      const forged = await jwt.signAsync({ ...claims, org: other.id });
      const res = await http().get('/v1/auth/me').set({ Authorization: `Bearer ${forged}` });
      expect(res.status).toBe(401);
      expect((await http().post('/v1/auth/refresh').set({ Authorization: `Bearer ${forged}` })).status).toBe(401);

      // The organisation type and roles come from the database too, not from the token.
      const lying = await jwt.signAsync({ ...claims, orgType: 'ANCHOR', roles: ['BANK_ADMIN'] });
      const me = await http().get('/v1/auth/me').set({ Authorization: `Bearer ${lying}` });
      expect(me.body).toMatchObject({ organisationId: bank.id, organisationType: 'BANK', roles: ['BANK_OPERATIONS'] });
    });
  });

  describe('API keys carry only roles their issuer holds', () => {
    it('refuses a scope the issuing admin does not hold, and narrows a key when its issuer loses a role', async () => {
      const org = await createBank(platform);
      const refused = await http().post('/v1/api-keys').set(auth(org.admin)).send({ name: 'Super', scopes: ['BANK_CREDIT_OFFICER', 'BANK_APPROVER'] });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 'scope_not_held', field: 'scopes' });

      const issuer = await addUser(platform, {
        organisationId: org.id,
        organisationType: OrganisationType.BANK,
        email: `keys-${tag()}@bank.test`,
        roles: [Role.BANK_ADMIN, Role.BANK_OPERATIONS, Role.BANK_CREDIT_OFFICER],
      });
      const key = await http().post('/v1/api-keys').set(auth(issuer)).send({ name: 'ERP', scopes: ['BANK_OPERATIONS', 'BANK_CREDIT_OFFICER'] });
      expect(key.status).toBe(201);
      await http().put(`/v1/users/${issuer.userId}/roles`).set(auth(org.admin)).send({ roles: ['BANK_ADMIN', 'BANK_OPERATIONS'] });
      const me = await http().get('/v1/auth/me').set({ 'X-API-Key': key.body.key });
      expect(me.body).toMatchObject({ userId: issuer.userId, roles: ['BANK_OPERATIONS'] });
    });
  });

  describe('login answers never tell whether an account exists', () => {
    it('answers unknown, wrong password, invited, deactivated and locked alike', async () => {
      const org = await createBank(platform);
      const unknown = await loginAttempt(`nobody-${tag()}@bank.test`, PASSWORD);
      const wrong = await loginAttempt(await emailOf(org.maker.userId), 'wrong-password');
      const invited = await loginAttempt((await onboardAnchor()).body.invitation.email, PASSWORD);
      await http().post(`/v1/users/${org.checker.userId}/deactivate`).set(auth(org.admin));
      const deactivated = await loginAttempt(await emailOf(org.checker.userId), PASSWORD);
      await platform.sql(`UPDATE users SET locked_until = now() + interval '15 minutes' WHERE id = $1`, [org.operations.userId]);
      const locked = await loginAttempt(await emailOf(org.operations.userId), PASSWORD);
      for (const answer of [wrong, invited, deactivated, locked]) {
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual(unknown.body);
      }
      expect(unknown.body).toMatchObject({ status: 401, code: 'unauthenticated' });
    });
  });

  describe('body sizes', () => {
    it('takes small bodies only on the routes anyone may call; 20 MB on bulk routes alone', async () => {
      const padding = 'x'.repeat(20 * 1024);
      for (const path of ['/v1/auth/login', '/v1/auth/invitations/accept', '/v1/auth/password-reset', '/v1/auth/password-reset/confirm', '/V1/Auth/Login/']) {
        const res = await http().post(path).set('Content-Type', 'application/json').send(JSON.stringify({ email: 'a@b.test', password: padding }));
        expect([path, res.status, res.body.code]).toEqual([path, 413, 'body_too_large']);
      }
      const big = JSON.stringify({ programId: '00000000-0000-4000-8000-000000000000', invoices: [{ invoiceNumber: 'x'.repeat(2 * 1024 * 1024) }] });
      const bulk = await http().post('/v1/invoices/bulk').set(auth(bank.admin)).set('Content-Type', 'application/json').send(big);
      expect(bulk.status).not.toBe(413);
      const single = await http().post('/v1/invoices').set(auth(bank.admin)).set('Content-Type', 'application/json').send(big);
      expect(single.status).toBe(413);
    });
  });
});

describe('credential attempts from one address across emails (password spraying)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await Platform.start({ worker: false, env: { RATE_LIMIT_LOGINS_PER_ADDRESS_PER_MINUTE: '5' } });
  });
  afterAll(() => platform.stop());

  it('answers 429 with Retry-After once an address has tried too many different emails', async () => {
    const attempts = [];
    for (let i = 0; i < 5; i += 1) attempts.push(await platform.http().post('/v1/auth/login').send({ email: `spray-${i}@x.test`, password: 'Summer2026!' }));
    expect(attempts.map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
    const sixth = await platform.http().post('/v1/auth/login').send({ email: 'spray-6@x.test', password: 'Summer2026!' });
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
    expect(sixth.body.code).toBe('too_many_requests');
    expect((await platform.http().post('/v1/auth/password-reset').send({ email: 'spray-7@x.test' })).status).toBe(429);
    // Token guessing from that address is held back too, though no email is named.
    expect((await platform.http().post('/v1/auth/invitations/accept').send({ token: 'A'.repeat(43), password: PASSWORD })).status).toBe(429);
  });
});
