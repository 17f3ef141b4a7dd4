import { Logger } from '@nestjs/common';
import { type UsageIngestionRepository } from '@gatehouse/db';
import { type UsageRecordedV1 } from '@gatehouse/jobs';
import { JobBatcher } from '../jobs/job-batcher';

export interface UsageBatchOptions {
  /** Events per write (one SQL statement, one transaction), at least: jobs are never split. */
  batchSize: number;
  flushMs: number;
  /** Writes in flight at once. */
  concurrency: number;
}

/**
 * What else follows from usage once its batch is committed (budget checks, keys' last use). A follow-up's failure
 * is logged and does not fail the batch: the events are already counted, and redelivering them would change
 * nothing but delay their jobs.
 */
export interface UsageFollowUp {
  readonly name: string;
  afterBatch(events: readonly UsageRecordedV1[]): Promise<void> | void;
}

/** Events in a full gateway batch at its default size (GATEWAY_USAGE_BATCH_SIZE): a `usage.batch` under load. */
const TYPICAL_JOB_EVENTS = 200;
/**
 * Jobs per write, at least: enough that the previous version's single-event jobs, still ingested during an upgrade,
 * make writes of tens of events rather than one each.
 */
const MIN_JOBS_PER_WRITE = 16;

/**
 * Jobs per write and jobs one process holds at once (the usage queue's BullMQ concurrency): a write's worth for each
 * write in flight and one more filling. With full gateway batches of 200 and the defaults, 48 jobs, about 10,000
 * events.
 */
export function usageJobLimits(options: Pick<UsageBatchOptions, 'batchSize' | 'concurrency'>): {
  jobsPerWrite: number;
  jobsInHand: number;
} {
  const jobsPerWrite = Math.max(MIN_JOBS_PER_WRITE, Math.ceil(options.batchSize / TYPICAL_JOB_EVENTS));
  return { jobsPerWrite, jobsInHand: (options.concurrency + 1) * jobsPerWrite };
}

/**
 * Writes the events of the usage queue's jobs, of both versions, in shared batches: one SQL statement per write
 * (UsageIngestionRepository: idempotent by request id, it inserts each event once and rolls up only what it
 * inserted), then the follow-ups. Several `usage.batch` jobs share a write when the worker's batch is larger than
 * theirs; one larger than the worker's batch is written alone, whole.
 */
export class UsageIngestionService {
  /** Jobs one process holds at once (usageJobLimits). */
  readonly jobsInHand: number;
  private readonly logger = new Logger('UsageIngestion');
  private readonly batcher: JobBatcher<UsageRecordedV1>;

  constructor(
    private readonly repository: UsageIngestionRepository,
    options: UsageBatchOptions,
    private readonly followUps: readonly UsageFollowUp[],
  ) {
    const { jobsPerWrite, jobsInHand } = usageJobLimits(options);
    this.jobsInHand = jobsInHand;
    this.batcher = new JobBatcher((events) => this.write(events), {
      maxItems: options.batchSize,
      maxJobs: jobsPerWrite,
      maxWrites: options.concurrency,
      maxWaitMs: options.flushMs,
    });
  }

  /** Resolves once the events are committed, with those of the other jobs of their write. */
  ingest(events: readonly UsageRecordedV1[]): Promise<void> {
    return this.batcher.add(events);
  }

  private async write(events: UsageRecordedV1[]): Promise<void> {
    await this.repository.ingest(events.map((event) => ({ ...event, occurredAt: new Date(event.occurredAt) })));
    await Promise.all(this.followUps.map((followUp) => this.follow(followUp, events)));
  }

  private async follow(followUp: UsageFollowUp, events: readonly UsageRecordedV1[]): Promise<void> {
    try {
      await followUp.afterBatch(events);
    } catch (cause) {
      this.logger.warn(
        `${followUp.name} after a usage batch: ${cause instanceof Error ? cause.message : String(cause)}`,
      );
    }
  }
}
