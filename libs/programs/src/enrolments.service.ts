import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@scf/audit';
import { available, conflict, Decimal, formatAmount, invalid, notFound, parseAmount } from '@scf/core';
import { Actor, IssuedInvitation, OrganisationsService, OrganisationType, Role } from '@scf/identity';
import { JOBS, OutboxService } from '@scf/queue';
import { Enrolment, EnrolmentStatus } from './enrolment.entity';
import { EnrolmentChange, EnrolmentChangeKind } from './enrolment-change.entity';
import { ProgramChangeStatus } from './program-change.entity';
import { Program, ProgramStatus } from './program.entity';
import { ProgramsService } from './programs.service';
import { actorRef, assertNotProposer, isCheckViolation, PageWindow } from './maker-checker';
import { withdrawOpenOffers } from './financeability';
import { enrolmentVisibilitySql, programVisibilitySql, Reader, redact } from './visibility';
import { EnrolmentView } from './views';

/** A supplier invited by the anchor or the bank: a new SUPPLIER organisation and its first admin. */
export interface SupplierInvite {
  name: string;
  taxId?: string;
  /** Where the bank pays the supplier's financing and reserves. */
  bankAccount?: string;
  /** Invited: they choose their password through the invitation. */
  admin: { email: string; displayName: string };
}

export interface NewEnrolment {
  subLimit: string;
  supplierId?: string;
  invite?: SupplierInvite;
}

export interface EnrolmentFilter {
  programId?: string;
  status?: EnrolmentStatus;
}

/** Suppliers can be enrolled while the program is drafted or live, not once it is closed. */
const ENROLLING_STATUSES = [ProgramStatus.DRAFT, ProgramStatus.ACTIVE, ProgramStatus.SUSPENDED];

const ENROLMENT_VIEW_SQL = `
  SELECT e.id, e.program_id, e.supplier_id, o.name AS supplier_name, p.currency, e.sub_limit, e.utilised, e.status,
         e.proposed_by, e.approved_by, e.created_at, e.updated_at
    FROM enrolments e
    JOIN programs p ON p.id = e.program_id
    JOIN organisations o ON o.id = e.supplier_id`;

interface EnrolmentRow {
  id: string;
  program_id: string;
  supplier_id: string;
  supplier_name: string;
  currency: string;
  sub_limit: string;
  utilised: string;
  status: EnrolmentStatus;
  proposed_by: string;
  approved_by: string | null;
  created_at: Date;
  updated_at: Date;
}

interface Transition {
  from: EnrolmentStatus;
  to: EnrolmentStatus;
  action: string;
  fourEyes?: boolean;
  reason?: string;
}

/** Enrolments: a supplier × program with its own sub-limit, proposed by a maker or the anchor, approved by a bank checker. */
@Injectable()
export class EnrolmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly programs: ProgramsService,
    private readonly organisations: OrganisationsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * The program's anchor admin or bank maker proposes an existing supplier, or invites a new one
   * (then the answer carries the invitation of its first admin, for the inviter to pass on).
   */
  async propose(actor: Actor, programId: string, input: NewEnrolment): Promise<{ enrolment: EnrolmentView; invitation: IssuedInvitation | null }> {
    if ((input.supplierId === undefined) === (input.invite === undefined)) {
      throw invalid('supplier_or_invite', 'give exactly one of supplierId or invite', input.supplierId === undefined ? 'supplierId' : 'invite');
    }
    const { id, invitation } = await this.dataSource.transaction(async (manager) => {
      const program = await this.programs.findVisible(actor, programId, manager);
      const subLimit = parseSubLimit(input.subLimit, program);
      assertEnrolling(program);
      const invited = input.invite ? await this.invite(manager, actor, input.invite) : null;
      const supplierId = invited?.supplierId ?? (await this.existingSupplier(manager, actor, input.supplierId!));
      // A rejected supplier may be proposed again; any other existing enrolment is a duplicate.
      const rows: { id: string }[] = await manager.query(
        `INSERT INTO enrolments (program_id, supplier_id, sub_limit, status, proposed_by)
         VALUES ($1, $2, $3, 'PENDING', $4)
         ON CONFLICT ON CONSTRAINT enrolments_program_supplier_key DO UPDATE
           SET sub_limit = EXCLUDED.sub_limit, status = 'PENDING', proposed_by = EXCLUDED.proposed_by, approved_by = NULL, updated_at = now()
           WHERE enrolments.status = 'REJECTED'
         RETURNING id`,
        [programId, supplierId, subLimit, actor.userId],
      );
      if (!rows.length) throw conflict('already_enrolled', 'the supplier is already enrolled in this program');
      await this.audit.record(manager, [
        {
          chainId: programId,
          actor: actorRef(actor),
          action: 'enrolment.proposed',
          objectType: 'enrolment',
          objectId: rows[0].id,
          after: { supplierId, subLimit, invited: input.invite !== undefined },
        },
      ]);
      return { id: rows[0].id, invitation: invited?.invitation ?? null };
    });
    return { enrolment: await this.view(actor, id), invitation };
  }

  approve(actor: Actor, enrolmentId: string): Promise<EnrolmentView> {
    return this.transition(actor, enrolmentId, { from: EnrolmentStatus.PENDING, to: EnrolmentStatus.APPROVED, action: 'enrolment.approved', fourEyes: true });
  }

  reject(actor: Actor, enrolmentId: string, reason: string): Promise<EnrolmentView> {
    return this.transition(actor, enrolmentId, { from: EnrolmentStatus.PENDING, to: EnrolmentStatus.REJECTED, action: 'enrolment.rejected', fourEyes: true, reason });
  }

  suspend(actor: Actor, enrolmentId: string, reason?: string): Promise<EnrolmentView> {
    return this.transition(actor, enrolmentId, { from: EnrolmentStatus.APPROVED, to: EnrolmentStatus.SUSPENDED, action: 'enrolment.suspended', reason });
  }

  /**
   * Lifting a suspension is no one person's decision: a bank user proposes it, and the enrolment
   * stays SUSPENDED until a checker other than the proposer approves the change (approveChange).
   */
  async proposeReactivation(actor: Actor, enrolmentId: string): Promise<{ change: EnrolmentChange; currency: string }> {
    return this.dataSource.transaction(async (manager) => {
      const { enrolment, program } = await this.bankEnrolment(manager, actor, enrolmentId);
      assertSuspended(enrolment);
      // Under the enrolment's row lock: the unique index behind it is only the backstop.
      if (await manager.existsBy(EnrolmentChange, { enrolmentId, kind: EnrolmentChangeKind.REACTIVATION, status: ProgramChangeStatus.PENDING })) {
        throw conflict('reactivation_pending', 'a reactivation of this enrolment already awaits a checker');
      }
      const change = await manager.save(
        manager.create(EnrolmentChange, {
          enrolmentId,
          programId: program.id,
          kind: EnrolmentChangeKind.REACTIVATION,
          subLimit: null,
          status: ProgramChangeStatus.PENDING,
          reason: null,
          proposedBy: actor.userId,
          decidedBy: null,
          decidedAt: null,
        }),
      );
      await this.audit.record(manager, [
        { chainId: program.id, actor: actorRef(actor), action: 'enrolment.reactivation.proposed', objectType: 'enrolment_change', objectId: change.id, after: { status: EnrolmentStatus.APPROVED } },
      ]);
      return { change: await manager.findOneByOrFail(EnrolmentChange, { id: change.id }), currency: program.currency };
    });
  }

  /** The bank maker or the anchor admin proposes a new sub-limit; a bank checker applies it. */
  async proposeSubLimit(actor: Actor, enrolmentId: string, value: string): Promise<{ change: EnrolmentChange; currency: string }> {
    return this.dataSource.transaction(async (manager) => {
      const { enrolment, program } = await this.visibleToProgramParty(manager, actor, enrolmentId);
      const subLimit = parseSubLimit(value, program);
      if (enrolment.status === EnrolmentStatus.REJECTED) throw conflict('enrolment_rejected', 'the enrolment was rejected');
      const change = await manager.save(
        manager.create(EnrolmentChange, {
          enrolmentId,
          programId: program.id,
          kind: EnrolmentChangeKind.SUB_LIMIT,
          subLimit,
          status: ProgramChangeStatus.PENDING,
          reason: null,
          proposedBy: actor.userId,
          decidedBy: null,
          decidedAt: null,
        }),
      );
      await this.audit.record(manager, [
        { chainId: program.id, actor: actorRef(actor), action: 'enrolment.sub_limit.proposed', objectType: 'enrolment_change', objectId: change.id, before: { subLimit: enrolment.subLimit }, after: { subLimit } },
      ]);
      return { change: await manager.findOneByOrFail(EnrolmentChange, { id: change.id }), currency: program.currency };
    });
  }

  /** A checker applies a proposed change: a new sub-limit, or the reactivation of a suspended enrolment. */
  async approveChange(actor: Actor, enrolmentId: string, changeId: string): Promise<{ change: EnrolmentChange; currency: string }> {
    return this.dataSource.transaction(async (manager) => {
      const { enrolment, program } = await this.bankEnrolment(manager, actor, enrolmentId);
      const change = await this.pendingChange(manager, actor, enrolmentId, changeId);
      if (change.kind === EnrolmentChangeKind.REACTIVATION) await this.reactivate(manager, actor, enrolment, program, change);
      else await this.applySubLimit(manager, actor, enrolment, program, change);
      return { change: await manager.findOneByOrFail(EnrolmentChange, { id: changeId }), currency: program.currency };
    });
  }

  /** The suspended enrolment APPROVED again, and offers generated for its receivables. */
  private async reactivate(manager: EntityManager, actor: Actor, enrolment: Enrolment, program: Program, change: EnrolmentChange): Promise<void> {
    assertSuspended(enrolment);
    assertEnrolling(program);
    await manager.update(Enrolment, { id: enrolment.id }, { status: EnrolmentStatus.APPROVED });
    await manager.update(EnrolmentChange, { id: change.id }, { status: ProgramChangeStatus.APPROVED, decidedBy: actor.userId, decidedAt: () => 'now()' });
    await this.audit.record(manager, [
      { chainId: program.id, actor: actorRef(actor), action: 'enrolment.reactivated', objectType: 'enrolment', objectId: enrolment.id, before: { status: enrolment.status }, after: { status: EnrolmentStatus.APPROVED, changeId: change.id, proposedBy: change.proposedBy } },
    ]);
    await this.outbox.enqueue(manager, [{ job: JOBS.GENERATE_OFFERS, data: { programId: program.id } }]);
  }

  /** Applies a proposed sub-limit; it can't go below what the supplier has in use (guarded UPDATE, CHECK as backstop). */
  private async applySubLimit(manager: EntityManager, actor: Actor, enrolment: Enrolment, program: Program, change: EnrolmentChange): Promise<void> {
    const subLimit = change.subLimit!;
    if (enrolment.status === EnrolmentStatus.REJECTED) throw conflict('enrolment_rejected', 'the enrolment was rejected');
    if (new Decimal(subLimit).greaterThan(program.limitAmount)) {
      throw conflict('sub_limit_above_limit', 'the sub-limit exceeds the program limit', { field: 'subLimit' });
    }
    const belowUtilisation = () =>
      conflict('limit_below_utilisation', `${formatAmount(enrolment.utilised, program.currency)} ${program.currency} of the sub-limit is in use: it can't be cut below that`, {
        field: 'subLimit',
      });
    let updated: number;
    try {
      [, updated] = await manager.query(
        `UPDATE enrolments SET sub_limit = $2, updated_at = now() WHERE id = $1 AND utilised <= $2`,
        [enrolment.id, subLimit],
      );
    } catch (error) {
      if (isCheckViolation(error, 'enrolments_utilisation_within_sub_limit')) throw belowUtilisation();
      throw error;
    }
    if (updated !== 1) throw belowUtilisation();
    await manager.update(EnrolmentChange, { id: change.id }, { status: ProgramChangeStatus.APPROVED, decidedBy: actor.userId, decidedAt: () => 'now()' });
    await this.audit.record(manager, [
      { chainId: program.id, actor: actorRef(actor), action: 'enrolment.sub_limit.approved', objectType: 'enrolment_change', objectId: change.id, before: { subLimit: enrolment.subLimit }, after: { subLimit } },
    ]);
    await this.outbox.enqueue(manager, [{ job: JOBS.GENERATE_OFFERS, data: { programId: program.id } }]);
  }

  async rejectChange(actor: Actor, enrolmentId: string, changeId: string, reason: string): Promise<{ change: EnrolmentChange; currency: string }> {
    return this.dataSource.transaction(async (manager) => {
      const { program } = await this.bankEnrolment(manager, actor, enrolmentId);
      const change = await this.pendingChange(manager, actor, enrolmentId, changeId);
      await manager.update(EnrolmentChange, { id: changeId }, { status: ProgramChangeStatus.REJECTED, reason, decidedBy: actor.userId, decidedAt: () => 'now()' });
      const action = change.kind === EnrolmentChangeKind.REACTIVATION ? 'enrolment.reactivation.rejected' : 'enrolment.sub_limit.rejected';
      await this.audit.record(manager, [
        { chainId: program.id, actor: actorRef(actor), action, objectType: 'enrolment_change', objectId: changeId, after: { reason } },
      ]);
      return { change: await manager.findOneByOrFail(EnrolmentChange, { id: changeId }), currency: program.currency };
    });
  }

  async listSubLimitChanges(actor: Actor, enrolmentId: string, window: PageWindow): Promise<{ changes: EnrolmentChange[]; currency: string }> {
    const { program } = await this.visibleToProgramParty(this.dataSource.manager, actor, enrolmentId);
    const changes = await this.dataSource.manager.find(EnrolmentChange, {
      where: { enrolmentId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: window.limit + 1,
      skip: window.offset,
    });
    return { changes, currency: program.currency };
  }

  /** Enrolments visible to the actor (a supplier its own, a bank or anchor those of its programs), `limit + 1` rows. */
  async list(actor: Actor, filter: EnrolmentFilter, window: PageWindow): Promise<EnrolmentView[]> {
    const params: unknown[] = [actor.organisationId];
    const where = [enrolmentVisibilitySql(actor, 'e', 'p', '$1')];
    if (filter.programId) where.push(`e.program_id = $${params.push(filter.programId)}`);
    if (filter.status) where.push(`e.status = $${params.push(filter.status)}`);
    const rows: EnrolmentRow[] = await this.dataSource.query(
      `${ENROLMENT_VIEW_SQL} WHERE ${where.join(' AND ')} ORDER BY e.created_at DESC, e.id LIMIT $${params.push(window.limit + 1)} OFFSET $${params.push(window.offset)}`,
      params,
    );
    return rows.map((row) => enrolmentView(actor, row));
  }

  /** The enrolments of one program, for its bank or anchor (404 for anyone else). */
  async listForProgram(actor: Actor, programId: string, filter: EnrolmentFilter, window: PageWindow): Promise<EnrolmentView[]> {
    await this.programs.findVisible(actor, programId);
    return this.list(actor, { ...filter, programId }, window);
  }

  async findVisible(actor: Actor, enrolmentId: string): Promise<EnrolmentView> {
    const [row]: EnrolmentRow[] = await this.dataSource.query(
      `${ENROLMENT_VIEW_SQL} WHERE e.id = $1 AND ${enrolmentVisibilitySql(actor, 'e', 'p', '$2')}`,
      [enrolmentId, actor.organisationId],
    );
    if (!row) throw notFound('enrolment', 'enrolmentId');
    return enrolmentView(actor, row);
  }

  /**
   * The supplier's enrolment in the program if it may be financed: APPROVED. 404 when the supplier
   * is not enrolled, 409 `enrolment_not_approved` when it is pending, suspended or rejected.
   */
  async findApproved(programId: string, supplierId: string, manager: EntityManager = this.dataSource.manager): Promise<Enrolment> {
    const enrolment = await manager.findOneBy(Enrolment, { programId, supplierId });
    if (!enrolment) throw notFound('enrolment');
    if (enrolment.status !== EnrolmentStatus.APPROVED) {
      throw conflict('enrolment_not_approved', `the supplier's enrolment is ${enrolment.status.toLowerCase()}`);
    }
    return enrolment;
  }

  private async view(actor: Actor, enrolmentId: string): Promise<EnrolmentView> {
    const [row]: EnrolmentRow[] = await this.dataSource.query(`${ENROLMENT_VIEW_SQL} WHERE e.id = $1`, [enrolmentId]);
    return enrolmentView(actor, row);
  }

  private async transition(actor: Actor, enrolmentId: string, t: Transition): Promise<EnrolmentView> {
    await this.dataSource.transaction(async (manager) => {
      const { enrolment, program } = await this.bankEnrolment(manager, actor, enrolmentId);
      if (t.fourEyes) assertNotProposer(enrolment.proposedBy, actor);
      if (enrolment.status !== t.from) {
        throw conflict(`enrolment_not_${t.from.toLowerCase()}`, `the enrolment is ${enrolment.status}, not ${t.from}`);
      }
      if (t.to === EnrolmentStatus.APPROVED) assertEnrolling(program);
      const approval = t.from === EnrolmentStatus.PENDING && t.to === EnrolmentStatus.APPROVED ? { approvedBy: actor.userId } : {};
      await manager.update(Enrolment, { id: enrolmentId }, { status: t.to, ...approval });
      const withdrawn = t.to === EnrolmentStatus.SUSPENDED ? { offersWithdrawn: await withdrawOpenOffers(manager, { enrolmentId }) } : {};
      await this.audit.record(manager, [
        { chainId: program.id, actor: actorRef(actor), action: t.action, objectType: 'enrolment', objectId: enrolmentId, before: { status: t.from }, after: { status: t.to, reason: t.reason ?? null, ...withdrawn } },
      ]);
      if (t.to === EnrolmentStatus.APPROVED) await this.outbox.enqueue(manager, [{ job: JOBS.GENERATE_OFFERS, data: { programId: program.id } }]);
    });
    return this.view(actor, enrolmentId);
  }

  /** An enrolment in a program of the actor's bank, locked for the rest of the transaction. */
  private async bankEnrolment(manager: EntityManager, actor: Actor, enrolmentId: string): Promise<{ enrolment: Enrolment; program: Program }> {
    const enrolment = await manager.findOne(Enrolment, { where: { id: enrolmentId }, lock: { mode: 'pessimistic_write' } });
    const program = enrolment && (await manager.findOneBy(Program, { id: enrolment.programId, bankId: actor.organisationId }));
    if (!enrolment || !program) throw notFound('enrolment');
    return { enrolment, program };
  }

  /** An enrolment the actor sees as its program's bank or anchor (suppliers don't decide their own limits). */
  private async visibleToProgramParty(manager: EntityManager, actor: Actor, enrolmentId: string): Promise<{ enrolment: Enrolment; program: Program }> {
    const enrolment = await manager.findOneBy(Enrolment, { id: enrolmentId });
    const program =
      enrolment &&
      (await manager
        .createQueryBuilder(Program, 'p')
        .where('p.id = :id', { id: enrolment.programId })
        .andWhere(programVisibilitySql(actor), { org: actor.organisationId })
        .getOne());
    if (!enrolment || !program || actor.organisationType === OrganisationType.SUPPLIER) throw notFound('enrolment');
    return { enrolment, program };
  }

  private async pendingChange(manager: EntityManager, actor: Actor, enrolmentId: string, changeId: string): Promise<EnrolmentChange> {
    const change = await manager.findOne(EnrolmentChange, { where: { id: changeId, enrolmentId }, lock: { mode: 'pessimistic_write' } });
    if (!change) throw notFound('sub-limit change');
    assertNotProposer(change.proposedBy, actor);
    if (change.status !== ProgramChangeStatus.PENDING) throw conflict('change_not_pending', `the change is already ${change.status.toLowerCase()}`);
    return change;
  }

  private async invite(manager: EntityManager, actor: Actor, invite: SupplierInvite): Promise<{ supplierId: string; invitation: IssuedInvitation }> {
    const { organisation, invitation } = await this.organisations.create(
      {
        type: OrganisationType.SUPPLIER,
        name: invite.name,
        taxId: invite.taxId ?? null,
        bankAccount: invite.bankAccount ?? null,
        createdByOrganisationId: actor.organisationId,
        // The inviter proposes the payout account given here; a bank checker verifies it.
        createdBy: actorRef(actor),
        admin: { ...invite.admin, roles: [Role.SUPPLIER_ADMIN] },
      },
      manager,
    );
    return { supplierId: organisation.id, invitation };
  }

  /**
   * An existing supplier can be enrolled only by an organisation that already knows it: the one
   * that invited it, or the anchor or bank of a program it is enrolled in. (A supplier of anchor
   * A joins anchor B's program through a bank funding both.) Any other id answers like an unknown
   * one, so supplier ids can't be probed.
   */
  private async existingSupplier(manager: EntityManager, actor: Actor, supplierId: string): Promise<string> {
    const [known]: { id: string }[] = await manager.query(
      `SELECT o.id FROM organisations o
        WHERE o.id = $1 AND o.type = 'SUPPLIER'
          AND (o.created_by_organisation_id = $2
               OR EXISTS (SELECT 1 FROM enrolments e JOIN programs p ON p.id = e.program_id
                           WHERE e.supplier_id = o.id AND (p.anchor_id = $2 OR p.bank_id = $2)))`,
      [supplierId, actor.organisationId],
    );
    if (!known) throw notFound('supplier', 'supplierId');
    return known.id;
  }
}

function assertSuspended(enrolment: Enrolment): void {
  if (enrolment.status !== EnrolmentStatus.SUSPENDED) throw conflict('enrolment_not_suspended', `the enrolment is ${enrolment.status}, not SUSPENDED`);
}

function assertEnrolling(program: Program): void {
  if (!ENROLLING_STATUSES.includes(program.status)) throw conflict('program_closed', `the program is ${program.status.toLowerCase()}`);
}

/** A sub-limit: positive, in the program's minor unit, within the program limit. */
function parseSubLimit(value: unknown, program: Program): string {
  const subLimit = parseAmount(value, program.currency, 'subLimit');
  if (subLimit.greaterThan(program.limitAmount)) {
    throw invalid('sub_limit_above_limit', `subLimit must not exceed the program limit of ${formatAmount(program.limitAmount, program.currency)}`, 'subLimit');
  }
  return subLimit.toFixed();
}

function enrolmentView(reader: Reader, row: EnrolmentRow): EnrolmentView {
  const money = (value: string) => formatAmount(value, row.currency);
  return redact<EnrolmentView>(reader, 'enrolment', {
    id: row.id,
    programId: row.program_id,
    supplierId: row.supplier_id,
    supplierName: row.supplier_name,
    currency: row.currency,
    subLimit: money(row.sub_limit),
    utilised: money(row.utilised),
    available: formatAmount(available(row.sub_limit, row.utilised), row.currency),
    status: row.status,
    proposedBy: row.proposed_by,
    approvedBy: row.approved_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
