import { Logger } from '@nestjs/common';
import { type DailyPartitions, type UsageMaintenanceRepository } from '@gatehouse/db';
import { JobName } from '@gatehouse/jobs';
import { type JobHandler } from '../jobs/job-handler';
import { utcDaysAgo } from './utc-day';

export interface RetentionOptions {
  usageEventDays: number;
  minuteRollupDays: number;
}

export interface RetentionResult {
  /** Daily partitions of usage_events dropped, oldest first. */
  eventPartitionsDropped: string[];
  /** Rows of usage_events' default partition deleted (events no daily partition covered). */
  eventsDeleted: number;
  minuteRollupsDeleted: number;
}

/**
 * Drops the daily partitions of raw usage events older than the retention period (whole UTC days: a day's raw rows
 * go all at once, so the reconciliation never sees a half-deleted day bucket), deletes the default partition's rows
 * as old, and deletes minute rollups older than theirs; hour and day rollups are kept, so reports over any past range
 * still work.
 */
export class UsageRetentionProcessor implements JobHandler<typeof JobName.UsageRetention> {
  readonly jobName = JobName.UsageRetention;
  readonly concurrency = 1;
  private readonly logger = new Logger('UsageRetention');

  constructor(
    private readonly repository: Pick<UsageMaintenanceRepository, 'deleteMinuteRollupsBefore'>,
    private readonly partitions: Pick<DailyPartitions, 'dropBefore'>,
    private readonly options: RetentionOptions,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async handle(): Promise<void> {
    await this.run();
  }

  async run(now: Date = this.clock()): Promise<RetentionResult> {
    const events = await this.partitions.dropBefore('usage_events', utcDaysAgo(now, this.options.usageEventDays));
    const minuteRollupsDeleted = await this.repository.deleteMinuteRollupsBefore(
      utcDaysAgo(now, this.options.minuteRollupDays),
    );
    const result = {
      eventPartitionsDropped: events.dropped,
      eventsDeleted: events.defaultRowsDeleted,
      minuteRollupsDeleted,
    };
    if (events.dropped.length > 0 || events.defaultRowsDeleted > 0 || minuteRollupsDeleted > 0) {
      this.logger.log(result, 'usage retention');
    }
    return result;
  }
}
