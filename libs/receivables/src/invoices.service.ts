import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, BusinessEvent } from '@scf/audit';
import { conflict, Decimal, FieldViolation, forbidden, formatAmount, invalid, notFound, parseAmount } from '@scf/core';
import { Actor, OrganisationType } from '@scf/identity';
import { ClockService, isUniqueViolation } from '@scf/database';
import { OffersService } from '@scf/offers';
import { redact } from '@scf/programs';
import { JOBS, OutboxMessage, OutboxService } from '@scf/queue';
import {
  assertAnchor,
  chunk,
  approvedSuppliers,
  ProgramGate,
  programOfAnchor,
  programOfSupplier,
  visibleTo,
} from './access';
import {
  checkInvoice,
  checkPayable,
  CheckedInvoice,
  checkReason,
  DOCUMENT_NUMBER_PATTERN,
  invalidBatch,
  invalidRow,
  InvoiceInput,
  MAX_BATCH_ROWS,
} from './invoice-input';
import { DischargeKind, DischargesService, DischargeView } from './discharges.service';
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
  /** Read by the anchor only: it reviews them, and they name other suppliers' invoices. */
  duplicateFlags?: DuplicateFlagView[];
}

export enum DuplicateRule {
  /** Same normalised number under the same anchor, from another supplier. */
  NUMBER_OF_ANOTHER_SUPPLIER = 'NUMBER_OF_ANOTHER_SUPPLIER',
  /** Same supplier, anchor, amount, issue and due date under another number. */
  SAME_AMOUNT_AND_DATES = 'SAME_AMOUNT_AND_DATES',
}

/** Another live invoice under the same anchor that this one looks like. */
export interface DuplicateFlagView {
  rule: DuplicateRule;
  matchedInvoiceId: string;
  matchedInvoiceNumber: string;
  matchedSupplierId: string;
  reason: string;
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

export interface CreditNoted {
  creditNote: CreditNoteView;
  /** The invoice after the credit. */
  invoice: InvoiceView;
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

/**
 * The near-duplicates of invoice `alias` in both directions (it was flagged, or a later one was
 * flagged against it), while the other invoice is still live: a rejected one no longer matters.
 */
const duplicateFlagsOf = (alias: string) => `
  (SELECT coalesce(json_agg(json_build_object('rule', f.rule, 'matchedInvoiceId', o.id, 'matchedInvoiceNumber', o.invoice_number,
                                              'matchedSupplierId', o.supplier_id, 'supplierId', ${alias}.supplier_id)
                            ORDER BY o.created_at, o.id), '[]')
     FROM (SELECT rule, matched_invoice_id AS other FROM invoice_duplicate_flags WHERE invoice_id = ${alias}.id
           UNION SELECT rule, invoice_id FROM invoice_duplicate_flags WHERE matched_invoice_id = ${alias}.id) f
     JOIN invoices o ON o.id = f.other AND o.status <> 'REJECTED') AS "duplicateFlags"`;

const DUPLICATE_REASONS: Record<DuplicateRule, (number: string) => string> = {
  [DuplicateRule.NUMBER_OF_ANOTHER_SUPPLIER]: (number) => `another supplier's invoice ${number} has the same number once case, spaces and separators are ignored`,
  [DuplicateRule.SAME_AMOUNT_AND_DATES]: (number) => `invoice ${number} of the same supplier has the same amount, issue date and due date under another number`,
};

/** The reader's view of a row: the anchor gets the flags with their reasons, anyone else none. */
function withFlags(actor: Actor, row: InvoiceView & { duplicateFlags?: (DuplicateFlagView & { supplierId?: string })[] }): InvoiceView {
  if (actor.organisationType !== OrganisationType.ANCHOR) return row;
  return {
    ...row,
    duplicateFlags: (row.duplicateFlags ?? []).map(({ rule, matchedInvoiceId, matchedInvoiceNumber, matchedSupplierId }) => ({
      rule,
      matchedInvoiceId,
      matchedInvoiceNumber,
      matchedSupplierId,
      reason: DUPLICATE_REASONS[rule](matchedInvoiceNumber),
    })),
  };
}

const flagsFor = (actor: Actor) => (actor.organisationType === OrganisationType.ANCHOR ? `, ${duplicateFlagsOf('i')}` : '');

/** One GENERATE_OFFERS message carries at most this many receivables, so a job stays short. */
const RECEIVABLES_PER_OFFER_JOB = 1_000;

/**
 * Invoices from submission to the anchor's decision, and the receivable a confirmation creates.
 * Bulk operations are all-or-nothing and set-based: every row is checked first (with one query per
 * check, never one per row), then written in single statements.
 */
@Injectable()
export class InvoicesService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly offers: OffersService,
    private readonly clock: ClockService,
    private readonly discharges: DischargesService,
  ) {}

  async submit(actor: Actor, programId: string, input: InvoiceInput): Promise<InvoiceView> {
    const program = await programOfSupplier(this.dataSource.manager, actor, programId, await this.clock.todayOf(programId));
    const checked = checkInvoice(input, program.currency);
    if (!checked.value) throw invalidRow(checked.violations);
    const [{ id }] = await this.insertSubmitted(actor, program, [checked.value]);
    return this.get(actor, id);
  }

  /** Up to MAX_BATCH_ROWS invoices of the actor's supplier into one program, all or none. */
  async submitMany(actor: Actor, programId: string, rows: unknown[]): Promise<SubmittedInvoice[]> {
    const program = await programOfSupplier(this.dataSource.manager, actor, programId, await this.clock.todayOf(programId));
    assertBatchSize(rows, 'invoices');
    const checked = rows.map((row, index) => checkInvoice(row, program.currency, `invoices[${index}]`));
    const violations = checked.map((row) => [...row.violations]);
    await this.markDuplicates(
      'invoices',
      checked.flatMap((row, index) => (row.value ? [{ index, supplierId: actor.organisationId, ...row.value }] : [])),
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
    const program = await programOfAnchor(this.dataSource.manager, actor, programId, await this.clock.todayOf(programId));
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
    return this.admit(actor.organisationId, async (manager) => {
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
    });
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
    return redact(actor, 'invoice', invoice);
  }

  async rejectMany(actor: Actor, invoiceIds: string[], reason: string): Promise<InvoiceView[]> {
    assertAnchor(actor);
    const rejectionReason = checkReason(reason);
    const ids = await this.decidable(actor, invoiceIds);
    const invoices = await this.dataSource.transaction((manager) => this.rejectSubmitted(manager, actor, ids, rejectionReason));
    return invoices.map((invoice) => redact(actor, 'invoice', invoice));
  }

  /**
   * Reduces what the anchor owes: allowed while the invoice awaits its decision, or once confirmed
   * while its receivable is still OPEN (nobody has asked to finance it). The supplier's credit
   * note, or the anchor's before it confirmed, applies at once. Once confirmed, the anchor's credit
   * note would lower its own debt: it becomes a PENDING discharge for the supplier to acknowledge
   * or the bank to confirm (DischargesService), and changes nothing until then.
   */
  async addCreditNote(actor: Actor, invoiceId: string, input: { creditNoteNumber: string; amount: string }): Promise<CreditNoted | DischargeView> {
    const visible = await this.get(actor, invoiceId);
    if (actor.organisationType === OrganisationType.BANK) throw forbidden('party_only', 'only the supplier or the anchor of an invoice credits it');
    if (typeof input.creditNoteNumber !== 'string' || !DOCUMENT_NUMBER_PATTERN.test(input.creditNoteNumber)) {
      throw invalid('credit_note_number_invalid', 'creditNoteNumber must be 1 to 64 printable characters', 'creditNoteNumber');
    }
    const note = { creditNoteNumber: input.creditNoteNumber, amount: parseAmount(input.amount, visible.currency, 'amount') };
    return this.withCreditNoteGuard(note.creditNoteNumber, () =>
      this.dataSource.transaction(async (manager) => {
        // The invoice row lock orders this against a concurrent confirmation of the same invoice.
        const invoice = await this.lockInvoice(manager, invoiceId);
        if (invoice.status === InvoiceStatus.REJECTED) throw conflict('invalid_state', 'a rejected invoice takes no credit note');
        assertCreditFits(invoice, note.amount);
        const receivableId = invoice.status === InvoiceStatus.CONFIRMED ? await this.openReceivableOf(manager, invoiceId) : undefined;
        if (receivableId === undefined) return this.applyCreditNote(manager, actor, invoice, undefined, note, actor.userId);
        await this.discharges.assertNonePending(manager, receivableId);
        if (actor.organisationType === OrganisationType.SUPPLIER) return this.applyCreditNote(manager, actor, invoice, receivableId, note, actor.userId);
        const [used] = await manager.query(`SELECT 1 FROM credit_notes WHERE invoice_id = $1 AND credit_note_number = $2`, [invoiceId, note.creditNoteNumber]);
        if (used) throw duplicateCreditNote(note.creditNoteNumber);
        const { programId, supplierId, anchorId, currency } = invoice;
        return this.discharges.claim(manager, actor, { id: receivableId, invoiceId, programId, supplierId, anchorId, currency }, {
          kind: DischargeKind.CREDIT_NOTE,
          ...note,
        });
      }),
    );
  }

  /** The anchor's credit note, acknowledged or confirmed: written as if credited now, by its issuer. */
  onModuleInit(): void {
    this.discharges.takeEffect(DischargeKind.CREDIT_NOTE, async (manager, discharge, decidedBy) => {
      const invoice = await this.lockInvoice(manager, discharge.invoiceId);
      const amount = new Decimal(discharge.amount);
      assertCreditFits(invoice, amount);
      const receivableId = await this.openReceivableOf(manager, discharge.invoiceId);
      const note = { creditNoteNumber: discharge.creditNoteNumber!, amount };
      const { creditNote } = await this.applyCreditNote(manager, decidedBy, invoice, receivableId, note, discharge.claimedBy, discharge.id);
      return creditNote.id;
    });
  }

  private async withCreditNoteGuard<T>(creditNoteNumber: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, 'credit_notes_invoice_number_key')) throw duplicateCreditNote(creditNoteNumber);
      throw error;
    }
  }

  private async lockInvoice(manager: EntityManager, invoiceId: string): Promise<InvoiceView> {
    const [invoice]: InvoiceView[] = await manager.query(`SELECT ${invoiceColumns('i')} FROM invoices i WHERE i.id = $1 FOR UPDATE`, [invoiceId]);
    return invoice;
  }

  /** Writes the credit note and lowers the invoice and its OPEN receivable, in the caller's transaction. */
  private async applyCreditNote(
    manager: EntityManager,
    actor: Actor,
    invoice: InvoiceView,
    receivableId: string | undefined,
    note: { creditNoteNumber: string; amount: Decimal },
    createdBy: string,
    dischargeId?: string,
  ): Promise<CreditNoted> {
    const credited = new Decimal(invoice.creditedAmount).plus(note.amount);
    const [creditNote]: CreditNoteView[] = await manager.query(
      `INSERT INTO credit_notes (invoice_id, credit_note_number, amount, created_by) VALUES ($1, $2, $3, $4)
       RETURNING id, invoice_id AS "invoiceId", credit_note_number AS "creditNoteNumber", amount, created_at AS "createdAt"`,
      [invoice.id, note.creditNoteNumber, note.amount.toString(), createdBy],
    );
    await manager.query(`UPDATE invoices SET credited_amount = credited_amount + $2 WHERE id = $1`, [invoice.id, note.amount.toString()]);
    if (receivableId) await this.reduceReceivable(manager, invoice, receivableId, note.amount);
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
          amount: formatAmount(note.amount, invoice.currency),
          creditedAmount: formatAmount(credited, invoice.currency),
          receivableId: receivableId ?? null,
          ...(dischargeId && { dischargeId }),
        },
      },
    ]);
    return { creditNote, invoice: { ...invoice, creditedAmount: credited.toString(), receivableId: receivableId ?? null } };
  }

  async get(actor: Actor, invoiceId: string): Promise<InvoiceView> {
    const [invoice]: InvoiceView[] = await this.dataSource.query(
      `SELECT ${invoiceColumns('i')}, (SELECT r.id FROM receivables r WHERE r.invoice_id = i.id) AS "receivableId"${flagsFor(actor)}
         FROM invoices i WHERE i.id = $1 AND ${visibleTo(actor, 'i', '$2')}`,
      [invoiceId, actor.organisationId],
    );
    if (!invoice) throw notFound('invoice', 'invoiceId');
    return redact(actor, 'invoice', withFlags(actor, invoice));
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
    const invoices: InvoiceView[] = await this.dataSource.query(
      `SELECT ${invoiceColumns('i')}, (SELECT r.id FROM receivables r WHERE r.invoice_id = i.id) AS "receivableId"${flagsFor(actor)}
         FROM invoices i
        WHERE ${where.join(' AND ')}
        ORDER BY ${orderBy(filter.sort ?? '-createdAt', 'i', 'amount')}
        LIMIT ${params.bind(window.limit + 1)} OFFSET ${params.bind(window.offset)}`,
      params.values,
    );
    return invoices.map((invoice) => redact(actor, 'invoice', withFlags(actor, invoice)));
  }

  private async insertSubmitted(actor: Actor, program: ProgramGate, invoices: CheckedInvoice[]): Promise<SubmittedInvoice[]> {
    return this.admit(program.anchorId, (manager) =>
      manager.query(
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

  /**
   * Writes new invoices of one anchor and flags their near-duplicates, in one transaction. A
   * supplier's normalised number is unique among its live invoices in every program (the index
   * invoices_supplier_number_key decides between concurrent writers). The anchor's writers take
   * turns on an advisory lock, so that two near-duplicates written at once can't both miss each other.
   */
  private async admit<T extends { id: string }>(anchorId: string, write: (manager: EntityManager) => Promise<T[]>): Promise<T[]> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('invoices-of-anchor:' || $1, 0))`, [anchorId]);
        const written = await write(manager);
        await this.flagNearDuplicates(manager, written.map((row) => row.id));
        return written;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'invoices_supplier_number_key')) {
        throw conflict('duplicate_invoice', 'the supplier already has a live invoice with this number (case, spaces and separators ignored)', {
          field: 'invoiceNumber',
        });
      }
      throw error;
    }
  }

  /**
   * Flags each new invoice against the live invoices under its anchor written before it (earlier
   * rows of the same batch included): the same number from another supplier, or the same supplier,
   * amount and dates under another number. Three matches per rule are enough to make the anchor
   * look, the earliest first. The work is linear in the batch: invoices on file are looked up once
   * per distinct number or fingerprint (not per row), and a batch's own earlier rows are found by
   * ranking, since 10,000 invoices of one amount and date are an ordinary monthly file.
   */
  private async flagNearDuplicates(manager: EntityManager, invoiceIds: string[]): Promise<void> {
    await manager.query(
      `WITH fresh AS (
         SELECT t.id, t.n, i.anchor_id, i.supplier_id, i.invoice_number_key, i.currency, i.amount, i.issue_date, i.due_date,
                row_number() OVER (PARTITION BY i.anchor_id, i.supplier_id, i.currency, i.amount, i.issue_date, i.due_date ORDER BY t.n) AS r
           FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n) JOIN invoices i ON i.id = t.id),
       numbers AS (SELECT DISTINCT anchor_id, supplier_id, invoice_number_key FROM fresh),
       fingerprints AS (SELECT DISTINCT anchor_id, supplier_id, currency, amount, issue_date, due_date FROM fresh),
       number_on_file AS (
         SELECT g.anchor_id, g.supplier_id, g.invoice_number_key, m.id AS matched_id, m.created_at FROM numbers g CROSS JOIN LATERAL (
           SELECT o.id, o.created_at FROM invoices o
            WHERE o.anchor_id = g.anchor_id AND o.invoice_number_key = g.invoice_number_key AND o.supplier_id <> g.supplier_id
              AND o.status <> 'REJECTED' AND o.id NOT IN (SELECT id FROM fresh)
            ORDER BY o.created_at, o.id LIMIT 3) m),
       fingerprint_on_file AS (
         SELECT g.anchor_id, g.supplier_id, g.currency, g.amount, g.issue_date, g.due_date, m.id AS matched_id, m.created_at
           FROM fingerprints g CROSS JOIN LATERAL (
           SELECT o.id, o.created_at FROM invoices o
            WHERE o.supplier_id = g.supplier_id AND o.anchor_id = g.anchor_id AND o.currency = g.currency AND o.amount = g.amount
              AND o.issue_date = g.issue_date AND o.due_date = g.due_date AND o.status <> 'REJECTED' AND o.id NOT IN (SELECT id FROM fresh)
            ORDER BY o.created_at, o.id LIMIT 3) m),
       candidates AS (
         SELECT f.id, c.matched_id, 'NUMBER_OF_ANOTHER_SUPPLIER' AS rule, 0 AS batch, c.created_at AS at, 0::bigint AS n
           FROM fresh f JOIN number_on_file c USING (anchor_id, supplier_id, invoice_number_key)
         UNION ALL
         SELECT f.id, c.matched_id, 'SAME_AMOUNT_AND_DATES', 0, c.created_at, 0
           FROM fresh f JOIN fingerprint_on_file c USING (anchor_id, supplier_id, currency, amount, issue_date, due_date)
         UNION ALL
         SELECT b.id, a.id, 'NUMBER_OF_ANOTHER_SUPPLIER', 1, NULL, a.n
           FROM fresh b JOIN fresh a ON a.anchor_id = b.anchor_id AND a.invoice_number_key = b.invoice_number_key
                                    AND a.supplier_id <> b.supplier_id AND a.n < b.n
         UNION ALL
         SELECT b.id, a.id, 'SAME_AMOUNT_AND_DATES', 1, NULL, a.n
           FROM fresh b JOIN fresh a ON a.anchor_id = b.anchor_id AND a.supplier_id = b.supplier_id AND a.currency = b.currency
                                    AND a.amount = b.amount AND a.issue_date = b.issue_date AND a.due_date = b.due_date
                                    AND a.r <= 3 AND a.r < b.r)
       INSERT INTO invoice_duplicate_flags (invoice_id, matched_invoice_id, rule)
       SELECT id, matched_id, rule
         FROM (SELECT c.*, row_number() OVER (PARTITION BY c.id, c.rule ORDER BY c.batch, c.at, c.n, c.matched_id) AS k FROM candidates c) ranked
        WHERE k <= 3`,
      [invoiceIds],
    );
  }

  /**
   * Names the rows whose (supplier, normalised number) repeats an earlier row of the batch or a
   * live invoice on file, in one query. The index decides again at insertion, against racers.
   */
  private async markDuplicates(
    path: string,
    rows: { index: number; supplierId: string; invoiceNumber: string; numberKey: string }[],
    violations: FieldViolation[][],
  ): Promise<void> {
    const key = (supplierId: string, numberKey: string) => `${supplierId}/${numberKey}`;
    const firstIndex = new Map<string, number>();
    for (const row of rows) {
      const first = firstIndex.get(key(row.supplierId, row.numberKey));
      if (first === undefined) {
        firstIndex.set(key(row.supplierId, row.numberKey), row.index);
      } else {
        const field = `${path}[${row.index}].invoiceNumber`;
        violations[row.index].push({ field, rule: 'duplicate_in_batch', message: `${field} repeats ${path}[${first}].invoiceNumber` });
      }
    }
    if (rows.length === 0) return;
    const existing: { supplier_id: string; invoice_number_key: string; invoice_number: string }[] = await this.dataSource.query(
      `SELECT supplier_id, invoice_number_key, invoice_number FROM invoices
        WHERE (supplier_id, invoice_number_key) IN (SELECT * FROM unnest($1::uuid[], $2::text[])) AND status <> 'REJECTED'`,
      [rows.map((row) => row.supplierId), rows.map((row) => row.numberKey)],
    );
    const onFile = new Map(existing.map((row) => [key(row.supplier_id, row.invoice_number_key), row.invoice_number]));
    for (const row of rows) {
      const spelled = onFile.get(key(row.supplierId, row.numberKey));
      if (spelled !== undefined) {
        const field = `${path}[${row.index}].invoiceNumber`;
        violations[row.index].push({ field, rule: 'duplicate_invoice', message: `invoice ${row.invoiceNumber} of this supplier is already on file as ${spelled}` });
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

  /** The invoice's receivable, locked (after its invoice): it must still be OPEN to be credited. */
  private async openReceivableOf(manager: EntityManager, invoiceId: string): Promise<string> {
    const [receivable]: { id: string; status: ReceivableStatus }[] = await manager.query(
      `SELECT id, status FROM receivables WHERE invoice_id = $1 FOR UPDATE`,
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

/** The credit notes of an invoice always total less than its amount: the receivable keeps a face. */
function assertCreditFits(invoice: InvoiceView, amount: Decimal): void {
  const credited = new Decimal(invoice.creditedAmount).plus(amount);
  if (credited.greaterThanOrEqualTo(invoice.amount)) {
    throw conflict(
      'credit_exceeds_amount',
      `credit notes would total ${formatAmount(credited, invoice.currency)} of an invoice of ${formatAmount(invoice.amount, invoice.currency)}`,
      { field: 'amount' },
    );
  }
}

function duplicateCreditNote(creditNoteNumber: string) {
  return conflict('duplicate_credit_note', `credit note ${creditNoteNumber} was already recorded on this invoice`, { field: 'creditNoteNumber' });
}

function assertSubmitted(invoice: InvoiceView): void {
  if (invoice.status !== InvoiceStatus.SUBMITTED) throw conflict('invalid_state', `the invoice is ${invoice.status}, not SUBMITTED`);
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
