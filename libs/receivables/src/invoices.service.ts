import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, BusinessEvent } from '@scf/audit';
import { conflict, Decimal, FieldViolation, forbidden, formatAmount, invalid, notFound, parseAmount } from '@scf/core';
import { Actor, OrganisationType } from '@scf/identity';
import { ClockService } from '@scf/database';
import { OffersService } from '@scf/offers';
import { JOBS, OutboxMessage, OutboxService } from '@scf/queue';
import {
  assertAnchor,
  chunk,
  approvedSuppliers,
  isUniqueViolation,
  ProgramGate,
  programOfAnchor,
  programOfSupplier,
  visibleTo,
} from './access';
import {
  checkInvoice,
  checkPayable,
  CheckedInvoice,
  DOCUMENT_NUMBER_PATTERN,
  invalidBatch,
  invalidRow,
  InvoiceInput,
  MAX_BATCH_ROWS,
} from './invoice-input';
import { InvoiceStatus } from './invoice.entity';
import { ReceivableStatus } from './receivable.entity';
import { dueRange, DueRange, ListSort, orderBy, PageWindow, SqlParams } from './listing';

export interface InvoiceView {
  id: string;
  programId: string;
  supplierId: string;
  anchorId: string;
  invoiceNumber: string;
  currency: string;
  amount: string;
  creditedAmount: string;
  issueDate: string;
  dueDate: string;
  status: InvoiceStatus;
  rejectionReason: string | null;
  submittedByOrganisationId: string;
  /** The receivable born from the confirmation; null until then. */
  receivableId: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

export interface SubmittedInvoice {
  id: string;
  invoiceNumber: string;
}

/** What a confirmation produced for one invoice: enough for the offers job, the business event and the reply. */
export interface ConfirmedInvoice {
  id: string;
  receivableId: string;
  programId: string;
  currency: string;
  faceAmount: string;
  dueDate: string;
}

export interface UploadedPayable extends ConfirmedInvoice {
  invoiceNumber: string;
  supplierId: string;
}

export interface CreditNoteView {
  id: string;
  invoiceId: string;
  creditNoteNumber: string;
  amount: string;
  createdAt: Date;
}

export interface InvoiceFilter extends DueRange {
  status?: InvoiceStatus;
  programId?: string;
  supplierId?: string;
  sort?: ListSort;
}

const invoiceColumns = (alias: string) => `
  ${alias}.id, ${alias}.program_id AS "programId", ${alias}.supplier_id AS "supplierId", ${alias}.anchor_id AS "anchorId",
  ${alias}.invoice_number AS "invoiceNumber", ${alias}.currency, ${alias}.amount, ${alias}.credited_amount AS "creditedAmount",
  ${alias}.issue_date AS "issueDate", ${alias}.due_date AS "dueDate", ${alias}.status, ${alias}.rejection_reason AS "rejectionReason",
  ${alias}.submitted_by_organisation_id AS "submittedByOrganisationId", ${alias}.created_at AS "createdAt", ${alias}.decided_at AS "decidedAt"`;

/** One GENERATE_OFFERS message carries at most this many receivables, so a job stays short. */
const RECEIVABLES_PER_OFFER_JOB = 1_000;

/**
 * Invoices from submission to the anchor's decision, and the receivable a confirmation creates.
 * Bulk operations are all-or-nothing and set-based: every row is checked first (with one query per
 * check, never one per row), then written in single statements.
 */
@Injectable()
export class InvoicesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly offers: OffersService,
    private readonly clock: ClockService,
  ) {}

  async submit(actor: Actor, programId: string, input: InvoiceInput): Promise<InvoiceView> {
    const program = await programOfSupplier(this.dataSource.manager, actor, programId, await this.clock.today());
    const checked = checkInvoice(input, program.currency);
    if (!checked.value) throw invalidRow(checked.violations);
    const [{ id }] = await this.insertSubmitted(actor, program, [checked.value]);
    return this.get(actor, id);
  }

  /** Up to MAX_BATCH_ROWS invoices of the actor's supplier into one program, all or none. */
  async submitMany(actor: Actor, programId: string, rows: unknown[]): Promise<SubmittedInvoice[]> {
    const program = await programOfSupplier(this.dataSource.manager, actor, programId, await this.clock.today());
    assertBatchSize(rows, 'invoices');
    const checked = rows.map((row, index) => checkInvoice(row, program.currency, `invoices[${index}]`));
    const violations = checked.map((row) => [...row.violations]);
    await this.markDuplicates(
      'invoices',
      checked.flatMap((row, index) => (row.value ? [{ index, supplierId: actor.organisationId, invoiceNumber: row.value.invoiceNumber }] : [])),
      violations,
    );
    if (violations.some((row) => row.length > 0)) throw invalidBatch(violations.flat(), rows.length);
    return this.insertSubmitted(actor, program, checked.map((row) => row.value!));
  }

  /**
   * The anchor's own approved payables: it vouches for them, so they are confirmed at once and
   * become receivables with offers to follow.
   */
  async uploadPayables(actor: Actor, programId: string, rows: unknown[]): Promise<UploadedPayable[]> {
    const program = await programOfAnchor(this.dataSource.manager, actor, programId, await this.clock.today());
    assertBatchSize(rows, 'payables');
    const checked = rows.map((row, index) => checkPayable(row, program.currency, `payables[${index}]`));
    const violations = checked.map((row) => [...row.violations]);
    const valid = checked.flatMap((row, index) => (row.value ? [{ index, ...row.value }] : []));
    const approved = await approvedSuppliers(this.dataSource.manager, program.id, [...new Set(valid.map((row) => row.supplierId))]);
    for (const row of valid) {
      if (!approved.has(row.supplierId)) {
        const field = `payables[${row.index}].supplierId`;
        violations[row.index].push({ field, rule: 'supplier_not_enrolled', message: `${field} is not a supplier approved in this program` });
      }
    }
    await this.markDuplicates('payables', valid, violations);
    if (violations.some((row) => row.length > 0)) throw invalidBatch(violations.flat(), rows.length);

    // Ids are drawn here so that each receivable maps back to its row without joining the CTEs.
    const payables = valid.map((row) => ({ ...row, id: randomUUID() }));
    const byId = new Map<string, (typeof payables)[number]>(payables.map((row) => [row.id, row]));
    return this.withDuplicateGuard(() =>
      this.dataSource.transaction(async (manager) => {
        const confirmed: ConfirmedInvoice[] = await manager.query(
          `WITH invoice AS (
             INSERT INTO invoices (id, program_id, supplier_id, anchor_id, invoice_number, currency, amount, issue_date, due_date,
                                   status, submitted_by_organisation_id, decided_at)
             SELECT t.id, $1, t.supplier_id, $2, t.invoice_number, $3, t.amount, t.issue_date, t.due_date, 'CONFIRMED', $2, now()
               FROM unnest($4::uuid[], $5::uuid[], $6::text[], $7::numeric[], $8::date[], $9::date[])
                    AS t(id, supplier_id, invoice_number, amount, issue_date, due_date)
             RETURNING *
           ), ${RECEIVABLE_OF_INVOICE}`,
          [
            program.id,
            actor.organisationId,
            program.currency,
            payables.map((row) => row.id),
            payables.map((row) => row.supplierId),
            payables.map((row) => row.invoiceNumber),
            payables.map((row) => row.amount.toString()),
            payables.map((row) => row.issueDate),
            payables.map((row) => row.dueDate),
          ],
        );
        // Uploaded by the anchor itself: confirmed from birth, there is no prior state.
        await this.afterConfirmation(manager, actor, confirmed, null);
        return confirmed.map((row) => ({ ...row, invoiceNumber: byId.get(row.id)!.invoiceNumber, supplierId: byId.get(row.id)!.supplierId }));
      }),
    );
  }

  async confirm(actor: Actor, invoiceId: string): Promise<InvoiceView> {
    assertAnchor(actor);
    assertSubmitted(await this.get(actor, invoiceId));
    await this.dataSource.transaction((manager) => this.confirmSubmitted(manager, actor, [invoiceId]));
    return this.get(actor, invoiceId);
  }

  async confirmMany(actor: Actor, invoiceIds: string[]): Promise<ConfirmedInvoice[]> {
    assertAnchor(actor);
    const ids = await this.decidable(actor, invoiceIds);
    return this.dataSource.transaction((manager) => this.confirmSubmitted(manager, actor, ids));
  }

  async reject(actor: Actor, invoiceId: string, reason: string): Promise<InvoiceView> {
    assertAnchor(actor);
    const rejectionReason = checkReason(reason);
    assertSubmitted(await this.get(actor, invoiceId));
    const [invoice] = await this.dataSource.transaction((manager) => this.rejectSubmitted(manager, actor, [invoiceId], rejectionReason));
    return invoice;
  }

  async rejectMany(actor: Actor, invoiceIds: string[], reason: string): Promise<InvoiceView[]> {
    assertAnchor(actor);
    const rejectionReason = checkReason(reason);
    const ids = await this.decidable(actor, invoiceIds);
    return this.dataSource.transaction((manager) => this.rejectSubmitted(manager, actor, ids, rejectionReason));
  }

  /**
   * Reduces what the anchor owes: allowed while the invoice awaits its decision, or once confirmed
   * while its receivable is still OPEN (nobody has asked to finance it). The open offer priced on
   * the old face is withdrawn and a new one is requested, in the same transaction.
   */
  async addCreditNote(
    actor: Actor,
    invoiceId: string,
    input: { creditNoteNumber: string; amount: string },
  ): Promise<{ creditNote: CreditNoteView; invoice: InvoiceView }> {
    const visible = await this.get(actor, invoiceId);
    if (actor.organisationType === OrganisationType.BANK) throw forbidden('party_only', 'only the supplier or the anchor of an invoice credits it');
    if (typeof input.creditNoteNumber !== 'string' || !DOCUMENT_NUMBER_PATTERN.test(input.creditNoteNumber)) {
      throw invalid('credit_note_number_invalid', 'creditNoteNumber must be 1 to 64 printable characters', 'creditNoteNumber');
    }
    const amount = parseAmount(input.amount, visible.currency, 'amount');
    try {
      return await this.dataSource.transaction(async (manager) => {
        // The invoice row lock orders this against a concurrent confirmation of the same invoice.
        const [invoice]: InvoiceView[] = await manager.query(`SELECT ${invoiceColumns('i')} FROM invoices i WHERE i.id = $1 FOR UPDATE`, [invoiceId]);
        if (invoice.status === InvoiceStatus.REJECTED) throw conflict('invalid_state', 'a rejected invoice takes no credit note');
        const credited = new Decimal(invoice.creditedAmount).plus(amount);
        if (credited.greaterThanOrEqualTo(invoice.amount)) {
          throw conflict(
            'credit_exceeds_amount',
            `credit notes would total ${formatAmount(credited, invoice.currency)} of an invoice of ${formatAmount(invoice.amount, invoice.currency)}`,
            { field: 'amount' },
          );
        }
        const receivable = invoice.status === InvoiceStatus.CONFIRMED ? await this.openReceivableOf(manager, invoiceId) : undefined;
        const [creditNote]: CreditNoteView[] = await manager.query(
          `INSERT INTO credit_notes (invoice_id, credit_note_number, amount, created_by) VALUES ($1, $2, $3, $4)
           RETURNING id, invoice_id AS "invoiceId", credit_note_number AS "creditNoteNumber", amount, created_at AS "createdAt"`,
          [invoiceId, input.creditNoteNumber, amount.toString(), actor.userId],
        );
        await manager.query(`UPDATE invoices SET credited_amount = credited_amount + $2 WHERE id = $1`, [invoiceId, amount.toString()]);
        if (receivable) await this.reduceReceivable(manager, invoice, receivable, amount);
        await this.audit.record(manager, [
          {
            chainId: invoice.programId,
            actor: { userId: actor.userId, organisationId: actor.organisationId },
            action: 'invoice.credited',
            objectType: 'invoice',
            objectId: invoice.id,
            before: { creditedAmount: formatAmount(invoice.creditedAmount, invoice.currency) },
            after: {
              creditNoteId: creditNote.id,
              creditNoteNumber: creditNote.creditNoteNumber,
              amount: formatAmount(amount, invoice.currency),
              creditedAmount: formatAmount(credited, invoice.currency),
              receivableId: receivable ?? null,
            },
          },
        ]);
        return { creditNote, invoice: { ...invoice, creditedAmount: credited.toString(), receivableId: receivable ?? null } };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'credit_notes_invoice_number_key')) {
        throw conflict('duplicate_credit_note', `credit note ${input.creditNoteNumber} was already recorded on this invoice`, { field: 'creditNoteNumber' });
      }
      throw error;
    }
  }

  async get(actor: Actor, invoiceId: string): Promise<InvoiceView> {
    const [invoice]: InvoiceView[] = await this.dataSource.query(
      `SELECT ${invoiceColumns('i')}, (SELECT r.id FROM receivables r WHERE r.invoice_id = i.id) AS "receivableId"
         FROM invoices i WHERE i.id = $1 AND ${visibleTo(actor, 'i', '$2')}`,
      [invoiceId, actor.organisationId],
    );
    if (!invoice) throw notFound('invoice', 'invoiceId');
    return invoice;
  }

  /** A page of the invoices the actor may see; `limit + 1` rows so the caller can tell that more exist. */
  async list(actor: Actor, filter: InvoiceFilter, window: PageWindow): Promise<InvoiceView[]> {
    const { dueFrom, dueTo } = dueRange(filter);
    const params = new SqlParams();
    const where = [visibleTo(actor, 'i', params.bind(actor.organisationId))];
    if (filter.status) where.push(`i.status = ${params.bind(filter.status)}`);
    if (filter.programId) where.push(`i.program_id = ${params.bind(filter.programId)}`);
    if (filter.supplierId) where.push(`i.supplier_id = ${params.bind(filter.supplierId)}`);
    if (dueFrom) where.push(`i.due_date >= ${params.bind(dueFrom)}`);
    if (dueTo) where.push(`i.due_date <= ${params.bind(dueTo)}`);
    return this.dataSource.query(
      `SELECT ${invoiceColumns('i')}, (SELECT r.id FROM receivables r WHERE r.invoice_id = i.id) AS "receivableId"
         FROM invoices i
        WHERE ${where.join(' AND ')}
        ORDER BY ${orderBy(filter.sort ?? '-createdAt', 'i', 'amount')}
        LIMIT ${params.bind(window.limit + 1)} OFFSET ${params.bind(window.offset)}`,
      params.values,
    );
  }

  private async insertSubmitted(actor: Actor, program: ProgramGate, invoices: CheckedInvoice[]): Promise<SubmittedInvoice[]> {
    return this.withDuplicateGuard(() =>
      this.dataSource.query(
        `INSERT INTO invoices (program_id, supplier_id, anchor_id, invoice_number, currency, amount, issue_date, due_date,
                               status, submitted_by_organisation_id)
         SELECT $1, $2, $3, t.invoice_number, $4, t.amount, t.issue_date, t.due_date, 'SUBMITTED', $2
           FROM unnest($5::text[], $6::numeric[], $7::date[], $8::date[]) AS t(invoice_number, amount, issue_date, due_date)
         RETURNING id, invoice_number AS "invoiceNumber"`,
        [
          program.id,
          actor.organisationId,
          program.anchorId,
          program.currency,
          invoices.map((row) => row.invoiceNumber),
          invoices.map((row) => row.amount.toString()),
          invoices.map((row) => row.issueDate),
          invoices.map((row) => row.dueDate),
        ],
      ),
    );
  }

  /** A supplier's invoice number is unique across all programs: the same claim is never financed twice. */
  private async withDuplicateGuard<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, 'invoices_supplier_number_key')) {
        throw conflict('duplicate_invoice', 'the supplier already submitted an invoice with this number', { field: 'invoiceNumber' });
      }
      throw error;
    }
  }

  /** Flags repeated (supplier, invoice number) pairs within the batch and those already on file, in one query. */
  private async markDuplicates(
    path: string,
    rows: { index: number; supplierId: string; invoiceNumber: string }[],
    violations: FieldViolation[][],
  ): Promise<void> {
    const key = (supplierId: string, invoiceNumber: string) => `${supplierId}/${invoiceNumber}`;
    const firstIndex = new Map<string, number>();
    for (const row of rows) {
      const first = firstIndex.get(key(row.supplierId, row.invoiceNumber));
      if (first === undefined) {
        firstIndex.set(key(row.supplierId, row.invoiceNumber), row.index);
      } else {
        const field = `${path}[${row.index}].invoiceNumber`;
        violations[row.index].push({ field, rule: 'duplicate_in_batch', message: `${field} repeats ${path}[${first}].invoiceNumber` });
      }
    }
    if (rows.length === 0) return;
    const existing: { supplier_id: string; invoice_number: string }[] = await this.dataSource.query(
      `SELECT supplier_id, invoice_number FROM invoices
        WHERE (supplier_id, invoice_number) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))`,
      [rows.map((row) => row.supplierId), rows.map((row) => row.invoiceNumber)],
    );
    const onFile = new Set(existing.map((row) => key(row.supplier_id, row.invoice_number)));
    for (const row of rows) {
      if (onFile.has(key(row.supplierId, row.invoiceNumber))) {
        const field = `${path}[${row.index}].invoiceNumber`;
        violations[row.index].push({ field, rule: 'duplicate_invoice', message: `invoice ${row.invoiceNumber} of this supplier is already on file` });
      }
    }
  }

  /** The ids of a bulk decision, each visible to the anchor and SUBMITTED; else every offending id is named. */
  private async decidable(actor: Actor, invoiceIds: string[]): Promise<string[]> {
    assertBatchSize(invoiceIds, 'invoiceIds');
    const ids = invoiceIds.map((id) => id.toLowerCase());
    const rows: { id: string; status: InvoiceStatus }[] = await this.dataSource.query(
      `SELECT id, status FROM invoices WHERE id = ANY($1::uuid[]) AND anchor_id = $2`,
      [ids, actor.organisationId],
    );
    const statusOf = new Map(rows.map((row) => [row.id, row.status]));
    const firstIndex = new Map<string, number>();
    const violations: FieldViolation[] = [];
    ids.forEach((id, index) => {
      const field = `invoiceIds[${index}]`;
      const status = statusOf.get(id);
      const first = firstIndex.get(id);
      if (first !== undefined) violations.push({ field, rule: 'duplicate_in_batch', message: `${field} repeats invoiceIds[${first}]` });
      else if (!status) violations.push({ field, rule: 'not_found', message: `${field}: invoice not found` });
      else if (status !== InvoiceStatus.SUBMITTED) violations.push({ field, rule: 'invalid_state', message: `${field}: the invoice is ${status}, not SUBMITTED` });
      if (first === undefined) firstIndex.set(id, index);
    });
    if (violations.length > 0) throw invalidBatch(violations, ids.length);
    return ids;
  }

  /**
   * The guarded transition SUBMITTED → CONFIRMED and the receivable with its first part, in one
   * statement. A concurrent decision leaves fewer rows than asked for: the whole lot is refused.
   */
  private async confirmSubmitted(manager: EntityManager, actor: Actor, ids: string[]): Promise<ConfirmedInvoice[]> {
    const confirmed: ConfirmedInvoice[] = await manager.query(
      `WITH invoice AS (
         UPDATE invoices SET status = 'CONFIRMED', decided_at = now()
          WHERE id = ANY($1::uuid[]) AND anchor_id = $2 AND status = 'SUBMITTED'
         RETURNING *
       ), ${RECEIVABLE_OF_INVOICE}`,
      [ids, actor.organisationId],
    );
    if (confirmed.length !== ids.length) throw conflict('invalid_state', 'an invoice was decided meanwhile: nothing was confirmed');
    await this.afterConfirmation(manager, actor, confirmed, InvoiceStatus.SUBMITTED);
    return confirmed;
  }

  /** Offers are priced by the worker (through the outbox, so Redis is never on this path); the promise is recorded. */
  private async afterConfirmation(manager: EntityManager, actor: Actor, confirmed: ConfirmedInvoice[], before: InvoiceStatus | null): Promise<void> {
    const byProgram = new Map<string, string[]>();
    for (const invoice of confirmed) {
      const receivableIds = byProgram.get(invoice.programId) ?? [];
      receivableIds.push(invoice.receivableId);
      byProgram.set(invoice.programId, receivableIds);
    }
    const jobs: OutboxMessage[] = [...byProgram].flatMap(([programId, receivableIds]) =>
      chunk(receivableIds, RECEIVABLES_PER_OFFER_JOB).map((ids) => ({ job: JOBS.GENERATE_OFFERS, data: { programId, receivableIds: ids } })),
    );
    await this.outbox.enqueue(manager, jobs);
    await this.audit.record(
      manager,
      confirmed.map((invoice) => decisionEvent(actor, invoice, 'invoice.confirmed', before, {
        status: InvoiceStatus.CONFIRMED,
        receivableId: invoice.receivableId,
        faceAmount: formatAmount(invoice.faceAmount, invoice.currency),
        currency: invoice.currency,
        dueDate: invoice.dueDate,
      })),
    );
  }

  private async rejectSubmitted(manager: EntityManager, actor: Actor, ids: string[], reason: string): Promise<InvoiceView[]> {
    const invoices: InvoiceView[] = await manager.query(
      `WITH invoice AS (
         UPDATE invoices SET status = 'REJECTED', rejection_reason = $3, decided_at = now()
          WHERE id = ANY($1::uuid[]) AND anchor_id = $2 AND status = 'SUBMITTED'
         RETURNING *
       )
       SELECT ${invoiceColumns('invoice')}, NULL::uuid AS "receivableId" FROM invoice`,
      [ids, actor.organisationId, reason],
    );
    if (invoices.length !== ids.length) throw conflict('invalid_state', 'an invoice was decided meanwhile: nothing was rejected');
    await this.audit.record(
      manager,
      invoices.map((invoice) => decisionEvent(actor, invoice, 'invoice.rejected', InvoiceStatus.SUBMITTED, { status: InvoiceStatus.REJECTED, reason })),
    );
    return invoices;
  }

  private async openReceivableOf(manager: EntityManager, invoiceId: string): Promise<string> {
    const [receivable]: { id: string; status: ReceivableStatus }[] = await manager.query(
      `SELECT id, status FROM receivables WHERE invoice_id = $1`,
      [invoiceId],
    );
    if (receivable.status === ReceivableStatus.SETTLED) throw conflict('receivable_settled', 'the receivable is already settled');
    if (receivable.status !== ReceivableStatus.OPEN) {
      throw conflict('receivable_in_financing', `the receivable is ${receivable.status}: credit notes are accepted only before financing`);
    }
    return receivable.id;
  }

  /**
   * Face and its single part shrink together, so the parts still sum to the face. Both updates are
   * guarded: financing moves a receivable out of OPEN with its own guarded update, and whichever
   * commits first wins.
   */
  private async reduceReceivable(manager: EntityManager, invoice: InvoiceView, receivableId: string, amount: Decimal): Promise<void> {
    const [, reduced] = await manager.query(
      `UPDATE receivables SET face_amount = face_amount - $2 WHERE id = $1 AND status = 'OPEN'`,
      [receivableId, amount.toString()],
    );
    if (reduced !== 1) throw conflict('receivable_in_financing', 'the receivable left OPEN meanwhile: credit notes are accepted only before financing');
    const [, parts] = await manager.query(
      `UPDATE receivable_parts SET amount = amount - $2
        WHERE receivable_id = $1 AND holder_id = $3 AND (SELECT count(*) FROM receivable_parts WHERE receivable_id = $1) = 1`,
      [receivableId, amount.toString(), invoice.supplierId],
    );
    if (parts !== 1) throw conflict('receivable_transferred', 'the receivable was split or transferred: it can no longer be credited');
    await this.offers.withdrawOpenOffers(manager, [receivableId]);
    await this.outbox.enqueue(manager, [{ job: JOBS.GENERATE_OFFERS, data: { programId: invoice.programId, receivableIds: [receivableId] } }]);
  }
}

/**
 * Continues a WITH whose `invoice` yields confirmed invoice rows: their receivables (face = amount
 * net of credit notes) and each one's first part, held by the supplier; yields ConfirmedInvoice
 * rows. Read from the receivables alone: a join of two CTEs has no statistics, and a 10,000-row
 * nested loop over them took seconds.
 */
const RECEIVABLE_OF_INVOICE = `
  receivable AS (
    INSERT INTO receivables (invoice_id, program_id, supplier_id, anchor_id, currency, face_amount, due_date, status)
    SELECT id, program_id, supplier_id, anchor_id, currency, amount - credited_amount, due_date, 'OPEN' FROM invoice
    RETURNING id, invoice_id, program_id, supplier_id, currency, face_amount, due_date
  ), part AS (
    INSERT INTO receivable_parts (receivable_id, holder_id, amount) SELECT id, supplier_id, face_amount FROM receivable
  )
  SELECT invoice_id AS id, id AS "receivableId", program_id AS "programId", currency, face_amount AS "faceAmount", due_date AS "dueDate"
    FROM receivable`;

function assertBatchSize(rows: unknown[], field: string): void {
  if (!Array.isArray(rows) || rows.length === 0 || rows.length > MAX_BATCH_ROWS) {
    throw invalid('batch_size', `${field} must hold 1 to ${MAX_BATCH_ROWS} entries`, field);
  }
}

function assertSubmitted(invoice: InvoiceView): void {
  if (invoice.status !== InvoiceStatus.SUBMITTED) throw conflict('invalid_state', `the invoice is ${invoice.status}, not SUBMITTED`);
}

function checkReason(reason: unknown): string {
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 500) {
    throw invalid('reason_required', 'reason must be 1 to 500 characters', 'reason');
  }
  return reason.trim();
}

function decisionEvent(
  actor: Actor,
  invoice: { id: string; programId: string },
  action: string,
  before: InvoiceStatus | null,
  after: { status: InvoiceStatus } & Record<string, unknown>,
): BusinessEvent {
  return {
    chainId: invoice.programId,
    actor: { userId: actor.userId, organisationId: actor.organisationId },
    action,
    objectType: 'invoice',
    objectId: invoice.id,
    before: before && { status: before },
    after,
  };
}
