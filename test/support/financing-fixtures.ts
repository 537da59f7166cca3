import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { addDays, formatRate, priceOffer } from '@scf/core';
import { JOBS, QUEUES, redisConnection } from '@scf/queue';
import { Platform, waitFor } from './platform';

/**
 * Seeds for the financing tests written straight to the database (programs and enrolments come
 * from program-seeds.ts): a confirmed receivable and its open offer in exactly the state the financing context starts from,
 * with offer amounts priced by libs/core like the worker does.
 */

const unique = () => randomUUID().slice(0, 8);

export interface SeededReceivable {
  receivableId: string;
  invoiceId: string;
}

/** A confirmed invoice and the OPEN receivable (one part, held by the supplier) born from it. */
export async function seedReceivable(
  platform: Platform,
  program: { id: string; currency: string },
  parties: { supplierId: string; anchorId: string },
  invoice: { amount: string; issueDate: string; dueDate: string },
): Promise<SeededReceivable> {
  const [inv] = await platform.sql<{ id: string }>(
    `INSERT INTO invoices (program_id, supplier_id, anchor_id, invoice_number, currency, amount, issue_date, due_date, status,
       submitted_by_organisation_id, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'CONFIRMED', $2, now()) RETURNING id`,
    [program.id, parties.supplierId, parties.anchorId, `INV-${unique()}`, program.currency, invoice.amount, invoice.issueDate, invoice.dueDate],
  );
  const [receivable] = await platform.sql<{ id: string }>(
    `INSERT INTO receivables (invoice_id, program_id, supplier_id, anchor_id, currency, face_amount, due_date, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'OPEN') RETURNING id`,
    [inv.id, program.id, parties.supplierId, parties.anchorId, program.currency, invoice.amount, invoice.dueDate],
  );
  await platform.sql(`INSERT INTO receivable_parts (receivable_id, holder_id, amount) VALUES ($1, $2, $3)`, [
    receivable.id,
    parties.supplierId,
    invoice.amount,
  ]);
  return { receivableId: receivable.id, invoiceId: inv.id };
}

/** The OPEN offer the worker would compute for the receivable on `valueDate`. */
export async function seedOffer(platform: Platform, receivableId: string, valueDate: string): Promise<string> {
  const [row] = await platform.sql<Record<string, string> & { day_count_basis: number; min_tenor_days: number; max_tenor_days: number; offer_validity_days: number; pricing_version: number }>(
    `SELECT rc.program_id, rc.supplier_id, rc.currency, rc.face_amount, rc.due_date::text AS due_date, e.id AS enrolment_id,
            p.base_rate, p.margin, p.advance_rate, p.fee_rate, p.day_count_basis, p.min_tenor_days, p.max_tenor_days,
            p.offer_validity_days, p.pricing_version
       FROM receivables rc
       JOIN programs p ON p.id = rc.program_id
       JOIN enrolments e ON e.program_id = rc.program_id AND e.supplier_id = rc.supplier_id
      WHERE rc.id = $1`,
    [receivableId],
  );
  const pricing = priceOffer({
    face: row.face_amount,
    currency: row.currency,
    advanceRate: row.advance_rate,
    baseRate: row.base_rate,
    margin: row.margin,
    feeRate: row.fee_rate,
    valueDate,
    maturityDate: row.due_date,
    basis: row.day_count_basis as 360 | 365,
    minTenorDays: row.min_tenor_days,
    maxTenorDays: row.max_tenor_days,
  });
  const [offer] = await platform.sql<{ id: string }>(
    `INSERT INTO offers (receivable_id, program_id, enrolment_id, supplier_id, currency, face_amount, advance, discount, fee,
       net_proceeds, annual_rate, effective_annual_cost, tenor_days, value_date, maturity_date, expires_on, pricing_version, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'OPEN') RETURNING id`,
    [
      receivableId, row.program_id, row.enrolment_id, row.supplier_id, row.currency, row.face_amount,
      pricing.advance.toString(), pricing.discount.toString(), pricing.fee.toString(), pricing.netProceeds.toString(),
      formatRate(pricing.annualRate), pricing.effectiveAnnualCost!.toString(), pricing.tenorDays, valueDate, row.due_date,
      addDays(valueDate, row.offer_validity_days), row.pricing_version,
    ],
  );
  return offer.id;
}

/** A receivable with its open offer, in one call. */
export async function seedOfferedReceivable(
  platform: Platform,
  program: { id: string; currency: string },
  parties: { supplierId: string; anchorId: string },
  invoice: { amount: string; issueDate: string; dueDate: string },
  valueDate: string,
): Promise<SeededReceivable & { offerId: string }> {
  const receivable = await seedReceivable(platform, program, parties, invoice);
  return { ...receivable, offerId: await seedOffer(platform, receivable.receivableId, valueDate) };
}

/** Waits until the worker has opened an offer on the receivable; returns its id. */
export async function awaitOpenOffer(platform: Platform, receivableId: string): Promise<string> {
  const [offer] = await waitFor(
    async () => {
      const rows = await platform.sql<{ id: string }>(`SELECT id FROM offers WHERE receivable_id = $1 AND status = 'OPEN'`, [receivableId]);
      return rows.length === 1 && rows;
    },
    30_000,
  );
  return offer.id;
}

/**
 * Runs the worker's daily financing job for a business date through the outbox, as the scheduler
 * would, and waits until BullMQ reports it completed.
 */
export async function runDailyFinancing(platform: Platform, businessDate: string): Promise<void> {
  const jobId = `daily-financing-${businessDate}-${unique()}`;
  await platform.sql(`INSERT INTO outbox (queue, job_name, job_id, payload) VALUES ($1, $2, $3, $4)`, [
    QUEUES.SCHEDULED,
    JOBS.DAILY_FINANCING,
    jobId,
    JSON.stringify({ businessDate }),
  ]);
  const queue = new Queue(QUEUES.SCHEDULED, { connection: redisConnection(platform.config.redisUrl), prefix: platform.queuePrefix });
  try {
    await waitFor(async () => {
      const job = await queue.getJob(jobId);
      if (job?.failedReason) throw new Error(`daily financing job failed: ${job.failedReason}`);
      return (await job?.isCompleted()) ?? false;
    }, 30_000);
  } finally {
    await queue.close();
  }
}
