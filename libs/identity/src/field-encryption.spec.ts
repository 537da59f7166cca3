import { createCipheriv, randomBytes } from 'node:crypto';
import { FieldCipher, mask } from './field-encryption';

const key = (id: string) => ({ id, key: randomBytes(32) });
const account = (rowId: string) => ({ table: 'organisations', column: 'bank_account', rowId });
const taxId = (rowId: string) => ({ table: 'organisations', column: 'tax_id', rowId });

/** A value as the column-bound format (enc:v1, before row binding) wrote it. */
function columnBound(k: { id: string; key: Buffer }, plaintext: string, column: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', k.key, iv);
  cipher.setAAD(Buffer.from(column));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `enc:v1:${k.id}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

describe('FieldCipher', () => {
  const old = key('k1');
  const current = key('k2');

  it('encrypts with the first key, names it in the value, and round-trips at the same row', () => {
    const cipher = new FieldCipher([current, old]);
    const stored = cipher.encrypt('6222021234567890123', account('a'));
    expect(stored).toMatch(/^enc:v2:k2:/);
    expect(stored).not.toContain('6222021234567890123');
    expect(cipher.decrypt(stored, account('a'))).toBe('6222021234567890123');
  });

  it('uses a fresh IV each time', () => {
    const cipher = new FieldCipher([current]);
    expect(cipher.encrypt('x', account('a'))).not.toBe(cipher.encrypt('x', account('a')));
  });

  it('still reads values of a retired key after rotation, and flags them for re-encryption', () => {
    const before = new FieldCipher([old]).encrypt('91310000MA1FL0000X', taxId('a'));
    const rotated = new FieldCipher([current, old]);
    expect(rotated.decrypt(before, taxId('a'))).toBe('91310000MA1FL0000X');
    expect(rotated.needsReencryption(before)).toBe(true);
    expect(rotated.needsReencryption(rotated.encrypt('a', account('a')))).toBe(false);
    expect(rotated.needsReencryption('legacy plaintext')).toBe(true);
  });

  it('refuses a value moved to another row or column, an altered value and an unknown key', () => {
    const cipher = new FieldCipher([current]);
    const stored = cipher.encrypt('6222021234567890123', account('a'));
    expect(() => cipher.decrypt(stored, account('b'))).toThrow(/failed authentication/);
    expect(() => cipher.decrypt(stored, taxId('a'))).toThrow(/failed authentication/);
    expect(() => cipher.decrypt(stored, { table: 'payout_account_changes', column: 'bank_account', rowId: 'a' })).toThrow(/failed authentication/);
    const raw = Buffer.from(stored.split(':')[3], 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => cipher.decrypt(`enc:v2:k2:${raw.toString('base64')}`, account('a'))).toThrow(/failed authentication/);
    expect(() => new FieldCipher([old]).decrypt(stored, account('a'))).toThrow(/key "k2"/);
  });

  it('reads column-bound values written before row binding (still only in their column) and flags them for re-encryption', () => {
    const cipher = new FieldCipher([current]);
    const legacy = columnBound(current, 'DE89370400440532013000', 'organisations.bank_account');
    expect(cipher.decrypt(legacy, account('any'))).toBe('DE89370400440532013000');
    expect(() => cipher.decrypt(legacy, taxId('any'))).toThrow(/failed authentication/);
    expect(cipher.needsReencryption(legacy)).toBe(true);
  });

  it('reads plaintext written before encryption as it is', () => {
    expect(new FieldCipher([current]).decrypt('DE89370400440532013000', account('a'))).toBe('DE89370400440532013000');
  });
});

describe('mask', () => {
  it('keeps the last four characters only', () => {
    expect(mask('6222 0212 3456 7890 123')).toBe('****0123');
    expect(mask('123')).toBe('****');
    expect(mask(null)).toBeNull();
  });
});
