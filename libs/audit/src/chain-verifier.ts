import { ChainedEvent, eventHash, GENESIS_HASH } from './event-hash';

/** Runs one SQL statement; the caller chooses the connection (a read-only snapshot for a consistent answer). */
export type SqlRunner = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

export interface BrokenLink {
  chainId: string;
  seq: number;
  reason: string;
}

export interface ChainVerification {
  ok: boolean;
  chainsChecked: number;
  eventsChecked: number;
  /** How many chains have at least one broken link. */
  brokenChains: number;
  /** The first broken link, in chain id order. */
  firstBroken?: BrokenLink;
}

const BATCH = 1000;

/**
 * Recomputes every chain from its genesis: each event's hash, its link to the previous hash, the
 * continuity of seq, and finally the chain head (audit_chains), so that a deleted last event is
 * caught as surely as a changed or deleted middle one.
 */
export async function verifyChains(
  run: SqlRunner,
  options: { chainId?: string; /** only these chains (an organisation's entitlement); all when omitted */ within?: string[] } = {},
): Promise<ChainVerification> {
  const chains = (await run(
    `SELECT chain_id, last_seq, last_hash FROM audit_chains
      WHERE ($1::text IS NULL OR chain_id = $1) AND ($2::text[] IS NULL OR chain_id = ANY($2::text[]))
     UNION ALL
     SELECT DISTINCT e.chain_id, NULL::bigint, NULL::text FROM business_events e
      WHERE ($1::text IS NULL OR e.chain_id = $1) AND ($2::text[] IS NULL OR e.chain_id = ANY($2::text[]))
        AND NOT EXISTS (SELECT 1 FROM audit_chains c WHERE c.chain_id = e.chain_id)
     ORDER BY chain_id`,
    [options.chainId ?? null, options.within ?? null],
  )) as { chain_id: string; last_seq: string | null; last_hash: string | null }[];

  const result: ChainVerification = { ok: true, chainsChecked: 0, eventsChecked: 0, brokenChains: 0 };
  for (const chain of chains) {
    const head = chain.last_seq === null ? null : { seq: Number(chain.last_seq), hash: chain.last_hash as string };
    const { events, broken } = await verifyChain(run, chain.chain_id, head);
    result.chainsChecked += 1;
    result.eventsChecked += events;
    if (broken) {
      result.ok = false;
      result.brokenChains += 1;
      result.firstBroken ??= broken;
    }
  }
  return result;
}

interface EventRow {
  seq: string;
  occurred_at: string;
  actor_user_id: string | null;
  organisation_id: string | null;
  action: string;
  object_type: string;
  object_id: string;
  before: unknown;
  after: unknown;
  prev_hash: string;
  hash: string;
}

async function verifyChain(
  run: SqlRunner,
  chainId: string,
  head: { seq: number; hash: string } | null,
): Promise<{ events: number; broken?: BrokenLink }> {
  let seq = 0;
  let hash = GENESIS_HASH;
  let events = 0;
  const broken = (at: number, reason: string) => ({ events, broken: { chainId, seq: at, reason } });
  for (;;) {
    const rows = (await run(
      `SELECT seq, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
              actor_user_id, organisation_id, action, object_type, object_id, before, after, prev_hash, hash
         FROM business_events WHERE chain_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [chainId, seq, BATCH],
    )) as unknown as EventRow[];
    for (const row of rows) {
      const expected = seq + 1;
      if (Number(row.seq) !== expected) return broken(expected, `event ${expected} is missing (the next recorded event is ${row.seq})`);
      if (row.prev_hash !== hash) return broken(expected, 'prev_hash does not link to the previous event');
      const event: ChainedEvent = {
        chainId,
        seq: expected,
        occurredAt: row.occurred_at,
        actorUserId: row.actor_user_id,
        organisationId: row.organisation_id,
        action: row.action,
        objectType: row.object_type,
        objectId: row.object_id,
        before: row.before,
        after: row.after,
      };
      if (eventHash(hash, event) !== row.hash) return broken(expected, 'the event does not match its hash: it was altered');
      seq = expected;
      hash = row.hash;
      events += 1;
    }
    if (rows.length < BATCH) break;
  }
  if (!head) return broken(seq, 'the chain has events but no head in audit_chains');
  if (seq < head.seq) return broken(seq + 1, `events ${seq + 1} to ${head.seq} are missing: the chain head is at ${head.seq}`);
  if (seq > head.seq) return broken(head.seq + 1, `event ${head.seq + 1} lies beyond the chain head at ${head.seq}`);
  if (hash !== head.hash) return broken(seq, 'the chain head hash does not match the last event');
  return { events };
}
