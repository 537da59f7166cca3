import { JwtService } from '@nestjs/jwt';
import { Platform } from './support/platform';
import { auth, createAnchor, createBank, login, PASSWORD } from './support/fixtures';

jest.setTimeout(120_000);

describe('authentication', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await Platform.start({ worker: false });
  });
  afterAll(() => platform.stop());

  it('logs in with a bearer JWT and refuses a wrong password with a problem body', async () => {
    const bank = await createBank(platform);
    const me = await platform.http().get('/v1/auth/me').set(auth(bank.maker));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ organisationId: bank.id, roles: ['BANK_CREDIT_OFFICER'] });

    const wrong = await platform.http().post('/v1/auth/login').send({ email: 'nobody@x.test', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(wrong.body).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it('invalidates tokens on logout', async () => {
    const bank = await createBank(platform);
    const session = bank.operations;
    expect((await platform.http().post('/v1/auth/logout').set(auth(session))).status).toBe(204);
    expect((await platform.http().get('/v1/auth/me').set(auth(session))).status).toBe(401);
  });

  it('rejects malformed JSON and unknown fields with 400 naming the problem', async () => {
    const malformed = await platform.http().post('/v1/auth/login').set('Content-Type', 'application/json').send('{"email":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('malformed_json');
    const unknown = await platform.http().post('/v1/auth/login').send({ email: 'a@b.test', password: 'x', admin: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body.violations).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'admin', rule: 'unknown_field' })]));
  });

  it('lets a bank onboard an anchor whose admin can log in', async () => {
    const bank = await createBank(platform);
    const anchor = await createAnchor(platform, bank);
    expect(anchor.admin.organisationId).toBe(anchor.id);
    await expect(login(platform, 'missing@x.test', PASSWORD)).rejects.toThrow(/401/);
  });

  it('locks an account for 15 minutes after 5 failed logins, even for the right password', async () => {
    const bank = await createBank(platform);
    const [{ email }] = await platform.sql<{ email: string }>(`SELECT email FROM users WHERE id = $1`, [bank.operations.userId]);
    const attempt = (password: string) => platform.http().post('/v1/auth/login').send({ email, password });
    for (let i = 0; i < 4; i += 1) expect((await attempt('wrong-password')).body.code).toBe('unauthenticated');
    expect((await attempt('wrong-password')).status).toBe(401);
    const [locked] = await platform.sql<{ failed_logins: number; minutes: number }>(
      `SELECT failed_logins, round(extract(epoch FROM locked_until - now()) / 60)::int AS minutes FROM users WHERE id = $1`,
      [bank.operations.userId],
    );
    expect(locked).toEqual({ failed_logins: 5, minutes: 15 });

    const refused = await attempt(PASSWORD);
    expect(refused.status).toBe(401);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    // Locked reads like any wrong password: the answer never tells that the account exists.
    const unknown = await platform.http().post('/v1/auth/login').send({ email: `nobody-${email}`, password: PASSWORD });
    expect(refused.body).toEqual(unknown.body);
    expect(refused.body.code).toBe('unauthenticated');
    // Tokens issued before the lockout keep working: the lock is about guessing passwords.
    expect((await platform.http().get('/v1/auth/me').set(auth(bank.operations))).status).toBe(200);

    await platform.sql(`UPDATE users SET locked_until = now() - interval '1 second' WHERE id = $1`, [bank.operations.userId]);
    expect((await attempt(PASSWORD)).status).toBe(200);
    const [after] = await platform.sql(`SELECT failed_logins FROM users WHERE id = $1`, [bank.operations.userId]);
    expect(after.failed_logins).toBe(0);
  });

  it('refreshes a valid token with the current roles, within the session\'s maximum age', async () => {
    const bank = await createBank(platform);
    const refreshed = await platform.http().post('/v1/auth/refresh').set(auth(bank.maker));
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, actor: { userId: bank.maker.userId, roles: ['BANK_CREDIT_OFFICER'] } });
    const me = await platform.http().get('/v1/auth/me').set({ Authorization: `Bearer ${refreshed.body.accessToken}` });
    expect(me.status).toBe(200);

    const jwt = platform.app.get(JwtService, { strict: false });
    const claims = jwt.decode(bank.maker.token) as Record<string, unknown>;
    expect(claims.auth_time).toEqual(expect.any(Number));
    const { iat, exp, ...rest } = claims;
    const stale = await jwt.signAsync({ ...rest, auth_time: Math.floor(Date.now() / 1000) - 13 * 3600 });
    expect((await platform.http().get('/v1/auth/me').set({ Authorization: `Bearer ${stale}` })).status).toBe(200);
    const tooOld = await platform.http().post('/v1/auth/refresh').set({ Authorization: `Bearer ${stale}` });
    expect(tooOld.status).toBe(401);
    expect(tooOld.body.code).toBe('session_expired');

    const expired = await jwt.signAsync(rest, { expiresIn: -1 });
    expect((await platform.http().post('/v1/auth/refresh').set({ Authorization: `Bearer ${expired}` })).status).toBe(401);

    expect((await platform.http().post('/v1/auth/logout').set(auth(bank.maker))).status).toBe(204);
    expect((await platform.http().post('/v1/auth/refresh').set({ Authorization: `Bearer ${refreshed.body.accessToken}` })).status).toBe(401);
  });

  it('answers the same to an unknown email as to a wrong password', async () => {
    const bank = await createBank(platform);
    const [{ email }] = await platform.sql<{ email: string }>(`SELECT email FROM users WHERE id = $1`, [bank.admin.userId]);
    const known = await platform.http().post('/v1/auth/login').send({ email, password: 'wrong-password' });
    const unknown = await platform.http().post('/v1/auth/login').send({ email: `x${email}`, password: 'wrong-password' });
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
  });
});
