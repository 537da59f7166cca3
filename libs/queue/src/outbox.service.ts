import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { JobName, JobPayloads, QUEUE_OF_JOB } from './queues';

export interface OutboxMessage<J extends JobName = JobName> {
  job: J;
  data: JobPayloads[J];
  /** Deterministic job id for de-duplication in BullMQ; the database stays the real guard. */
  jobId?: string;
}

/**
 * Jobs that must follow a database change are written here, in the caller's transaction, and
 * relayed to BullMQ afterwards (OutboxRelay). Commit ⇒ the job will run; rollback ⇒ it never exists.
 */
@Injectable()
export class OutboxService {
  async enqueue(manager: EntityManager, messages: OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await manager.query(
      `INSERT INTO outbox (queue, job_name, job_id, payload)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])`,
      [
        messages.map((m) => QUEUE_OF_JOB[m.job]),
        messages.map((m) => m.job),
        messages.map((m) => m.jobId ?? null),
        messages.map((m) => JSON.stringify(m.data)),
      ],
    );
  }
}
