/**
 * What separates the parts of a document number without being part of it: blanks, the dashes,
 * underscore, slash, backslash and full stop, and the invisible format characters (soft hyphen,
 * zero-width spaces, joiners, BOM) that a copy from a PDF or a spreadsheet drags along.
 * Migration 1764300040000 computes the same key in PostgreSQL (invoices.invoice_number_key) with
 * this very class: change both together, or keys already stored stop matching new ones.
 */
export const DOCUMENT_NUMBER_SEPARATORS = String.raw`[\s\-_/\\.\u00ad\u1680\u180e\u2010-\u2015\u2028\u2029\u2060\u200b-\u200f\u2212\ufeff]`;

const SEPARATORS = new RegExp(DOCUMENT_NUMBER_SEPARATORS, 'gu');

/**
 * The key under which two spellings of one invoice number are the same invoice: Unicode NFKC
 * (full-width "ＩＮＶ－００１" is "INV-001"), lower case, and no separators (NFKC again after each step), so "INV-2026/001",
 * "inv 2026 001" and "Inv_2026.001" share the key "inv2026001". Empty when the number holds
 * nothing but separators: such a number identifies nothing.
 */
export function normaliseDocumentNumber(number: string): string {
  // NFKC again after lower-casing and after removing separators: either can leave marks next to a
  // new neighbour that composes or reorders, and a key must be its own key (idempotent).
  return number.normalize('NFKC').toLowerCase().normalize('NFKC').replace(SEPARATORS, '').normalize('NFKC');
}
