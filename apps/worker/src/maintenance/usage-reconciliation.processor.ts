import { Logger } from '@nestjs/common';
import { type ReconciliationResult, type UsageMaintenanceRepository } from '@gatehouse/db';
import { JobName, type UsageReconciliationV1 } from '@gatehouse/jobs';
import { Gauge } from 'prom-client';
import { type JobHandler } from '../jobs/job-handler';
import { type RetentionOptions } from './usage-retention.processor';
import { nextUtcDayStart, utcDaysAgo, utcDayStart } from './utc-day';

export interface ReconciliationOptions {
  /** Hours back from now that a scheduled run checks (widened to whole UTC days). */
  windowHours: number;
  retention: RetentionOptions;
}

const HOUR_MS = 3_600_000;

const differencesGauge = new Gauge({
  name: 'gatehouse_usage_reconciliation_differences',
  help: 'Rollup buckets that differ from the raw usage rows they cover, at the last reconciliation (0 = proven equal).',
});
const lastRunGauge = new Gauge({
  name: 'gatehouse_usage_reconciliation_last_run_timestamp_seconds',
  help: 'When the last reconciliation of the usage rollups finished.',
});

/**
 * Proves the rollups equal the raw rows: every minute, hour and day bucket in the window against the sums of its
 * raw events. Any difference is logged as an error with the first buckets that differ, and counted in the
 * `gatehouse_usage_reconciliation_differences` gauge for alerting. It reports; it does not repair: a difference
 * means a bug or a manual edit, which a person should look at before anything is rewritten.
 */
export class UsageReconciliationProcessor implements JobHandler<typeof JobName.UsageReconciliation> {
  readonly jobName = JobName.UsageReconciliation;
  readonly concurrency = 1;
  private readonly logger = new Logger('UsageReconciliation');

  constructor(
    private readonly repository: Pick<UsageMaintenanceRepository, 'reconcile'>,
    private readonly options: ReconciliationOptions,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async handle(payload: UsageReconciliationV1): Promise<void> {
    await this.run(payload.from ? new Date(payload.from) : undefined, payload.to ? new Date(payload.to) : undefined);
  }

  /**
   * Reconciles `[from, to)`, widened to whole UTC days and narrowed to what retention keeps (raw events; minute
   * rollups from their own cutoff). Without bounds: the last `windowHours` up to the end of today.
   */
  async run(from?: Date, to?: Date, now: Date = this.clock()): Promise<ReconciliationResult> {
    const eventsKeptFrom = utcDaysAgo(now, this.options.retention.usageEventDays);
    const start = utcDayStart(from ?? new Date(now.getTime() - this.options.windowHours * HOUR_MS));
    const window = {
      from: start < eventsKeptFrom ? eventsKeptFrom : start,
      to: nextUtcDayStart(to ?? now),
      minuteFrom: utcDaysAgo(now, this.options.retention.minuteRollupDays),
    };
    const result = await this.repository.reconcile(window);
    differencesGauge.set(result.differenceCount);
    lastRunGauge.set(Date.now() / 1000);
    const summary = {
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      buckets: result.buckets,
      differences: result.differenceCount,
    };
    if (result.differenceCount > 0) {
      this.logger.error({ ...summary, first: result.differences }, 'usage rollups differ from the raw events');
    } else {
      this.logger.log(summary, 'usage rollups reconciled');
    }
    return result;
  }
}
