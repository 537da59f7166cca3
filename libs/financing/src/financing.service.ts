import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@scf/audit';
import {
  addDays,
  compareDates,
  conflict,
  DayCountBasis,
  Decimal,
  forbidden,
  invalid,
  isBusinessDay,
  IsoDate,
  notFound,
  parseIsoDate,
  priceOffer,
  valueDateFor,
} from '@scf/core';
import { BusinessDaysService, ClockService } from '@scf/database';
import { Actor, OrganisationType } from '@scf/identity';
import { OffersService } from '@scf/offers';
import { assertFinanceable, LimitsService } from '@scf/programs';
import { JOBS, OutboxService } from '@scf/queue';
import { DisbursementService } from './disbursement.service';
import { FinancingItemStatus } from './financing-item.entity';
import { FinancingStatus } from './financing-request.entity';
import {
  financingSummaryView,
  FinancingItemRow,
  FinancingRequestRow,
  FinancingSummaryView,
  financingView,
  FinancingView,
  visibleFinancingCondition,
} from './financing.views';

export const MAX_OFFERS_PER_REQUEST = 500;

export const FINANCING_SORTS = ['createdAt', '-createdAt', 'totalAdvance', '-totalAdvance', 'status', '-status'] as const;
export type FinancingSort = (typeof FINANCING_SORTS)[number];

const SORT_COLUMNS: Record<string, string> = { createdAt: 'r.created_at', totalAdvance: 'r.total_advance', status: 'r.status' };

const UNFUNDED = [FinancingStatus.REQUESTED, FinancingStatus.APPROVED];
/** The database's transaction timestamp, for the *_at columns. */
const NOW = Symbol('now');

export interface FinancingFilter {
  status?: FinancingStatus;
  programId?: string;
  sort?: FinancingSort;
  limit: number;
  offset: number;
}

/** A request locked for a decision, with what the decision needs of its program. */
interface LockedRequest extends FinancingRequestRow {
  bank_id: string;
}

interface ProgramPricingRow {
  base_rate: string;
  margin: string;
  fee_rate: string;
  day_count_basis: DayCountBasis;
  min_tenor_days: number;
  max_tenor_days: number;
}

/**
 * The financing request lifecycle: acceptance of offers (reserving limit), approval, rejection or
 * cancellation (releasing it) and funding (fixing the value date and the final pricing). Each
 * transition is one transaction whose SQL guards keep the invariants under concurrency.
 */
@Injectable()
export class FinancingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly offers: OffersService,
    private readonly limits: LimitsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: ClockService,
    private readonly disbursements: DisbursementService,
    private readonly businessDays: BusinessDaysService,
  ) {}

  /**
   * The supplier accepts offers of one program. Offers, receivables, limits and the request change
   * together or not at all: every 409 rolls the whole acceptance back.
   */
  async request(actor: Actor, offerIds: string[]): Promise<FinancingView> {
    if (actor.organisationType !== OrganisationType.SUPPLIER) {
      throw forbidden('supplier_only', 'only a supplier can accept offers');
    }
    const ids = offerIds.map((id) => id.toLowerCase());
    if (ids.length === 0 || ids.length > MAX_OFFERS_PER_REQUEST) {
      throw invalid('offer_count', `name 1 to ${MAX_OFFERS_PER_REQUEST} offers`, 'offerIds');
    }
    if (new Set(ids).size !== ids.length) throw invalid('offer_ids_not_unique', 'an offer is named twice', 'offerIds');
    const businessDate = await this.todayOfOffers(ids);

    return this.dataSource.transaction(async (manager) => {
      const { programId, enrolmentId } = await this.offers.acceptanceScope(manager, ids, actor.organisationId);
      // Before any offer is locked: a suspension (which withdraws the offers) either committed, and is
      // refused here with its own code, or waits for this acceptance.
      await assertFinanceable(manager, programId, enrolmentId, businessDate);
      const offers = await this.offers.lockOpenOffersForAcceptance(manager, ids, actor.organisationId, businessDate);
      const { currency } = offers[0];
      const receivableIds = offers.map((offer) => offer.receivableId);

      const [, requested] = await manager.query(
        `UPDATE receivables SET status = 'FINANCING_REQUESTED' WHERE id = ANY($1::uuid[]) AND status = 'OPEN'`,
        [receivableIds],
      );
      if (requested !== receivableIds.length) {
        throw conflict('receivable_not_open', 'a receivable of these offers is no longer open for financing');
      }

      const sum = (pick: (offer: (typeof offers)[number]) => string) =>
        offers.reduce((total, offer) => total.plus(pick(offer)), new Decimal(0));
      const totals = {
        face: sum((o) => o.faceAmount),
        advance: sum((o) => o.advance),
        discount: sum((o) => o.discount),
        fee: sum((o) => o.fee),
        netProceeds: sum((o) => o.netProceeds),
      };

      // Awaiting the checker until the auto-approval below, if any. The accepted amounts are kept
      // beside those that funding may re-price for a later value date.
      const [inserted]: FinancingRequestRow[] = await manager.query(
        `INSERT INTO financing_requests (program_id, enrolment_id, supplier_id, currency, total_face, total_advance,
           total_discount, total_fee, total_net_proceeds, accepted_total_discount, accepted_total_fee,
           accepted_total_net_proceeds, status, auto_approved, requested_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $7, $8, $9, $10, false, $11)
         RETURNING *`,
        [
          programId, enrolmentId, actor.organisationId, currency, totals.face.toString(), totals.advance.toString(),
          totals.discount.toString(), totals.fee.toString(), totals.netProceeds.toString(), FinancingStatus.REQUESTED, actor.userId,
        ],
      );
      // The partial unique index refuses a receivable in two live financings, whatever happens above.
      const items: FinancingItemRow[] = await manager.query(
        `INSERT INTO financing_items (financing_request_id, receivable_id, offer_id, face_amount, advance, discount, fee,
           net_proceeds, tenor_days, maturity_date, status)
         SELECT $1, v.receivable_id, v.offer_id, v.face_amount, v.advance, v.discount, v.fee, v.net_proceeds, v.tenor_days,
                v.maturity_date, 'LIVE'
           FROM unnest($2::uuid[], $3::uuid[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[],
                       $9::int[], $10::date[])
             AS v(receivable_id, offer_id, face_amount, advance, discount, fee, net_proceeds, tenor_days, maturity_date)
         RETURNING *`,
        [
          inserted.id,
          receivableIds,
          offers.map((o) => o.id),
          offers.map((o) => o.faceAmount),
          offers.map((o) => o.advance),
          offers.map((o) => o.discount),
          offers.map((o) => o.fee),
          offers.map((o) => o.netProceeds),
          offers.map((o) => o.tenorDays),
          offers.map((o) => o.maturityDate),
        ],
      );
      // Last, so the program's row lock (and its audit chain's) is held only until the commit. The
      // guarded updates re-check program and sub-limit availability at this instant.
      const reservedUnder = await this.limits.reserve(manager, programId, enrolmentId, totals.advance);
      const autoApproved = await this.limits.claimAutoApproval(manager, enrolmentId, totals.advance, reservedUnder.autoApprovalThreshold, businessDate);
      // The response is built from the rows written here: no re-read after the commit.
      const created = autoApproved
        ? ((await manager.query(
            `UPDATE financing_requests SET status = $2, auto_approved = true, approved_at = now() WHERE id = $1 RETURNING *`,
            [inserted.id, FinancingStatus.APPROVED],
          )) as [FinancingRequestRow[], number])[0][0]
        : inserted;
      const status = created.status;
      await this.audit.record(manager, [
        {
          chainId: programId,
          actor: { userId: actor.userId, organisationId: actor.organisationId },
          action: 'financing.requested',
          objectType: 'financing_request',
          objectId: created.id,
          before: null,
          after: {
            status,
            autoApproved,
            currency,
            totalFace: totals.face.toString(),
            totalAdvance: totals.advance.toString(),
            offerIds: offers.map((o) => o.id),
            receivableIds,
          },
        },
      ]);
      return financingView(actor, created, items);
    });
  }

  /** The bank's checker approves a request above the auto-approval threshold. */
  async approve(actor: Actor, id: string): Promise<FinancingView> {
    await this.dataSource.transaction(async (manager) => {
      const request = await this.lockVisible(manager, actor, id);
      if (request.status !== FinancingStatus.REQUESTED) {
        throw conflict('financing_not_requested', `the financing request is ${request.status}, not awaiting approval`);
      }
      await assertFinanceable(manager, request.program_id, request.enrolment_id, await this.clock.today());
      await this.transition(manager, id, [FinancingStatus.REQUESTED], FinancingStatus.APPROVED, {
        approved_by: actor.userId,
        approved_at: NOW,
      });
      await this.record(manager, actor, request, 'financing.approved', { status: FinancingStatus.APPROVED });
    });
    return this.get(actor, id);
  }

  /**
   * The bank's checker refuses a request that is not yet funded (awaiting approval, or approved
   * but not disbursed). The limit is released and the receivables are open for new offers.
   */
  async reject(actor: Actor, id: string, reason: string): Promise<FinancingView> {
    await this.dataSource.transaction(async (manager) => {
      const request = await this.lockVisible(manager, actor, id);
      this.assertUnfunded(request, 'financing_not_rejectable');
      await this.transition(manager, id, UNFUNDED, FinancingStatus.REJECTED, { rejection_reason: reason, closed_at: NOW });
      await this.releaseUnfunded(manager, request);
      await this.record(manager, actor, request, 'financing.rejected', { status: FinancingStatus.REJECTED, reason });
    });
    return this.get(actor, id);
  }

  /** The supplier withdraws its request before disbursement; same release as a rejection. */
  async cancel(actor: Actor, id: string): Promise<FinancingView> {
    await this.dataSource.transaction(async (manager) => {
      const request = await this.lockVisible(manager, actor, id);
      this.assertUnfunded(request, 'financing_not_cancellable');
      await this.transition(manager, id, UNFUNDED, FinancingStatus.CANCELLED, { closed_at: NOW });
      await this.releaseUnfunded(manager, request);
      await this.record(manager, actor, request, 'financing.cancelled', { status: FinancingStatus.CANCELLED });
    });
    return this.get(actor, id);
  }

  /**
   * Disbursement. Offers are firm: an item funded on its offer's value date pays exactly the
   * accepted amounts, whatever the terms did since. Funded on another value date, its discount,
   * fee and net proceeds are priced again for that date with the program's terms in force (the
   * advance stays the amount reserved at acceptance); the request keeps the accepted totals beside
   * the funded ones. Net proceeds ≤ 0 are never paid out (409; a CHECK constraint backs it up).
   */
  async fund(actor: Actor, id: string, requestedValueDate?: string): Promise<FinancingView> {
    const requested = requestedValueDate === undefined ? undefined : parseIsoDate(requestedValueDate, 'valueDate');

    await this.dataSource.transaction(async (manager) => {
      const request = await this.lockVisible(manager, actor, id);
      if (request.status !== FinancingStatus.APPROVED) {
        throw conflict('financing_not_approved', `the financing request is ${request.status}; only an APPROVED one can be funded`);
      }
      const valueDate = await this.fundingValueDate(manager, request.program_id, requested);
      await assertFinanceable(manager, request.program_id, request.enrolment_id, valueDate);
      const [program]: ProgramPricingRow[] = await manager.query(
        `SELECT base_rate, margin, fee_rate, day_count_basis, min_tenor_days, max_tenor_days FROM programs WHERE id = $1`,
        [request.program_id],
      );
      const items: (FinancingItemRow & { offer_value_date: IsoDate })[] = await manager.query(
        `SELECT i.*, o.value_date AS offer_value_date FROM financing_items i JOIN offers o ON o.id = i.offer_id
          WHERE i.financing_request_id = $1 AND i.status = 'LIVE' ORDER BY i.id`,
        [id],
      );
      const priced = items.map((item) => {
        if (item.offer_value_date === valueDate) {
          const accepted = { discount: new Decimal(item.discount), fee: new Decimal(item.fee), netProceeds: new Decimal(item.net_proceeds), tenorDays: item.tenor_days };
          return { item, pricing: accepted };
        }
        const pricing = priceOffer({
          // Priced as a face advanced at 100 %, the reserved advance comes out unchanged even if
          // the program's advance rate moved since acceptance.
          face: item.advance,
          advanceRate: '1',
          currency: request.currency,
          baseRate: program.base_rate,
          margin: program.margin,
          feeRate: program.fee_rate,
          valueDate,
          maturityDate: item.maturity_date,
          basis: Number(program.day_count_basis) as DayCountBasis,
          minTenorDays: program.min_tenor_days,
          maxTenorDays: program.max_tenor_days,
        });
        return { item, pricing };
      });
      const unpaid = priced.find(({ pricing }) => !pricing.netProceeds.greaterThan(0));
      if (unpaid) {
        throw conflict('net_proceeds_not_positive', `priced for ${valueDate}, receivable ${unpaid.item.receivable_id} would pay the supplier nothing`, {
          receivableId: unpaid.item.receivable_id,
        });
      }
      const total = (pick: (p: (typeof priced)[number]['pricing']) => Decimal) =>
        priced.reduce((sum, { pricing }) => sum.plus(pick(pricing)), new Decimal(0));

      await manager.query(
        `UPDATE financing_items i SET discount = v.discount, fee = v.fee, net_proceeds = v.net_proceeds, tenor_days = v.tenor_days
           FROM unnest($1::uuid[], $2::numeric[], $3::numeric[], $4::numeric[], $5::int[])
             AS v(id, discount, fee, net_proceeds, tenor_days)
          WHERE i.id = v.id AND i.status = 'LIVE'`,
        [
          priced.map(({ item }) => item.id),
          priced.map(({ pricing }) => pricing.discount.toString()),
          priced.map(({ pricing }) => pricing.fee.toString()),
          priced.map(({ pricing }) => pricing.netProceeds.toString()),
          priced.map(({ pricing }) => pricing.tenorDays),
        ],
      );
      await this.transition(manager, id, [FinancingStatus.APPROVED], FinancingStatus.FUNDED, {
        value_date: valueDate,
        funded_by: actor.userId,
        funded_at: NOW,
        total_discount: total((p) => p.discount).toString(),
        total_fee: total((p) => p.fee).toString(),
        total_net_proceeds: total((p) => p.netProceeds).toString(),
      });
      const receivableIds = items.map((item) => item.receivable_id);
      const [, financed] = await manager.query(
        `UPDATE receivables SET status = 'FINANCED' WHERE id = ANY($1::uuid[]) AND status = 'FINANCING_REQUESTED'`,
        [receivableIds],
      );
      if (financed !== receivableIds.length) throw conflict('receivable_not_requested', 'a receivable left the financing');
      // Pays the supplier's verified account only (409 payout_account_unverified otherwise).
      await this.disbursements.instruct(manager, id, actor);
      await this.record(manager, actor, request, 'financing.funded', {
        status: FinancingStatus.FUNDED,
        valueDate,
        totalAdvance: request.total_advance,
        acceptedTotalNetProceeds: request.accepted_total_net_proceeds,
        totalNetProceeds: total((p) => p.netProceeds).toString(),
      });
    });
    return this.get(actor, id);
  }

  /**
   * End of day: unfunded requests lapse once they can no longer be funded, i.e. every value date
   * from the business date on leaves an item shorter than the program's minimum tenor (business
   * date past maturity − min tenor). Each is CANCELLED like a supplier's cancellation (limit
   * released, receivables open again) with its business event, in the caller's transaction.
   * Per program, as the end of day runs. Returns how many lapsed; a second run for the date finds none.
   */
  async lapseUnfundable(manager: EntityManager, programId: string, businessDate: IsoDate): Promise<number> {
    const requests: LockedRequest[] = await manager.query(
      `SELECT r.*, p.bank_id FROM financing_requests r JOIN programs p ON p.id = r.program_id
        WHERE r.program_id = $4 AND r.status = ANY($2::text[])
          AND EXISTS (SELECT 1 FROM financing_items i
                       WHERE i.financing_request_id = r.id AND i.status = $3 AND i.maturity_date - p.min_tenor_days < $1::date)
        ORDER BY r.id
          FOR UPDATE OF r`,
      [businessDate, UNFUNDED, FinancingItemStatus.LIVE, programId],
    );
    const reason = `lapsed on ${businessDate}: no value date is left within the program's minimum tenor`;
    for (const request of requests) {
      await this.transition(manager, request.id, UNFUNDED, FinancingStatus.CANCELLED, { rejection_reason: reason, closed_at: NOW });
      await this.releaseUnfunded(manager, request);
    }
    await this.audit.record(
      manager,
      requests.map((request) => ({
        chainId: request.program_id,
        actor: null,
        action: 'financing.lapsed',
        objectType: 'financing_request',
        objectId: request.id,
        before: { status: request.status },
        after: { status: FinancingStatus.CANCELLED, businessDate, released: request.total_advance },
      })),
    );
    return requests.length;
  }

  /** The offers' program's today (offers of several programs are refused later, under lock). */
  private async todayOfOffers(ids: string[]): Promise<IsoDate> {
    const [offer]: { program_id: string }[] = await this.dataSource.query(`SELECT program_id FROM offers WHERE id = $1`, [ids[0]]);
    return offer ? this.clock.todayOf(offer.program_id) : this.clock.today();
  }

  /**
   * The value date of a disbursement: the requested one, which must be a business day of the
   * program from its today on; otherwise today's value date in the program's calendar, the one
   * its offers were priced for.
   */
  private async fundingValueDate(manager: EntityManager, programId: string, requested: IsoDate | undefined): Promise<IsoDate> {
    const today = await this.clock.todayOf(programId, manager);
    if (requested !== undefined && compareDates(requested, today) < 0) {
      throw invalid('value_date_in_past', `the value date must not be before the business date ${today}`, 'valueDate');
    }
    const from = requested ?? today;
    const calendar = await this.businessDays.calendarOf(programId, addDays(from, -31), addDays(from, 31), manager);
    if (requested === undefined) return valueDateFor(today, calendar);
    if (!isBusinessDay(requested, calendar)) {
      throw invalid('value_date_not_business_day', `${requested} is not a business day of the program's calendar`, 'valueDate');
    }
    return requested;
  }

  async get(actor: Actor, id: string): Promise<FinancingView> {
    const [row]: FinancingRequestRow[] = await this.dataSource.query(
      `SELECT r.* FROM financing_requests r JOIN programs p ON p.id = r.program_id
        WHERE r.id = $1 AND ${visibleFinancingCondition(actor, '$2')}`,
      [id, actor.organisationId],
    );
    if (!row) throw notFound('financing request');
    const items: FinancingItemRow[] = await this.dataSource.query(
      `SELECT * FROM financing_items WHERE financing_request_id = $1`,
      [id],
    );
    return financingView(actor, row, items);
  }

  /** One page (plus one row telling whether more exist) of the requests the actor may see. */
  async list(actor: Actor, filter: FinancingFilter): Promise<FinancingSummaryView[]> {
    const params: unknown[] = [actor.organisationId];
    const conditions = [visibleFinancingCondition(actor, '$1')];
    if (filter.status) conditions.push(`r.status = $${params.push(filter.status)}`);
    if (filter.programId) conditions.push(`r.program_id = $${params.push(filter.programId)}`);
    const sort = filter.sort ?? '-createdAt';
    const descending = sort.startsWith('-');
    const column = SORT_COLUMNS[descending ? sort.slice(1) : sort];
    const rows: FinancingRequestRow[] = await this.dataSource.query(
      `SELECT r.* FROM financing_requests r JOIN programs p ON p.id = r.program_id
        WHERE ${conditions.join(' AND ')}
        ORDER BY ${column} ${descending ? 'DESC' : 'ASC'}, r.id
        LIMIT $${params.push(filter.limit + 1)} OFFSET $${params.push(filter.offset)}`,
      params,
    );
    return rows.map((row) => financingSummaryView(actor, row));
  }

  /** Locks the request if the actor's organisation may see it; anything else is 404. */
  private async lockVisible(manager: EntityManager, actor: Actor, id: string): Promise<LockedRequest> {
    const [row]: LockedRequest[] = await manager.query(
      `SELECT r.*, p.bank_id FROM financing_requests r JOIN programs p ON p.id = r.program_id
        WHERE r.id = $1 AND ${visibleFinancingCondition(actor, '$2')}
        FOR UPDATE OF r`,
      [id, actor.organisationId],
    );
    if (!row) throw notFound('financing request');
    return row;
  }

  private assertUnfunded(request: LockedRequest, code: string): void {
    if (!UNFUNDED.includes(request.status)) {
      throw conflict(code, `the financing request is ${request.status}; only a REQUESTED or APPROVED one can be closed`);
    }
  }

  /** Guarded status change: the row must still be in one of `from`. Values of `set` are bound as parameters. */
  private async transition(
    manager: EntityManager,
    id: string,
    from: FinancingStatus[],
    to: FinancingStatus,
    set: Record<string, string | typeof NOW>,
  ): Promise<void> {
    const params: unknown[] = [id, from, to];
    const assignments = Object.entries(set).map(([column, value]) =>
      value === NOW ? `${column} = now()` : `${column} = $${params.push(value)}`,
    );
    const [, changed] = await manager.query(
      `UPDATE financing_requests SET status = $3, ${assignments.join(', ')} WHERE id = $1 AND status = ANY($2::text[])`,
      params,
    );
    if (changed !== 1) throw conflict('financing_state_changed', 'the financing request changed concurrently: retry');
  }

  /** Rejection and cancellation: items released, receivables open again, limit given back, offers regenerated. */
  private async releaseUnfunded(manager: EntityManager, request: LockedRequest): Promise<void> {
    const [released]: [{ receivable_id: string }[], number] = await manager.query(
      `UPDATE financing_items SET status = 'RELEASED' WHERE financing_request_id = $1 AND status = $2 RETURNING receivable_id`,
      [request.id, FinancingItemStatus.LIVE],
    );
    const receivableIds = released.map((row) => row.receivable_id);
    const [, reopened] = await manager.query(
      `UPDATE receivables SET status = 'OPEN' WHERE id = ANY($1::uuid[]) AND status = 'FINANCING_REQUESTED'`,
      [receivableIds],
    );
    if (reopened !== receivableIds.length) throw conflict('receivable_not_requested', 'a receivable left the financing');
    await this.limits.release(manager, request.program_id, request.enrolment_id, request.total_advance);
    await this.outbox.enqueue(manager, [{ job: JOBS.GENERATE_OFFERS, data: { programId: request.program_id, receivableIds } }]);
  }

  private record(manager: EntityManager, actor: Actor, request: LockedRequest, action: string, after: Record<string, unknown>) {
    return this.audit.record(manager, [
      {
        chainId: request.program_id,
        actor: { userId: actor.userId, organisationId: actor.organisationId },
        action,
        objectType: 'financing_request',
        objectId: request.id,
        before: { status: request.status },
        after,
      },
    ]);
  }
}
