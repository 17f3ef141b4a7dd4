import { JobName } from '@gatehouse/jobs';
import { type JobHandler } from '../jobs/job-handler';
import { type BudgetAlerts } from './budget-alerts';

/**
 * `alerts.webhook-retry` (scheduled) → attempts the webhook deliveries whose next attempt is due, with the
 * backoff of @gatehouse/webhooks. One at a time per process: each delivery is claimed atomically, so processes
 * running it at once never send one twice, and one run's batch stays small.
 */
export class WebhookRetryProcessor implements JobHandler<typeof JobName.WebhookRetry> {
  readonly jobName = JobName.WebhookRetry;
  readonly concurrency = 1;

  constructor(
    private readonly alerts: Pick<BudgetAlerts, 'retryDueWebhooks'>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async handle(): Promise<void> {
    await this.run();
  }

  /** Resolves with how many deliveries were attempted. */
  run(now: Date = this.clock()): Promise<number> {
    return this.alerts.retryDueWebhooks(now);
  }
}
