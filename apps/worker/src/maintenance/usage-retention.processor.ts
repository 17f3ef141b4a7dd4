import { Logger } from '@nestjs/common';
import { type DailyPartitions, type UsageMaintenanceRepository } from '@gatehouse/db';
import { MAX_BODY_RETENTION_DAYS } from '@gatehouse/domain';
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
  /** Stored call bodies deleted past their own expiry (their days' partitions go later, empty by then). */
  bodiesDeleted: number;
}

/**
 * Drops the daily partitions of raw usage events older than the retention period (whole UTC days: a day's raw rows
 * go all at once, so the reconciliation never sees a half-deleted day bucket), deletes the default partition's rows
 * as old, and deletes minute rollups older than theirs; hour and day rollups are kept, so reports over any past range
 * still work. The call log's stored bodies go once their own expiry (set by the policy's `logging.retentionDays` when
 * the call was made) has passed; their daily partitions, empty by then, are dropped past the longest retention a
 * policy can set.
 */
export class UsageRetentionProcessor implements JobHandler<typeof JobName.UsageRetention> {
  readonly jobName = JobName.UsageRetention;
  readonly concurrency = 1;
  private readonly logger = new Logger('UsageRetention');

  constructor(
    private readonly repository: Pick<UsageMaintenanceRepository, 'deleteMinuteRollupsBefore' | 'deleteExpiredBodies'>,
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
    const expiredBodies = await this.repository.deleteExpiredBodies(now);
    const oldBodies = await this.partitions.dropBefore('call_log_bodies', utcDaysAgo(now, MAX_BODY_RETENTION_DAYS));
    const bodiesDeleted = expiredBodies + oldBodies.defaultRowsDeleted;
    const result = {
      eventPartitionsDropped: events.dropped,
      eventsDeleted: events.defaultRowsDeleted,
      minuteRollupsDeleted,
      bodiesDeleted,
    };
    if (events.dropped.length > 0 || events.defaultRowsDeleted > 0 || minuteRollupsDeleted > 0 || bodiesDeleted > 0) {
      this.logger.log(result, 'usage retention');
    }
    return result;
  }
}
