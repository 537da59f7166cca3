import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { notFound } from '@scf/core';
import { Actor, OrganisationType } from '@scf/identity';
import { mayRead, redact } from '@scf/programs';
import { visibleTo } from './access';
import { dueRange, DueRange, ListSort, orderBy, PageWindow, SqlParams } from './listing';
import { Receivable, ReceivableStatus } from './receivable.entity';

export interface ReceivableView {
  id: string;
  invoiceId: string;
  invoiceNumber: string;
  programId: string;
  supplierId: string;
  anchorId: string;
  currency: string;
  faceAmount: string;
  dueDate: string;
  status: ReceivableStatus;
  /** Whom the anchor pays at maturity: the program's bank once the receivable is financed, else the supplier. */
  payeeId: string;
  createdAt: Date;
  settledAt: Date | null;
}

export interface ReceivablePartView {
  id: string;
  holderId: string;
  amount: string;
  createdAt: Date;
}

/** The indicative price of early payment currently open on a receivable. */
export interface OpenOfferView {
  id: string;
  advance: string;
  discount: string;
  fee: string;
  netProceeds: string;
  annualRate: string;
  tenorDays: number;
  valueDate: string;
  maturityDate: string;
  expiresOn: string;
}

export interface ReceivableDetail extends ReceivableView {
  parts: ReceivablePartView[];
  /** Shown to the holder and the bank; left out for the anchor, which does not see its suppliers' price. */
  openOffer?: OpenOfferView | null;
}

export interface ReceivableFilter extends DueRange {
  status?: ReceivableStatus;
  programId?: string;
  sort?: ListSort;
}

const receivableColumns = (alias: string) => `
  ${alias}.id, ${alias}.invoice_id AS "invoiceId", ${alias}.program_id AS "programId", ${alias}.supplier_id AS "supplierId",
  ${alias}.anchor_id AS "anchorId", ${alias}.currency, ${alias}.face_amount AS "faceAmount", ${alias}.due_date AS "dueDate",
  ${alias}.status, ${alias}.created_at AS "createdAt", ${alias}.settled_at AS "settledAt"`;

/** The payee of receivable `alias` (of program `program`): financed, or settled through a financing, pays the bank. */
const payee = (alias: string, program: string) => `
  CASE WHEN ${alias}.status IN ('FINANCED','OVERDUE')
         OR (${alias}.status = 'SETTLED'
             AND EXISTS (SELECT 1 FROM payments paid WHERE paid.receivable_id = ${alias}.id AND paid.financing_item_id IS NOT NULL))
       THEN ${program}.bank_id ELSE ${alias}.supplier_id END AS "payeeId"`;

/**
 * Reads of receivables (the anchor's payment undertakings). Their state changes after confirmation
 * belong to the financing context, which applies its own guarded updates.
 */
@Injectable()
export class ReceivablesService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The receivable if the actor's organisation may see it (supplier, holder of a part, anchor or
   * the program's bank), else 404. Give the caller's transaction manager to read inside it.
   */
  async getVisible(actor: Actor, receivableId: string, manager: EntityManager = this.dataSource.manager): Promise<Receivable> {
    const [row]: Receivable[] = await manager.query(
      `SELECT ${receivableColumns('r')} FROM receivables r WHERE r.id = $1 AND ${receivableVisibleTo(actor, 'r', '$2')}`,
      [receivableId, actor.organisationId],
    );
    if (!row) throw notFound('receivable');
    return Object.assign(new Receivable(), row);
  }

  async get(actor: Actor, receivableId: string): Promise<ReceivableDetail> {
    const [receivable]: ReceivableView[] = await this.dataSource.query(
      `SELECT ${receivableColumns('r')}, i.invoice_number AS "invoiceNumber", ${payee('r', 'p')}
         FROM receivables r JOIN invoices i ON i.id = r.invoice_id JOIN programs p ON p.id = r.program_id
        WHERE r.id = $1 AND ${receivableVisibleTo(actor, 'r', '$2')}`,
      [receivableId, actor.organisationId],
    );
    if (!receivable) throw notFound('receivable');
    const parts: ReceivablePartView[] = await this.dataSource.query(
      `SELECT id, holder_id AS "holderId", amount, created_at AS "createdAt"
         FROM receivable_parts WHERE receivable_id = $1 ORDER BY created_at, id`,
      [receivableId],
    );
    const [openOffer]: OpenOfferView[] = !mayRead(actor, 'receivable', 'openOffer')
      ? []
      : await this.dataSource.query(
          `SELECT id, advance, discount, fee, net_proceeds AS "netProceeds", annual_rate AS "annualRate", tenor_days AS "tenorDays",
                  value_date AS "valueDate", maturity_date AS "maturityDate", expires_on AS "expiresOn"
             FROM offers WHERE receivable_id = $1 AND status = 'OPEN'`,
          [receivableId],
        );
    return redact<ReceivableDetail>(actor, 'receivable', { ...receivable, parts, openOffer: openOffer ?? null });
  }

  /**
   * A page of the receivables the actor may see; `limit + 1` rows so the caller can tell that more
   * exist, and no count. A supplier's page is read in the order of receivables_supplier_idx
   * (supplier_id, status, due_date, id): without a status filter, each status's slice is read in
   * index order and the slices merged, so a supplier's whole book is never sorted. (Sorting by
   * amount or creation date has no index: fine for ordinary books, slow on a million rows.)
   */
  async list(actor: Actor, filter: ReceivableFilter, window: PageWindow): Promise<ReceivableView[]> {
    const { dueFrom, dueTo } = dueRange(filter);
    const params = new SqlParams();
    const where = [visibleTo(actor, 'r', params.bind(actor.organisationId))];
    if (filter.programId) where.push(`r.program_id = ${params.bind(filter.programId)}`);
    if (dueFrom) where.push(`r.due_date >= ${params.bind(dueFrom)}`);
    if (dueTo) where.push(`r.due_date <= ${params.bind(dueTo)}`);
    const order = orderBy(filter.sort ?? 'dueDate', 'r', 'face_amount');
    const reach = params.bind(window.offset + window.limit + 1);
    const statuses = filter.status ? [filter.status] : actor.organisationType === OrganisationType.SUPPLIER ? Object.values(ReceivableStatus) : [];
    const slices = statuses.length
      ? statuses.map(
          (status) => `(SELECT r.* FROM receivables r WHERE ${[...where, `r.status = ${params.bind(status)}`].join(' AND ')}
                         ORDER BY ${order} LIMIT ${reach})`,
        )
      : [`(SELECT r.* FROM receivables r WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${reach})`];
    const rows: ReceivableView[] = await this.dataSource.query(
      `SELECT ${receivableColumns('r')}, i.invoice_number AS "invoiceNumber", ${payee('r', 'p')}
         FROM (${slices.join(' UNION ALL ')}) r JOIN invoices i ON i.id = r.invoice_id JOIN programs p ON p.id = r.program_id
        ORDER BY ${order}
        LIMIT ${params.bind(window.limit + 1)} OFFSET ${params.bind(window.offset)}`,
      params.values,
    );
    return rows.map((row) => redact(actor, 'receivable', row));
  }
}

/** As visibleTo, and a supplier also sees receivables of which it holds a part (multi-tier transfers). */
function receivableVisibleTo(actor: Actor, alias: string, organisation: string): string {
  const own = visibleTo(actor, alias, organisation);
  if (actor.organisationType !== OrganisationType.SUPPLIER) return `(${own})`;
  return `(${own} OR EXISTS (SELECT 1 FROM receivable_parts p WHERE p.receivable_id = ${alias}.id AND p.holder_id = ${organisation}))`;
}
