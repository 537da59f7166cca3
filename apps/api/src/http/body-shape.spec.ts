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

  it.each([
    ['a NUL', 'Acme\u0000 Ltd'],
    ['a lone high surrogate', 'Acme \ud800'],
    ['a lone low surrogate', '\udc00 Acme'],
    ['a reversed pair', '\udc00\ud800'],
  ])('refuses %s in any string, naming its field', (_, text) => {
    const body = { name: 'ok', rows: [{ reason: 'ok' }, { reason: text }] };
    expect(() => assertPlainBody(body)).toThrow(
      expect.objectContaining({ code: 'validation_failed', details: expect.objectContaining({ field: 'rows[1].reason', violations: [expect.objectContaining({ rule: 'malformed_text' })] }) }),
    );
    expect(() => assertPlainBody(text)).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'body' }) }));
  });

  it('accepts paired surrogates (emoji, rare CJK) and other control characters', () => {
    expect(() => assertPlainBody({ name: '供应商 🙂 𠮷', reason: 'tab\there\nnewline' })).not.toThrow();
  });
});
