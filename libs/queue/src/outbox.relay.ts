import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { DEFAULT_JOB_OPTIONS, QUEUES, QueueName } from './queues';

interface OutboxRow {
  id: string;
  queue: QueueName;
  job_name: string;
  job_id: string | null;
  message_id: string;
  payload: unknown;
}

const BATCH = 500;
const IDLE_DELAY_MS = 100;
const ERROR_DELAY_MS = 1000;

/**
 * Moves outbox rows to BullMQ. Rows are claimed with FOR UPDATE SKIP LOCKED and marked relayed in
 * the same transaction only after Redis accepted them, so several relays can run side by side and
 * a Redis outage only delays jobs: nothing is lost, and a crash between add and commit re-adds a
 * job that the handlers' database guards make harmless.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private readonly queues: Record<QueueName, Queue>;

  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(QUEUES.OFFERS) offers: Queue,
    @InjectQueue(QUEUES.SCHEDULED) scheduled: Queue,
  ) {
    this.queues = { [QUEUES.OFFERS]: offers, [QUEUES.SCHEDULED]: scheduled };
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Before the connections close: the batch in progress commits (or rolls back) first. */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Relays one batch; returns how many rows it moved. Public for tests and the drain on shutdown. */
  async relayBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, queue, job_name, job_id, message_id, payload FROM outbox
          WHERE relayed_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [BATCH],
      );
      if (rows.length === 0) return 0;
      for (const queue of Object.keys(this.queues) as QueueName[]) {
        const jobs = rows.filter((row) => row.queue === queue);
        if (jobs.length === 0) continue;
        await this.queues[queue].addBulk(
          jobs.map((row) => ({
            name: row.job_name,
            data: row.payload,
            // The message id doubles as job id: a batch re-sent after a crash before commit is de-duplicated.
            opts: { ...DEFAULT_JOB_OPTIONS, jobId: row.job_id ?? row.message_id },
          })),
        );
      }
      await manager.query(`UPDATE outbox SET relayed_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const moved = await this.relayBatch();
        if (moved < BATCH) await sleep(IDLE_DELAY_MS);
      } catch (error) {
        this.logger.warn(`outbox relay paused: ${(error as Error).message}`);
        await sleep(ERROR_DELAY_MS);
      }
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
