import { Client } from 'pg';
import { loadConfigOrExit } from '@scf/config';
import { FieldCipher } from '@scf/identity/field-encryption';

const COLUMNS = ['tax_id', 'bank_account'] as const;
const BATCH = 500;

/**
 * Key rotation, last step: rewrites every organisations.tax_id / bank_account that is plaintext or
 * encrypted with a key other than the first of ENCRYPTION_KEYS. Safe to interrupt and run again.
 */
async function main() {
  const config = loadConfigOrExit();
  const cipher = new FieldCipher(config.encryptionKeys);
  const client = new Client({ connectionString: config.databaseUrl });
  await client.connect();
  let rewritten = 0;
  try {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: string; tax_id: string | null; bank_account: string | null }>(
        `SELECT id, tax_id, bank_account FROM organisations WHERE id > $1 ORDER BY id LIMIT $2 FOR UPDATE`,
        [after, BATCH],
      );
      for (const row of rows) {
        const changes = COLUMNS.filter((column) => row[column] !== null && cipher.needsReencryption(row[column]!));
        if (!changes.length) continue;
        const values = changes.map((column) => cipher.encrypt(cipher.decrypt(row[column]!, `organisations.${column}`), `organisations.${column}`));
        await client.query(
          `UPDATE organisations SET ${changes.map((column, i) => `${column} = $${i + 2}`).join(', ')} WHERE id = $1`,
          [row.id, ...values],
        );
        rewritten += 1;
      }
      await client.query('COMMIT');
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1].id;
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
  process.stdout.write(`re-encrypted ${rewritten} organisations with key "${cipher.currentKeyId}"\n`);
}

main().catch((error) => {
  process.stderr.write(`re-encryption failed: ${(error as Error).message}\n`);
  process.exit(1);
});
