import { JobsOptions } from 'bullmq';

/** Every queue, job name and payload in one place; the worker refuses to start if one has no handler. */
export const QUEUES = {
  OFFERS: 'offers',
  SCHEDULED: 'scheduled',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const JOBS = {
  /** Price and open offers for receivables of one program (all that lack one when ids are omitted). */
  GENERATE_OFFERS: 'offers.generate',
  /** Pricing or limits of a program changed: supersede its open offers and price them again. */
  REPRICE_PROGRAM: 'offers.reprice-program',
  /** Each program's end of day: expire stale offers, re-price those whose value date has moved. */
  DAILY_OFFERS: 'scheduled.daily-offers',
  /** Each program's end of day: mark financings overdue after maturity + grace and accrue penalty interest. */
  DAILY_FINANCING: 'scheduled.daily-financing',
  /** Daily: drop expired idempotency keys and outbox rows relayed long ago. */
  HOUSEKEEPING: 'scheduled.housekeeping',
} as const;
export type JobName = (typeof JOBS)[keyof typeof JOBS];

export interface GenerateOffersJob {
  programId: string;
  receivableIds?: string[];
}
export interface RepriceProgramJob {
  programId: string;
  pricingVersion: number;
}
export interface DailyJob {
  /**
   * The business date to run every program for (a backfill, a test); when omitted, each program
   * whose business day has ended runs for today in its own time zone.
   */
  businessDate?: string;
}

export interface JobPayloads {
  [JOBS.GENERATE_OFFERS]: GenerateOffersJob;
  [JOBS.REPRICE_PROGRAM]: RepriceProgramJob;
  [JOBS.DAILY_OFFERS]: DailyJob;
  [JOBS.DAILY_FINANCING]: DailyJob;
  [JOBS.HOUSEKEEPING]: DailyJob;
}

export const QUEUE_OF_JOB: Record<JobName, QueueName> = {
  [JOBS.GENERATE_OFFERS]: QUEUES.OFFERS,
  [JOBS.REPRICE_PROGRAM]: QUEUES.OFFERS,
  [JOBS.DAILY_OFFERS]: QUEUES.SCHEDULED,
  [JOBS.DAILY_FINANCING]: QUEUES.SCHEDULED,
  [JOBS.HOUSEKEEPING]: QUEUES.SCHEDULED,
};

/** At-least-once delivery with backoff; failed jobs are kept for inspection. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Daily schedules (UTC). Job schedulers are upserted, so several workers register them safely. */
export const DAILY_SCHEDULES: { job: JobName; pattern: string }[] = [{ job: JOBS.HOUSEKEEPING, pattern: '45 3 * * *' }];

/**
 * Jobs run at each program's local end of day. Programs live in many time zones, so the worker
 * ticks every END_OF_DAY_TICK_SECONDS and each run takes the programs whose local date has moved
 * past the last one recorded for them (end_of_day_runs): exactly once per program and local day.
 */
export const END_OF_DAY_JOBS: JobName[] = [JOBS.DAILY_OFFERS, JOBS.DAILY_FINANCING];
