import { OrganisationType } from '@scf/identity';
import { FIELD_VISIBILITY, mayRead, ObjectRule, redact, redactEvent, VisibleObject } from './visibility';

const anchor = { organisationType: OrganisationType.ANCHOR, organisationId: 'anchor-1' };
const supplier = { organisationType: OrganisationType.SUPPLIER, organisationId: 'supplier-1' };
const bank = { organisationType: OrganisationType.BANK, organisationId: 'bank-1' };

/** The supplier's price and payout account (domain.md, "Who sees what"): never a field the anchor reads. */
const ANCHOR_NEVER = /advance|discount|fee|netproceeds|rate|effectiveannualcost|tobank|tosupplier|penalty|bankaccount|taxid|autoapproved|offerid|openoffer|valuedate|tenor/i;

describe('the field visibility policy', () => {
  const rules = Object.entries(FIELD_VISIBILITY) as [VisibleObject, ObjectRule][];

  it("names no price or payout field among the anchor's, but for its own credit line's terms", () => {
    // A program's terms (rates, tenors) are the anchor's own contract with the bank.
    const named = rules
      .filter(([object]) => !['program', 'programChange', 'programTerms'].includes(object))
      .flatMap(([object, rule]) => rule.ANCHOR.filter((field) => ANCHOR_NEVER.test(field)).map((field) => `${object}.${field}`));
    expect(named).toEqual([]);
  });

  it('redacts nested fields by rules that exist', () => {
    const nested = rules.flatMap(([, rule]) => Object.values(rule.nested ?? {}));
    expect(nested.filter((object) => !(object in FIELD_VISIBILITY))).toEqual([]);
  });

  it('leaves out, for the anchor, every field its rule does not name, nested ones included', () => {
    const view = {
      id: 'f1',
      totalFace: '1000000.00',
      totalNetProceeds: '888116.25',
      addedLater: 'x',
      items: [{ id: 'i1', receivableId: 'r1', faceAmount: '1000000.00', netProceeds: '888116.25', discount: '10983.75' }],
    };
    expect(redact(anchor, 'financingRequest', view)).toEqual({
      id: 'f1',
      totalFace: '1000000.00',
      items: [{ id: 'i1', receivableId: 'r1', faceAmount: '1000000.00' }],
    });
    expect(redact(supplier, 'financingRequest', view)).toEqual(view);
    expect(redact(bank, 'financingRequest', view)).toEqual(view);
    expect(redact(anchor, 'receivable', { id: 'r1', parts: null, openOffer: null })).toEqual({ id: 'r1', parts: null });
    expect(mayRead(anchor, 'receivable', 'openOffer')).toBe(false);
    expect(mayRead(supplier, 'receivable', 'openOffer')).toBe(true);
  });

  describe('on business events', () => {
    const requested = {
      chainId: 'program-1',
      objectType: 'financing_request',
      before: null,
      after: { status: 'REQUESTED', totalFace: '1000000.00', totalAdvance: '900000.00', offerIds: ['o1'], receivableIds: ['r1'] },
    };

    it("shortens the anchor's view of its suppliers' events and says so", () => {
      expect(redactEvent(anchor, requested)).toEqual({
        ...requested,
        after: { status: 'REQUESTED', totalFace: '1000000.00', receivableIds: ['r1'] },
        redacted: true,
      });
      expect(redactEvent(bank, requested)).toEqual({ ...requested, redacted: false });
      expect(redactEvent(supplier, requested)).toEqual({ ...requested, redacted: false });
    });

    it('hides from the anchor the before/after of an object type the policy does not know', () => {
      const unknown = { chainId: 'program-1', objectType: 'disbursement', before: { account: '6222' }, after: { account: '6223' } };
      expect(redactEvent(anchor, unknown)).toEqual({ ...unknown, before: null, after: null, redacted: true });
      expect(redactEvent(bank, unknown)).toEqual({ ...unknown, redacted: false });
    });

    it("shows whole the events of the reader's own chain", () => {
      const own = { chainId: 'anchor-1', objectType: 'api_key', before: null, after: { name: 'ERP', scopes: ['ANCHOR_PAYABLES'] } };
      expect(redactEvent(anchor, own)).toEqual({ ...own, redacted: false });
    });
  });
});
