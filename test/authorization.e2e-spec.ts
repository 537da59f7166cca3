import { randomBytes, randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import type { Response } from 'supertest';
import { Decimal, formatAmount, formatRate } from '@scf/core';
import { OrganisationType, Role, ROLES_BY_ORGANISATION_TYPE } from '@scf/identity';
import { EVENT_OBJECTS, FIELD_VISIBILITY, ObjectRule, VisibleObject } from '@scf/programs';
import { Platform } from './support/platform';
import { addUser, auth, Session } from './support/fixtures';
import {
  buildWorld,
  Method,
  relogin,
  ROUTE_CASES,
  RouteCase,
  secretsOf,
  settle,
  snapshotDiff,
  snapshotWorld,
  Snapshot,
  supplierSecretsOf,
  Target,
  World,
} from './support/world';

/**
 * Object-level authorisation, proven for every route of the OpenAPI document (OWASP API1/API5).
 * Two complete worlds share one platform; the attacker world's users, holding every role of their
 * organisation type, call every route against the victim world's objects, and must get 403/404,
 * see none of the victim's data, and be unable to tell a victim's object from a missing one.
 */
jest.setTimeout(300_000);

const JWT_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
const CASES: Record<string, RouteCase> = ROUTE_CASES;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

describe('object-level authorisation on every route', () => {
  let platform: Platform;
  let victim: World;
  let attacker: World;
  let documented: string[];
  /** Routes whose OpenAPI operation requires the Idempotency-Key header. */
  let keyed: Set<string>;
  let openApi: { paths: Record<string, Record<string, { security?: unknown[]; parameters?: { in: string; name: string }[]; responses: Record<string, unknown>; 'x-idempotency-key-refused'?: boolean }>> };
  let victimSecrets: string[];
  let before: Snapshot;
  /** Per victim organisation type, the token of a user with every role who has since logged out. */
  const revoked: Partial<Record<OrganisationType, string>> = {};

  beforeAll(async () => {
    platform = await Platform.start({
      businessDate: '2026-03-01',
      env: { RATE_LIMIT_WRITES_PER_MINUTE: '1000000', RATE_LIMIT_LOGINS_PER_MINUTE: '10000' },
    });
    [victim, attacker] = await Promise.all([buildWorld(platform, 'victim'), buildWorld(platform, 'attacker')]);
    await settle(platform);
    const docs = await platform.http().get('/docs/json');
    expect(docs.status).toBe(200);
    openApi = docs.body;
    documented = Object.entries(docs.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    keyed = new Set(
      Object.entries(docs.body.paths as Record<string, Record<string, { parameters?: { in: string; name: string; required?: boolean }[] }>>).flatMap(
        ([path, operations]) =>
          Object.entries(operations)
            .filter(([, op]) => op.parameters?.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key' && p.required))
            .map(([method]) => `${method.toUpperCase()} ${path}`),
      ),
    );
    // A user of each victim organisation type with every role, logged out: its token is revoked.
    for (const [type, organisationId] of [
      [OrganisationType.BANK, victim.bank.id],
      [OrganisationType.ANCHOR, victim.anchor.id],
      [OrganisationType.SUPPLIER, victim.suppliers[0].id],
    ] as const) {
      const email = `revoked-${randomUUID().slice(0, 8)}@${type.toLowerCase()}.test`;
      const session = await addUser(platform, { organisationId, organisationType: type, email, roles: ROLES_BY_ORGANISATION_TYPE[type] });
      expect((await platform.http().post('/v1/auth/logout').set(auth(session))).status).toBe(204);
      revoked[type] = session.token;
    }

    victimSecrets = await secretsOf(platform, victim);
    before = await snapshotWorld(platform, victim);
  });
  afterAll(() => platform?.stop());

  // ------------------------------------------------------------------------------------------
  // The request machinery
  // ------------------------------------------------------------------------------------------

  const split = (key: string) => {
    const [method, path] = key.split(' ') as [Method, string];
    return { method, path };
  };

  function send(key: string, target: Target, headers: Record<string, string>) {
    const { method, path } = split(key);
    const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = target.params?.[name];
      if (value === undefined) throw new Error(`${key}: no value for path parameter ${name}`);
      return encodeURIComponent(value);
    });
    let req = platform.http()[method.toLowerCase() as 'get'](url);
    if (target.query) req = req.query(target.query);
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    if (keyed.has(key)) req = req.set('Idempotency-Key', randomUUID());
    return target.body === undefined ? req : req.send(target.body as object);
  }

  const requestText = (target: Target) => JSON.stringify(target);

  /** Secrets of `secrets` in the response that the caller did not itself send. */
  const leaked = (res: Response, target: Target, secrets: string[]) => {
    const sent = requestText(target);
    return secrets.filter((secret) => res.text?.includes(secret) && !sent.includes(secret));
  };

  /** The same request with each of the world's ids replaced by a fresh random UUID. */
  function withRandomIds(target: Target, secrets: Set<string>): Target {
    const replacements = new Map<string, string>();
    const text = JSON.stringify(target).replace(UUID, (id) => {
      if (!secrets.has(id.toLowerCase())) return id;
      if (!replacements.has(id)) replacements.set(id, randomUUID());
      return replacements.get(id)!;
    });
    return JSON.parse(text) as Target;
  }

  /** What a caller can observe of a refusal or an answer, with every id it sent masked. */
  function observable(res: Response, target: Target) {
    let text = res.text ?? '';
    for (const id of requestText(target).match(UUID) ?? []) text = text.split(id).join('<id>');
    const body = (() => {
      try {
        return JSON.parse(text) as Record<string, unknown>;
      } catch {
        return text;
      }
    })();
    return { status: res.status, body };
  }

  const refusalOk = (res: Response, refusals: number[]) =>
    refusals.includes(res.status) &&
    (res.status !== 400 || ((res.body.violations ?? []) as { rule: string }[]).every((v) => v.rule === 'not_found'));

  const isProblem = (res: Response) =>
    /^application\/problem\+json/.test(String(res.headers['content-type'])) && typeof res.body?.code === 'string';

  const describeRes = (res: Response) => `${res.status} ${(res.text ?? '').slice(0, 300)}`;

  const protectedCases = () => Object.entries(CASES).filter(([, c]) => c.kind !== 'public');

  // ------------------------------------------------------------------------------------------

  it('has a case for every documented route, and none for a route that is gone', () => {
    const missing = documented.filter((route) => !(route in CASES));
    const stale = Object.keys(CASES).filter((route) => !documented.includes(route));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
    expect(documented.length).toBeGreaterThanOrEqual(60);
  });

  it('documents on every authenticated POST the Idempotency-Key and its 409/422, and the write rate limit (429)', () => {
    const posts = Object.entries(openApi.paths).flatMap(([path, operations]) => (operations.post?.security?.length ? [[path, operations.post] as const] : []));
    const withoutKey = posts.filter(([, op]) => !op.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key')).map(([path]) => path);
    expect(withoutKey.sort()).toEqual(['/v1/api-keys', '/v1/auth/password', '/v1/auth/refresh']);
    expect(posts.filter(([, op]) => !op['x-idempotency-key-refused']).every(([, op]) => '409' in op.responses && '422' in op.responses)).toBe(true);
    expect(posts.every(([, op]) => '429' in op.responses)).toBe(true);
  });

  it('answers the public routes without a credential', async () => {
    expect((await platform.http().get('/health/live')).status).toBe(200);
    const wrongPassword = await send('POST /v1/auth/login', CASES['POST /v1/auth/login'].targets(victim)[0], {});
    expect(wrongPassword.status).toBe(401);
    expect(isProblem(wrongPassword)).toBe(true);
  });

  it('refuses every protected route with 401 without a valid credential: none, garbage, forged, expired, alg none, tampered, revoked, unknown API key', async () => {
    const jwt = new JwtService();
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);

    const credentials = (owner: Session): Record<string, Record<string, string>> => {
      const claims = claimsOf(owner.token);
      const [header, , signature] = owner.token.split('.');
      const type = claims.orgType as OrganisationType;
      const allRoles = ROLES_BY_ORGANISATION_TYPE[type];
      const unknownKey = `scf_${randomBytes(32).toString('base64url')}`;
      return {
        'no credential': {},
        'empty bearer': { Authorization: 'Bearer ' },
        'garbage bearer': { Authorization: 'Bearer not.a.jwt' },
        'basic auth': { Authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
        'forged: signed with another secret': { Authorization: `Bearer ${jwt.sign({ ...claims }, { secret: 'another-secret-0123456789abcdef0123456789' })}` },
        'expired: right secret, exp in the past': {
          Authorization: `Bearer ${jwt.sign({ ...claims, iat: now - 7200, exp: now - 3600 }, { secret: JWT_SECRET })}`,
        },
        'not yet valid: nbf in the future': {
          Authorization: `Bearer ${jwt.sign({ ...claims, iat: now, nbf: now + 3600, exp: now + 7200 }, { secret: JWT_SECRET })}`,
        },
        'alg none': { Authorization: `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, roles: allRoles })}.` },
        // iat moves too: the payload must differ even for an owner who already holds every role.
        'tampered payload, original signature': { Authorization: `Bearer ${header}.${b64({ ...claims, roles: allRoles, iat: (claims.iat as number) - 1 })}.${signature}` },
        'attacker token re-pointed at the victim organisation': {
          Authorization: `Bearer ${(() => {
            const attackerToken = attacker.bank.all.token;
            const [h, , s] = attackerToken.split('.');
            return `${h}.${b64({ ...claimsOf(attackerToken), org: claims.org, orgType: type, roles: allRoles })}.${s}`;
          })()}`,
        },
        'revoked by logout': { Authorization: `Bearer ${revoked[type]}` },
        'unknown API key (X-API-Key)': { 'X-API-Key': unknownKey },
        'unknown API key (ApiKey scheme)': { Authorization: `ApiKey ${unknownKey}` },
        'valid token and an API key at once': { Authorization: `Bearer ${owner.token}`, 'X-API-Key': unknownKey },
      };
    };

    const failures: string[] = [];
    let calls = 0;
    for (const [key, c] of protectedCases()) {
      const target = c.targets(victim)[0];
      for (const [name, headers] of Object.entries(credentials(c.owner!(victim)))) {
        const res = await send(key, target, headers);
        calls += 1;
        if (res.status !== 401) failures.push(`${key} with ${name} → ${describeRes(res)}`);
        else if (!isProblem(res)) failures.push(`${key} with ${name} → 401 without a problem+json body: ${describeRes(res)}`);
        const leaks = leaked(res, target, victimSecrets);
        if (leaks.length) failures.push(`${key} with ${name} leaks ${leaks.join(', ')}`);
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(protectedCases().length * 10);
  });

  it('refuses the attacker bank, anchor and supplier (every role) on every victim object: 403/404, no victim data, indistinguishable from a missing object', async () => {
    // Headers are read at each call: a logout case logs the attacker in again with a new token.
    const attackers: [string, () => Record<string, string>, Session?][] = [
      ['attacker bank (all roles)', () => auth(attacker.bank.all), attacker.bank.all],
      ['attacker anchor (all roles)', () => auth(attacker.anchor.all), attacker.anchor.all],
      ['attacker supplier (all roles)', () => auth(attacker.suppliers[0].all), attacker.suppliers[0].all],
      ["attacker anchor's ERP API key", () => ({ 'X-API-Key': attacker.apiKeySecret })],
    ];
    const secrets = new Set(victimSecrets.map((s) => s.toLowerCase()));
    const failures: string[] = [];
    for (const [key, c] of protectedCases()) {
      for (const [who, headers, session] of attackers) {
        for (const target of c.targets(victim, attacker)) {
          const at = `${who}: ${key} ${JSON.stringify({ params: target.params, query: target.query })}`;
          const res = await send(key, target, headers());
          if (c.revokesCaller && session) await relogin(platform, session);
          if (res.status >= 500) failures.push(`${at} → ${describeRes(res)}`);
          if (res.status >= 400 && !isProblem(res)) failures.push(`${at} → not problem+json: ${describeRes(res)}`);
          const leaks = leaked(res, target, victimSecrets);
          if (leaks.length) failures.push(`${at} leaks ${leaks.join(', ')}: ${describeRes(res)}`);
          if (c.kind === 'object' && !refusalOk(res, c.refusals ?? [403, 404])) failures.push(`${at} → ${describeRes(res)}`);

          const sentVictimIds = (requestText(target).match(UUID) ?? []).some((id) => secrets.has(id.toLowerCase()));
          if (!sentVictimIds) continue;
          const missing = withRandomIds(target, secrets);
          const control = await send(key, missing, headers());
          if (c.revokesCaller && session) await relogin(platform, session);
          const seen = observable(res, target);
          const unseen = observable(control, missing);
          const comparable = c.kind === 'object' ? [seen.status, (seen.body as { code?: string }).code] : seen;
          const comparableMissing = c.kind === 'object' ? [unseen.status, (unseen.body as { code?: string }).code] : unseen;
          if (JSON.stringify(comparable) !== JSON.stringify(comparableMissing)) {
            failures.push(`${at} tells the victim's object from a missing one: ${describeRes(res)} vs ${describeRes(control)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("keeps a supplier's invoices, receivables, offers, financings and enrolment from another supplier of the same program", async () => {
    const sibling = victim.suppliers[1].all;
    const secrets = await supplierSecretsOf(platform, victim);
    const secretSet = new Set(secrets.map((s) => s.toLowerCase()));
    const failures: string[] = [];
    for (const [key, c] of protectedCases()) {
      // The sibling belongs to the victim world: its own writes (logout, bank details, keys) are its right, not a breach.
      if (c.kind !== 'object' && split(key).method !== 'GET') continue;
      const targets = c.targets(victim).filter((t) => c.kind !== 'object' || t.supplierOwned);
      for (const target of targets) {
        const at = `sibling supplier: ${key} ${JSON.stringify({ params: target.params, query: target.query })}`;
        const res = await send(key, target, auth(sibling));
        if (c.revokesCaller) await relogin(platform, sibling);
        if (res.status >= 500) failures.push(`${at} → ${describeRes(res)}`);
        const leaks = leaked(res, target, secrets);
        if (leaks.length) failures.push(`${at} leaks ${leaks.join(', ')}: ${describeRes(res)}`);
        if (c.kind !== 'object') continue;
        if (!refusalOk(res, c.refusals ?? [403, 404])) failures.push(`${at} → ${describeRes(res)}`);
        const missing = withRandomIds(target, secretSet);
        const control = await send(key, missing, auth(sibling));
        if (res.status !== control.status || res.body?.code !== control.body?.code) {
          failures.push(`${at} tells the other supplier's object from a missing one: ${describeRes(res)} vs ${describeRes(control)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses actions above the role, and four-eyes approvals of one\'s own proposal, even holding both roles', async () => {
    const v = victim;
    const post = (session: Session, path: string, body: object = {}) => {
      const req = platform.http().post(path).set(auth(session));
      if (/\/(financing-requests|fund|payments)$/.test(path)) req.set('Idempotency-Key', randomUUID());
      return req.send(body);
    };
    const s0 = v.suppliers[0];
    const checks: [string, Session, string, object, number, string?][] = [
      ['supplier finance approves a program', s0.finance, `/v1/programs/${v.programs.draft}/approve`, {}, 403],
      ['supplier (all roles) approves a program', s0.all, `/v1/programs/${v.programs.draft}/approve`, {}, 403],
      ['supplier finance approves a financing', s0.finance, `/v1/financing-requests/${v.financings.requested}/approve`, {}, 403],
      ['supplier (all roles) approves its own financing', s0.all, `/v1/financing-requests/${v.financings.requested}/approve`, {}, 403],
      ['supplier (all roles) funds its own financing', s0.all, `/v1/financing-requests/${v.financings.approved}/fund`, {}, 403],
      ['supplier finance approves an enrolment', s0.finance, `/v1/enrolments/${v.enrolments.pending}/approve`, {}, 403],
      ['supplier finance confirms its own invoice', s0.finance, `/v1/invoices/${v.invoices.toConfirm}/confirm`, {}, 403],
      ['supplier records the anchor\'s payment', s0.admin, `/v1/receivables/${v.receivables.funded}/payments`, { amount: '1000000.00', paidOn: '2026-05-27' }, 403],
      ['supplier finance issues an API key', s0.finance, '/v1/api-keys', { name: 'ERP', scopes: [Role.SUPPLIER_FINANCE] }, 403],
      ['anchor admin funds', v.anchor.admin, `/v1/financing-requests/${v.financings.approved}/fund`, {}, 403],
      ['anchor payables funds', v.anchor.payables, `/v1/financing-requests/${v.financings.approved}/fund`, {}, 403],
      ['anchor (all roles) funds', v.anchor.all, `/v1/financing-requests/${v.financings.approved}/fund`, {}, 403],
      ['anchor (all roles) approves a financing', v.anchor.all, `/v1/financing-requests/${v.financings.requested}/approve`, {}, 403],
      ['anchor (all roles) approves its program', v.anchor.all, `/v1/programs/${v.programs.draft}/approve`, {}, 403],
      ['anchor (all roles) approves an enrolment', v.anchor.all, `/v1/enrolments/${v.enrolments.pending}/approve`, {}, 403],
      ['anchor records the repayment of a financed receivable', v.anchor.all, `/v1/receivables/${v.receivables.funded}/payments`, { amount: '1000000.00', paidOn: '2026-05-27' }, 403],
      ['anchor payables adds a colleague', v.anchor.payables, `/v1/organisations/${v.anchor.id}/users`, { email: `x-${randomUUID()}@a.test`, displayName: 'X', roles: [Role.ANCHOR_ADMIN] }, 403],
      ['bank maker approves a program', v.bank.maker, `/v1/programs/${v.programs.draft}/approve`, {}, 403],
      ['bank maker approves a financing', v.bank.maker, `/v1/financing-requests/${v.financings.requested}/approve`, {}, 403],
      ['bank operations approves a financing', v.bank.operations, `/v1/financing-requests/${v.financings.requested}/approve`, {}, 403],
      ['bank checker funds', v.bank.checker, `/v1/financing-requests/${v.financings.approved}/fund`, {}, 403],
      ['bank operations onboards an anchor', v.bank.operations, '/v1/organisations', { type: 'ANCHOR', name: 'A', admin: { email: `x-${randomUUID()}@a.test`, displayName: 'X' } }, 403],
      ['bank maker+checker approves the program it drafted', v.bank.dual, `/v1/programs/${v.programs.draft}/approve`, {}, 403, 'four_eyes'],
      ['bank maker+checker approves the program change it proposed', v.bank.dual, `/v1/programs/${v.programs.active}/changes/${v.changes.program}/approve`, {}, 403, 'four_eyes'],
      ['bank maker+checker approves the sub-limit it proposed', v.bank.dual, `/v1/enrolments/${s0.enrolmentId}/sub-limit-changes/${v.changes.subLimit}/approve`, {}, 403, 'four_eyes'],
      ['anchor admin grants a bank role', v.anchor.admin, `/v1/organisations/${v.anchor.id}/users`, { email: `x-${randomUUID()}@a.test`, displayName: 'X', roles: [Role.BANK_APPROVER] }, 400, 'role_not_allowed'],
      ['supplier admin grants an anchor role', s0.admin, `/v1/organisations/${s0.id}/users`, { email: `x-${randomUUID()}@s.test`, displayName: 'X', roles: [Role.ANCHOR_ADMIN] }, 400, 'role_not_allowed'],
      ['anchor admin issues an API key with a bank scope', v.anchor.admin, '/v1/api-keys', { name: 'ERP', scopes: [Role.BANK_OPERATIONS] }, 400],
      ['anchor admin issues an API key with an admin scope', v.anchor.admin, '/v1/api-keys', { name: 'ERP', scopes: [Role.ANCHOR_ADMIN] }, 400],
    ];
    const failures: string[] = [];
    for (const [what, session, path, body, status, code] of checks) {
      const res = await post(session, path, body);
      if (res.status !== status || (code !== undefined && res.body.code !== code)) failures.push(`${what}: POST ${path} → ${describeRes(res)}, expected ${status}${code ? ` ${code}` : ''}`);
    }
    expect(failures).toEqual([]);
  });

  // ------------------------------------------------------------------------------------------
  // Field-level visibility: the policy table (role × object × field) walked on every read route
  // ------------------------------------------------------------------------------------------

  /**
   * The supplier's price and payout account (domain.md, "Who sees what"), written here apart from
   * the policy so that a policy that lets the anchor see them fails this test. A program's own terms
   * (its rates) are the anchor's contract with the bank, so program events are not held to it.
   */
  const ANCHOR_NEVER = /advance|discount|fee|netproceeds|rate|effectiveannualcost|tobank|tosupplier|penalty|bankaccount|taxid|autoapproved|offerid|openoffer|valuedate|tenor/i;
  const PROGRAM_TERMS_EVENTS = ['program', 'program_change'];

  /**
   * The read routes and the object each answers; `page` when the objects are the items of a page,
   * `creditLineTerms` when the answer is a program, whose rates are the anchor's own contract.
   */
  const READS: { route: string; object: VisibleObject; page?: boolean; refusedFor?: OrganisationType[]; creditLineTerms?: boolean }[] = [
    { route: 'GET /v1/programs', object: 'program', page: true, creditLineTerms: true },
    { route: 'GET /v1/programs/{id}', object: 'program', creditLineTerms: true },
    { route: 'GET /v1/programs/{id}/changes', object: 'programChange', page: true, refusedFor: [OrganisationType.SUPPLIER], creditLineTerms: true },
    { route: 'GET /v1/enrolments/{id}/sub-limit-changes', object: 'enrolmentChange', page: true, refusedFor: [OrganisationType.SUPPLIER] },
    { route: 'GET /v1/offers', object: 'offer', page: true },
    { route: 'GET /v1/offers/{offerId}', object: 'offer' },
    { route: 'GET /v1/financing-requests', object: 'financingRequest', page: true },
    { route: 'GET /v1/financing-requests/{id}', object: 'financingRequest' },
    { route: 'GET /v1/receivables', object: 'receivable', page: true },
    { route: 'GET /v1/receivables/{id}', object: 'receivable' },
    { route: 'GET /v1/invoices', object: 'invoice', page: true },
    { route: 'GET /v1/invoices/{id}', object: 'invoice' },
    { route: 'GET /v1/enrolments', object: 'enrolment', page: true },
    { route: 'GET /v1/enrolments/{id}', object: 'enrolment' },
    // A supplier reads its own enrolment, not the list of the program's suppliers.
    { route: 'GET /v1/programs/{id}/enrolments', object: 'enrolment', page: true, refusedFor: [OrganisationType.SUPPLIER] },
    { route: 'GET /v1/programs/{id}/utilisation', object: 'utilisation' },
    { route: 'GET /v1/portfolio', object: 'portfolio' },
  ];

  type Schema = { $ref?: string; allOf?: Schema[]; items?: Schema; properties?: Record<string, Schema>; required?: string[]; description?: string };
  const resolve = (schema: Schema): Schema => {
    if (schema.$ref) return resolve((openApi as unknown as { components: { schemas: Record<string, Schema> } }).components.schemas[schema.$ref.split('/').pop()!]);
    if (schema.allOf?.length === 1) return resolve(schema.allOf[0]);
    return schema;
  };
  /** The documented fields of what the route answers (of one item for a page). */
  const documentedObject = (route: string, page: boolean): Schema => {
    const { method, path } = split(route);
    const operation = openApi.paths[path][method.toLowerCase()] as unknown as { responses: Record<string, { content: Record<string, { schema: Schema }> }> };
    const body = resolve(operation.responses['200'].content['application/json'].schema);
    return page ? resolve(body.properties!.items.items!) : body;
  };

  /**
   * What is wrong with `value`, an object of `object` answered to `party` under the documented
   * `schema`: a field it must not see, or one it must see that is missing.
   */
  function fieldFaults(at: string, party: OrganisationType, object: VisibleObject, value: Record<string, unknown>, schema: Schema): string[] {
    const rule = (FIELD_VISIBILITY[object] as ObjectRule)[party];
    const documented = Object.keys(schema.properties ?? {});
    // domain.md: a supplier sees its own objects whole and a bank those of the programs it funds;
    // the anchor sees what the policy lists (held to the domain by ANCHOR_NEVER and the prices).
    const allowed = party === OrganisationType.ANCHOR ? documented.filter((field) => rule.includes(field)) : documented;
    // Present in every answer: the required fields, and those optional only because the anchor is not shown them.
    const always = (field: string) =>
      (schema.required ?? []).includes(field) || /left out for the program's anchor/.test(schema.properties![field].description ?? '');
    const present = Object.keys(value);
    const faults = [
      ...present.filter((field) => !allowed.includes(field)).map((field) => `${at}: ${object}.${field} shown to ${party}`),
      ...allowed.filter((field) => always(field) && !present.includes(field)).map((field) => `${at}: ${object}.${field} missing for ${party}`),
    ];
    for (const [field, inner] of Object.entries((FIELD_VISIBILITY[object] as ObjectRule).nested ?? {})) {
      const nested = value[field];
      if (nested === null || nested === undefined) continue;
      const innerSchema = resolve(schema.properties![field].items ?? schema.properties![field]);
      for (const item of Array.isArray(nested) ? nested : [nested]) {
        faults.push(...fieldFaults(`${at} ${field}`, party, inner as VisibleObject, item as Record<string, unknown>, innerSchema));
      }
    }
    return faults;
  }

  /** Every key, at any depth, of an answer. */
  const keysOf = (value: unknown): string[] =>
    value === null || typeof value !== 'object'
      ? []
      : Array.isArray(value)
        ? value.flatMap(keysOf)
        : Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);

  /** The victim's financing prices as an API would print them, quoted: none may reach its anchor. */
  async function pricesOf(w: World): Promise<string[]> {
    const rows = await platform.sql<{ amount: string | null; rate: string | null }>(
      `SELECT unnest(ARRAY[advance, discount, fee, net_proceeds]) AS amount, NULL::numeric AS rate FROM financing_items
        WHERE financing_request_id IN (SELECT id FROM financing_requests WHERE program_id = $1)
       UNION SELECT unnest(ARRAY[total_advance, total_discount, total_fee, total_net_proceeds]), NULL::numeric FROM financing_requests WHERE program_id = $1
       UNION SELECT unnest(ARRAY[advance, discount, fee, net_proceeds]), NULL::numeric FROM offers WHERE program_id = $1
       UNION SELECT NULL::numeric, unnest(ARRAY[annual_rate, effective_annual_cost]) FROM offers WHERE program_id = $1`,
      [w.programs.active],
    );
    // As the views print them, and as the business events store them (plain decimals).
    const printed = rows.flatMap((row) =>
      row.amount !== null ? [formatAmount(row.amount, 'CNY'), new Decimal(row.amount).toString()] : [formatRate(row.rate!), new Decimal(row.rate!).toString()],
    );
    return [...new Set(printed)].filter((value) => !new Decimal(value).isZero()).map((value) => JSON.stringify(value));
  }

  it("answers each party exactly the fields of the visibility policy on every read route, and never the supplier's price to the anchor", async () => {
    const parties: [OrganisationType, Session][] = [
      [OrganisationType.SUPPLIER, victim.suppliers[0].all],
      [OrganisationType.ANCHOR, victim.anchor.all],
      [OrganisationType.BANK, victim.bank.all],
    ];
    const prices = await pricesOf(victim);
    expect(prices.length).toBeGreaterThanOrEqual(6);
    const failures: string[] = [];
    const answered = new Set<string>();
    for (const { route, object, page = false, refusedFor = [], creditLineTerms = false } of READS) {
      const schema = documentedObject(route, page);
      for (const [party, session] of parties) {
        const rule = (FIELD_VISIBILITY[object] as ObjectRule)[party];
        const refused = refusedFor.includes(party) || rule.length === 0;
        for (const target of CASES[route].targets(victim)) {
          const at = `${party}: ${route} ${JSON.stringify({ params: target.params, query: target.query })}`;
          const res = await send(route, target, auth(session));
          if (refused) {
            if (res.status !== 403) failures.push(`${at} → ${describeRes(res)}, expected 403: the policy gives it no ${object}`);
            continue;
          }
          // Row visibility may hide another supplier's object (404); the fields are checked on what is answered.
          if (res.status === 404) continue;
          if (res.status !== 200) {
            failures.push(`${at} → ${describeRes(res)}`);
            continue;
          }
          answered.add(`${party} ${route}`);
          for (const value of page ? res.body.items : [res.body]) failures.push(...fieldFaults(at, party, object, value, schema));
          if (party === OrganisationType.ANCHOR) {
            if (!creditLineTerms) failures.push(...keysOf(res.body).filter((key) => ANCHOR_NEVER.test(key)).map((key) => `${at}: ${key} shown to the anchor`));
            failures.push(...prices.filter((price) => res.text.includes(price)).map((price) => `${at}: the price ${price} shown to the anchor`));
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // Every party that the policy serves was answered on every route: no check above ran on nothing.
    const served = READS.flatMap(({ route, object, refusedFor = [] }) =>
      parties
        .filter(([party]) => !refusedFor.includes(party) && (FIELD_VISIBILITY[object] as ObjectRule)[party].length !== 0)
        .map(([party]) => `${party} ${route}`),
    );
    expect(served.filter((read) => !answered.has(read))).toEqual([]);
  });

  it("redacts the business events by the same policy: the anchor reads its suppliers' financing without their price; the bank's verification still covers every event", async () => {
    const read = async (session: Session) => {
      const events: Record<string, unknown>[] = [];
      for (let offset = 0; ; offset += 100) {
        const res = await platform.http().get('/v1/audit/events').query({ limit: 100, offset }).set(auth(session));
        expect(res.status).toBe(200);
        events.push(...res.body.items);
        if (!res.body.hasMore) return events;
      }
    };
    const schema = documentedObject('GET /v1/audit/events', true);
    const prices = await pricesOf(victim);
    const failures: string[] = [];
    for (const [party, session] of [
      [OrganisationType.SUPPLIER, victim.suppliers[0].all],
      [OrganisationType.ANCHOR, victim.anchor.all],
      [OrganisationType.BANK, victim.bank.all],
    ] as const) {
      const events = await read(session);
      expect(events.length).toBeGreaterThan(5);
      for (const event of events) {
        const at = `${party}: ${event.action} ${event.objectType} ${event.chainId}/${event.seq}`;
        const documented = Object.keys(schema.properties!);
        if (JSON.stringify(Object.keys(event).sort()) !== JSON.stringify([...documented].sort())) failures.push(`${at}: fields ${Object.keys(event).join(', ')}`);
        const own = event.chainId === session.organisationId;
        const object = EVENT_OBJECTS[event.objectType as string] as VisibleObject | undefined;
        const rule = own || object === undefined ? 'all' : (FIELD_VISIBILITY[object] as ObjectRule)[party];
        for (const side of ['before', 'after'] as const) {
          const payload = event[side] as Record<string, unknown> | null;
          if (party === OrganisationType.ANCHOR && !own && object === undefined && payload !== null) failures.push(`${at}: ${side} of an object without a rule shown to the anchor`);
          if (payload === null || rule === 'all') continue;
          failures.push(...Object.keys(payload).filter((field) => !rule.includes(field)).map((field) => `${at}: ${side}.${field} shown to ${party}`));
        }
        if (party !== OrganisationType.ANCHOR) {
          if (event.redacted !== false) failures.push(`${at}: redacted for the ${party}`);
          continue;
        }
        if (own || PROGRAM_TERMS_EVENTS.includes(event.objectType as string)) continue;
        const payloads = [event.before, event.after];
        failures.push(...keysOf(payloads).filter((key) => ANCHOR_NEVER.test(key)).map((key) => `${at}: ${key} shown to the anchor`));
        failures.push(...prices.filter((price) => JSON.stringify(payloads).includes(price)).map((price) => `${at}: the price ${price} shown to the anchor`));
      }
      if (party === OrganisationType.ANCHOR) {
        // The anchor does learn that its receivables were financed, and which ones.
        const requested = events.filter((event) => event.action === 'financing.requested');
        expect(requested.length).toBeGreaterThan(0);
        for (const event of requested) {
          expect(event).toMatchObject({ redacted: true, after: { status: expect.any(String), totalFace: '1000000', receivableIds: [expect.any(String)] } });
        }
        expect(events.some((event) => event.action === 'financing.funded' && event.redacted === true)).toBe(true);
      }
    }
    expect(failures).toEqual([]);

    // Redaction is of the view: the stored chains are whole, and the bank verifies them; the other parties are refused cleanly.
    const verified = await platform.http().get('/v1/audit/verify').query({ chainId: victim.programs.active }).set(auth(victim.bank.admin));
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true, chainsChecked: 1, brokenChains: 0 });
    for (const session of [victim.anchor.all, victim.suppliers[0].all]) {
      const refused = await platform.http().get('/v1/audit/verify').query({ chainId: victim.programs.active }).set(auth(session));
      expect(refused.status).toBe(403);
      expect(isProblem(refused)).toBe(true);
    }
  });

  it('left every row of the victim world as it was: no call above changed or added anything', async () => {
    await settle(platform);
    expect(snapshotDiff(before, await snapshotWorld(platform, victim))).toEqual({});
  });

  it('lets the rightful owner make every request of the table (the bodies are valid, so no 400 masked a missing check)', async () => {
    // Suspensions and the logout last: the other requests need an ACTIVE program, enrolment and session.
    const LAST = ['POST /v1/programs/{id}/suspend', 'POST /v1/enrolments/{id}/suspend', 'POST /v1/auth/logout'];
    const ordered = [...protectedCases()].sort(([a], [b]) => Number(LAST.includes(a)) - Number(LAST.includes(b)));
    const failures: string[] = [];
    for (const [key, c] of ordered) {
      const target = c.targets(victim)[0];
      const owner = c.owner!(victim);
      const res = await send(key, target, auth(owner));
      if (c.revokesCaller) await relogin(platform, owner);
      if (res.status >= 300) failures.push(`owner: ${key} ${JSON.stringify(target.params ?? {})} → ${describeRes(res)}`);
    }
    expect(failures).toEqual([]);
  });

  /**
   * Organisations are objects too. A program names its anchor and an enrolment its supplier by id;
   * another bank or anchor that learns such an id must not attach the victim's organisation to its
   * own program (and through it learn its name or write invoices into its books).
   */
  it("refuses to attach the victim's anchor or supplier, named by id, to the attacker's program", async () => {
    const beforeAttach = await snapshotWorld(platform, victim);
    const program = (anchorId: string) => ({ ...CASES['POST /v1/programs'].targets(attacker)[0].body as object, anchorId });
    const enrol = (supplierId: string) => ({ subLimit: '1000000.00', supplierId });
    const attempts: [string, Session, string, (id: string) => object, string][] = [
      ['attacker bank opens a program on the victim anchor', attacker.bank.maker, '/v1/programs', program, victim.anchor.id],
      ['attacker anchor enrols the victim supplier', attacker.anchor.admin, `/v1/programs/${attacker.programs.active}/enrolments`, enrol, victim.suppliers[0].id],
      ['attacker bank enrols the victim supplier', attacker.bank.maker, `/v1/programs/${attacker.programs.active}/enrolments`, enrol, victim.suppliers[0].id],
    ];
    const failures: string[] = [];
    for (const [what, session, path, body, victimId] of attempts) {
      const res = await platform.http().post(path).set(auth(session)).send(body(victimId));
      const unknown = await platform.http().post(path).set(auth(session)).send(body(randomUUID()));
      const leaks = victimSecrets.filter((secret) => secret !== victimId && res.text.includes(secret));
      if (res.status < 400 || res.status !== unknown.status || res.body.code !== unknown.body.code || leaks.length) {
        failures.push(`${what}: POST ${path} → ${describeRes(res)} (an unknown id → ${describeRes(unknown)})${leaks.length ? `; leaks ${leaks.join(', ')}` : ''}`);
      }
    }
    expect(failures).toEqual([]);
    expect(snapshotDiff(beforeAttach, await snapshotWorld(platform, victim))).toEqual({});
  });
});
