import type { OpenAPIObject } from '@nestjs/swagger';
import { documentCrossCuttingBehaviour, IDEMPOTENCY_REFUSED } from './openapi-conventions';

const secured = [{ bearer: [] }];
const ok = { '200': { description: '' } };

function document(): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {
      '/login': { post: { responses: { ...ok } } },
      '/things': {
        post: { security: secured, responses: { ...ok, '409': { description: 'thing_taken' } } },
        get: { security: secured, responses: { ...ok } },
      },
      '/things/{id}': { patch: { security: secured, responses: { ...ok } } },
      '/keys': { post: { security: secured, responses: { ...ok }, [IDEMPOTENCY_REFUSED]: true } as never },
      '/pay': {
        post: {
          security: secured,
          parameters: [{ name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string' } }],
          responses: { ...ok },
        },
      },
    },
  };
}

describe('documentCrossCuttingBehaviour', () => {
  const doc = documentCrossCuttingBehaviour(document());
  const post = (path: string) => doc.paths[path].post!;
  const keyHeaders = (path: string) => (post(path).parameters ?? []).filter((p) => 'in' in p && p.in === 'header' && p.name === 'Idempotency-Key');

  it('gives every authenticated POST an optional Idempotency-Key with its 409 and 422, keeping a required one', () => {
    expect(keyHeaders('/things')).toEqual([expect.objectContaining({ required: false })]);
    expect(post('/things').responses['409']).toMatchObject({ description: expect.stringMatching(/^thing_taken; .*idempotency_key_in_progress/) });
    expect(post('/things').responses['422']).toMatchObject({ description: expect.stringContaining('idempotency_key_reused') });
    expect(keyHeaders('/pay')).toEqual([expect.objectContaining({ required: true })]);
    expect(post('/pay').responses['409']).toBeDefined();
  });

  it('documents the write rate limit on authenticated writes only', () => {
    expect(post('/things').responses['429']).toBeDefined();
    expect(doc.paths['/things/{id}'].patch!.responses['429']).toBeDefined();
    expect(doc.paths['/things'].get!.responses['429']).toBeUndefined();
    expect(post('/login').responses['429']).toBeUndefined();
  });

  it('leaves public routes and routes that refuse the key without the header', () => {
    expect(keyHeaders('/login')).toEqual([]);
    expect(keyHeaders('/keys')).toEqual([]);
    expect(post('/keys').responses['422']).toBeUndefined();
    expect(post('/keys').responses['429']).toBeDefined();
  });
});
