import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { todayIso } from '@scf/core';
import { Platform } from './support/platform';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..');
const DIST = process.env.SCF_DIST ?? join(ROOT, 'dist');
const run = promisify(execFile);

/**
 * The README's walkthrough is scripts/walkthrough.sh, shown there verbatim: here it runs as a
 * newcomer runs it, against a listening API with the bank bootstrapped and the demo data loaded by
 * the same commands `npm start` uses, so that it can't rot.
 */
describe('the README walkthrough', () => {
  let platform: Platform;
  let api: string;
  beforeAll(async () => {
    // The demo data is dated from the calendar, as under `npm start`.
    platform = await Platform.start({ businessDate: todayIso() });
    await platform.app.listen(0, '127.0.0.1');
    api = `http://127.0.0.1:${(platform.app.getHttpServer().address() as AddressInfo).port}`;
    await run(process.execPath, [join(DIST, 'apps/cli/src/bootstrap-bank.js')], { env: platform.env });
    await run(process.execPath, [join(DIST, 'apps/cli/src/seed-demo.js'), api], { env: platform.env });
  });
  afterAll(() => platform?.stop());

  it('is shown verbatim in the README', () => {
    const script = readFileSync(join(ROOT, 'scripts/walkthrough.sh'), 'utf8');
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`\`\`\`bash\n${script}\`\`\``);
  });

  it('runs as pasted: accept, fund, pay at maturity, repaid', async () => {
    const { stdout } = await run('bash', [join(ROOT, 'scripts/walkthrough.sh')], { env: { ...platform.env, API: api } }).catch((error) => {
      throw new Error(`walkthrough failed:\n${error.stdout}\n${error.stderr}`);
    });
    expect(stdout).toMatch(/financing request \S+: APPROVED, autoApproved true/);
    expect(stdout).toMatch(/FUNDED on \d{4}-\d{2}-\d{2}/);
    expect(stdout).toMatch(/financing request REPAID, receivable SETTLED/);
    const [financing] = await platform.sql<{ status: string; n: number }>(
      `SELECT f.status, (SELECT count(*)::int FROM payments) AS n FROM financing_requests f`,
    );
    expect(financing).toEqual({ status: 'REPAID', n: 1 });
  });
});
