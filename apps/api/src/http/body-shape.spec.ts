import { assertPlainBody, MAX_BODY_DEPTH } from './body-shape';

const nest = (depth: number) => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
};

describe('assertPlainBody', () => {
  it('accepts ordinary bodies, including bulk arrays of objects', () => {
    expect(() => assertPlainBody({ programId: 'x', invoices: [{ amount: '1.00' }, { amount: '2.00' }] })).not.toThrow();
    expect(() => assertPlainBody(nest(MAX_BODY_DEPTH))).not.toThrow();
  });

  it('refuses too deep a body, however deep, without overflowing', () => {
    expect(() => assertPlainBody(nest(MAX_BODY_DEPTH + 1))).toThrow(expect.objectContaining({ code: 'body_too_deep' }));
    expect(() => assertPlainBody(nest(100_000))).toThrow(expect.objectContaining({ code: 'body_too_deep' }));
  });

  it.each(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'])('refuses a %s key as an unknown field', (key) => {
    const body = JSON.parse(`{"name":"x","nested":{"${key}":{"isAdmin":true}}}`);
    expect(() => assertPlainBody(body)).toThrow(expect.objectContaining({ code: 'validation_failed', details: expect.objectContaining({ field: `nested.${key}` }) }));
  });
});
