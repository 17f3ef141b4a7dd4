import { JobName, type ReceivedJobPayload, type UsageRecordedV1, usageRecordedV1Schema } from '@gatehouse/jobs';
import { UnrecoverableError } from 'bullmq';
import { type JobHandler } from '../jobs/job-handler';
import { type UsageIngestionService } from './usage-ingestion.service';

/** Malformed events named in a failed job's reason, at most (the job's data keeps them all). */
const PROBLEMS_SHOWN = 5;

/**
 * `usage.batch` → usage_events and rollups: the envelope was checked before (QueueWorkers); each event is checked
 * here on its own, since the queue is untrusted input. The well-formed events are ingested; if any was malformed,
 * the job then fails without retries (the same events would fail again), naming them: it stays in BullMQ's failed
 * set with its whole payload, where a fixed worker can retry it, and a retry counts the ingested events once.
 */
export class UsageBatchProcessor implements JobHandler<typeof JobName.UsageBatch> {
  readonly jobName = JobName.UsageBatch;
  readonly concurrency: number;

  constructor(private readonly ingestion: UsageIngestionService) {
    this.concurrency = ingestion.jobsInHand;
  }

  async handle(payload: ReceivedJobPayload<typeof JobName.UsageBatch>): Promise<void> {
    const events: UsageRecordedV1[] = [];
    const problems: string[] = [];
    payload.events.forEach((event, index) => {
      const parsed = usageRecordedV1Schema.safeParse(event);
      if (parsed.success) events.push(parsed.data);
      else problems.push(`events[${index}]: ${parsed.error.issues.map(describeIssue).join(', ')}`);
    });
    if (events.length > 0) await this.ingestion.ingest(events);
    if (problems.length > 0) {
      throw new UnrecoverableError(
        `${problems.length} of ${payload.events.length} usage events are malformed and were not ingested ` +
          `(the others were): ${problems.slice(0, PROBLEMS_SHOWN).join('; ')}` +
          (problems.length > PROBLEMS_SHOWN ? '; …' : ''),
      );
    }
  }
}

function describeIssue(issue: { path: PropertyKey[]; message: string }): string {
  return `${issue.path.map(String).join('.') || '(event)'} ${issue.message}`;
}
