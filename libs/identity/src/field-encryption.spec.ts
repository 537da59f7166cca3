import { randomBytes } from 'node:crypto';
import { FieldCipher, mask } from './field-encryption';

const key = (id: string) => ({ id, key: randomBytes(32) });

describe('FieldCipher', () => {
  const old = key('k1');
  const current = key('k2');

  it('encrypts with the first key, names it in the value, and round-trips', () => {
    const cipher = new FieldCipher([current, old]);
    const stored = cipher.encrypt('6222021234567890123', 'organisations.bank_account');
    expect(stored).toMatch(/^enc:v1:k2:/);
    expect(stored).not.toContain('6222021234567890123');
    expect(cipher.decrypt(stored, 'organisations.bank_account')).toBe('6222021234567890123');
  });

  it('uses a fresh IV each time', () => {
    const cipher = new FieldCipher([current]);
    expect(cipher.encrypt('x', 'c')).not.toBe(cipher.encrypt('x', 'c'));
  });

  it('still reads values of a retired key after rotation, and flags them for re-encryption', () => {
    const before = new FieldCipher([old]).encrypt('91310000MA1FL0000X', 'organisations.tax_id');
    const rotated = new FieldCipher([current, old]);
    expect(rotated.decrypt(before, 'organisations.tax_id')).toBe('91310000MA1FL0000X');
    expect(rotated.needsReencryption(before)).toBe(true);
    expect(rotated.needsReencryption(rotated.encrypt('a', 'c'))).toBe(false);
    expect(rotated.needsReencryption('legacy plaintext')).toBe(true);
  });

  it('refuses a value moved to another column, an altered value and an unknown key', () => {
    const cipher = new FieldCipher([current]);
    const stored = cipher.encrypt('6222021234567890123', 'organisations.bank_account');
    expect(() => cipher.decrypt(stored, 'organisations.tax_id')).toThrow(/failed authentication/);
    const raw = Buffer.from(stored.split(':')[3], 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => cipher.decrypt(`enc:v1:k2:${raw.toString('base64')}`, 'organisations.bank_account')).toThrow(/failed authentication/);
    expect(() => new FieldCipher([old]).decrypt(stored, 'organisations.bank_account')).toThrow(/key "k2"/);
  });

  it('reads plaintext written before encryption as it is', () => {
    expect(new FieldCipher([current]).decrypt('DE89370400440532013000', 'c')).toBe('DE89370400440532013000');
  });
});

describe('mask', () => {
  it('keeps the last four characters only', () => {
    expect(mask('6222 0212 3456 7890 123')).toBe('****0123');
    expect(mask('123')).toBe('****');
    expect(mask(null)).toBeNull();
  });
});
