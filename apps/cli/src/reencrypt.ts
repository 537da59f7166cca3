import { Client } from 'pg';
import { loadConfigOrExit } from '@scf/config';
import { ENCRYPTED_COLUMNS, FieldCipher } from '@scf/identity/field-encryption';

const BATCH = 500;

/**
 * Key rotation, last step, and the upgrade to row-bound values: rewrites every encrypted column
 * value (ENCRYPTED_COLUMNS) that is plaintext, column-bound (`enc:v1`) or encrypted with a key
 * other than the first of ENCRYPTION_KEYS, bound to its own row. Safe to interrupt and run again.
 */
async function main() {
  const config = loadConfigOrExit();
  const cipher = new FieldCipher(config.encryptionKeys);
  const client = new Client({ connectionString: config.databaseUrl });
  await client.connect();
  const rewritten: string[] = [];
  try {
    for (const { table, columns } of ENCRYPTED_COLUMNS) {
      rewritten.push(`${await reencryptTable(client, cipher, table, columns)} ${table}`);
    }
  } finally {
    await client.end();
  }
  process.stdout.write(`re-encrypted ${rewritten.join(', ')} with key "${cipher.currentKeyId}"\n`);
}

/** One table, in batches of rows locked for the rewrite; returns how many rows changed. */
async function reencryptTable(client: Client, cipher: FieldCipher, table: string, columns: readonly string[]): Promise<number> {
  let rewritten = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  try {
    for (;;) {
      await client.query('BEGIN');
      const { rows } = await client.query<Record<string, string | null> & { id: string }>(
        `SELECT id, ${columns.join(', ')} FROM ${table} WHERE id > $1 ORDER BY id LIMIT $2 FOR UPDATE`,
        [after, BATCH],
      );
      for (const row of rows) {
        const changes = columns.filter((column) => row[column] !== null && cipher.needsReencryption(row[column]!));
        if (!changes.length) continue;
        const values = changes.map((column) => {
          const at = { table, column, rowId: row.id };
          return cipher.encrypt(cipher.decrypt(row[column]!, at), at);
        });
        await client.query(`UPDATE ${table} SET ${changes.map((column, i) => `${column} = $${i + 2}`).join(', ')} WHERE id = $1`, [row.id, ...values]);
        rewritten += 1;
      }
      await client.query('COMMIT');
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1].id;
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return rewritten;
}

main().catch((error) => {
  process.stderr.write(`re-encryption failed: ${(error as Error).message}\n`);
  process.exit(1);
});
