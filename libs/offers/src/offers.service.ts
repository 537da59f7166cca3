import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import { compareDates, conflict, forbidden, invalid, IsoDate, notFound, parseIsoDate } from '@scf/core';
import { Actor, OrganisationType } from '@scf/identity';
import { Offer, OfferStatus } from './offer.entity';

/** The accepted offers as entity-shaped objects, straight from the UPDATE … RETURNING. */
const ACCEPTED_COLUMNS = [
  'id', 'receivable_id AS "receivableId"', 'program_id AS "programId"', 'enrolment_id AS "enrolmentId"',
  'supplier_id AS "supplierId"', 'currency', 'face_amount AS "faceAmount"', 'advance', 'discount', 'fee',
  'net_proceeds AS "netProceeds"', 'annual_rate AS "annualRate"', 'effective_annual_cost AS "effectiveAnnualCost"',
  'tenor_days AS "tenorDays"', 'value_date AS "valueDate"', 'maturity_date AS "maturityDate"', 'expires_on AS "expiresOn"',
  'pricing_version AS "pricingVersion"', 'status', 'created_at AS "createdAt"', 'closed_at AS "closedAt"',
].join(', ');

export const OFFER_SORTS = ['maturityDate', '-maturityDate', 'netProceeds', '-netProceeds', 'expiresOn', '-expiresOn', 'createdAt', '-createdAt'] as const;
export type OfferSort = (typeof OFFER_SORTS)[number];

export interface OfferFilter {
  status?: OfferStatus;
  programId?: string;
  maturityFrom?: IsoDate;
  maturityTo?: IsoDate;
  sort?: OfferSort;
  limit: number;
  offset: number;
}

/**
 * Offers as the other contexts and the API see them. The worker writes them (OfferGenerator);
 * financing accepts them through lockOpenOffersForAcceptance, in its own transaction.
 */
@Injectable()
export class OffersService {
  constructor(@InjectRepository(Offer) private readonly offers: Repository<Offer>) {}

  /**
   * The program and enrolment of the offers a supplier names, read without locks so that the caller
   * can check (and lock) them before it locks any offer. 404 if one is not the supplier's; 400 if
   * they span programs: one request is approved and funded as one unit.
   */
  async acceptanceScope(manager: EntityManager, offerIds: string[], supplierId: string): Promise<{ programId: string; enrolmentId: string }> {
    const rows: { program_id: string; enrolment_id: string; offers: number }[] = await manager.query(
      `SELECT program_id, enrolment_id, count(*)::int AS offers FROM offers
        WHERE id = ANY($1::uuid[]) AND supplier_id = $2 GROUP BY program_id, enrolment_id`,
      [offerIds, supplierId],
    );
    if (rows.reduce((total, row) => total + row.offers, 0) !== offerIds.length) throw notFound('offer');
    if (rows.length > 1) {
      throw invalid('offers_span_programs', 'the offers of one financing request must all come from one program', 'offerIds');
    }
    return { programId: rows[0].program_id, enrolmentId: rows[0].enrolment_id };
  }

  /**
   * Locks the offers a supplier accepts and marks them ACCEPTED, in the caller's transaction, so
   * the limit reservation and the acceptance commit or roll back together. The receivables are
   * locked before the offers, each in id order: the offer generator takes its receivable locks
   * with SKIP LOCKED, so acceptance and generation never deadlock, and no new open offer can
   * appear on a receivable while it is being accepted. An offer of another supplier is a 404.
   *
   * An offer is accepted only if it was priced under the program's current terms: the pricing
   * version is compared in the accepting statement itself (the caller holds the program row
   * key-share locked, so no term change can be approved meanwhile).
   */
  async lockOpenOffersForAcceptance(
    manager: EntityManager,
    offerIds: string[],
    supplierId: string,
    businessDate: IsoDate,
  ): Promise<Offer[]> {
    const ids = [...new Set(offerIds)];
    if (ids.length === 0) return [];
    const locked: { id: string }[] = await manager.query(
      `SELECT r.id FROM receivables r JOIN offers o ON o.receivable_id = r.id
        WHERE o.id = ANY($1::uuid[]) AND o.supplier_id = $2
        ORDER BY r.id FOR UPDATE OF r`,
      [ids, supplierId],
    );
    if (locked.length !== ids.length) throw notFound('offer');
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [accepted]: [Offer[], number] = await manager.query(
      `UPDATE offers SET status = 'ACCEPTED', closed_at = now()
        WHERE id = ANY($1::uuid[]) AND status = 'OPEN' AND expires_on >= $2
          AND pricing_version = (SELECT p.pricing_version FROM programs p WHERE p.id = offers.program_id)
       RETURNING ${ACCEPTED_COLUMNS}`,
      [ids, businessDate],
    );
    if (accepted.length !== ids.length) await this.explainRefusal(manager, ids, businessDate);
    return accepted;
  }

  /** Why an acceptance found fewer open, unexpired, current offers than named (the error path only). */
  private async explainRefusal(manager: EntityManager, ids: string[], businessDate: IsoDate): Promise<never> {
    const offers: { id: string; status: OfferStatus; expires_on: string; pricing_version: number; program_pricing_version: number }[] = await manager.query(
      `SELECT o.id, o.status, o.expires_on, o.pricing_version, p.pricing_version AS program_pricing_version
         FROM offers o JOIN programs p ON p.id = o.program_id WHERE o.id = ANY($1::uuid[]) ORDER BY o.id`,
      [ids],
    );
    const notOpen = offers.find((offer) => offer.status !== OfferStatus.OPEN);
    if (notOpen) throw conflict('offer_not_open', `offer ${notOpen.id} is ${notOpen.status}, not OPEN`, { offerId: notOpen.id });
    const expired = offers.find((offer) => compareDates(offer.expires_on, businessDate) < 0);
    if (expired) throw conflict('offer_expired', `offer ${expired.id} expired on ${expired.expires_on}`, { offerId: expired.id });
    const stale = offers.find((offer) => offer.pricing_version !== offer.program_pricing_version);
    if (stale) {
      throw conflict('offer_stale', `offer ${stale.id} was priced under terms the program has since changed; accept its re-priced offer`, { offerId: stale.id });
    }
    throw conflict('offer_not_open', 'an offer was closed concurrently');
  }

  /**
   * Closes the open offers of receivables that can no longer be financed (settled, disputed, or
   * whose enrolment or program stopped), in the caller's transaction. Returns how many it closed.
   */
  async withdrawOpenOffers(manager: EntityManager, receivableIds: string[]): Promise<number> {
    if (receivableIds.length === 0) return 0;
    const [, withdrawn] = await manager.query(
      `UPDATE offers SET status = 'WITHDRAWN', closed_at = now() WHERE receivable_id = ANY($1::uuid[]) AND status = 'OPEN'`,
      [receivableIds],
    );
    return withdrawn;
  }

  /** Rows fetched with `limit + 1`, so that the caller can tell whether more exist. */
  async list(actor: Actor, filter: OfferFilter): Promise<Offer[]> {
    const query = this.visibleTo(actor).andWhere('o.status = :status', { status: filter.status ?? OfferStatus.OPEN });
    if (filter.programId) query.andWhere('o.programId = :programId', { programId: filter.programId });
    const from = filter.maturityFrom === undefined ? undefined : parseIsoDate(filter.maturityFrom, 'maturityFrom');
    const to = filter.maturityTo === undefined ? undefined : parseIsoDate(filter.maturityTo, 'maturityTo');
    if (from && to && compareDates(from, to) > 0) throw invalid('date_range_invalid', 'maturityFrom must not be after maturityTo', 'maturityFrom');
    if (from) query.andWhere('o.maturityDate >= :from', { from });
    if (to) query.andWhere('o.maturityDate <= :to', { to });
    const sort = filter.sort ?? 'maturityDate';
    const descending = sort.startsWith('-');
    return query
      .orderBy(`o.${descending ? sort.slice(1) : sort}`, descending ? 'DESC' : 'ASC')
      .addOrderBy('o.id', 'ASC')
      .limit(filter.limit + 1)
      .offset(filter.offset)
      .getMany();
  }

  async get(actor: Actor, id: string): Promise<Offer> {
    const offer = await this.visibleTo(actor).andWhere('o.id = :id', { id }).getOne();
    if (!offer) throw notFound('offer');
    return offer;
  }

  /**
   * A supplier sees its own offers, a bank those in the programs it funds. An offer is the
   * supplier's price, which its anchor does not learn (domain: who sees what): no offer for an anchor.
   */
  private visibleTo(actor: Actor): SelectQueryBuilder<Offer> {
    const query = this.offers.createQueryBuilder('o');
    switch (actor.organisationType) {
      case OrganisationType.SUPPLIER:
        return query.where('o.supplierId = :organisationId', { organisationId: actor.organisationId });
      case OrganisationType.BANK:
        return query.where('o.programId IN (SELECT p.id FROM programs p WHERE p.bank_id = :organisationId)', {
          organisationId: actor.organisationId,
        });
      case OrganisationType.ANCHOR:
        throw forbidden('offers_not_for_anchor', "an offer is the supplier's price: its anchor does not read offers");
    }
  }
}
