import { Platform } from './support/platform';
import { auth, createAnchor, createBank, login, PASSWORD } from './support/fixtures';

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
});
