import { Logger } from '@nestjs/common';
import { type UsageMaintenanceRepository } from '@gatehouse/db';
import { JobName } from '@gatehouse/jobs';
import { type JobHandler } from '../jobs/job-handler';
import { utcDaysAgo } from './utc-day';

export interface RetentionOptions {
  usageEventDays: number;
  minuteRollupDays: number;
}

export interface RetentionResult {
  eventsDeleted: number;
  minuteRollupsDeleted: number;
  bodiesDeleted: number;
}

/**
 * Deletes raw usage events older than the retention period, and minute rollups older than theirs; hour and day
 * rollups are kept, so reports over any past range still work. Cutoffs are UTC day starts, so a day's raw rows go
 * all at once and the reconciliation never sees a half-deleted day bucket. The call log's stored bodies go once their
 * own expiry (set by the policy's `logging.retentionDays` when the call was made) has passed.
 */
export class UsageRetentionProcessor implements JobHandler<typeof JobName.UsageRetention> {
  readonly jobName = JobName.UsageRetention;
  readonly concurrency = 1;
  private readonly logger = new Logger('UsageRetention');

  constructor(
    private readonly repository: Pick<
      UsageMaintenanceRepository,
      'deleteEventsBefore' | 'deleteMinuteRollupsBefore' | 'deleteExpiredBodies'
    >,
    private readonly options: RetentionOptions,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async handle(): Promise<void> {
    await this.run();
  }

  async run(now: Date = this.clock()): Promise<RetentionResult> {
    const eventsDeleted = await this.repository.deleteEventsBefore(utcDaysAgo(now, this.options.usageEventDays));
    const minuteRollupsDeleted = await this.repository.deleteMinuteRollupsBefore(
      utcDaysAgo(now, this.options.minuteRollupDays),
    );
    const bodiesDeleted = await this.repository.deleteExpiredBodies(now);
    if (eventsDeleted > 0 || minuteRollupsDeleted > 0 || bodiesDeleted > 0) {
      this.logger.log({ eventsDeleted, minuteRollupsDeleted, bodiesDeleted }, 'usage retention');
    }
    return { eventsDeleted, minuteRollupsDeleted, bodiesDeleted };
  }
}
