import { JobName, JobPayloads } from './queues';

/**
 * One class per job. Handlers must be safe to run twice (BullMQ delivers at least once):
 * the database's unique constraints and guarded updates make a second run a no-op.
 */
export interface JobHandler<J extends JobName = JobName> {
  readonly job: J;
  handle(data: JobPayloads[J]): Promise<unknown>;
}

export const JOB_HANDLERS = Symbol('JOB_HANDLERS');
