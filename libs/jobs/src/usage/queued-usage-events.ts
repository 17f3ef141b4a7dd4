import { type JobType, type Queue } from 'bullmq';
import { JobName } from '../queues';
import { type UsageRecordedV1 } from './usage-recorded.job';

export interface QueuedUsageEvent {
  /** As stored in Redis, unchecked (the worker checks each event when it ingests it). */
  event: UsageRecordedV1;
  /** The job that carries it: its batch id, or the request id of a previous version's single job. */
  jobId: string;
  jobName: string;
}

const EVERY_STATE: JobType[] = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'];

/**
 * The usage events held by the usage queue's jobs in `states`, whatever the job's version (`usage.batch`, or the
 * previous version's `usage.recorded`): for tests and tools that look into the queue. Completed jobs are there
 * only as long as BullMQ keeps them (jobDefinitions).
 */
export async function queuedUsageEvents(queue: Queue, states: JobType[] = EVERY_STATE): Promise<QueuedUsageEvent[]> {
  const found: QueuedUsageEvent[] = [];
  for (const job of await queue.getJobs(states)) {
    const jobId = job.id ?? '';
    if (job.name === JobName.UsageBatch) {
      const { events } = job.data as { events: UsageRecordedV1[] };
      for (const event of events) found.push({ event, jobId, jobName: job.name });
    } else if (job.name === JobName.UsageRecorded) {
      found.push({ event: job.data as UsageRecordedV1, jobId, jobName: job.name });
    }
  }
  return found;
}
