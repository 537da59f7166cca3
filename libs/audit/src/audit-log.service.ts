import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChainVerification, verifyChains } from './chain-verifier';

/** Who reads the log: an organisation and its type (libs/audit knows nothing of users). */
export interface AuditReader {
  organisationId: string;
  organisationType: string;
}

export interface AuditEventFilter {
  objectType?: string;
  objectId?: string;
}

export interface RecordedEvent {
  chainId: string;
  seq: number;
  occurredAt: Date;
  actorUserId: string | null;
  organisationId: string | null;
  action: string;
  objectType: string;
  objectId: string;
  before: unknown;
  after: unknown;
  prevHash: string;
  hash: string;
}

/**
 * Reading and verifying the business event log. An organisation sees the events it caused, the
 * events on its own chain, and the chains of the programs it funds (bank) or anchors (anchor).
 */
@Injectable()
export class AuditLogService {
  constructor(private readonly dataSource: DataSource) {}

  async events(reader: AuditReader, filter: AuditEventFilter, window: { limit: number; offset: number }): Promise<RecordedEvent[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT e.chain_id, e.seq, e.occurred_at, e.actor_user_id, e.organisation_id, e.action, e.object_type, e.object_id,
              e.before, e.after, e.prev_hash, e.hash
         FROM business_events e
        WHERE (e.organisation_id = $1::uuid
               OR e.chain_id = $1::uuid::text
               OR ($2::text = 'BANK' AND e.chain_id IN (SELECT id::text FROM programs WHERE bank_id = $1::uuid))
               OR ($2::text = 'ANCHOR' AND e.chain_id IN (SELECT id::text FROM programs WHERE anchor_id = $1::uuid)))
          AND ($3::text IS NULL OR e.object_type = $3)
          AND ($4::text IS NULL OR e.object_id = $4)
        ORDER BY e.occurred_at, e.chain_id, e.seq
        LIMIT $5 OFFSET $6`,
      [reader.organisationId, reader.organisationType, filter.objectType ?? null, filter.objectId ?? null, window.limit + 1, window.offset],
    );
    return rows.map((r) => ({
      chainId: r.chain_id as string,
      seq: Number(r.seq),
      occurredAt: r.occurred_at as Date,
      actorUserId: r.actor_user_id as string | null,
      organisationId: r.organisation_id as string | null,
      action: r.action as string,
      objectType: r.object_type as string,
      objectId: r.object_id as string,
      before: r.before,
      after: r.after,
      prevHash: r.prev_hash as string,
      hash: r.hash as string,
    }));
  }

  /** Verifies every chain (or one) in a single read-only snapshot, so concurrent appends can't look like breaks. */
  /**
   * Verifies the chains a bank is entitled to: its own, those of the programs it funds, and those of
   * its counterparties (organisations it onboarded, anchors and suppliers of its programs). The
   * operators' `npm run audit:verify` checks every chain.
   */
  verify(reader: AuditReader, chainId?: string): Promise<ChainVerification> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      const entitled: { chain_id: string }[] = await manager.query(
        `SELECT $1::text AS chain_id
         UNION SELECT id::text FROM programs WHERE bank_id = $1::uuid
         UNION SELECT anchor_id::text FROM programs WHERE bank_id = $1::uuid
         UNION SELECT e.supplier_id::text FROM enrolments e JOIN programs p ON p.id = e.program_id WHERE p.bank_id = $1::uuid
         UNION SELECT id::text FROM organisations WHERE created_by_organisation_id = $1::uuid`,
        [reader.organisationId],
      );
      return verifyChains((sql, params) => manager.query(sql, params), { chainId, within: entitled.map((row) => row.chain_id) });
    });
  }
}
