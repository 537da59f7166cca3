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
import { ChangedBy, CredentialsService, IssuedInvitation } from './credentials.service';
import { UserStatus } from './user.entity';

export interface NewOrganisation {
  type: OrganisationType;
  name: string;
  taxId?: string | null;
  /** A supplier's is its payout account: proposed here, in effect once a bank verifies it. */
  bankAccount?: string | null;
  createdByOrganisationId?: string | null;
  /** The user who onboards the organisation; recorded in the organisation.created event. */
  createdBy?: ChangedBy | null;
  /** Invited: they choose their password through the invitation. */
  admin: { email: string; displayName: string; roles?: Role[] };
}

export interface NewUser {
  organisationId: string;
  email: string;
  displayName: string;
  roles: Role[];
  /** The user who adds this one; recorded in the user.added event and as the inviter. */
  addedBy?: ChangedBy | null;
}

/** The deployment's first bank, made by an operator's command before anyone can log in. */
export interface FirstBank {
  name: string;
  admin: { email: string; displayName: string; password: string };
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
    private readonly credentials: CredentialsService,
  ) {}

  /**
   * Creates an organisation and invites its first user, in the caller's transaction when one is
   * given. Both are recorded on the organisation's own event chain. A supplier's bank account
   * becomes a pending payout account change proposed by whoever onboards it (its own admin at bootstrap).
   */
  async create(input: NewOrganisation, manager?: EntityManager): Promise<{ organisation: Organisation; admin: User; invitation: IssuedInvitation }> {
    const run = async (m: EntityManager) => {
      const organisation = await this.insertOrganisation(m, input);
      const roles = input.admin.roles ?? [ROLES_BY_ORGANISATION_TYPE[input.type][0]];
      const { user, invitation } = await this.addUser(
        { organisationId: organisation.id, organisationType: input.type, ...input.admin, roles, addedBy: input.createdBy ?? null },
        m,
      );
      if (input.type === OrganisationType.SUPPLIER && input.bankAccount) {
        await this.payoutAccounts.propose(m, organisation.id, input.bankAccount, input.createdBy ?? { userId: user.id, organisationId: organisation.id });
      }
      return { organisation, admin: user, invitation };
    };
    return manager ? run(manager) : this.organisations.manager.transaction(run);
  }

  /**
   * The only user whose password is chosen by someone else: the operator who runs the bootstrap
   * command has nobody to invite them (no bank exists yet to log in to) and gives it on the
   * command line, where it is theirs to choose and to change at first login.
   */
  async bootstrapBank(input: FirstBank): Promise<{ organisation: Organisation; admin: User }> {
    const passwordHash = await hashPassword(input.admin.password);
    return this.organisations.manager.transaction(async (m) => {
      const organisation = await this.insertOrganisation(m, { type: OrganisationType.BANK, name: input.name, admin: input.admin });
      const admin = await this.insertUser(m, {
        organisationId: organisation.id,
        email: input.admin.email,
        displayName: input.admin.displayName,
        roles: [Role.BANK_ADMIN],
        status: UserStatus.ACTIVE,
        passwordHash,
      });
      await this.audit.record(m, [{ chainId: organisation.id, actor: null, action: 'user.added', objectType: 'user', objectId: admin.id, after: { roles: admin.roles } }]);
      return { organisation, admin };
    });
  }

  private async insertOrganisation(m: EntityManager, input: NewOrganisation): Promise<Organisation> {
    const organisation = await m.save(
      m.create(Organisation, {
        type: input.type,
        name: input.name,
        taxId: input.taxId ?? null,
        // A supplier's account is where its money is paid: it arrives as a pending payout account change.
        bankAccount: input.type === OrganisationType.SUPPLIER ? null : (input.bankAccount ?? null),
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
    return organisation;
  }

  /**
   * Invites a user: INVITED, without a password, until they redeem the invitation. Its own
   * transaction unless the caller passes one (the user, its invitation and its event commit together).
   */
  async addUser(input: NewUser & { organisationType: OrganisationType }, manager?: EntityManager): Promise<{ user: User; invitation: IssuedInvitation }> {
    const allowed = ROLES_BY_ORGANISATION_TYPE[input.organisationType];
    const wrong = input.roles.find((role) => !allowed.includes(role));
    if (wrong) throw invalid('role_not_allowed', `role ${wrong} is not available to a ${input.organisationType} user`, 'roles');
    const run = async (m: EntityManager) => {
      const user = await this.insertUser(m, { ...input, status: UserStatus.INVITED, passwordHash: null });
      const invitation = await this.credentials.invite(m, user, input.addedBy ?? null);
      await this.audit.record(m, [
        {
          chainId: input.organisationId,
          actor: input.addedBy ?? null,
          action: 'user.invited',
          objectType: 'user',
          objectId: user.id,
          after: { roles: user.roles, invitationId: invitation.id, expiresAt: invitation.expiresAt.toISOString() },
        },
      ]);
      return { user, invitation };
    };
    return manager ? run(manager) : this.users.manager.transaction(run);
  }

  private async insertUser(
    m: EntityManager,
    input: { organisationId: string; email: string; displayName: string; roles: Role[]; status: UserStatus; passwordHash: string | null },
  ): Promise<User> {
    const taken = await m.query(`SELECT 1 FROM users WHERE lower(email) = lower($1)`, [input.email]);
    if (taken.length) throw new DomainError('CONFLICT', 'email_taken', `a user with email ${input.email} already exists`, { field: 'email' });
    return m.save(
      m.create(User, {
        organisationId: input.organisationId,
        email: input.email.toLowerCase(),
        displayName: input.displayName,
        passwordHash: input.passwordHash,
        roles: input.roles,
        status: input.status,
        tokenVersion: 0,
        failedLogins: 0,
        lockedUntil: null,
      }),
    );
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
