import { Logger } from '@nestjs/common';
import { type UsageIngestionRepository } from '@gatehouse/db';
import { JobName, type UsageRecordedV1 } from '@gatehouse/jobs';
import { JobBatcher } from '../jobs/job-batcher';
import { type JobHandler } from '../jobs/job-handler';

export interface UsageBatchOptions {
  batchSize: number;
  flushMs: number;
  /** Batches in flight at once. */
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

/**
 * `usage.recorded` → usage_events and rollups, in batches (see JobBatcher). Idempotent by request id: the
 * repository inserts each event once and rolls up only what it inserted.
 */
export class UsageRecordedProcessor implements JobHandler<typeof JobName.UsageRecorded> {
  readonly jobName = JobName.UsageRecorded;
  readonly concurrency: number;
  private readonly logger = new Logger('UsageRecordedProcessor');
  private readonly batcher: JobBatcher<UsageRecordedV1>;

  constructor(repository: UsageIngestionRepository, options: UsageBatchOptions, followUps: readonly UsageFollowUp[]) {
    this.concurrency = options.batchSize * options.concurrency;
    this.batcher = new JobBatcher(
      async (events) => {
        await repository.ingest(events.map((event) => ({ ...event, occurredAt: new Date(event.occurredAt) })));
        await Promise.all(followUps.map((followUp) => this.follow(followUp, events)));
      },
      options.batchSize,
      options.flushMs,
    );
  }

  handle(payload: UsageRecordedV1): Promise<void> {
    return this.batcher.add(payload);
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
