import { type OnModuleDestroy } from '@nestjs/common';
import { type JobProducer, QueueName } from '@gatehouse/jobs';
import { Gauge, register, type Registry } from 'prom-client';

/** The job states a backlog shows in. */
const STATES = ['waiting', 'active', 'delayed'] as const;

const QUEUE_JOBS = 'gatehouse_queue_jobs';
const INGESTION_LAG = 'gatehouse_usage_ingestion_lag_seconds';

/**
 * The queues' backlog on the worker's `/metrics`: job counts per queue and state, and the usage ingestion lag (now
 * minus the oldest waiting usage job's creation). Read from Redis when scraped, never on a timer: a scrape costs
 * one count and one range read per queue.
 */
export class QueueMetrics implements OnModuleDestroy {
  private readonly gauges: ReadonlyMap<string, Gauge>;

  constructor(
    private readonly producer: JobProducer,
    private readonly clock: () => number = Date.now,
    private readonly registry: Registry = register,
  ) {
    const jobs: Gauge = new Gauge({
      name: QUEUE_JOBS,
      help: 'Jobs in each queue, by state (waiting, active, delayed), at scrape time.',
      labelNames: ['queue', 'state'],
      registers: [],
      // While Redis is away the gauges keep their last values: the other metrics must still be served.
      collect: () => this.collectJobs(jobs).catch(() => undefined),
    });
    const lag: Gauge = new Gauge({
      name: INGESTION_LAG,
      help: 'How long the oldest waiting usage job has waited (0 when none waits): usage the worker has not ingested.',
      registers: [],
      collect: () =>
        this.ingestionLagSeconds().then(
          (seconds) => lag.set(seconds),
          () => undefined,
        ),
    });
    this.gauges = new Map([
      [QUEUE_JOBS, jobs],
      [INGESTION_LAG, lag],
    ]);
    // The registry is the process's: a worker app started again in the same process (tests) takes the names over.
    for (const [name, gauge] of this.gauges) {
      registry.removeSingleMetric(name);
      registry.registerMetric(gauge);
    }
  }

  private async collectJobs(gauge: Gauge): Promise<void> {
    for (const queue of Object.values(QueueName)) {
      const counts = await this.producer.queue(queue).getJobCounts(...STATES);
      for (const state of STATES) gauge.set({ queue, state }, counts[state] ?? 0);
    }
  }

  private async ingestionLagSeconds(): Promise<number> {
    const [oldest] = await this.producer.queue(QueueName.Usage).getJobs(['waiting'], 0, 0, true);
    if (oldest === undefined) return 0;
    return Math.max(0, this.clock() - oldest.timestamp) / 1000;
  }

  onModuleDestroy(): void {
    for (const [name, gauge] of this.gauges) {
      if (this.registry.getSingleMetric(name) === gauge) this.registry.removeSingleMetric(name);
    }
  }
}
