import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ChainedEvent, eventHash, GENESIS_HASH } from './event-hash';

export interface BusinessEvent {
  /** The chain: the program id for everything inside a program, else the organisation id. */
  chainId: string;
  actor: { userId: string; organisationId: string } | null;
  action: string;
  objectType: string;
  objectId: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Appends business events inside the caller's transaction: the event exists exactly when the
 * change it describes was committed. The chain head row is locked, so one chain is strictly ordered.
 */
interface ChainHead {
  last_seq: string;
  last_hash: string;
}

@Injectable()
export class AuditService {
  async record(manager: EntityManager, events: BusinessEvent[]): Promise<void> {
    const byChain = new Map<string, BusinessEvent[]>();
    for (const event of events) {
      const chain = byChain.get(event.chainId);
      if (chain) chain.push(event);
      else byChain.set(event.chainId, [event]);
    }
    // Lock chains in a fixed order so that two transactions touching the same chains can't deadlock.
    for (const chainId of [...byChain.keys()].sort()) {
      await this.append(manager, chainId, byChain.get(chainId)!);
    }
  }

  private async lockHead(manager: EntityManager, chainId: string): Promise<ChainHead | undefined> {
    const [head]: ChainHead[] = await manager.query(`SELECT last_seq, last_hash FROM audit_chains WHERE chain_id = $1 FOR UPDATE`, [chainId]);
    return head;
  }

  /** A chain's first event: create its head (racing creators both succeed through ON CONFLICT). */
  private async createHead(manager: EntityManager, chainId: string): Promise<ChainHead> {
    await manager.query(`INSERT INTO audit_chains (chain_id, last_seq, last_hash) VALUES ($1, 0, $2) ON CONFLICT (chain_id) DO NOTHING`, [
      chainId,
      GENESIS_HASH,
    ]);
    return (await this.lockHead(manager, chainId))!;
  }

  private async append(manager: EntityManager, chainId: string, events: BusinessEvent[]): Promise<void> {
    const head = (await this.lockHead(manager, chainId)) ?? (await this.createHead(manager, chainId));
    let seq = Number(head.last_seq);
    let prevHash = head.last_hash;
    const rows: unknown[][] = [];
    const occurredAt = new Date().toISOString();
    for (const event of events) {
      seq += 1;
      const chained: ChainedEvent = {
        chainId,
        seq,
        occurredAt,
        // uuid columns give ids back in lower case; hash them as they will be read.
        actorUserId: event.actor?.userId?.toLowerCase() ?? null,
        organisationId: event.actor?.organisationId?.toLowerCase() ?? null,
        action: event.action,
        objectType: event.objectType,
        objectId: event.objectId,
        before: asStored(event.before),
        after: asStored(event.after),
      };
      const hash = eventHash(prevHash, chained);
      rows.push([chainId, seq, occurredAt, chained.actorUserId, chained.organisationId, chained.action, chained.objectType,
        chained.objectId, JSON.stringify(chained.before), JSON.stringify(chained.after), prevHash, hash]);
      prevHash = hash;
    }
    // One round trip while the head is locked: the events, then the head moved onto the last of
    // them. Reading `appended` in the WHERE makes the inserts happen first, so the head's
    // forward-only trigger finds the event it moves onto.
    const [, moved] = await manager.query(
      `WITH appended AS (
         INSERT INTO business_events (chain_id, seq, occurred_at, actor_user_id, organisation_id, action, object_type, object_id, before, after, prev_hash, hash)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::jsonb[], $11::text[], $12::text[])
         RETURNING 1
       )
       UPDATE audit_chains SET last_seq = $14, last_hash = $15 WHERE chain_id = $13 AND (SELECT count(*) FROM appended) = $16`,
      [...transpose(rows, 12), chainId, seq, prevHash, rows.length],
    );
    if (moved !== 1) throw new Error(`audit chain ${chainId}: the head did not move onto the appended events`);
  }
}

function transpose(rows: unknown[][], width: number): unknown[][] {
  return Array.from({ length: width }, (_, column) => rows.map((row) => row[column]));
}

/**
 * The value as jsonb will give it back (Dates and decimals become strings, undefined disappears),
 * so that the hash recorded now is the hash a verifier recomputes from the stored row.
 */
function asStored(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value) ?? 'null');
}
