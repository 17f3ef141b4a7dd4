import { JobName, type JobProducer, type UsageRecordedV1 } from '@gatehouse/jobs';
import { type UsageFollowUp } from './usage-ingestion.service';

/**
 * After a batch commits, asks for a budget check of each tenant in it. The check is delayed by the debounce
 * interval and deduplicated per tenant for as long (BullMQ throttle mode), so a busy tenant is checked about once
 * per interval however many batches it has; usage landing while a check runs enqueues the next one, since the
 * deduplication ends when the delayed check becomes due.
 */
export class BudgetCheckTrigger implements UsageFollowUp {
  readonly name = 'budget check';

  constructor(
    private readonly producer: Pick<JobProducer, 'enqueue'>,
    private readonly debounceMs: number,
  ) {}

  async afterBatch(events: readonly UsageRecordedV1[]): Promise<void> {
    const tenants = new Set(events.map((event) => event.tenantId));
    await Promise.all(
      [...tenants].map((tenantId) =>
        this.producer.enqueue(
          JobName.BudgetCheck,
          { version: 1, tenantId },
          { delay: this.debounceMs, deduplication: { id: `budget-check:${tenantId}`, ttl: this.debounceMs } },
        ),
      ),
    );
  }
}
