import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { DomainError, invalid, notFound } from '@scf/core';
import { Organisation, OrganisationType } from './organisation.entity';
import { User } from './user.entity';
import { Role, ROLES_BY_ORGANISATION_TYPE } from './role';
import { hashPassword } from './password-hasher';

export interface NewOrganisation {
  type: OrganisationType;
  name: string;
  taxId?: string | null;
  createdByOrganisationId?: string | null;
  admin: { email: string; displayName: string; password: string; roles?: Role[] };
}

export interface NewUser {
  organisationId: string;
  email: string;
  displayName: string;
  password: string;
  roles: Role[];
}

@Injectable()
export class OrganisationsService {
  constructor(
    @InjectRepository(Organisation) private readonly organisations: Repository<Organisation>,
    @InjectRepository(User) private readonly users: Repository<User>,
  ) {}

  /** Creates an organisation and its first user, in the caller's transaction when one is given. */
  async create(input: NewOrganisation, manager?: EntityManager): Promise<{ organisation: Organisation; admin: User }> {
    const run = async (m: EntityManager) => {
      const organisation = await m.save(
        m.create(Organisation, {
          type: input.type,
          name: input.name,
          taxId: input.taxId ?? null,
          createdByOrganisationId: input.createdByOrganisationId ?? null,
        }),
      );
      const roles = input.admin.roles ?? [ROLES_BY_ORGANISATION_TYPE[input.type][0]];
      const admin = await this.addUser({ organisationId: organisation.id, organisationType: input.type, ...input.admin, roles }, m);
      return { organisation, admin };
    };
    return manager ? run(manager) : this.organisations.manager.transaction(run);
  }

  async addUser(input: NewUser & { organisationType: OrganisationType }, manager: EntityManager = this.users.manager): Promise<User> {
    const allowed = ROLES_BY_ORGANISATION_TYPE[input.organisationType];
    const wrong = input.roles.find((role) => !allowed.includes(role));
    if (wrong) throw invalid('role_not_allowed', `role ${wrong} is not available to a ${input.organisationType} user`, 'roles');
    const taken = await manager.query(`SELECT 1 FROM users WHERE lower(email) = lower($1)`, [input.email]);
    if (taken.length) throw new DomainError('CONFLICT', 'email_taken', `a user with email ${input.email} already exists`, { field: 'email' });
    return manager.save(
      manager.create(User, {
        organisationId: input.organisationId,
        email: input.email.toLowerCase(),
        displayName: input.displayName,
        passwordHash: await hashPassword(input.password),
        roles: input.roles,
        tokenVersion: 0,
        failedLogins: 0,
        lockedUntil: null,
      }),
    );
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
