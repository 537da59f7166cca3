import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { JobName, JobPayloads, QUEUE_OF_JOB, QueueName, redisConnection } from '@scf/queue';
import { Bank, createAnchor, createBank, Session } from './fixtures';
import { Platform, waitFor } from './platform';

/**
 * Seeds the objects other contexts own (programs, enrolments, invoices, receivables) with SQL, in
 * the states their services would leave them, so that offer tests don't depend on those routes.
 */

const unique = () => randomUUID().slice(0, 8);

export interface Parties {
  bank: Bank;
  anchor: { id: string; admin: Session };
}

export async function seedParties(platform: Platform): Promise<Parties> {
  const bank = await createBank(platform);
  return { bank, anchor: await createAnchor(platform, bank) };
}

export interface ReceivableSeed {
  programId: string;
  supplierId: string;
  anchorId: string;
  currency: string;
  /** One receivable per face amount, all due on `dueDate` unless `dueDates` is given. */
  faces: string[];
  dueDate?: string;
  dueDates?: string[];
  issueDate?: string;
}

/**
 * Confirmed invoices with their OPEN receivables and single parts, in one statement however many.
 * Returns the receivable ids in the order of `faces`.
 */
export async function seedReceivables(platform: Platform, seed: ReceivableSeed): Promise<string[]> {
  const dueDates = seed.dueDates ?? seed.faces.map(() => seed.dueDate ?? '2026-05-27');
  const batch = unique();
  const rows = await platform.sql<{ id: string }>(
    `WITH input AS (
       SELECT * FROM unnest($1::numeric[], $2::date[]) WITH ORDINALITY AS x(face, due_date, n)
     ), invoice AS (
       INSERT INTO invoices (program_id, supplier_id, anchor_id, invoice_number, currency, amount, issue_date, due_date, status,
                             submitted_by_organisation_id, decided_at)
       SELECT $3, $4, $5, 'INV-' || $7 || '-' || n, $6, face, $8, due_date, 'CONFIRMED', $4, now() FROM input
       RETURNING id, invoice_number, amount, due_date
     ), receivable AS (
       INSERT INTO receivables (invoice_id, program_id, supplier_id, anchor_id, currency, face_amount, due_date, status)
       SELECT id, $3, $4, $5, $6, amount, due_date, 'OPEN' FROM invoice
       RETURNING id, invoice_id, face_amount
     ), part AS (
       INSERT INTO receivable_parts (receivable_id, holder_id, amount) SELECT id, $4, face_amount FROM receivable
     )
     SELECT r.id FROM receivable r JOIN invoice i ON i.id = r.invoice_id
      ORDER BY split_part(i.invoice_number, '-', 3)::int`,
    [seed.faces, dueDates, seed.programId, seed.supplierId, seed.anchorId, seed.currency, batch, seed.issueDate ?? '2026-01-02'],
  );
  return rows.map((row) => row.id);
}

/** Writes a job to the outbox exactly as a service would; the worker's relay moves it to BullMQ. */
export async function enqueue<J extends JobName>(platform: Platform, job: J, data: JobPayloads[J]): Promise<string> {
  const jobId = `test-${randomUUID()}`;
  await platform.sql(`INSERT INTO outbox (queue, job_name, job_id, payload) VALUES ($1, $2, $3, $4)`, [
    QUEUE_OF_JOB[job],
    job,
    jobId,
    JSON.stringify(data),
  ]);
  return jobId;
}

/** Waits until BullMQ reports the job completed; fails fast with the reason if it failed for good. */
export async function waitForJob(platform: Platform, job: JobName, jobId: string, timeoutMs = 30_000): Promise<unknown> {
  const queue = new Queue(QUEUE_OF_JOB[job] as QueueName, { connection: redisConnection(platform.config.redisUrl), prefix: platform.queuePrefix });
  try {
    await waitFor(async () => {
      const state = await queue.getJobState(jobId);
      if (state === 'failed') {
        const failed = await queue.getJob(jobId);
        throw new Error(`job ${job} ${jobId} failed: ${failed?.failedReason}\n${platform.workerLogs.join('')}`);
      }
      return state === 'completed';
    }, timeoutMs);
    return (await queue.getJob(jobId))?.returnvalue;
  } finally {
    await queue.close();
  }
}

/** Enqueues through the outbox and waits for the worker to finish the job. */
export async function runJob<J extends JobName>(platform: Platform, job: J, data: JobPayloads[J], timeoutMs?: number): Promise<unknown> {
  return waitForJob(platform, job, await enqueue(platform, job, data), timeoutMs);
}

export interface OfferRow {
  id: string;
  receivable_id: string;
  status: string;
  face_amount: string;
  advance: string;
  discount: string;
  fee: string;
  net_proceeds: string;
  tenor_days: number;
  value_date: string;
  expires_on: string;
  pricing_version: number;
}

export async function offersOf(platform: Platform, programId: string): Promise<OfferRow[]> {
  return platform.sql<OfferRow>(
    `SELECT id, receivable_id, status, face_amount, advance, discount, fee, net_proceeds, tenor_days,
            to_char(value_date, 'YYYY-MM-DD') AS value_date, to_char(expires_on, 'YYYY-MM-DD') AS expires_on, pricing_version
       FROM offers WHERE program_id = $1 ORDER BY created_at, id`,
    [programId],
  );
}
