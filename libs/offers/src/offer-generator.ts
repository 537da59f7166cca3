import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { addDays, BusinessCalendar, Decimal, DomainError, IsoDate, modifiedFollowing, priceOffer, valueDateFor } from '@scf/core';
import { BusinessDaysService } from '@scf/database';

/** Receivables read, priced and inserted per statement: bounds memory and the size of one transaction. */
export const OFFER_CHUNK_SIZE = 5_000;

/** effective_annual_cost is numeric(12,6); a cost beyond it means an offer no supplier should see. */
const MAX_EFFECTIVE_COST = new Decimal('999999.999999');

/**
 * Modified following moves a date within its month, so by less than a month: receivables this much
 * outside the tenor range by their due date can't fit it after adjustment and are not read at all.
 */
const ADJUSTMENT_SLACK_DAYS = 31;

interface ProgramTerms {
  id: string;
  currency: string;
  base_rate: string;
  margin: string;
  advance_rate: string;
  fee_rate: string;
  day_count_basis: 360 | 365;
  min_tenor_days: number;
  max_tenor_days: number;
  offer_validity_days: number;
  pricing_version: number;
}

/** The terms, and the business days they are priced on. */
interface PricingContext extends ProgramTerms {
  calendar: BusinessCalendar;
  /** The business date's value date: the first business day from today on. */
  valueDate: IsoDate;
}

interface Candidate {
  id: string;
  supplier_id: string;
  enrolment_id: string;
  face_amount: string;
  due_date: IsoDate;
  /** min(program available, enrolment available) when the chunk was read. */
  available: string;
}

/** One insert statement's worth of priced offers, column by column (for unnest). */
interface PricedChunk {
  receivableIds: string[];
  enrolmentIds: string[];
  supplierIds: string[];
  faces: string[];
  advances: string[];
  discounts: string[];
  fees: string[];
  netProceeds: string[];
  effectiveCosts: string[];
  tenors: number[];
  maturities: IsoDate[];
}

/** Keyset start: below every id gen_random_uuid() produces. */
const BEFORE_FIRST_ID = '00000000-0000-0000-0000-000000000000';

type Query = (sql: string, params: unknown[]) => Promise<any>;

/**
 * Prices and opens offers, set-based: one query reads a chunk of receivables that lack an open
 * offer, libs/core prices them, one statement inserts the chunk. ON CONFLICT on the partial unique
 * index offers_one_open_per_receivable makes a second, concurrent or post-crash run a no-op.
 */
@Injectable()
export class OfferGenerator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly businessDays: BusinessDaysService,
  ) {}

  /**
   * Opens offers for the OPEN receivables of a program (only `receivableIds` when given) that have
   * none, valued on `businessDate`. Returns the number of offers opened.
   *
   * With a manager, every chunk runs in the caller's transaction. Without, each chunk is its own
   * short transaction (read and lock, then insert), and the next chunk is read while this one is
   * priced and inserted, so PostgreSQL and Node work side by side.
   */
  async generate(programId: string, receivableIds: string[] | undefined, businessDate: IsoDate, manager?: EntityManager): Promise<number> {
    if (receivableIds && receivableIds.length === 0) return 0;
    if (manager) return this.generateIn(manager, programId, receivableIds, businessDate);
    const program = await this.programTerms((sql, params) => this.dataSource.query(sql, params), programId, businessDate);
    if (!program) return 0;

    const open = new Set<QueryRunner>();
    const begin = async () => {
      const runner = this.dataSource.createQueryRunner();
      open.add(runner);
      await runner.startTransaction();
      return runner;
    };
    const insertAndCommit = async (runner: QueryRunner, chunk: PricedChunk) => {
      const opened = await this.insert(runner.query.bind(runner), program, chunk, businessDate);
      await runner.commitTransaction();
      await runner.release();
      open.delete(runner);
      return opened;
    };

    let opened = 0;
    const inserting: Promise<number>[] = [];
    try {
      let runner: QueryRunner | undefined = await begin();
      let rows = await this.candidates(runner.query.bind(runner), program, businessDate, receivableIds, BEFORE_FIRST_ID);
      while (runner) {
        let nextRunner: QueryRunner | undefined;
        let nextRows: Promise<Candidate[]> = Promise.resolve([]);
        if (rows.length === OFFER_CHUNK_SIZE) {
          nextRunner = await begin();
          nextRows = this.candidates(nextRunner.query.bind(nextRunner), program, businessDate, receivableIds, rows[rows.length - 1].id);
          // A failure surfaces at the await below; this only keeps Node from calling it unhandled meanwhile.
          nextRows.catch(() => undefined);
        }
        const insert = insertAndCommit(runner, this.price(program, rows));
        insert.catch(() => undefined);
        inserting.push(insert);
        // At most two chunks in flight: memory and connections stay bounded.
        if (inserting.length > 1) opened += await inserting.shift()!;
        runner = nextRunner;
        rows = await nextRows;
      }
      for (const insert of inserting) opened += await insert;
      return opened;
    } finally {
      await Promise.allSettled(inserting);
      for (const runner of open) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        await runner.release();
      }
    }
  }

  private async generateIn(manager: EntityManager, programId: string, receivableIds: string[] | undefined, businessDate: IsoDate): Promise<number> {
    const query: Query = (sql, params) => manager.query(sql, params);
    const program = await this.programTerms(query, programId, businessDate);
    if (!program) return 0;
    let opened = 0;
    let afterId = BEFORE_FIRST_ID;
    for (;;) {
      const rows = await this.candidates(query, program, businessDate, receivableIds, afterId);
      if (rows.length === 0) return opened;
      opened += await this.insert(query, program, this.price(program, rows), businessDate);
      if (rows.length < OFFER_CHUNK_SIZE) return opened;
      afterId = rows[rows.length - 1].id;
    }
  }

  /**
   * Brings a program's open offers up to date: supersedes those priced with an older pricing
   * version, for a past value date or above today's availability, and prices their receivables
   * again in the same transaction, one chunk at a time (a crash loses at most an uncommitted
   * chunk, which the rerun redoes); then opens offers for every receivable still without one.
   * A program that is no longer ACTIVE and valid on `businessDate` has its open offers withdrawn.
   */
  async refresh(programId: string, businessDate: IsoDate): Promise<{ superseded: number; withdrawn: number; opened: number }> {
    const result = { superseded: 0, withdrawn: 0, opened: 0 };
    const program = await this.programTerms((sql, params) => this.dataSource.query(sql, params), programId, businessDate);
    if (!program) {
      result.withdrawn = await this.closeInChunks(
        'WITHDRAWN',
        `SELECT o.id FROM offers o WHERE o.program_id = $1 AND o.status = 'OPEN'`,
        [programId],
      );
      return result;
    }
    // Keyset over the stale offers' ids: the offers opened meanwhile are current, never stale. An
    // offer is stale too when its value date is not today's, or its maturity became a holiday.
    let afterId = BEFORE_FIRST_ID;
    for (;;) {
      const chunk = await this.dataSource.transaction(async (manager) => {
        const [rows]: [{ id: string; receivable_id: string }[], number] = await manager.query(
          `WITH stale AS (
             SELECT o.id FROM offers o
               JOIN programs p ON p.id = o.program_id
               JOIN calendars c ON c.bank_id = p.bank_id AND c.code = p.calendar_code
               JOIN enrolments e ON e.id = o.enrolment_id
              WHERE o.program_id = $1 AND o.status = 'OPEN' AND o.id > $4::uuid
                AND (o.pricing_version < p.pricing_version OR o.value_date <> $2::date
                     OR o.advance > LEAST(p.limit_amount - p.utilised, e.sub_limit - e.utilised)
                     OR extract(isodow FROM o.maturity_date)::smallint = ANY(c.weekend_days)
                     OR EXISTS (SELECT 1 FROM calendar_holidays h WHERE h.calendar_id = c.id AND h.holiday = o.maturity_date))
              ORDER BY o.id LIMIT $3
                FOR UPDATE OF o SKIP LOCKED)
           UPDATE offers SET status = 'SUPERSEDED', closed_at = now() FROM stale WHERE offers.id = stale.id
           RETURNING offers.id, offers.receivable_id`,
          [programId, program.valueDate, OFFER_CHUNK_SIZE, afterId],
        );
        const opened = await this.generate(programId, rows.map((row) => row.receivable_id), businessDate, manager);
        return { rows, opened };
      });
      result.superseded += chunk.rows.length;
      result.opened += chunk.opened;
      if (chunk.rows.length < OFFER_CHUNK_SIZE) break;
      afterId = chunk.rows.reduce((max, row) => (row.id > max ? row.id : max), afterId);
    }
    result.opened += await this.generate(programId, undefined, businessDate);
    return result;
  }

  /**
   * Closes, chunk by chunk, the open offers that `selectIds` ($1.. = params) returns. Offers locked
   * by an acceptance in progress are skipped: the acceptance decides their fate.
   */
  async closeInChunks(status: 'EXPIRED' | 'SUPERSEDED' | 'WITHDRAWN', selectIds: string, params: unknown[]): Promise<number> {
    let closed = 0;
    for (;;) {
      const [, count]: [unknown, number] = await this.dataSource.query(
        `WITH target AS (${selectIds} ORDER BY o.id LIMIT ${OFFER_CHUNK_SIZE} FOR UPDATE OF o SKIP LOCKED)
         UPDATE offers SET status = '${status}', closed_at = now() FROM target WHERE offers.id = target.id AND offers.status = 'OPEN'`,
        params,
      );
      closed += count;
      if (count < OFFER_CHUNK_SIZE) return closed;
    }
  }

  private async programTerms(query: Query, programId: string, businessDate: IsoDate): Promise<PricingContext | undefined> {
    const rows: ProgramTerms[] = await query(
      `SELECT id, currency, base_rate, margin, advance_rate, fee_rate, day_count_basis, min_tenor_days, max_tenor_days,
              offer_validity_days, pricing_version
         FROM programs WHERE id = $1 AND status = 'ACTIVE' AND $2::date BETWEEN valid_from AND valid_to`,
      [programId, businessDate],
    );
    if (!rows[0]) return undefined;
    const calendar = await this.businessDays.calendarOf(
      programId,
      addDays(businessDate, -ADJUSTMENT_SLACK_DAYS),
      addDays(businessDate, rows[0].max_tenor_days + 2 * ADJUSTMENT_SLACK_DAYS),
      { query },
    );
    return { ...rows[0], calendar, valueDate: valueDateFor(businessDate, calendar) };
  }

  /**
   * The next chunk, in receivable id order, of OPEN receivables without an open offer whose
   * supplier is APPROVED in the (still ACTIVE) program and whose tenor fits the program's range.
   * A receivable whose discharge (the anchor's payment or credit note) awaits its decision gets
   * none: its face may be about to shrink or vanish.
   * The availability is read in the same statement: the offer never exceeds what was available
   * when it was generated. The keyset bound is repeated on the offers side so that the anti-join
   * starts at the chunk, not at the first offer of the program.
   *
   * The receivables stay share-locked until the chunk's transaction ends: none can leave OPEN
   * before its offer is inserted. Those locked by an acceptance in progress are skipped (SKIP
   * LOCKED), so no open offer appears on a receivable being financed, and generation never waits
   * on, or deadlocks with, an acceptance; the next run picks up any the acceptance gives back.
   */
  private candidates(query: Query, program: PricingContext, businessDate: IsoDate, receivableIds: string[] | undefined, afterId: string): Promise<Candidate[]> {
    return query(
      `SELECT r.id, r.supplier_id, e.id AS enrolment_id, r.face_amount, r.due_date,
              LEAST(p.limit_amount - p.utilised, e.sub_limit - e.utilised) AS available
         FROM receivables r
         JOIN programs p ON p.id = r.program_id
         JOIN enrolments e ON e.program_id = r.program_id AND e.supplier_id = r.supplier_id
        WHERE r.program_id = $1 AND r.status = 'OPEN' AND r.id > $2::uuid
          AND ($3::uuid[] IS NULL OR r.id = ANY($3::uuid[]))
          AND p.status = 'ACTIVE' AND $4::date BETWEEN p.valid_from AND p.valid_to
          AND e.status = 'APPROVED'
          AND r.due_date - $4::date BETWEEN p.min_tenor_days - $6 AND p.max_tenor_days + $6
          AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.receivable_id = r.id AND o.status = 'OPEN' AND o.receivable_id > $2::uuid)
          AND NOT EXISTS (SELECT 1 FROM discharges d WHERE d.receivable_id = r.id AND d.status = 'PENDING')
        ORDER BY r.id
        LIMIT $5
          FOR SHARE OF r SKIP LOCKED`,
      [program.id, afterId, receivableIds ?? null, businessDate, OFFER_CHUNK_SIZE, ADJUSTMENT_SLACK_DAYS],
    );
  }

  /** Value date and maturity are adjusted to business days first; the pricing itself is domain.md's, unchanged. */
  private price(program: PricingContext, rows: Candidate[]): PricedChunk {
    const chunk: PricedChunk = {
      receivableIds: [], enrolmentIds: [], supplierIds: [], faces: [], advances: [], discounts: [], fees: [],
      netProceeds: [], effectiveCosts: [], tenors: [], maturities: [],
    };
    for (const row of rows) {
      let pricing;
      let maturityDate: IsoDate;
      try {
        maturityDate = modifiedFollowing(row.due_date, program.calendar);
        pricing = priceOffer({
          face: row.face_amount,
          currency: program.currency,
          advanceRate: program.advance_rate,
          baseRate: program.base_rate,
          margin: program.margin,
          feeRate: program.fee_rate,
          valueDate: program.valueDate,
          maturityDate,
          basis: Number(program.day_count_basis) as 360 | 365,
          minTenorDays: program.min_tenor_days,
          maxTenorDays: program.max_tenor_days,
        });
      } catch (error) {
        // A receivable this program can't price gets no offer; it must not stop the others.
        if (error instanceof DomainError) continue;
        throw error;
      }
      const cost = pricing.effectiveAnnualCost;
      if (!pricing.netProceeds.greaterThan(0) || !cost || cost.greaterThan(MAX_EFFECTIVE_COST)) continue;
      if (pricing.advance.greaterThan(row.available)) continue;
      chunk.receivableIds.push(row.id);
      chunk.enrolmentIds.push(row.enrolment_id);
      chunk.supplierIds.push(row.supplier_id);
      chunk.faces.push(row.face_amount);
      chunk.advances.push(pricing.advance.toString());
      chunk.discounts.push(pricing.discount.toString());
      chunk.fees.push(pricing.fee.toString());
      chunk.netProceeds.push(pricing.netProceeds.toString());
      chunk.effectiveCosts.push(cost.toString());
      chunk.tenors.push(pricing.tenorDays);
      chunk.maturities.push(maturityDate);
    }
    return chunk;
  }

  /**
   * One statement for the whole chunk, in the transaction that read and locked its receivables.
   * It re-checks that the program is still ACTIVE with the pricing the chunk was priced with and
   * the enrolments APPROVED, key-share locking them: a suspension or term change committing
   * meanwhile is waited for and then seen, so no offer opens after the suspension withdrew them.
   */
  private async insert(query: Query, program: PricingContext, chunk: PricedChunk, businessDate: IsoDate): Promise<number> {
    if (chunk.receivableIds.length === 0) return 0;
    const annualRate = new Decimal(program.base_rate).plus(program.margin).toString();
    const rows: { opened: string }[] = await query(
      `WITH current_terms AS (
         SELECT p.id FROM programs p WHERE p.id = $12 AND p.status = 'ACTIVE' AND p.pricing_version = $17 FOR KEY SHARE
       ), approved AS (
         SELECT e.id FROM enrolments e WHERE e.id = ANY($2::uuid[]) AND e.status = 'APPROVED' FOR KEY SHARE
       ), priced AS (
         SELECT x.* FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[],
                                $8::numeric[], $9::numeric[], $10::int[], $11::date[])
                  AS x(receivable_id, enrolment_id, supplier_id, face_amount, advance, discount, fee, net_proceeds,
                       effective_annual_cost, tenor_days, maturity_date)
          WHERE EXISTS (SELECT 1 FROM current_terms) AND x.enrolment_id IN (SELECT id FROM approved)
       ), opened AS (
         INSERT INTO offers (receivable_id, program_id, enrolment_id, supplier_id, currency, face_amount, advance, discount, fee,
                             net_proceeds, annual_rate, effective_annual_cost, tenor_days, value_date, maturity_date, expires_on,
                             pricing_version, status)
         SELECT receivable_id, $12, enrolment_id, supplier_id, $13, face_amount, advance, discount, fee,
                net_proceeds, $14, effective_annual_cost, tenor_days, $15, maturity_date, $16, $17, 'OPEN'
           FROM priced
             ON CONFLICT (receivable_id) WHERE status = 'OPEN' DO NOTHING
         RETURNING 1
       )
       SELECT count(*) AS opened FROM opened`,
      [
        chunk.receivableIds, chunk.enrolmentIds, chunk.supplierIds, chunk.faces, chunk.advances, chunk.discounts, chunk.fees,
        chunk.netProceeds, chunk.effectiveCosts, chunk.tenors, chunk.maturities,
        program.id, program.currency, annualRate, program.valueDate, addDays(businessDate, program.offer_validity_days), program.pricing_version,
      ],
    );
    return Number(rows[0].opened);
  }
}
