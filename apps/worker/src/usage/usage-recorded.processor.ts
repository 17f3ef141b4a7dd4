import { JobName, type UsageRecordedV1 } from '@gatehouse/jobs';
import { type JobHandler } from '../jobs/job-handler';
import { type UsageIngestionService } from './usage-ingestion.service';

/**
 * `usage.recorded`: one request's event, a job of its own, as gateways of the previous version sent them (those
 * still in queues after an upgrade, or sent during a rolling one). Written in the same batches as `usage.batch`.
 */
export class UsageRecordedProcessor implements JobHandler<typeof JobName.UsageRecorded> {
  readonly jobName = JobName.UsageRecorded;
  /** None of its own: its jobs take the usage queue's slots, which UsageBatchProcessor sizes for both. */
  readonly concurrency = 0;

  constructor(private readonly ingestion: UsageIngestionService) {}

  handle(payload: UsageRecordedV1): Promise<void> {
    return this.ingestion.ingest([payload]);
  }
}
