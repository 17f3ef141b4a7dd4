import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  checkedSchema,
  jobDefinitions,
  type JobName,
  type JobProducer,
  type QueueName,
  type ReceivedJobPayload,
} from '@gatehouse/jobs';
import { createRedisClient } from '@gatehouse/redis';
import { UnrecoverableError, Worker } from 'bullmq';
import { type Redis } from 'ioredis';
import { handlersByJobName, type JobHandler } from './job-handler';

export interface QueueWorkersOptions {
  redisUrl: string;
  /** The deployment's key prefix: the one JobProducer enqueues under. */
  prefix: string;
  /** The queues this process consumes (and whose scheduled jobs it keeps scheduled). */
  queues: readonly QueueName[];
  /** A job whose lock is not renewed for this long (its process died) is delivered again. */
  lockMs: number;
  /** Interval of each scheduled job (`scheduled: true` in libs/jobs). */
  schedules: Readonly<Partial<Record<JobName, number>>>;
}

/**
 * A stalled job (its process died holding it) goes back to the queue this many times before BullMQ fails it.
 * BullMQ's default, 1, would fail a usage event whose worker crashed twice while holding it: a lost event. Ten
 * crashes in a row is a poison job, and it stays in the failed set, not deleted.
 */
const MAX_STALLED_COUNT = 10;

const SCHEDULE_RETRY_MS = 5_000;

/**
 * One BullMQ Worker per consumed queue, dispatching each job to its handler by name. Built at boot only if every
 * job has exactly one handler (handlersByJobName throws otherwise) and every scheduled job an interval. The Workers
 * have their own Redis connection with `maxRetriesPerRequest: null`, as BullMQ's blocking commands require, apart
 * from the app's request client. Several processes may consume the same queues: BullMQ hands each job to one.
 */
export class QueueWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('QueueWorkers');
  private readonly handlers: Map<JobName, JobHandler>;
  private readonly workers: Worker[] = [];
  private connection: Redis | undefined;
  private closing = false;
  private scheduleRetry: NodeJS.Timeout | undefined;

  constructor(
    handlers: readonly JobHandler[],
    private readonly producer: JobProducer,
    private readonly options: QueueWorkersOptions,
  ) {
    this.handlers = handlersByJobName(handlers);
    const unscheduled = scheduledJobs().filter((name) => options.schedules[name] === undefined);
    if (unscheduled.length > 0) {
      throw new Error(`The worker cannot start: no interval for the scheduled job(s) ${unscheduled.join(', ')}`);
    }
  }

  onApplicationBootstrap(): void {
    this.connection = createRedisClient(this.options.redisUrl, {
      connectionName: 'worker-bullmq',
      maxRetriesPerRequest: null,
    });
    // Outages are reported by /healthz; ioredis reconnects by itself.
    this.connection.on('error', () => undefined);
    for (const queue of new Set(this.options.queues)) {
      const handlers = [...this.handlers.values()].filter((handler) => jobDefinitions[handler.jobName].queue === queue);
      const worker = new Worker(queue, (job) => this.process(job.name, job.data), {
        connection: this.connection,
        prefix: this.options.prefix,
        concurrency: handlers.reduce((sum, handler) => sum + handler.concurrency, 0),
        lockDuration: this.options.lockMs,
        stalledInterval: this.options.lockMs,
        maxStalledCount: MAX_STALLED_COUNT,
      });
      worker.on('error', (error) => this.logger.warn(`queue ${queue}: ${error.message}`));
      worker.on('failed', (job, error) => this.logger.warn(`job ${job?.name} ${job?.id} failed: ${error.message}`));
      this.workers.push(worker);
    }
    // In the background: boot must not wait for Redis (the app starts through an outage and says so on /healthz).
    void this.scheduleUntilDone();
  }

  /** Waits for the jobs in hand (their batches are written) before the database closes. */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    clearTimeout(this.scheduleRetry);
    // Without Redis no job can be in hand, and a graceful close would wait for Redis forever.
    const redisUp = this.connection?.status === 'ready';
    if (!redisUp) this.connection?.disconnect();
    await Promise.all(this.workers.splice(0).map((worker) => worker.close(!redisUp)));
    this.connection?.disconnect();
  }

  /**
   * Keeps each scheduled job of the consumed queues on its interval. Upserting is idempotent: every process that
   * consumes a queue does it at boot, and BullMQ keeps one schedule per job (the last interval written wins).
   * Retried every few seconds until it succeeds, so a worker started during a Redis outage schedules them when
   * Redis returns.
   */
  private async scheduleUntilDone(): Promise<void> {
    const due = scheduledJobs().filter((name) => this.options.queues.includes(jobDefinitions[name].queue));
    while (due.length > 0 && !this.closing) {
      const name = due[0];
      if (name === undefined) break;
      try {
        await this.producer
          .queue(jobDefinitions[name].queue)
          .upsertJobScheduler(
            name,
            { every: this.options.schedules[name] ?? 0 },
            { name, data: { version: 1 }, opts: { removeOnComplete: 100, removeOnFail: 1_000 } },
          );
        due.shift();
      } catch (cause) {
        this.logger.warn(
          `could not schedule ${name}, retrying: ${cause instanceof Error ? cause.message : String(cause)}`,
        );
        await new Promise<void>((resolve) => {
          this.scheduleRetry = setTimeout(resolve, SCHEDULE_RETRY_MS);
          this.scheduleRetry.unref();
        });
      }
    }
  }

  private async process(name: string, data: unknown): Promise<void> {
    const handler = this.handlers.get(name as JobName);
    if (!handler) throw new UnrecoverableError(`no handler for job ${name}`);
    const parsed = checkedSchema(handler.jobName).safeParse(data);
    // A malformed payload fails the same way on every attempt: retrying it would only delay the dead letter.
    if (!parsed.success) throw new UnrecoverableError(`invalid ${name} payload: ${parsed.error.message}`);
    await handler.handle(parsed.data as ReceivedJobPayload<JobName>);
  }
}

function scheduledJobs(): JobName[] {
  return (Object.keys(jobDefinitions) as JobName[]).filter((name) => jobDefinitions[name].scheduled);
}
