import { compareDates, invalid, IsoDate, parseIsoDate } from '@scf/core';

/** Accepted `sort` values of the invoice and receivable lists; a leading '-' is descending. */
export const LIST_SORTS = ['dueDate', '-dueDate', 'createdAt', '-createdAt', 'amount', '-amount'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

/** Rows to skip and to return; services fetch `limit + 1` rows so the caller can tell that more exist. */
export interface PageWindow {
  limit: number;
  offset: number;
}

export interface DueRange {
  dueFrom?: string;
  dueTo?: string;
}

/** ORDER BY for a sort over `alias`; the id breaks ties so that pages never overlap. */
export function orderBy(sort: ListSort, alias: string, amountColumn: string): string {
  const direction = sort.startsWith('-') ? 'DESC' : 'ASC';
  const column = { dueDate: 'due_date', createdAt: 'created_at', amount: amountColumn }[sort.replace(/^-/, '') as 'dueDate'];
  return `${alias}.${column} ${direction}, ${alias}.id ${direction}`;
}

export function dueRange(range: DueRange): { dueFrom?: IsoDate; dueTo?: IsoDate } {
  const dueFrom = range.dueFrom === undefined ? undefined : parseIsoDate(range.dueFrom, 'dueFrom');
  const dueTo = range.dueTo === undefined ? undefined : parseIsoDate(range.dueTo, 'dueTo');
  if (dueFrom && dueTo && compareDates(dueFrom, dueTo) > 0) throw invalid('due_range_invalid', 'dueTo must not be before dueFrom', 'dueTo');
  return { dueFrom, dueTo };
}

/** Collects positional parameters while a query's clauses are assembled. */
export class SqlParams {
  readonly values: unknown[] = [];

  bind(value: unknown): string {
    return `$${this.values.push(value)}`;
  }
}
