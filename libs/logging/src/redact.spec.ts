import { redact, redactText, REDACTED } from './redact';

describe('redact', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
  const apiKey = `scf_${'A'.repeat(43)}`;

  it('scrubs credentials from text', () => {
    const text = redactText(`Authorization: Bearer ${jwt} x-api-key=${apiKey} {"password":"Hunter-2-secret","email":"a@b.test"}`);
    expect(text).not.toContain(jwt);
    expect(text).not.toContain(apiKey);
    expect(text).not.toContain('Hunter-2-secret');
    expect(text).toContain('a@b.test');
    expect(redactText(`ApiKey ${apiKey}`)).toBe(`ApiKey ${REDACTED}`);
    expect(redactText(`token ${jwt} seen`)).toBe(`token ${REDACTED} seen`);
  });

  it('masks account numbers but leaves amounts, dates and ids alone', () => {
    expect(redactText('paid to 6222021234567890123 today')).toBe('paid to ****0123 today');
    expect(redactText('paid to 6222 0212 3456 7890 123')).toBe('paid to ****0123');
    expect(redactText('IBAN DE89370400440532013000')).toBe('IBAN ****3000');
    const harmless = 'advance 1000000000.00 on 2026-03-01 for 3f0c2a4e-1b2c-4d5e-8f90-a1b2c3d4e5f6 in 12 ms';
    expect(redactText(harmless)).toBe(harmless);
  });

  it('masks sensitive keys at any depth and scrubs nested strings and errors', () => {
    const value = redact({ user: { password: 'x', name: 'n' }, bankAccount: '6222021234567890123', note: `Bearer ${jwt}` }) as Record<string, any>;
    expect(value).toEqual({ user: { password: REDACTED, name: 'n' }, bankAccount: REDACTED, note: `Bearer ${REDACTED}` });
    const error = redact(new Error(`bad key ${apiKey}`)) as Error;
    expect(error.message).toBe(`bad key scf_${REDACTED}`);
    expect(error.stack).not.toContain(apiKey);
  });
});
