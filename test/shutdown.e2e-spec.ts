import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { Platform, waitFor } from './support/platform';
import { CNY_TERMS, createActiveProgram, createAnchor, createBank, enrolNewSupplier } from './support/fixtures';

const API_MAIN = join(process.env.SCF_DIST ?? join(__dirname, '..', 'dist'), 'apps/api/src/main.js');

/** SIGTERM drains: a request in flight when the API is told to stop still completes, whole. */
describe('graceful shutdown of the API', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await Platform.start({ worker: false });
  });
  afterAll(() => platform.stop());

  it('finishes an in-flight bulk submission after SIGTERM, then exits 0', async () => {
    expect(existsSync(API_MAIN)).toBe(true);
    const bank = await createBank(platform);
    const anchor = await createAnchor(platform, bank);
    const program = await createActiveProgram(platform, bank, anchor.id, CNY_TERMS);
    const supplier = await enrolNewSupplier(platform, bank, anchor, program.id, '5000000.00');

    const port = String(4100 + (process.pid % 500));
    const api = spawn(process.execPath, [API_MAIN], { env: { ...platform.env, PORT: port, LOG_LEVEL: 'warn' }, stdio: 'ignore' });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/health/live`).catch(() => undefined))?.ok, 30_000);

    const invoices = Array.from({ length: 10_000 }, (_, i) => ({
      invoiceNumber: `DRAIN-${i}`,
      currency: 'CNY',
      amount: '1000.00',
      issueDate: '2026-02-01',
      dueDate: '2026-05-27',
    }));
    const exited = new Promise<number | null>((resolve) => api.once('exit', (code) => resolve(code)));
    const inFlight = fetch(`${base}/v1/invoices/bulk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${supplier.admin.token}` },
      body: JSON.stringify({ programId: program.id, invoices }),
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    api.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(201);
    expect(await exited).toBe(0);
    const [row] = await platform.sql<{ n: number }>(`SELECT count(*)::int AS n FROM invoices WHERE invoice_number LIKE 'DRAIN-%'`);
    expect(row.n).toBe(10_000);
  });

  it('listens only on the configured HOST (default 127.0.0.1) and logs the address it really bound', async () => {
    const { HOST: _unset, ...env } = platform.env;
    const api = spawn(process.execPath, [API_MAIN], { env: { ...env, PORT: '0', LOG_LEVEL: 'info', LOG_FORMAT: 'text' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    api.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    api.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    try {
      const [, logged, port] = await waitFor(async () => /listening on (http:\/\/\S+:(\d+))/.exec(log), 30_000);
      expect(logged).toBe(`http://127.0.0.1:${port}`);
      expect((await fetch(`${logged}/health/live`)).ok).toBe(true);
      // Bound to loopback only: the machine's other addresses refuse the connection.
      const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
      if (external) await expect(fetch(`http://${external.address}:${port}/health/live`)).rejects.toThrow();
    } finally {
      api.kill('SIGTERM');
    }
  });
});
