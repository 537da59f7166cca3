import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { EncryptionKey, loadConfig } from '@scf/config';

/** Bound to its row: the authenticated data names table, column and row id. */
const BOUND = 'enc:v2:';
/** Before row binding: the authenticated data names the column only. Still read; re-encrypted by `npm run encryption:reencrypt`. */
const COLUMN_BOUND = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Where an encrypted value lives. It is authenticated with the value, so the value decrypts there and nowhere else. */
export interface FieldLocation {
  table: string;
  column: string;
  rowId: string;
}

const describe = (at: FieldLocation) => `${at.table}.${at.column}`;
const boundData = (at: FieldLocation) => Buffer.from(`${at.table}.${at.column}#${at.rowId}`);

/**
 * AES-256-GCM for personal and banking data at rest. A stored value reads
 * `enc:v2:<keyId>:<base64(iv ‖ tag ‖ ciphertext)>`: the key id lets old rows stay readable while a
 * new key encrypts (rotation), and table, column and row id are authenticated data, so a
 * ciphertext copied into another row or column does not decrypt (someone who can write the
 * database can't move a supplier's account number onto another supplier).
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

  encrypt(plaintext: string, at: FieldLocation): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0].key, iv);
    cipher.setAAD(boundData(at));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${BOUND}${this.currentKeyId}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  /**
   * Values of older formats still read until `npm run encryption:reencrypt` rewrites them: plaintext written
   * before encryption, and column-bound `enc:v1` values written before row binding.
   */
  decrypt(stored: string, at: FieldLocation): string {
    const format = [BOUND, COLUMN_BOUND].find((prefix) => stored.startsWith(prefix));
    if (!format) return stored;
    const keyId = this.keyIdOf(stored)!;
    const key = this.byId.get(keyId);
    if (!key) throw new Error(`${describe(at)} is encrypted with key "${keyId}", which is not in ENCRYPTION_KEYS`);
    const raw = Buffer.from(stored.slice(format.length + keyId.length + 1), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(format === BOUND ? boundData(at) : Buffer.from(describe(at)));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(`${describe(at)} of ${at.rowId} failed authentication: the stored value was altered or belongs elsewhere`);
    }
  }

  /** The id of the key a stored value was encrypted with; null for plaintext. */
  keyIdOf(stored: string): string | null {
    const format = [BOUND, COLUMN_BOUND].find((prefix) => stored.startsWith(prefix));
    if (!format) return null;
    const end = stored.indexOf(':', format.length);
    if (end < 0) throw new Error('malformed encrypted value');
    return stored.slice(format.length, end);
  }

  /** True unless the value is bound to its row under the current key: the rotation command rewrites it. */
  needsReencryption(stored: string): boolean {
    return !stored.startsWith(BOUND) || this.keyIdOf(stored) !== this.currentKeyId;
  }
}

/**
 * Every encrypted column. `npm run encryption:reencrypt` walks them all; a new encrypted column is added here
 * (its rows are sealed with `FieldLocation { table, column, rowId: id }`).
 */
export const ENCRYPTED_COLUMNS: readonly { table: string; columns: readonly string[] }[] = [
  { table: 'organisations', columns: ['tax_id', 'bank_account'] },
  { table: 'payout_account_changes', columns: ['bank_account'] },
  { table: 'disbursement_instructions', columns: ['bank_account'] },
];

let installed: FieldCipher | undefined;

/** Installed by IdentityModule from the application's configuration (the entity hooks are static). */
export function installFieldEncryption(keys: readonly EncryptionKey[]): FieldCipher {
  installed = new FieldCipher(keys);
  return installed;
}

// A process that maps the entity without IdentityModule (a script) still reads its keys from the environment.
const fieldCipher = (): FieldCipher => (installed ??= new FieldCipher(loadConfig().encryptionKeys));

type Sealable = { id?: string };

/**
 * Entity hooks for encrypted properties. A column transformer can't bind a value to its row (it
 * sees the value, never the entity), so the entity seals its properties before insert/update
 * (taking a client-side id when it has none yet, so the id is known before the row exists) and
 * opens them after load/insert/update: in memory the entity always holds plaintext. Statements
 * that bypass the entity (`update()`, query builders, raw SQL) must seal with `sealField`.
 */
export function sealProperties<E extends Sealable>(entity: E, table: string, columns: Partial<Record<keyof E, string>>): void {
  entity.id ??= randomUUID();
  for (const [property, column] of Object.entries(columns) as [keyof E, string][]) {
    const value = entity[property] as unknown;
    if (typeof value === 'string') (entity[property] as unknown) = sealField(value, { table, column, rowId: entity.id });
  }
}

export function openProperties<E extends Sealable>(entity: E, table: string, columns: Partial<Record<keyof E, string>>): void {
  for (const [property, column] of Object.entries(columns) as [keyof E, string][]) {
    const value = entity[property] as unknown;
    if (typeof value !== 'string') continue;
    if (!entity.id) throw new Error(`${table}.${column} was read without the row id it is bound to`);
    (entity[property] as unknown) = openField(value, { table, column, rowId: entity.id });
  }
}

export const sealField = (plaintext: string, at: FieldLocation): string => fieldCipher().encrypt(plaintext, at);
export const openField = (stored: string, at: FieldLocation): string => fieldCipher().decrypt(stored, at);

/** Shows only the last four characters: enough to recognise an account, useless to misuse it. */
export function mask(value: string | null): string | null {
  if (value === null) return null;
  const compact = value.replace(/[\s-]/g, '');
  return compact.length > 4 ? `****${compact.slice(-4)}` : '****';
}
