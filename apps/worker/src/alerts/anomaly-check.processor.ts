import { JobName } from '@gatehouse/jobs';
import { type JobHandler } from '../jobs/job-handler';
import { type AnomalyAlerts, type AnomalyCheckResult } from './anomaly-alerts';

/**
 * `alerts.anomaly-check` (scheduled) → every tenant's and the platform's anomalies (see AnomalyAlerts). One at a
 * time per process; idempotent across processes: an incident opens, and tells, once however many checks find it.
 */
export class AnomalyCheckProcessor implements JobHandler<typeof JobName.AnomalyCheck> {
  readonly jobName = JobName.AnomalyCheck;
  readonly concurrency = 1;

  constructor(
    private readonly alerts: AnomalyAlerts,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async handle(): Promise<void> {
    await this.run();
  }

  run(now: Date = this.clock()): Promise<AnomalyCheckResult> {
    return this.alerts.check(now);
  }
}
