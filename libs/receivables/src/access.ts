import { EntityManager } from 'typeorm';
import { compareDates, conflict, forbidden, IsoDate, notFound } from '@scf/core';
import { Actor, OrganisationType } from '@scf/identity';

/**
 * SQL predicate selecting the rows of `alias` (a table with supplier_id, anchor_id and program_id)
 * that the actor's organisation may see; `organisation` is the placeholder bound to its id. A
 * supplier sees its own, an anchor those it owes, a bank those of the programs it funds.
 */
export function visibleTo(actor: Actor, alias: string, organisation: string): string {
  switch (actor.organisationType) {
    case OrganisationType.SUPPLIER:
      return `${alias}.supplier_id = ${organisation}`;
    case OrganisationType.ANCHOR:
      return `${alias}.anchor_id = ${organisation}`;
    case OrganisationType.BANK:
      return `${alias}.program_id IN (SELECT id FROM programs WHERE bank_id = ${organisation})`;
  }
}

export function assertAnchor(actor: Actor): void {
  if (actor.organisationType !== OrganisationType.ANCHOR) throw forbidden('anchor_only', 'only the anchor that owes an invoice decides on it');
}

export interface ProgramGate {
  id: string;
  anchorId: string;
  currency: string;
}

interface ProgramRow {
  id: string;
  anchor_id: string;
  currency: string;
  status: string;
  valid_from: string;
  valid_to: string;
}

/** Receivables enter a program only while it is ACTIVE and within its validity dates. */
function assertOpenForBusiness(program: ProgramRow, businessDate: IsoDate): ProgramGate {
  if (program.status !== 'ACTIVE') throw conflict('program_not_active', `the program is ${program.status}, not ACTIVE`);
  if (compareDates(businessDate, program.valid_from) < 0 || compareDates(businessDate, program.valid_to) > 0) {
    throw conflict('program_not_active', `the program is valid from ${program.valid_from} to ${program.valid_to}`);
  }
  return { id: program.id, anchorId: program.anchor_id, currency: program.currency };
}

/** Invoices enter a program while its supplier is enrolled, approved or still awaiting the bank. */
const ENROLLED = ['PENDING', 'APPROVED'];

/** The program a supplier submits to: visible only through its enrolment, and ACTIVE. */
export async function programOfSupplier(manager: EntityManager, actor: Actor, programId: string, businessDate: IsoDate): Promise<ProgramGate> {
  if (actor.organisationType !== OrganisationType.SUPPLIER) throw forbidden('supplier_only', 'only a supplier submits its invoices');
  const [program]: (ProgramRow & { enrolment_status: string })[] = await manager.query(
    `SELECT p.id, p.anchor_id, p.currency, p.status, p.valid_from, p.valid_to, e.status AS enrolment_status
       FROM programs p JOIN enrolments e ON e.program_id = p.id AND e.supplier_id = $2
      WHERE p.id = $1`,
    [programId, actor.organisationId],
  );
  if (!program) throw notFound('program', 'programId');
  const gate = assertOpenForBusiness(program, businessDate);
  if (!ENROLLED.includes(program.enrolment_status)) {
    throw conflict('enrolment_not_active', `your enrolment in this program is ${program.enrolment_status}`);
  }
  return gate;
}

/** The program an anchor uploads payables to: its own, and ACTIVE. */
export async function programOfAnchor(manager: EntityManager, actor: Actor, programId: string, businessDate: IsoDate): Promise<ProgramGate> {
  assertAnchor(actor);
  const [program]: ProgramRow[] = await manager.query(
    `SELECT id, anchor_id, currency, status, valid_from, valid_to FROM programs WHERE id = $1 AND anchor_id = $2`,
    [programId, actor.organisationId],
  );
  if (!program) throw notFound('program', 'programId');
  return assertOpenForBusiness(program, businessDate);
}

/**
 * Of the given suppliers, those the bank approved in the program. The anchor creates receivables
 * owed to them, so an enrolment still awaiting the bank is not enough here.
 */
export async function approvedSuppliers(manager: EntityManager, programId: string, supplierIds: string[]): Promise<Set<string>> {
  const rows: { supplier_id: string }[] = await manager.query(
    `SELECT supplier_id FROM enrolments WHERE program_id = $1 AND supplier_id = ANY($2::uuid[]) AND status = 'APPROVED'`,
    [programId, supplierIds],
  );
  return new Set(rows.map((row) => row.supplier_id));
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
