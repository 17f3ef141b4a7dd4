import { type BudgetCheckV1, JobName } from '@gatehouse/jobs';
import { type JobHandler } from '../jobs/job-handler';
import { type BudgetAlerts, type BudgetCheckResult } from './budget-alerts';

/**
 * Tenants checked at once per process. A check is a few indexed reads and, rarely, one short transaction plus
 * webhook attempts bounded by their timeouts; a handful in parallel keeps one slow receiver from holding up the
 * other tenants' alerts.
 */
const BUDGET_CHECK_CONCURRENCY = 4;

/**
 * `alerts.budget-check` → the tenant's thresholds (see BudgetAlerts). Idempotent: a firing is recorded once per
 * period, so a job delivered twice, or two jobs for one tenant at once, alert once.
 */
export class BudgetCheckProcessor implements JobHandler<typeof JobName.BudgetCheck> {
  readonly jobName = JobName.BudgetCheck;
  readonly concurrency = BUDGET_CHECK_CONCURRENCY;

  constructor(
    private readonly alerts: BudgetAlerts,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async handle(payload: BudgetCheckV1): Promise<void> {
    await this.run(payload.tenantId);
  }

  run(tenantId: string, now: Date = this.clock()): Promise<BudgetCheckResult> {
    return this.alerts.check(tenantId, now);
  }
}
