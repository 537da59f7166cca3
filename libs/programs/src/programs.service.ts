import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditService } from '@scf/audit';
import { available, compareDates, conflict, formatAmount, IsoDate, notFound } from '@scf/core';
import { ClockService } from '@scf/database';
import { Actor } from '@scf/identity';
import { JOBS, OutboxService } from '@scf/queue';
import { Program, ProgramStatus } from './program.entity';
import { ProgramChange, ProgramChangeKind, ProgramChangeStatus, ProgramTerms } from './program-change.entity';
import { changesPricing, NewProgram, parseNewProgram, parseTermChanges, TERM_FIELDS } from './program-terms';
import { programVisibilitySql, redact } from './visibility';
import { actorRef, assertNotProposer, isCheckViolation, PageWindow } from './maker-checker';
import { withdrawOpenOffers } from './financeability';
import { programView, SupplierUtilisationView, UtilisationView } from './views';
import { EnrolmentStatus } from './enrolment.entity';
import { CalendarsService } from './calendars.service';

export interface ProgramFilter {
  status?: ProgramStatus;
  anchorId?: string;
  currency?: string;
  sort?: ProgramSort;
}

export const PROGRAM_SORTS = ['createdAt', '-createdAt', 'name', '-name'] as const;
export type ProgramSort = (typeof PROGRAM_SORTS)[number];

/** Terms can change while the line lives; a rejected or expired program is closed for good. */
const OPEN_STATUSES = [ProgramStatus.DRAFT, ProgramStatus.ACTIVE, ProgramStatus.SUSPENDED];

const TERM_COLUMNS: Record<keyof ProgramTerms, string> = {
  limitAmount: 'limit_amount',
  baseRate: 'base_rate',
  margin: 'margin',
  advanceRate: 'advance_rate',
  feeRate: 'fee_rate',
  penaltyRate: 'penalty_rate',
  autoApprovalThreshold: 'auto_approval_threshold',
  validTo: 'valid_to',
};

interface Transition {
  from: ProgramStatus;
  to: ProgramStatus;
  action: string;
  /** A checker's decision on the maker's draft. */
  fourEyes?: boolean;
  reason?: string;
}

/** Programs (credit lines): maker-checker life cycle, term changes, visibility. */
@Injectable()
export class ProgramsService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(Program) private readonly programs: Repository<Program>,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: ClockService,
    private readonly calendars: CalendarsService,
  ) {}

  /**
   * A bank lends against anchors it onboarded (or already funds); any other id answers like an
   * unknown one, so anchors of other banks can't be probed or attached.
   */
  private async assertKnownAnchor(manager: EntityManager, actor: Actor, anchorId: string): Promise<void> {
    const [known] = await manager.query(
      `SELECT 1 FROM organisations o
        WHERE o.id = $1 AND o.type = 'ANCHOR'
          AND (o.created_by_organisation_id = $2 OR EXISTS (SELECT 1 FROM programs p WHERE p.anchor_id = o.id AND p.bank_id = $2))`,
      [anchorId, actor.organisationId],
    );
    if (!known) throw notFound('anchor', 'anchorId');
  }

  /** A bank maker drafts a program for an anchor; a checker must approve it before it finances anything. */
  async create(actor: Actor, input: NewProgram): Promise<Program> {
    const { calendarNamed, ...terms } = parseNewProgram(input);
    return this.dataSource.transaction(async (manager) => {
      await this.assertKnownAnchor(manager, actor, terms.anchorId);
      await this.calendars.forNewProgram(manager, actor, terms.calendarCode, calendarNamed);
      const { id } = await manager.save(
        manager.create(Program, {
          ...terms,
          bankId: actor.organisationId,
          utilised: '0',
          status: ProgramStatus.DRAFT,
          pricingVersion: 1,
          createdBy: actor.userId,
          approvedBy: null,
        }),
      );
      const program = await manager.findOneByOrFail(Program, { id });
      await this.audit.record(manager, [
        { chainId: id, actor: actorRef(actor), action: 'program.created', objectType: 'program', objectId: id, after: programView(program) },
      ]);
      return program;
    });
  }

  approve(actor: Actor, id: string): Promise<Program> {
    return this.transition(actor, id, { from: ProgramStatus.DRAFT, to: ProgramStatus.ACTIVE, action: 'program.approved', fourEyes: true });
  }

  reject(actor: Actor, id: string, reason: string): Promise<Program> {
    return this.transition(actor, id, { from: ProgramStatus.DRAFT, to: ProgramStatus.REJECTED, action: 'program.rejected', fourEyes: true, reason });
  }

  suspend(actor: Actor, id: string, reason?: string): Promise<Program> {
    return this.transition(actor, id, { from: ProgramStatus.ACTIVE, to: ProgramStatus.SUSPENDED, action: 'program.suspended', reason });
  }

  /**
   * Lifting a suspension is no one person's decision: a bank user proposes it, and the program stays
   * SUSPENDED until a checker other than the proposer approves the change (approveChange).
   */
  async proposeReactivation(actor: Actor, id: string): Promise<{ program: Program; change: ProgramChange }> {
    return this.dataSource.transaction(async (manager) => {
      const program = await this.bankProgram(manager, actor, id, true);
      assertSuspended(program);
      // Under the program's row lock: the unique index behind it is only the backstop.
      if (await manager.existsBy(ProgramChange, { programId: id, kind: ProgramChangeKind.REACTIVATION, status: ProgramChangeStatus.PENDING })) {
        throw conflict('reactivation_pending', 'a reactivation of this program already awaits a checker');
      }
      const change = await manager.save(
        manager.create(ProgramChange, { programId: id, kind: ProgramChangeKind.REACTIVATION, changes: {}, status: ProgramChangeStatus.PENDING, reason: null, proposedBy: actor.userId, decidedBy: null, decidedAt: null }),
      );
      await this.audit.record(manager, [
        { chainId: id, actor: actorRef(actor), action: 'program.reactivation.proposed', objectType: 'program_change', objectId: change.id, after: { status: ProgramStatus.ACTIVE } },
      ]);
      return { program, change: await manager.findOneByOrFail(ProgramChange, { id: change.id }) };
    });
  }

  /** Programs visible to the actor, `limit + 1` rows so that the caller can tell whether more exist. */
  list(actor: Actor, filter: ProgramFilter, window: PageWindow): Promise<Program[]> {
    const query = this.programs.createQueryBuilder('p').where(programVisibilitySql(actor), { org: actor.organisationId });
    if (filter.status) query.andWhere('p.status = :status', { status: filter.status });
    if (filter.anchorId) query.andWhere('p.anchor_id = :anchorId', { anchorId: filter.anchorId });
    if (filter.currency) query.andWhere('p.currency = :currency', { currency: filter.currency });
    const sort = filter.sort ?? '-createdAt';
    const column = sort.replace('-', '') === 'name' ? 'p.name' : 'p.createdAt';
    return query
      .orderBy(column, sort.startsWith('-') ? 'DESC' : 'ASC')
      .addOrderBy('p.id', 'ASC')
      .limit(window.limit + 1)
      .offset(window.offset)
      .getMany();
  }

  /** The program if the actor's organisation may see it; 404 otherwise, so that its existence does not leak. */
  async findVisible(actor: Actor, programId: string, manager: EntityManager = this.dataSource.manager): Promise<Program> {
    const program = await manager
      .createQueryBuilder(Program, 'p')
      .where('p.id = :id', { id: programId })
      .andWhere(programVisibilitySql(actor), { org: actor.organisationId })
      .getOne();
    if (!program) throw notFound('program', 'programId');
    return program;
  }

  /** For trusted callers (workers, other contexts after their own visibility check). */
  async get(programId: string, manager: EntityManager = this.dataSource.manager): Promise<Program> {
    const program = await manager.findOneBy(Program, { id: programId });
    if (!program) throw notFound('program');
    return program;
  }

  /**
   * The program if it may finance something new on the business date `on` (today by default):
   * ACTIVE and within its validity. 409 `program_not_active`, `program_not_yet_valid` or `program_expired` otherwise.
   */
  async getActive(programId: string, options: { manager?: EntityManager; on?: IsoDate } = {}): Promise<Program> {
    const program = await this.get(programId, options.manager);
    if (program.status !== ProgramStatus.ACTIVE) {
      throw conflict('program_not_active', `the program is ${program.status.toLowerCase()}: it finances nothing new`);
    }
    const on = options.on ?? (await this.clock.todayIn(program.timeZone));
    if (compareDates(on, program.validFrom) < 0) throw conflict('program_not_yet_valid', `the program is valid from ${program.validFrom}`);
    if (compareDates(on, program.validTo) > 0) throw conflict('program_expired', `the program was valid until ${program.validTo}`);
    return program;
  }

  /** A maker proposes new limit, pricing or validity terms; nothing changes until a checker approves. */
  async proposeChange(actor: Actor, programId: string, input: ProgramTerms): Promise<{ program: Program; change: ProgramChange }> {
    return this.dataSource.transaction(async (manager) => {
      const program = await this.bankProgram(manager, actor, programId);
      const changes = parseTermChanges(input, program);
      assertOpen(program);
      const change = await manager.save(
        manager.create(ProgramChange, { programId, kind: ProgramChangeKind.TERMS, changes, status: ProgramChangeStatus.PENDING, reason: null, proposedBy: actor.userId, decidedBy: null, decidedAt: null }),
      );
      await this.audit.record(manager, [
        { chainId: programId, actor: actorRef(actor), action: 'program.change.proposed', objectType: 'program_change', objectId: change.id, after: changes },
      ]);
      return { program, change: await manager.findOneByOrFail(ProgramChange, { id: change.id }) };
    });
  }

  /**
   * A checker applies a proposed change in one transaction. A limit can't be cut below what is in
   * use: the UPDATE is guarded in SQL (the CHECK constraint backs it up). Offers are re-priced after.
   * A reactivation makes the suspended program ACTIVE again and offers are generated anew.
   */
  async approveChange(actor: Actor, programId: string, changeId: string): Promise<{ program: Program; change: ProgramChange }> {
    return this.dataSource.transaction(async (manager) => {
      const program = await this.bankProgram(manager, actor, programId, true);
      const change = await this.pendingChange(manager, actor, programId, changeId);
      if (change.kind === ProgramChangeKind.REACTIVATION) return this.reactivate(manager, actor, program, change);
      assertOpen(program);
      const pricingVersion = changesPricing(change.changes) ? program.pricingVersion + 1 : program.pricingVersion;
      await this.applyTerms(manager, program, change.changes, pricingVersion);
      await manager.update(ProgramChange, { id: changeId }, { status: ProgramChangeStatus.APPROVED, decidedBy: actor.userId, decidedAt: () => 'now()' });
      const before = Object.fromEntries(Object.keys(change.changes).map((field) => [field, program[field as keyof ProgramTerms]]));
      await this.audit.record(manager, [
        { chainId: programId, actor: actorRef(actor), action: 'program.change.approved', objectType: 'program_change', objectId: changeId, before, after: { ...change.changes, pricingVersion } },
      ]);
      await this.outbox.enqueue(manager, [{ job: JOBS.REPRICE_PROGRAM, data: { programId, pricingVersion } }]);
      return {
        program: await manager.findOneByOrFail(Program, { id: programId }),
        change: await manager.findOneByOrFail(ProgramChange, { id: changeId }),
      };
    });
  }

  private async reactivate(manager: EntityManager, actor: Actor, program: Program, change: ProgramChange): Promise<{ program: Program; change: ProgramChange }> {
    assertSuspended(program);
    await manager.update(Program, { id: program.id }, { status: ProgramStatus.ACTIVE });
    await manager.update(ProgramChange, { id: change.id }, { status: ProgramChangeStatus.APPROVED, decidedBy: actor.userId, decidedAt: () => 'now()' });
    await this.audit.record(manager, [
      { chainId: program.id, actor: actorRef(actor), action: 'program.reactivated', objectType: 'program', objectId: program.id, before: { status: program.status }, after: { status: ProgramStatus.ACTIVE, changeId: change.id, proposedBy: change.proposedBy } },
    ]);
    await this.outbox.enqueue(manager, [{ job: JOBS.GENERATE_OFFERS, data: { programId: program.id } }]);
    return {
      program: await manager.findOneByOrFail(Program, { id: program.id }),
      change: await manager.findOneByOrFail(ProgramChange, { id: change.id }),
    };
  }

  async rejectChange(actor: Actor, programId: string, changeId: string, reason: string): Promise<{ program: Program; change: ProgramChange }> {
    return this.dataSource.transaction(async (manager) => {
      const program = await this.bankProgram(manager, actor, programId);
      await this.pendingChange(manager, actor, programId, changeId);
      await manager.update(ProgramChange, { id: changeId }, { status: ProgramChangeStatus.REJECTED, reason, decidedBy: actor.userId, decidedAt: () => 'now()' });
      await this.audit.record(manager, [
        { chainId: programId, actor: actorRef(actor), action: 'program.change.rejected', objectType: 'program_change', objectId: changeId, after: { reason } },
      ]);
      return { program, change: await manager.findOneByOrFail(ProgramChange, { id: changeId }) };
    });
  }

  async listChanges(actor: Actor, programId: string, window: PageWindow): Promise<{ program: Program; changes: ProgramChange[] }> {
    const program = await this.findVisible(actor, programId);
    const changes = await this.dataSource.manager.find(ProgramChange, {
      where: { programId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: window.limit + 1,
      skip: window.offset,
    });
    return { program, changes };
  }

  /** Limit usage of the program and one page of its suppliers, in one query. */
  async utilisation(actor: Actor, programId: string, window: PageWindow): Promise<UtilisationView> {
    const rows: UtilisationRow[] = await this.dataSource.query(
      `SELECT p.currency, p.limit_amount, p.utilised AS program_utilised,
              s.id AS enrolment_id, s.supplier_id, s.supplier_name, s.sub_limit, s.utilised, s.status
         FROM programs p
         LEFT JOIN LATERAL (
           SELECT e.id, e.supplier_id, o.name AS supplier_name, e.sub_limit, e.utilised, e.status
             FROM enrolments e JOIN organisations o ON o.id = e.supplier_id
            WHERE e.program_id = p.id AND e.status <> 'REJECTED'
            ORDER BY o.name, e.id
            LIMIT $3 OFFSET $4
         ) s ON true
        WHERE p.id = $1 AND ${programVisibilitySql(actor, 'p', '$2')}`,
      [programId, actor.organisationId, window.limit + 1, window.offset],
    );
    if (!rows.length) throw notFound('program');
    const [first] = rows;
    const money = (value: string) => formatAmount(value, first.currency);
    const suppliers = rows.filter((row) => row.enrolment_id !== null);
    return redact<UtilisationView>(actor, 'utilisation', {
      programId,
      currency: first.currency,
      limit: money(first.limit_amount),
      utilised: money(first.program_utilised),
      available: formatAmount(available(first.limit_amount, first.program_utilised), first.currency),
      suppliers: suppliers.slice(0, window.limit).map(
        (row): SupplierUtilisationView => ({
          enrolmentId: row.enrolment_id!,
          supplierId: row.supplier_id!,
          supplierName: row.supplier_name!,
          subLimit: money(row.sub_limit!),
          utilised: money(row.utilised!),
          available: formatAmount(available(row.sub_limit!, row.utilised!), first.currency),
          status: row.status!,
        }),
      ),
      offset: window.offset,
      hasMore: suppliers.length > window.limit,
    });
  }

  private transition(actor: Actor, id: string, t: Transition): Promise<Program> {
    return this.dataSource.transaction(async (manager) => {
      const program = await this.bankProgram(manager, actor, id, true);
      if (t.fourEyes) assertNotProposer(program.createdBy, actor);
      if (program.status !== t.from) {
        throw conflict(`program_not_${t.from.toLowerCase()}`, `the program is ${program.status}, not ${t.from}`);
      }
      const approval = t.from === ProgramStatus.DRAFT && t.to === ProgramStatus.ACTIVE ? { approvedBy: actor.userId } : {};
      await manager.update(Program, { id }, { status: t.to, ...approval });
      const withdrawn = t.to === ProgramStatus.SUSPENDED ? { offersWithdrawn: await withdrawOpenOffers(manager, { programId: id }) } : {};
      await this.audit.record(manager, [
        { chainId: id, actor: actorRef(actor), action: t.action, objectType: 'program', objectId: id, before: { status: t.from }, after: { status: t.to, reason: t.reason ?? null, ...withdrawn } },
      ]);
      if (t.to === ProgramStatus.ACTIVE) await this.outbox.enqueue(manager, [{ job: JOBS.GENERATE_OFFERS, data: { programId: id } }]);
      return manager.findOneByOrFail(Program, { id });
    });
  }

  /** A program of the actor's bank, optionally locked for the rest of the transaction. */
  private async bankProgram(manager: EntityManager, actor: Actor, id: string, lock = false): Promise<Program> {
    const program = await manager.findOne(Program, {
      where: { id, bankId: actor.organisationId },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!program) throw notFound('program', 'programId');
    return program;
  }

  private async pendingChange(manager: EntityManager, actor: Actor, programId: string, changeId: string): Promise<ProgramChange> {
    const change = await manager.findOne(ProgramChange, { where: { id: changeId, programId }, lock: { mode: 'pessimistic_write' } });
    if (!change) throw notFound('program change');
    assertNotProposer(change.proposedBy, actor);
    if (change.status !== ProgramChangeStatus.PENDING) throw conflict('change_not_pending', `the change is already ${change.status.toLowerCase()}`);
    return change;
  }

  private async applyTerms(manager: EntityManager, program: Program, changes: ProgramTerms, pricingVersion: number): Promise<void> {
    const params: unknown[] = [program.id, pricingVersion];
    const sets = ['pricing_version = $2', 'updated_at = now()'];
    for (const field of TERM_FIELDS) {
      if (changes[field] === undefined) continue;
      params.push(changes[field]);
      sets.push(`${TERM_COLUMNS[field]} = $${params.length}`);
    }
    const guard = changes.limitAmount === undefined ? '' : ` AND utilised <= $${params.push(changes.limitAmount)}`;
    const belowUtilisation = () =>
      conflict('limit_below_utilisation', `${formatAmount(program.utilised, program.currency)} ${program.currency} of the limit is in use: the limit can't be cut below that`, {
        field: 'limitAmount',
      });
    let updated: number;
    try {
      [, updated] = await manager.query(`UPDATE programs SET ${sets.join(', ')} WHERE id = $1${guard}`, params);
    } catch (error) {
      if (isCheckViolation(error, 'programs_utilisation_within_limit')) throw belowUtilisation();
      throw error;
    }
    if (updated !== 1) throw belowUtilisation();
  }
}

interface UtilisationRow {
  currency: string;
  limit_amount: string;
  program_utilised: string;
  enrolment_id: string | null;
  supplier_id: string | null;
  supplier_name: string | null;
  sub_limit: string | null;
  utilised: string | null;
  status: EnrolmentStatus | null;
}

function assertSuspended(program: Program): void {
  if (program.status !== ProgramStatus.SUSPENDED) throw conflict('program_not_suspended', `the program is ${program.status}, not SUSPENDED`);
}

function assertOpen(program: Program): void {
  if (!OPEN_STATUSES.includes(program.status)) throw conflict('program_closed', `the program is ${program.status.toLowerCase()}`);
}
