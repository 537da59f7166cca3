import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Response } from 'supertest';
import { Platform } from './support/platform';
import { auth, Session } from './support/fixtures';
import { buildWorld, relogin, ROUTE_CASES, settle, snapshotDiff, snapshotTables, Target, World } from './support/world';

/**
 * Property-based fuzzing of every write route of the OpenAPI document. Each generated request is
 * malformed in at least one way the route must refuse (a body field of the wrong type, range,
 * precision or date; a missing or unknown field, prototype keys; a body that is not an object or not
 * JSON; an unreadable content type or encoding; a malformed path id or Idempotency-Key), sent by
 * the rightful owner of a valid object, so that only the malformation stands between the request
 * and a change. Every answer must be a 4xx application/problem+json with a `code`, never a 5xx,
 * never a stack trace, and no row of any table may change.
 */
jest.setTimeout(240_000);

const MIN_REQUESTS = 2_000;
// Generated requests per run, spread evenly over the write routes (the fixed examples come on top).
const GENERATED = 3_000;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2_147_483_647;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
}

interface Operation {
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

/** A request about to be sent; mutations rewrite it. */
interface Draft {
  params: Record<string, string>;
  /** Path values sent as they are (already percent-encoded, or deliberately not). */
  rawParams: Record<string, string>;
  body?: Json;
  /** Replaces the serialised body. */
  raw?: string | Buffer;
  headers: Record<string, string | undefined>;
  query?: string;
}

interface Mutation {
  what: string;
  apply: (draft: Draft) => Draft;
}

type Kind = 'object' | 'array' | 'enum' | 'number' | 'boolean' | 'uuid' | 'date' | 'amount' | 'rate' | 'currency' | 'email' | 'text';

interface Slot {
  path: (string | number)[];
  kind: Kind;
  required: boolean;
}

const AMOUNT_FIELDS = ['limitAmount', 'autoApprovalThreshold', 'subLimit', 'amount'];
const RATE_FIELDS = ['baseRate', 'margin', 'advanceRate', 'feeRate', 'penaltyRate'];

const deepObject = (depth: number): Json => {
  let value: Json = 'bottom';
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
};
const deepArray = (depth: number): Json => {
  let value: Json = [];
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
};

// Not a string: refused by every string field, whatever its pattern.
const NOT_STRINGS: Json[] = [0, -1, 1.5, 1e21, true, false, {}, [], ['x'], { a: 1 }, [[]], deepObject(50)];

/** Values each kind of field must refuse (null only where the field is required: null means "absent" to an optional one). */
const BAD: Record<Kind, Json[]> = {
  object: ['x', 0, true, [], [{}], ['x']],
  array: ['x', 0, true, {}, [null], [0], [[]], [{}], ['x'.repeat(5000)], Array.from({ length: 10_001 }, () => 'x'), deepArray(200)],
  enum: ['NOT_A_VALUE', 'anchor', '', 999, -1, 1.5, true, {}, [], ['ANCHOR']],
  number: [-1, 1.5, -99999999, 1e300, '7', '', 'NaN', true, {}, []],
  boolean: ['true', 0, 1, {}, []],
  uuid: ['not-a-uuid', '', '123', '00000000-0000-0000-0000-00000000000g', `${randomUUID()}x`, `{${randomUUID()}}`, "' OR '1'='1", 'x'.repeat(5000), randomUUID(), ...NOT_STRINGS],
  date: [
    '2026-02-30', '2026-02-29', '2026-13-01', '2026-00-10', '2026-01-00', '2026-04-31', '2026-2-3', '2026/03/01', '20260301',
    '2026-03-01T00:00:00Z', '9999-99-99', '0000-00-00', '', 'today', '01-03-2026', '+02026-03-01', ' 2026-03-01', ...NOT_STRINGS,
  ],
  amount: [
    '-1', '-0.01', '1.001', '1.23456', '1e6', '1E-2', 'NaN', 'Infinity', '-Infinity', '', ' 100', '100 ', '1,000.00', '+1', '0x1A',
    '１００', '1.', '.5', '12345678901234567', '0.0.1', '1_000', '100.00abc', '100; DROP TABLE invoices', '½', ...NOT_STRINGS,
  ],
  rate: ['1.5', '-0.1', '0.123456789', '2', '1e-2', 'NaN', '.05', '0,05', '', '0.05%', '1.000000001', ...NOT_STRINGS],
  currency: ['cny', 'CN', 'CNYY', '', 'C1Y', 'ÇNY', ' CNY', ...NOT_STRINGS],
  email: ['not-an-email', '', '@x.test', 'a@', `${'x'.repeat(300)}@a.test`, 'a b@c.test', ...NOT_STRINGS],
  text: ['', 'x'.repeat(5000), ...NOT_STRINGS],
};

// Keys no DTO accepts: server-owned fields (mass assignment) and operator-like names.
const EXTRA_KEYS = ['status', 'utilised', 'bankId', 'anchorOwner', 'id', 'createdBy', 'approvedBy', 'isAdmin', 'decidedBy', '$where', '$gt', 'then', 'length', '0'];
// Keys named after Object.prototype members: the prototype-pollution probes, tested one by one below.
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'];
const EXTRA_VALUES: Json[] = [1, 'x', null, true, {}, [], { polluted: true }, 'APPROVED'];

// Not JSON at all, refused by the body parser whatever the route.
const MALFORMED_JSON = ['{', '{"a":', "{'a':1}", '{"a":1,}', '{"a":NaN}', '{"a":undefined}', '[1,2', 'nul', '{"a":"\\x"}', '{"a":"\u0001"}', '{a:1}', '}{', '{"a":1}}', '\u0000'];
// JSON, but not an object: refused where a body is expected.
const NOT_OBJECTS = ['null', '42', '"text"', 'true', '[]', '[{}]', '[[[]]]', JSON.stringify(deepArray(500)), JSON.stringify(deepObject(500))];
// Far deeper than any DTO: tested one by one below.
const DEEP = 10_000;
const DEEP_BODIES: Record<string, string> = {
  'nested arrays': '['.repeat(DEEP) + ']'.repeat(DEEP),
  'nested objects': '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP),
};

const BAD_PATH_IDS = [
  'not-a-uuid', '1', '0', '-1', 'null', 'undefined', '00000000-0000-0000-0000-00000000000g', "'%20OR%20'1'%3D'1", '..%2F..%2Fetc%2Fpasswd', '%00',
  '%E0%A4%A', '%', 'x'.repeat(2000), '%F0%9F%99%82', '%20' + '1'.repeat(8), '00000000-0000-0000-0000-000000000000', '{id}', '*', '%2e%2e',
];
const BAD_IDEMPOTENCY_KEYS = ['', 'short', 'x'.repeat(129), 'has spaces in it', 'clé-clé-clé', '../../etc/passwd', 'key;DROP TABLE x', '%00%00%00%00', '{"a":1}xxxx'];
// The body parser can't read these: 415 or 400 whatever the route.
const UNREADABLE: Record<string, string>[] = [
  { 'Content-Type': 'application/json; charset=utf-16' },
  { 'Content-Type': 'application/json; charset=no-such-charset' },
  { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
  { 'Content-Type': 'application/json', 'Content-Encoding': 'deflate' },
  { 'Content-Type': 'application/json', 'Content-Encoding': 'x-unknown' },
];
// Not JSON: refused with 415 whatever the route, before anything reads the body.
const OTHER_TYPES = ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'application/merge-patch+json', ''];
// Harmless on their own; mixed into the breakers above.
const NOISE: Mutation[] = [
  { what: 'Accept: application/xml', apply: (d) => ({ ...d, headers: { ...d.headers, Accept: 'application/xml' } }) },
  { what: 'Accept: text/html', apply: (d) => ({ ...d, headers: { ...d.headers, Accept: 'text/html' } }) },
  { what: 'X-Request-Id junk', apply: (d) => ({ ...d, headers: { ...d.headers, 'X-Request-Id': '../../<script>' } }) },
  { what: 'X-HTTP-Method-Override: DELETE', apply: (d) => ({ ...d, headers: { ...d.headers, 'X-HTTP-Method-Override': 'DELETE' } }) },
  { what: 'query junk', apply: (d) => ({ ...d, query: '__proto__[polluted]=1&constructor[prototype][x]=1&a[]=1&a[b]=2&limit=-1' }) },
  { what: 'X-Forwarded-For junk', apply: (d) => ({ ...d, headers: { ...d.headers, 'X-Forwarded-For': '999.1.1.1, <x>' } }) },
];

describe('fuzzing every write route with malformed requests', () => {
  let platform: Platform;
  let world: World;
  let paths: Record<string, Record<string, Operation>>;
  let schemas: Record<string, Schema>;
  let sent = 0;

  beforeAll(async () => {
    platform = await Platform.start({
      businessDate: '2026-03-01',
      env: { RATE_LIMIT_WRITES_PER_MINUTE: '1000000', RATE_LIMIT_LOGINS_PER_MINUTE: '10000' },
    });
    world = await buildWorld(platform, 'fuzz');
    await settle(platform);
    const docs = await platform.http().get('/docs/json');
    paths = docs.body.paths;
    schemas = docs.body.components.schemas;
  });
  afterAll(() => platform?.stop());

  const resolve = (schema: Schema): Schema => {
    if (schema.$ref) return resolve(schemas[schema.$ref.split('/').pop()!]);
    if (schema.allOf?.length === 1) return { ...schema, ...resolve(schema.allOf[0]), allOf: undefined };
    return schema;
  };

  function kindOf(name: string | number, schema: Schema): Kind {
    if (schema.properties) return 'object';
    if (schema.type === 'array') return 'array';
    if (schema.enum) return 'enum';
    if (schema.type === 'integer' || schema.type === 'number') return 'number';
    if (schema.type === 'boolean') return 'boolean';
    if (schema.format === 'uuid') return 'uuid';
    if (schema.format === 'date') return 'date';
    if (typeof name === 'string' && AMOUNT_FIELDS.includes(name)) return 'amount';
    if (typeof name === 'string' && RATE_FIELDS.includes(name)) return 'rate';
    if (name === 'currency') return 'currency';
    if (name === 'email') return 'email';
    return 'text';
  }

  /** Every field of the valid body, with what kind of value it takes and whether it is required. */
  function slotsOf(value: Json | undefined, schema: Schema, path: (string | number)[] = [], required = true, out: Slot[] = []): Slot[] {
    const resolved = resolve(schema);
    const kind = kindOf(path[path.length - 1] ?? '', resolved);
    if (path.length) out.push({ path, kind, required });
    if (kind === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [name, child] of Object.entries(resolved.properties ?? {})) {
        if (name in value) slotsOf(value[name], child, [...path, name], resolved.required?.includes(name) ?? false, out);
      }
    }
    if (kind === 'array' && Array.isArray(value) && value.length && resolved.items) slotsOf(value[0], resolved.items, [...path, 0], true, out);
    return out;
  }

  const clone = <T>(value: T): T => (value === undefined ? value : JSON.parse(JSON.stringify(value)));

  function setAt(body: Json, path: (string | number)[], value: Json | undefined): Json {
    const copy = clone(body);
    let node = copy as Record<string | number, Json>;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
    const last = path[path.length - 1];
    if (value === undefined) delete node[last];
    else node[last] = value;
    return copy;
  }

  const badValuesOf = (slot: Slot) => BAD[slot.kind].filter((v) => slot.required || v !== null);
  const setTo = (slot: Slot, value: Json): Mutation => ({
    what: `${slot.path.join('.')} = ${JSON.stringify(value)?.slice(0, 60)}`,
    apply: (d: Draft) => ({ ...d, body: setAt(d.body!, slot.path, value) }),
  });
  const without = (slot: Slot): Mutation => ({ what: `without ${slot.path.join('.')}`, apply: (d: Draft) => ({ ...d, body: setAt(d.body!, slot.path, undefined) }) });

  /**
   * The mutations every run tries first, whatever the seed: each required field dropped, each field
   * given the first bad value of its kind, and each nested object or array given the wrong shape.
   */
  function examplesOf(op: Operation, base: Draft): Mutation[] {
    const bodySchema = op.requestBody?.content['application/json']?.schema;
    if (!bodySchema) return [];
    const slots = slotsOf(base.body, resolve(bodySchema));
    return [
      ...slots.filter((slot) => slot.required).map(without),
      ...slots.map((slot) => setTo(slot, badValuesOf(slot)[0])),
      ...slots
        .filter((slot) => slot.kind === 'object' || slot.kind === 'array')
        .flatMap((slot) => [[], {}, 'x', ...(slot.required ? [null] : [])].map((value) => setTo(slot, value as Json))),
    ];
  }

  /** Malformations the route must refuse whatever else the request says. */
  function breakers(key: string, op: Operation, base: Draft): fc.Arbitrary<Mutation>[] {
    const [method] = key.split(' ');
    const list: fc.Arbitrary<Mutation>[] = [];
    const bodySchema = op.requestBody?.content['application/json']?.schema;
    const pathParams = Object.keys(base.params);
    const isPublic = ROUTE_CASES[key].kind === 'public';

    if (bodySchema) {
      const root = resolve(bodySchema);
      const slots = slotsOf(base.body, root);
      const objects: (string | number)[][] = [[], ...slots.filter((s) => s.kind === 'object').map((s) => s.path)];
      const requiredSlots = slots.filter((s) => s.required);
      const hasRequired = (root.required ?? []).length > 0;

      if (slots.length) {
        list.push(
          fc.tuple(fc.constantFrom(...slots), fc.nat()).map(([slot, n]) => {
            const choices = badValuesOf(slot);
            return setTo(slot, choices[n % choices.length]);
          }),
        );
      }
      if (requiredSlots.length) list.push(fc.constantFrom(...requiredSlots).map(without));
      list.push(
        fc.tuple(fc.constantFrom(...objects), fc.constantFrom(...EXTRA_KEYS), fc.constantFrom(...EXTRA_VALUES)).map(([at, name, value]) => ({
          what: `extra ${[...at, name].join('.')} = ${JSON.stringify(value)}`,
          apply: (d: Draft) => ({ ...d, body: setAt(d.body!, [...at, name], value) }),
        })),
      );
      list.push(
        fc.constantFrom(...(hasRequired ? [...NOT_OBJECTS, '{}', '{"data":{}}'] : NOT_OBJECTS.filter((t) => t !== '[]'))).map((text) => ({
          what: `body ${text.slice(0, 40)}`,
          apply: (d: Draft) => ({ ...d, raw: text }),
        })),
      );
      list.push(
        fc.constantFrom(...(hasRequired ? [...NOT_OBJECTS, '{}'] : ['null', '42'])).map((text) => ({
          what: `body wrapped ${text.slice(0, 20)}`,
          apply: (d: Draft) => ({ ...d, raw: `{"data":${JSON.stringify(d.body)},"extra":${text}}` }),
        })),
      );
      list.push(
        fc.constant({
          what: 'body with invalid UTF-8 in a key',
          apply: (d: Draft) => ({ ...d, raw: Buffer.concat([Buffer.from('{"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(`":1,${JSON.stringify(d.body).slice(1)}`)]) }),
        }),
      );
      list.push(
        fc.constantFrom(...OTHER_TYPES).map((type) => ({
          what: `Content-Type: ${type}`,
          apply: (d: Draft) => ({ ...d, headers: { ...d.headers, 'Content-Type': type } }),
        })),
      );
    }
    list.push(fc.constantFrom(...MALFORMED_JSON).map((text) => ({ what: `malformed JSON ${JSON.stringify(text)}`, apply: (d: Draft) => ({ ...d, raw: text }) })));
    list.push(
      fc.constantFrom(...UNREADABLE).map((headers) => ({
        what: `unreadable ${JSON.stringify(headers)}`,
        apply: (d: Draft) => ({ ...d, headers: { ...d.headers, ...headers }, raw: d.raw ?? JSON.stringify(d.body ?? { any: 'body' }) }),
      })),
    );
    if (method === 'POST' && !isPublic) {
      list.push(
        fc.constantFrom(...BAD_IDEMPOTENCY_KEYS).map((value) => ({
          what: `Idempotency-Key ${JSON.stringify(value)}`,
          apply: (d: Draft) => ({ ...d, headers: { ...d.headers, 'Idempotency-Key': value } }),
        })),
      );
    }
    if (pathParams.length) {
      list.push(
        fc.tuple(fc.constantFrom(...pathParams), fc.constantFrom(...BAD_PATH_IDS)).map(([name, value]) => ({
          what: `path ${name} = ${value.slice(0, 40)}`,
          apply: (d: Draft) => ({ ...d, rawParams: { ...d.rawParams, [name]: value } }),
        })),
      );
    }
    return list;
  }

  async function sendDraft(key: string, draft: Draft): Promise<Response> {
    const [method, template] = key.split(' ');
    const url = template.replace(/\{(\w+)\}/g, (_, name: string) => draft.rawParams[name] ?? encodeURIComponent(draft.params[name]));
    let req = platform.http()[method.toLowerCase() as 'post'](draft.query ? `${url}?${draft.query}` : url);
    for (const [name, value] of Object.entries(draft.headers)) if (value !== undefined) req = req.set(name, value);
    sent += 1;
    if (draft.raw !== undefined) return req.send(draft.raw as string);
    if (draft.body !== undefined) return req.send(JSON.stringify(draft.body));
    return req;
  }

  /** Why the answer is wrong for a malformed request, or undefined. */
  function verdict(res: Response, owner: boolean): string | undefined {
    if (res.status >= 500) return `server error ${res.status}`;
    if (res.status < 400) return `accepted (${res.status}): a malformed request changed something or was taken as valid`;
    if (owner && (res.status === 401 || res.status === 403)) return `refused the rightful owner (${res.status}) instead of the malformation`;
    if (!/^application\/problem\+json/.test(String(res.headers['content-type']))) return `not problem+json: ${res.headers['content-type']}`;
    if (typeof res.body?.code !== 'string') return 'problem without a code';
    if (/\bat [^\s]+ \(.*:\d+:\d+\)|node_modules|QueryFailedError|TypeORMError|duplicate key value|violates .* constraint/.test(res.text)) return 'stack trace or SQL in the answer';
    return undefined;
  }

  /** Every write route, with its rightful owner and canonical valid request. */
  const writeRoutes = () =>
    Object.entries(paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([method]) => ['post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, op]) => {
          const key = `${method.toUpperCase()} ${path}`;
          const c = ROUTE_CASES[key];
          return { key, op, case: c, owner: c?.owner?.(world), target: c?.targets(world)[0] ?? {} };
        }),
    );

  /** The valid request, each time with a fresh Idempotency-Key where the route requires one. */
  const validDraft = (op: Operation, owner: Session | undefined, target: Target): Draft => ({
    params: { ...(target.params as Record<string, string>) },
    rawParams: {},
    body: clone(target.body as Json),
    headers: {
      'Content-Type': 'application/json',
      ...(owner ? auth(owner) : {}),
      ...(op.parameters?.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key' && p.required) ? { 'Idempotency-Key': randomUUID() } : {}),
    },
  });

  it('refuses at least 2,000 malformed requests to every write route with a 4xx problem, never a 5xx, and changes no row', async () => {
    const writes = writeRoutes();
    expect(writes.length).toBeGreaterThanOrEqual(35);
    const numRuns = Math.ceil(GENERATED / writes.length);
    const failures: string[] = [];
    const before = await snapshotTables(platform);

    for (const { key, op, case: c, owner, target } of writes) {
      if (!c) {
        failures.push(`${key}: no case in ROUTE_CASES (test/support/world.ts)`);
        continue;
      }
      if (owner) await relogin(platform, owner);
      const base = () => validDraft(op, owner, target);
      const arbitrary = fc.tuple(fc.oneof(...breakers(key, op, base())), fc.array(fc.constantFrom(...NOISE), { maxLength: 2 }));
      const routeBefore = await snapshotTables(platform);
      const examples = examplesOf(op, base()).map((mutation): [[Mutation, Mutation[]]] => [[mutation, []]]);
      const result = await fc.check(
        fc.asyncProperty(arbitrary, async ([breaker, noise]) => {
          const draft = [breaker, ...noise].reduce((d, m) => m.apply(d), base());
          const res = await sendDraft(key, draft);
          const wrong = verdict(res, owner !== undefined);
          if (wrong) throw new Error(`${wrong}: ${res.status} ${(res.text ?? '').slice(0, 300)}`);
        }),
        { numRuns, seed: SEED, examples },
      );
      if (result.failed) {
        const [breaker, noise] = result.counterexample![0];
        failures.push(`${key} [${[breaker, ...noise].map((m) => m.what).join(' + ')}] → ${String((result.errorInstance as Error)?.message ?? result.errorInstance)}`);
      }
      const changed = snapshotDiff(routeBefore, await snapshotTables(platform));
      if (Object.keys(changed).length) failures.push(`${key}: rows changed in ${Object.keys(changed).join(', ')}`);
    }

    await settle(platform, 500);
    expect({ seed: SEED, failures }).toEqual({ seed: SEED, failures: [] });
    expect(snapshotDiff(before, await snapshotTables(platform))).toEqual({});
    expect(sent).toBeGreaterThanOrEqual(MIN_REQUESTS);
  });

  it('refuses a body over the size limit with 413 problem+json and changes nothing', async () => {
    const before = await snapshotTables(platform);
    const res = await platform
      .http()
      .post('/v1/invoices')
      .set(auth(world.suppliers[0].admin))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ programId: world.programs.active, invoiceNumber: 'X'.repeat(21 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('body_too_large');
    expect(snapshotDiff(before, await snapshotTables(platform))).toEqual({});
  });

  it('refuses JSON nested 10,000 deep with a 4xx problem on every route that reads a body, login included, and changes no row', async () => {
    const before = await snapshotTables(platform);
    const failures: string[] = [];
    for (const { key, op, owner, target } of writeRoutes()) {
      // A route without a body ignores whatever is sent (the parser still refuses what is not JSON).
      if (!op.requestBody) continue;
      if (owner) await relogin(platform, owner);
      const wrong: string[] = [];
      for (const [what, raw] of Object.entries(DEEP_BODIES)) {
        const res = await sendDraft(key, { ...validDraft(op, owner, target), raw });
        const why = verdict(res, owner !== undefined);
        if (why) wrong.push(`${what} → ${res.status} ${res.body?.code ?? ''}`);
      }
      if (wrong.length) failures.push(`${key}: ${wrong.join('; ')}`);
    }
    expect(failures).toEqual([]);
    expect(snapshotDiff(before, await snapshotTables(platform))).toEqual({});
  });

  it('refuses a body of any other type than JSON with 415 problem+json on every route that reads one, and changes no row', async () => {
    const before = await snapshotTables(platform);
    const wrong: string[] = [];
    for (const { key, op, owner, target } of writeRoutes()) {
      if (!op.requestBody) continue;
      if (owner) await relogin(platform, owner);
      for (const type of OTHER_TYPES) {
        const draft = validDraft(op, owner, target);
        const res = await sendDraft(key, { ...draft, headers: { ...draft.headers, 'Content-Type': type } });
        if (res.status !== 415 || res.body?.code !== 'unsupported_media_type' || !/^application\/problem\+json/.test(String(res.headers['content-type']))) {
          wrong.push(`${key} with ${JSON.stringify(type)} → ${res.status} ${res.body?.code ?? ''}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(snapshotDiff(before, await snapshotTables(platform))).toEqual({});
  });

  it('refuses NUL and unpaired surrogates in every string field of every route with 400 naming the field, and changes no row', async () => {
    const MALFORMED = { NUL: 'a\u0000b', 'lone high surrogate': 'a\ud800', 'lone low surrogate': '\udc00b' };
    const fieldOf = (path: (string | number)[]) => path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i ? `.${part}` : part)).join('');
    const before = await snapshotTables(platform);
    const wrong: string[] = [];
    let fields = 0;
    for (const { key, op, owner, target } of writeRoutes()) {
      const bodySchema = op.requestBody?.content['application/json']?.schema;
      if (!bodySchema) continue;
      if (owner) await relogin(platform, owner);
      const base = validDraft(op, owner, target);
      const strings = slotsOf(base.body, resolve(bodySchema)).filter((slot) => typeof slot.path.reduce<Json>((node, part) => (node as never)[part], base.body!) === 'string');
      fields += strings.length;
      for (const slot of strings) {
        for (const [what, text] of Object.entries(MALFORMED)) {
          const draft = validDraft(op, owner, target);
          const res = await sendDraft(key, { ...draft, body: setAt(draft.body!, slot.path, text) });
          if (res.status !== 400 || res.body?.code !== 'validation_failed' || res.body?.field !== fieldOf(slot.path)) {
            wrong.push(`${key} ${fieldOf(slot.path)} with ${what} → ${res.status} ${res.body?.code ?? ''} ${res.body?.field ?? ''}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(fields).toBeGreaterThanOrEqual(40);
    expect(snapshotDiff(before, await snapshotTables(platform))).toEqual({});
  });

  // Last: when a key slips through, the otherwise valid request goes ahead and moves objects on.
  it('refuses unknown fields named after Object.prototype members (__proto__, constructor, …) like any unknown field', async () => {
    // A Map: a plain object already "has" constructor, toString, …
    const passed = new Map<string, string[]>();
    for (const { key, op, owner } of writeRoutes()) {
      if (!op.requestBody) continue;
      if (owner) await relogin(platform, owner);
      for (const name of PROTOTYPE_KEYS) {
        const draft = validDraft(op, owner, ROUTE_CASES[key].targets(world)[0]);
        // As JSON text: in a JS object literal "__proto__" would set the prototype instead of a key.
        const raw = `{${JSON.stringify(name)}:{"polluted":true,"isAdmin":true},${JSON.stringify(draft.body).slice(1)}`;
        const res = await sendDraft(key, { ...draft, raw });
        // Anything but a validation refusal means the key got past the whitelist (a 409 only says the object had moved on).
        if (res.status !== 400 || res.body?.code !== 'validation_failed') passed.set(name, [...(passed.get(name) ?? []), `${key} → ${res.status}`]);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.fromEntries(passed)).toEqual({});
  });
});
