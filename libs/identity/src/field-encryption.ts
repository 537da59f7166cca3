import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ValueTransformer } from 'typeorm';
import { EncryptionKey, loadConfig } from '@scf/config';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for personal and banking data at rest. A stored value reads
 * `enc:v1:<keyId>:<base64(iv ‖ tag ‖ ciphertext)>`: the key id lets old rows stay readable while a
 * new key encrypts (rotation), and the column name is authenticated data, so a ciphertext copied
 * into another column does not decrypt.
 */
export class FieldCipher {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: readonly EncryptionKey[]) {
    if (!keys.length) throw new Error('field encryption needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get currentKeyId(): string {
    return this.keys[0].id;
  }

  encrypt(plaintext: string, column: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0].key, iv);
    cipher.setAAD(Buffer.from(column));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${PREFIX}${this.currentKeyId}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  /** Values written before encryption was introduced are still plaintext; they read as they are until re-encrypted. */
  decrypt(stored: string, column: string): string {
    const keyId = this.keyIdOf(stored);
    if (keyId === null) return stored;
    const key = this.byId.get(keyId);
    if (!key) throw new Error(`${column} is encrypted with key "${keyId}", which is not in ENCRYPTION_KEYS`);
    const raw = Buffer.from(stored.slice(PREFIX.length + keyId.length + 1), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(column));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(`${column} failed authentication: the stored value was altered or belongs elsewhere`);
    }
  }

  /** The id of the key a stored value was encrypted with; null for plaintext. */
  keyIdOf(stored: string): string | null {
    if (!stored.startsWith(PREFIX)) return null;
    const end = stored.indexOf(':', PREFIX.length);
    if (end < 0) throw new Error('malformed encrypted value');
    return stored.slice(PREFIX.length, end);
  }

  /** True when the value is plaintext or encrypted with an older key: the rotation command rewrites it. */
  needsReencryption(stored: string): boolean {
    return this.keyIdOf(stored) !== this.currentKeyId;
  }
}

let installed: FieldCipher | undefined;

/** Installed by IdentityModule from the application's configuration (the column transformers are static). */
export function installFieldEncryption(keys: readonly EncryptionKey[]): FieldCipher {
  installed = new FieldCipher(keys);
  return installed;
}

// A process that maps the entity without IdentityModule (a script) still reads its keys from the environment.
const fieldCipher = (): FieldCipher => (installed ??= new FieldCipher(loadConfig().encryptionKeys));

/** TypeORM transformer: the entity holds plaintext, the column holds ciphertext. */
export const encryptedColumn = (column: string): ValueTransformer => ({
  to: (value: string | null | undefined) => (value == null ? value : fieldCipher().encrypt(value, column)),
  from: (value: string | null) => (value == null ? value : fieldCipher().decrypt(value, column)),
});

/** Shows only the last four characters: enough to recognise an account, useless to misuse it. */
export function mask(value: string | null): string | null {
  if (value === null) return null;
  const compact = value.replace(/[\s-]/g, '');
  return compact.length > 4 ? `****${compact.slice(-4)}` : '****';
}
