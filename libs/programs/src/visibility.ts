import { Actor, OrganisationType } from '@scf/identity';

/**
 * SQL condition: the program aliased `program` is visible to the actor's organisation, given as
 * the placeholder `org` (`:org` for query builders, `$n` for raw queries). A bank sees the programs
 * it funds, an anchor its own, a supplier those it is enrolled in (BOLA: nothing else, ever).
 */
export function programVisibilitySql(actor: Actor, program = 'p', org = ':org'): string {
  switch (actor.organisationType) {
    case OrganisationType.BANK:
      return `${program}.bank_id = ${org}`;
    case OrganisationType.ANCHOR:
      return `${program}.anchor_id = ${org}`;
    case OrganisationType.SUPPLIER:
      return `EXISTS (SELECT 1 FROM enrolments visible_enrolment WHERE visible_enrolment.program_id = ${program}.id AND visible_enrolment.supplier_id = ${org})`;
  }
}

/** SQL condition: the enrolment `enrolment` of program `program` is visible: its supplier, or the program's bank or anchor. */
export function enrolmentVisibilitySql(actor: Actor, enrolment = 'e', program = 'p', org = ':org'): string {
  return actor.organisationType === OrganisationType.SUPPLIER
    ? `${enrolment}.supplier_id = ${org}`
    : programVisibilitySql(actor, program, org);
}

// ---------------------------------------------------------------------------------------------
// Fields: what each party of a program may read of an object it can see (domain.md, "Who sees what")
// ---------------------------------------------------------------------------------------------

/** Every field of the view, or only those listed (the others are left out of the answer). */
export type FieldRule = 'all' | readonly string[];

export interface ObjectRule {
  /** Row visibility already limits a supplier to its own objects: it sees them whole. */
  [OrganisationType.SUPPLIER]: FieldRule;
  /** Row visibility limits a bank to the programs it funds, which it sees whole. */
  [OrganisationType.BANK]: FieldRule;
  /**
   * Always a list, never 'all': the anchor owes the receivables but must not learn its suppliers'
   * price (advance, discount, fee, net proceeds, rates, effective cost), so a field added to a view
   * stays hidden from the anchor until it is named here.
   */
  [OrganisationType.ANCHOR]: readonly string[];
  /** Fields that hold other objects (one or a list), redacted by those objects' own rules (keys of FIELD_VISIBILITY). */
  nested?: Readonly<Record<string, string>>;
}

const PROGRAM_TERMS = [
  'limitAmount', 'baseRate', 'margin', 'advanceRate', 'feeRate', 'penaltyRate', 'autoApprovalThreshold', 'validTo', 'pricingVersion',
];

/**
 * The one policy: object × organisation type → the fields it reads, in views and in the before/after
 * of the business events on that object. The anchor's credit line (program, its terms, its overall
 * utilisation) is its own contract with the bank; what each supplier financed, and at what price, is not.
 */
export const FIELD_VISIBILITY = {
  program: {
    SUPPLIER: 'all',
    BANK: 'all',
    ANCHOR: [
      'id', 'name', 'bankId', 'anchorId', 'currency', 'timeZone', 'calendarCode', 'utilised', 'available', 'validFrom', 'dayCountBasis', 'minTenorDays',
      'maxTenorDays', 'graceDays', 'offerValidityDays', 'status', 'reason', 'createdBy', 'approvedBy', 'createdAt', 'updatedAt',
      ...PROGRAM_TERMS,
    ],
  },
  programChange: {
    SUPPLIER: 'all',
    BANK: 'all',
    ANCHOR: ['id', 'programId', 'changes', 'status', 'reason', 'proposedBy', 'decidedBy', 'createdAt', 'decidedAt', ...PROGRAM_TERMS],
    nested: { changes: 'programTerms' },
  },
  programTerms: { SUPPLIER: 'all', BANK: 'all', ANCHOR: PROGRAM_TERMS },
  /** Sub-limits are the anchor's to propose; what a supplier has drawn on its sub-limit is the supplier's. */
  enrolment: {
    SUPPLIER: 'all',
    BANK: 'all',
    ANCHOR: [
      'id', 'enrolmentId', 'programId', 'supplierId', 'supplierName', 'currency', 'subLimit', 'status', 'reason', 'invited',
      'proposedBy', 'approvedBy', 'createdAt', 'updatedAt',
    ],
  },
  enrolmentChange: {
    SUPPLIER: 'all',
    BANK: 'all',
    ANCHOR: ['id', 'enrolmentId', 'programId', 'subLimit', 'status', 'reason', 'proposedBy', 'decidedBy', 'createdAt', 'decidedAt'],
  },
  /** Every supplier's drawings: not for a supplier (its own are on its enrolment), the route refuses it. */
  utilisation: {
    SUPPLIER: [],
    BANK: 'all',
    ANCHOR: ['programId', 'currency', 'limit', 'utilised', 'available', 'suppliers', 'offset', 'hasMore'],
    nested: { suppliers: 'enrolment' },
  },
  invoice: {
    SUPPLIER: 'all',
    BANK: 'all',
    ANCHOR: [
      'id', 'programId', 'supplierId', 'anchorId', 'invoiceNumber', 'currency', 'amount', 'creditedAmount', 'issueDate', 'dueDate',
      'payableAmount', 'status', 'rejectionReason', 'reason', 'submittedByOrganisationId', 'receivableId', 'faceAmount', 'createdAt', 'decidedAt',
      'creditNoteId', 'creditNoteNumber', 'duplicateFlags',
    ],
  },
  /** The anchor sees what it owes, that it is financed, and whom it pays at maturity (payeeId); not the open offer. */
  receivable: {
    SUPPLIER: 'all',
    BANK: 'all',
    ANCHOR: [
      'id', 'invoiceId', 'invoiceNumber', 'programId', 'supplierId', 'anchorId', 'currency', 'faceAmount', 'dueDate', 'status',
      'payeeId', 'createdAt', 'settledAt', 'parts', 'paymentId', 'amount', 'paidOn',
    ],
    nested: { parts: 'receivablePart' },
  },
  receivablePart: { SUPPLIER: 'all', BANK: 'all', ANCHOR: ['id', 'holderId', 'amount', 'createdAt'] },
  /** An offer is the supplier's price: the anchor reads no offer at all (GET /v1/offers answers it 403). */
  offer: { SUPPLIER: 'all', BANK: 'all', ANCHOR: [] },
  /** That a financing exists on its receivables and how far it went; not its amounts beyond the face. */
  financingRequest: {
    SUPPLIER: 'all',
    BANK: 'all',
    ANCHOR: [
      'id', 'programId', 'enrolmentId', 'supplierId', 'currency', 'status', 'totalFace', 'createdAt', 'approvedAt', 'fundedAt',
      'closedAt', 'items', 'receivableIds', 'businessDate',
    ],
    nested: { items: 'financingItem' },
  },
  financingItem: {
    SUPPLIER: 'all',
    BANK: 'all',
    ANCHOR: ['id', 'receivableId', 'faceAmount', 'maturityDate', 'status', 'financingRequestId', 'requestStatus', 'receivableStatus', 'paymentId', 'amount', 'paidOn'],
  },
  /** The anchor's payment: what it paid and when, not how it was split between the bank and the supplier. */
  payment: {
    SUPPLIER: 'all',
    BANK: 'all',
    ANCHOR: ['id', 'receivableId', 'currency', 'amount', 'paidOn', 'createdAt', 'reversedAt'],
  },
  /** The bank's risk view of its book: nobody else reads it (an empty rule refuses the route: 403). */
  portfolio: { SUPPLIER: [], BANK: 'all', ANCHOR: [] },
  /** Organisations the anchor invited: never their payout account or tax id. */
  organisation: { SUPPLIER: 'all', BANK: 'all', ANCHOR: ['type', 'name', 'createdByOrganisationId'] },
  user: { SUPPLIER: 'all', BANK: 'all', ANCHOR: ['roles'] },
} as const satisfies Record<string, ObjectRule>;

export type VisibleObject = keyof typeof FIELD_VISIBILITY;

/** Who reads: only the organisation type decides which fields (row visibility decided which objects). */
export type Reader = Pick<Actor, 'organisationType'>;

/** The fields of `object` the reader may see: 'all', or a list. */
export function visibleFields(reader: Reader, object: VisibleObject): FieldRule {
  return (FIELD_VISIBILITY[object] as ObjectRule)[reader.organisationType];
}

/** Whether the reader may see one field of `object` (to skip reading what would be left out). */
export function mayRead(reader: Reader, object: VisibleObject, field: string): boolean {
  const fields = visibleFields(reader, object);
  return fields === 'all' || fields.includes(field);
}

/**
 * The view as the reader may see it: fields outside its rule are left out (not nulled, so the
 * answer does not even say they exist), nested objects are redacted by their own rule. Every read
 * route passes its views through here; the fields that may be missing are optional in the view types.
 */
export function redact<T extends object>(reader: Reader, object: VisibleObject, view: T): T {
  const rule = FIELD_VISIBILITY[object] as ObjectRule;
  const fields = rule[reader.organisationType];
  const visible: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(view)) {
    if (fields !== 'all' && !fields.includes(field)) continue;
    const inner = rule.nested?.[field] as VisibleObject | undefined;
    visible[field] = inner === undefined || value === null || typeof value !== 'object'
      ? value
      : Array.isArray(value) ? value.map((item: object) => redact(reader, inner, item)) : redact(reader, inner, value);
  }
  return visible as T;
}

/** The business events' object types, and the rule that redacts their before/after. */
export const EVENT_OBJECTS: Readonly<Record<string, VisibleObject>> = {
  program: 'program',
  program_change: 'programChange',
  enrolment: 'enrolment',
  enrolment_change: 'enrolmentChange',
  invoice: 'invoice',
  receivable: 'receivable',
  financing_request: 'financingRequest',
  financing_item: 'financingItem',
  payment: 'payment',
  organisation: 'organisation',
  user: 'user',
};

/**
 * A business event's before/after as the reader may see them. Events on the reader's own chain are
 * its own organisation's history and are shown whole. Otherwise the before/after are redacted by
 * the rule of the event's object; an object type without a rule shows the anchor nothing of them.
 * This is a view: the stored event and its hash are untouched, so a shortened event can't be
 * re-hashed by its reader (`redacted`), and the bank's verification still covers every event.
 */
export function redactEvent<E extends { chainId: string; objectType: string; before: unknown; after: unknown }>(
  reader: Reader & { organisationId: string },
  event: E,
): E & { redacted: boolean } {
  if (event.chainId === reader.organisationId) return { ...event, redacted: false };
  const object = EVENT_OBJECTS[event.objectType];
  const payload = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (object === undefined) return reader.organisationType === OrganisationType.ANCHOR ? null : value;
    return redact(reader, object, value);
  };
  const before = payload(event.before);
  const after = payload(event.after);
  const redacted = JSON.stringify([before, after]) !== JSON.stringify([event.before, event.after]);
  return { ...event, before, after, redacted };
}
