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
 * `usage.recorded` → usage_events and rollups, in batches (see JobBatcher). Idempotent by request id: the
 * repository inserts each event once and rolls up only what it inserted.
 */
export class UsageRecordedProcessor implements JobHandler<typeof JobName.UsageRecorded> {
  readonly jobName = JobName.UsageRecorded;
  readonly concurrency: number;
  private readonly batcher: JobBatcher<UsageRecordedV1>;

  constructor(repository: UsageIngestionRepository, options: UsageBatchOptions) {
    this.concurrency = options.batchSize * options.concurrency;
    this.batcher = new JobBatcher(
      async (events) => {
        await repository.ingest(events.map((event) => ({ ...event, occurredAt: new Date(event.occurredAt) })));
      },
      options.batchSize,
      options.flushMs,
    );
  }

  handle(payload: UsageRecordedV1): Promise<void> {
    return this.batcher.add(payload);
  }
}
