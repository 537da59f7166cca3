/**
 * Scrubs secrets from anything about to be logged: credentials (passwords, tokens, API keys) and
 * account numbers. Logging them is a bug anyway; this keeps one such bug from becoming a leak.
 */
export const REDACTED = '[REDACTED]';

const SENSITIVE_KEY = /^(password|passwordhash|password_hash|secret|token|accesstoken|access_token|refreshtoken|authorization|apikey|api_key|x-api-key|key|keyhash|key_hash|bankaccount|bank_account|taxid|tax_id|jwtsecret|encryptionkeys)$/i;

const SCRUBBERS: [RegExp, string | ((match: string, ...groups: string[]) => string)][] = [
  // "password":"…", password=…, authorization: … (JSON, query strings, header dumps)
  [
    /(["']?(?:password(?:_?hash)?|secret|(?:access_?|refresh_?)?token|authorization|x-api-key|api_?key|key_?hash|bank_?account|tax_?id)["']?\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,&;}]+)/gi,
    (_m, lead) => `${lead}"${REDACTED}"`,
  ],
  [/\b(Bearer|ApiKey|Basic)\s+[A-Za-z0-9\-_.~+/=]+/g, `$1 ${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
  [/\bscf_[A-Za-z0-9_-]{16,}/g, `scf_${REDACTED}`],
  // IBAN-like and long digit runs (account and card numbers); amounts such as 1000000.00 are left alone.
  [/\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b/g, (m) => `****${m.slice(-4)}`],
  [/(?<![\w.])\d(?:[ -]?\d){8,}(?![\w.])/g, (m) => `****${m.replace(/\D/g, '').slice(-4)}`],
];

export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of SCRUBBERS) result = result.replace(pattern, replacement as string);
  return result;
}

/** Deep copy with sensitive keys masked and every string scrubbed; errors keep their name. */
export function redact(value: unknown, seen = new WeakSet<object>(), depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value) || depth > 8) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    const copy = new Error(redactText(value.message));
    copy.name = value.name;
    copy.stack = value.stack === undefined ? undefined : redactText(value.stack);
    return copy;
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, seen, depth + 1));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, SENSITIVE_KEY.test(key) ? REDACTED : redact(item, seen, depth + 1)]),
  );
}
