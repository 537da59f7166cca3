import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@scf/audit';
import { conflict, DomainError, forbidden, invalid, notFound } from '@scf/core';
import { Actor, ADMIN_ROLES } from './actor';
import { ApiKey } from './api-key.entity';
import { OrganisationType } from './organisation.entity';
import { Role, ROLES_BY_ORGANISATION_TYPE } from './role';

export interface NewApiKey {
  name: string;
  scopes: Role[];
}

const KEY_PATTERN = /^scf_[A-Za-z0-9_-]{43}$/;
const PREFIX_LENGTH = 12;
const MAX_ACTIVE_KEYS_PER_ORGANISATION = 25;
/** last_used_at is informative; writing it at most once a minute per key keeps reads from becoming writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

// A key carries 256 random bits, so a fast unsalted hash is enough: there is nothing to guess.
const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/**
 * Keys for machine access (ERP integration). A key acts for its organisation with the roles
 * chosen as its scopes (never an admin role), and in the name of the admin who issued it.
 */
@Injectable()
export class ApiKeysService {
  private readonly lastTouched = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Returns the key's secret once; only its hash is stored. */
  async create(actor: Actor, input: NewApiKey): Promise<{ apiKey: ApiKey; secret: string }> {
    if (actor.apiKeyId) throw forbidden('api_key_not_allowed', 'API keys are managed by people, not by other API keys');
    const scopes = this.checkScopes(actor, input.scopes);
    const secret = `scf_${randomBytes(32).toString('base64url')}`;
    const apiKey = await this.dataSource.transaction(async (manager) => {
      // Serialises key creation per organisation so that the cap holds under concurrency.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('api_keys:' || $1))`, [actor.organisationId]);
      const [{ active }] = await manager.query(
        `SELECT count(*)::int AS active FROM api_keys WHERE organisation_id = $1 AND revoked_at IS NULL`,
        [actor.organisationId],
      );
      if (active >= MAX_ACTIVE_KEYS_PER_ORGANISATION) {
        throw conflict('api_key_limit', `an organisation can hold at most ${MAX_ACTIVE_KEYS_PER_ORGANISATION} active API keys: revoke one first`);
      }
      const saved = await manager.save(
        manager.create(ApiKey, {
          organisationId: actor.organisationId,
          name: input.name,
          prefix: secret.slice(0, PREFIX_LENGTH),
          keyHash: hashKey(secret),
          scopes,
          createdBy: actor.userId,
          lastUsedAt: null,
          revokedAt: null,
          revokedBy: null,
        }),
      );
      await this.record(manager, actor, 'api-key.created', saved);
      return saved;
    });
    return { apiKey, secret };
  }

  list(actor: Actor, window: { limit: number; offset: number }): Promise<ApiKey[]> {
    return this.dataSource.getRepository(ApiKey).find({
      where: { organisationId: actor.organisationId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: window.limit + 1,
      skip: window.offset,
    });
  }

  /** Revoking twice is harmless; a key of another organisation does not exist for the caller. */
  async revoke(actor: Actor, id: string): Promise<void> {
    if (actor.apiKeyId) throw forbidden('api_key_not_allowed', 'API keys are managed by people, not by other API keys');
    await this.dataSource.transaction(async (manager) => {
      const key = await manager.findOne(ApiKey, { where: { id, organisationId: actor.organisationId }, lock: { mode: 'pessimistic_write' } });
      if (!key) throw notFound('API key');
      if (key.revokedAt) return;
      await manager.update(ApiKey, key.id, { revokedAt: () => 'now()', revokedBy: actor.userId });
      await this.record(manager, actor, 'api-key.revoked', key);
    });
    this.lastTouched.delete(id);
  }

  /**
   * The actor of a request presenting `key`; a malformed, unknown or revoked key is a 401, and so is
   * a key whose issuer was deactivated. The key acts in the scopes its issuer still holds.
   */
  async authenticate(key: string): Promise<Actor> {
    const refused = () => new DomainError('UNAUTHENTICATED', 'unauthenticated', 'invalid or revoked API key');
    if (!KEY_PATTERN.test(key)) throw refused();
    const [row]: { id: string; organisation_id: string; type: OrganisationType; scopes: Role[]; created_by: string }[] =
      await this.dataSource.query(
        `SELECT k.id, k.organisation_id, o.type, ARRAY(SELECT unnest(k.scopes) INTERSECT SELECT unnest(u.roles)) AS scopes, k.created_by
           FROM api_keys k
           JOIN organisations o ON o.id = k.organisation_id
           JOIN users u ON u.id = k.created_by AND u.organisation_id = k.organisation_id AND u.status = 'ACTIVE'
          WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
        [hashKey(key)],
      );
    if (!row) throw refused();
    await this.touch(row.id);
    return { userId: row.created_by, organisationId: row.organisation_id, organisationType: row.type, roles: row.scopes, apiKeyId: row.id };
  }

  private async touch(id: string): Promise<void> {
    const now = Date.now();
    if (now - (this.lastTouched.get(id) ?? 0) < LAST_USED_RESOLUTION_MS) return;
    this.lastTouched.set(id, now);
    await this.dataSource.query(
      `UPDATE api_keys SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2))`,
      [id, LAST_USED_RESOLUTION_MS / 1000],
    );
  }

  /** A key is never a way to more power: it may act only in non-admin roles its issuer holds. */
  private checkScopes(actor: Actor, scopes: Role[]): Role[] {
    if (!scopes.length) throw invalid('scopes_required', 'name at least one scope (a role the key may act in)', 'scopes');
    const type = actor.organisationType;
    const available = ROLES_BY_ORGANISATION_TYPE[type].filter((role) => !ADMIN_ROLES.includes(role));
    const wrong = scopes.find((scope) => !available.includes(scope));
    if (wrong) throw invalid('scope_not_allowed', `scope ${wrong} is not available to an API key of a ${type}: use ${available.join(', ')}`, 'scopes');
    const notHeld = scopes.find((scope) => !actor.roles.includes(scope));
    if (notHeld) throw invalid('scope_not_held', `you do not hold role ${notHeld}: a key may carry only roles its issuer holds`, 'scopes');
    return [...new Set(scopes)];
  }

  private record(manager: EntityManager, actor: Actor, action: string, key: ApiKey): Promise<void> {
    return this.audit.record(manager, [
      {
        chainId: actor.organisationId,
        actor: { userId: actor.userId, organisationId: actor.organisationId },
        action,
        objectType: 'api-key',
        objectId: key.id,
        after: { name: key.name, prefix: key.prefix, scopes: key.scopes },
      },
    ]);
  }
}
