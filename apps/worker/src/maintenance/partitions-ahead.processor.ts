import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type DailyPartitions } from '@gatehouse/db';
import { JobName } from '@gatehouse/jobs';
import { Gauge } from 'prom-client';
import { type JobHandler } from '../jobs/job-handler';
import { utcDayStart } from './utc-day';

export interface PartitionsAheadOptions {
  /** Days after today whose partitions must exist. */
  aheadDays: number;
}

const DAY_MS = 86_400_000;

const daysAheadGauge = new Gauge({
  name: 'gatehouse_partitions_days_ahead',
  help: 'UTC days after today covered by daily partitions without a gap, per table (0: not tomorrow; -1: not today).',
  labelNames: ['table'],
});
const defaultRowsGauge = new Gauge({
  name: 'gatehouse_partitions_default_rows',
  help: 'Rows in the default partition of a daily-partitioned table: rows no daily partition covers.',
  labelNames: ['table'],
});

/**
 * Creates the daily partitions of today and the coming `aheadDays` days, at startup and on a schedule, so rows
 * land in their day's partition and not in the default one. Every replica may run it: it is idempotent, and
 * replicas running it at once queue on an advisory lock. A failure at startup is only logged: the schedule retries,
 * and the partitions made ahead (and the default partition) cover the wait.
 */
export class PartitionsAheadProcessor implements JobHandler<typeof JobName.PartitionsAhead>, OnApplicationBootstrap {
  readonly jobName = JobName.PartitionsAhead;
  readonly concurrency = 1;
  private readonly logger = new Logger('PartitionsAhead');

  constructor(
    private readonly partitions: Pick<DailyPartitions, 'ensureAhead' | 'status'>,
    private readonly options: PartitionsAheadOptions,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  onApplicationBootstrap(): void {
    this.run().catch((cause: unknown) =>
      this.logger.warn(
        `could not create the partitions ahead at startup: ${cause instanceof Error ? cause.message : String(cause)}`,
      ),
    );
  }

  async handle(): Promise<void> {
    await this.run();
  }

  async run(now: Date = this.clock()): Promise<string[]> {
    const created = await this.partitions.ensureAhead(now, this.options.aheadDays);
    if (created.length > 0) this.logger.log({ created }, 'daily partitions created');
    const today = utcDayStart(now).getTime();
    for (const status of await this.partitions.status()) {
      const days = new Set(status.partitions.map((partition) => partition.day.getTime()));
      let ahead = 0;
      while (days.has(today + (ahead + 1) * DAY_MS)) ahead += 1;
      daysAheadGauge.set({ table: status.table }, days.has(today) ? ahead : -1);
      defaultRowsGauge.set({ table: status.table }, status.defaultRows);
    }
    return created;
  }
}
