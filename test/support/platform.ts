import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import request from 'supertest';
import { AppConfig, loadConfig } from '@scf/config';
import { createApi } from '../../apps/api/src/bootstrap';
import { checkInvariants, describeBreaches } from '../../libs/database/src/invariants';
import { templateDatabase } from './global-setup';

const ROOT = join(__dirname, '..', '..');
// SCF_DIST lets several builds live side by side (e.g. parallel work); dist/ by default.
const WORKER_MAIN = join(process.env.SCF_DIST ?? join(ROOT, 'dist'), 'apps/worker/src/main.js');
const PG_BASE = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface PlatformOptions {
  /** Start the real worker process (default true). */
  worker?: boolean;
  /** Initial business date of the manual clock. */
  businessDate?: string;
  env?: Record<string, string>;
}

/**
 * A whole platform for one test file: its own database cloned from the migrated template, its own
 * Redis key prefix, the API in-process and the worker as a real child process built from dist/.
 */
export class Platform {
  app: INestApplication;
  db: Pool;
  config: AppConfig;
  workers: ChildProcess[] = [];
  readonly databaseName = `scf_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  readonly queuePrefix = `scf_test_${randomBytes(4).toString('hex')}`;
  readonly workerLogs: string[] = [];

  get env(): Record<string, string> {
    const url = new URL(PG_BASE);
    url.pathname = `/${this.databaseName}`;
    return {
      ...(process.env as Record<string, string>),
      NODE_ENV: 'test',
      DATABASE_URL: url.toString(),
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
      QUEUE_PREFIX: this.queuePrefix,
      CLOCK: 'manual',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      JWT_SECRET: 'test-secret-0123456789abcdef0123456789abcdef',
      // Every test logs its users in from 127.0.0.1: the per-address limit is tested on its own platform.
      RATE_LIMIT_LOGINS_PER_ADDRESS_PER_MINUTE: '1000000',
      DB_POOL_SIZE: '10',
      // The tests run the end-of-day jobs themselves, for the dates they choose.
      END_OF_DAY_TICK_SECONDS: '0',
      ...this.options.env,
    };
  }

  constructor(private readonly options: PlatformOptions = {}) {}

  static async start(options: PlatformOptions = {}): Promise<Platform> {
    const platform = new Platform(options);
    await platform.boot();
    return platform;
  }

  private async boot(): Promise<void> {
    const admin = new Pool({ connectionString: PG_BASE, max: 1 });
    await admin.query(`CREATE DATABASE ${this.databaseName} TEMPLATE ${templateDatabase()}`);
    await admin.end();
    this.config = loadConfig(this.env);
    this.db = new Pool({ connectionString: this.config.databaseUrl, max: 4 });
    // pg's Pool#end resolves before its sockets close, so the DROP … WITH (FORCE) in teardown can
    // still reach an ending connection as FATAL 57P01; an unheard pool error would fail the file.
    this.db.on('error', ignoreTeardownTermination);
    await this.setBusinessDate(this.options.businessDate ?? '2026-03-01');
    this.app = await createApi(this.config);
    await this.app.init();
    if (this.options.worker ?? true) await this.startWorker();
  }

  http() {
    return request(this.app.getHttpServer());
  }

  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query(text, params)).rows as T[];
  }

  async setBusinessDate(date: string): Promise<void> {
    await this.db.query(
      `INSERT INTO clock (id, business_date) VALUES (true, $1) ON CONFLICT (id) DO UPDATE SET business_date = EXCLUDED.business_date`,
      [date],
    );
  }

  async startWorker(extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
    if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing: run npm run build first (npm test does)`);
    const child = spawn(process.execPath, [WORKER_MAIN], { env: { ...this.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = (chunk: Buffer) => this.workerLogs.push(chunk.toString());
    child.stdout?.on('data', log);
    child.stderr?.on('data', log);
    this.workers.push(child);
    await waitFor(async () => this.workerLogs.join('').includes('worker started') || child.exitCode !== null, 30_000);
    if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}): ${this.workerLogs.join('')}`);
    return child;
  }

  async stopWorker(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    this.workers = this.workers.filter((w) => w !== child);
  }

  /** Throws with a readable list when any invariant of the whole database is broken. */
  async assertInvariants(): Promise<void> {
    const client = await this.db.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const breaches = await checkInvariants(async (sql) => (await client.query(sql)).rows);
      await client.query('COMMIT');
      if (breaches.length) throw new Error(`invariants broken:\n${describeBreaches(breaches)}`);
    } finally {
      client.release();
    }
  }

  /** Stops everything; every test file thereby checks the invariants after its tests. */
  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => this.stopWorker(w)));
    try {
      if (this.db) await this.assertInvariants();
    } finally {
      await this.teardown();
    }
  }

  private async teardown(): Promise<void> {
    await this.app?.close();
    await this.db?.end();
    const admin = new Pool({ connectionString: PG_BASE, max: 1 });
    await admin.query(`DROP DATABASE IF EXISTS ${this.databaseName} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

/** Swallows only "terminating connection due to administrator command" (57P01); anything else throws. */
export function ignoreTeardownTermination(error: Error & { code?: string }): void {
  if (error.code !== '57P01') throw error;
}

/** Polls until the condition holds; throws with the last value when it times out. */
export async function waitFor<T>(check: () => Promise<T | false | undefined | null> | T, timeoutMs = 20_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as T;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
