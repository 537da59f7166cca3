import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { AuditService } from '@scf/audit';
import { conflict, DomainError, invalid, notFound } from '@scf/core';
import { mask } from './field-encryption';
import { Organisation, OrganisationType } from './organisation.entity';
import { PayoutAccountsService } from './payout-accounts.service';
import { User } from './user.entity';
import { Role, ROLES_BY_ORGANISATION_TYPE } from './role';
import { hashPassword } from './password-hasher';

/** Who made a change, as written to the business event log (absent for a bootstrap command). */
export interface ChangedBy {
  userId: string;
  organisationId: string;
}

export interface NewOrganisation {
  type: OrganisationType;
  name: string;
  taxId?: string | null;
  /** A supplier's is its payout account: proposed here, in effect once a bank verifies it. */
  bankAccount?: string | null;
  createdByOrganisationId?: string | null;
  /** The user who onboards the organisation; recorded in the organisation.created event. */
  createdBy?: ChangedBy | null;
  admin: { email: string; displayName: string; password: string; roles?: Role[] };
}

export interface NewUser {
  organisationId: string;
  email: string;
  displayName: string;
  password: string;
  roles: Role[];
  /** The user who adds this one; recorded in the user.added event. */
  addedBy?: ChangedBy | null;
}

export interface BankDetails {
  taxId?: string | null;
  bankAccount?: string | null;
}

@Injectable()
export class OrganisationsService {
  constructor(
    @InjectRepository(Organisation) private readonly organisations: Repository<Organisation>,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly audit: AuditService,
    private readonly payoutAccounts: PayoutAccountsService,
  ) {}

  /**
   * Creates an organisation and its first user, in the caller's transaction when one is given.
   * Both are recorded on the organisation's own event chain. A supplier's bank account becomes a
   * pending payout account change proposed by whoever onboards it (its own admin at bootstrap).
   */
  async create(input: NewOrganisation, manager?: EntityManager): Promise<{ organisation: Organisation; admin: User }> {
    const isSupplier = input.type === OrganisationType.SUPPLIER;
    const run = async (m: EntityManager) => {
      const organisation = await m.save(
        m.create(Organisation, {
          type: input.type,
          name: input.name,
          taxId: input.taxId ?? null,
          bankAccount: isSupplier ? null : (input.bankAccount ?? null),
          createdByOrganisationId: input.createdByOrganisationId ?? input.createdBy?.organisationId ?? null,
        }),
      );
      await this.audit.record(m, [
        {
          chainId: organisation.id,
          actor: input.createdBy ?? null,
          action: 'organisation.created',
          objectType: 'organisation',
          objectId: organisation.id,
          after: { type: organisation.type, name: organisation.name, createdByOrganisationId: organisation.createdByOrganisationId, ...maskedBankDetails(organisation) },
        },
      ]);
      const roles = input.admin.roles ?? [ROLES_BY_ORGANISATION_TYPE[input.type][0]];
      const admin = await this.addUser(
        { organisationId: organisation.id, organisationType: input.type, ...input.admin, roles, addedBy: input.createdBy ?? null },
        m,
      );
      if (isSupplier && input.bankAccount) {
        await this.payoutAccounts.propose(m, organisation.id, input.bankAccount, input.createdBy ?? { userId: admin.id, organisationId: organisation.id });
      }
      return { organisation, admin };
    };
    return manager ? run(manager) : this.organisations.manager.transaction(run);
  }

  /** Adds a user; its own transaction unless the caller passes one (the user and its event commit together). */
  async addUser(input: NewUser & { organisationType: OrganisationType }, manager?: EntityManager): Promise<User> {
    const allowed = ROLES_BY_ORGANISATION_TYPE[input.organisationType];
    const wrong = input.roles.find((role) => !allowed.includes(role));
    if (wrong) throw invalid('role_not_allowed', `role ${wrong} is not available to a ${input.organisationType} user`, 'roles');
    const passwordHash = await hashPassword(input.password);
    const run = async (m: EntityManager) => {
      const taken = await m.query(`SELECT 1 FROM users WHERE lower(email) = lower($1)`, [input.email]);
      if (taken.length) throw new DomainError('CONFLICT', 'email_taken', `a user with email ${input.email} already exists`, { field: 'email' });
      const user = await m.save(
        m.create(User, {
          organisationId: input.organisationId,
          email: input.email.toLowerCase(),
          displayName: input.displayName,
          passwordHash,
          roles: input.roles,
          tokenVersion: 0,
          failedLogins: 0,
          lockedUntil: null,
        }),
      );
      await this.audit.record(m, [
        {
          chainId: input.organisationId,
          actor: input.addedBy ?? null,
          action: 'user.added',
          objectType: 'user',
          objectId: user.id,
          after: { roles: user.roles },
        },
      ]);
      return user;
    };
    return manager ? run(manager) : this.users.manager.transaction(run);
  }

  /**
   * Replaces the organisation's tax id and/or bank account (worth an event). A supplier's bank
   * account is where its money is paid: it changes only through a payout account change a bank verifies.
   */
  async updateBankDetails(organisationId: string, details: BankDetails, changedBy: ChangedBy): Promise<Organisation> {
    return this.organisations.manager.transaction(async (m) => {
      const organisation = await m.findOne(Organisation, { where: { id: organisationId }, lock: { mode: 'pessimistic_write' } });
      if (!organisation) throw notFound('organisation');
      if (organisation.type === OrganisationType.SUPPLIER && details.bankAccount !== undefined) {
        throw conflict('payout_account_change_required', 'a supplier\'s payout account changes through POST /v1/organisations/mine/payout-account-changes, verified by its bank', {
          field: 'bankAccount',
        });
      }
      const before = maskedBankDetails(organisation);
      if (details.taxId !== undefined) organisation.taxId = details.taxId;
      if (details.bankAccount !== undefined) organisation.bankAccount = details.bankAccount;
      await m.save(organisation);
      await this.audit.record(m, [
        {
          chainId: organisation.id,
          actor: changedBy,
          action: 'organisation.bank-details-changed',
          objectType: 'organisation',
          objectId: organisation.id,
          before,
          after: maskedBankDetails(organisation),
        },
      ]);
      return organisation;
    });
  }

  async get(id: string): Promise<Organisation> {
    const organisation = await this.organisations.findOneBy({ id });
    if (!organisation) throw notFound('organisation');
    return organisation;
  }

  async ofType(id: string, type: OrganisationType): Promise<Organisation> {
    const organisation = await this.get(id);
    if (organisation.type !== type) throw invalid('organisation_type', `organisation ${id} is not a ${type}`);
    return organisation;
  }

  findMany(ids: string[]): Promise<Organisation[]> {
    return ids.length ? this.organisations.findBy({ id: In(ids) }) : Promise.resolve([]);
  }
}

// The event log is append-only and kept for years: it holds masked values, never the data itself.
const maskedBankDetails = (o: Organisation) => ({ taxId: mask(o.taxId), bankAccount: mask(o.bankAccount) });
