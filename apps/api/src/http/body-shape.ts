import { DomainError } from '@scf/core';

/** No request of this API nests deeper than this; deeper input is hostile or broken. */
export const MAX_BODY_DEPTH = 32;

/** Keys that name Object.prototype members: class-transformer would drop them silently. */
const PROTOTYPE_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype).concat('prototype'));

/**
 * Text no field may hold: PostgreSQL can't store NUL in text (the write would fail with a 500), and
 * a lone surrogate (half of a UTF-16 pair, valid in JSON's \uXXXX escapes) would be stored
 * silently replaced by U+FFFD. In unicode mode \p{Cs} matches only unpaired surrogates.
 */
const MALFORMED_TEXT = /\u0000|\p{Cs}/u;
// Without the u flag a character class is the cheap test that lets almost every string through
// (a bulk body holds 50,000 of them); only a string with a NUL or a surrogate takes the exact one.
const SUSPECT_TEXT = /[\u0000\ud800-\udfff]/;

/**
 * Checks a parsed JSON body (or query) before class-transformer sees it: too deep a structure would
 * overflow its recursion (a 500), prototype-named keys would vanish instead of being refused as
 * unknown fields, and malformed text would fail or change in the database. Every string field of
 * every route passes here. Iterative, so that checking a hostile body can't overflow the stack either.
 */
export function assertPlainBody(body: unknown): void {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: body, path: '', depth: 0 }];
  while (pending.length) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value === 'string' && SUSPECT_TEXT.test(value) && MALFORMED_TEXT.test(value)) {
      const field = path || 'body';
      const message = `${field} contains a NUL character or an unpaired UTF-16 surrogate`;
      throw new DomainError('VALIDATION', 'validation_failed', message, { field, violations: [{ field, rule: 'malformed_text', message }] });
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) {
      throw new DomainError('VALIDATION', 'body_too_deep', `the body nests deeper than ${MAX_BODY_DEPTH} levels`, { field: path || 'body' });
    }
    for (const key of Object.keys(value)) {
      const field = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!Array.isArray(value) && PROTOTYPE_KEYS.has(key)) {
        throw new DomainError('VALIDATION', 'validation_failed', `${field} is not an accepted field`, {
          field,
          violations: [{ field, rule: 'unknown_field', message: `${field} is not an accepted field` }],
        });
      }
      pending.push({ value: (value as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
}
