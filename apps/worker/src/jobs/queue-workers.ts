import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { jobDefinitions, type JobName, type QueueName } from '@gatehouse/jobs';
import { createRedisClient } from '@gatehouse/redis';
import { UnrecoverableError, Worker } from 'bullmq';
import { type Redis } from 'ioredis';
import { handlersByJobName, type JobHandler } from './job-handler';

export interface QueueWorkersOptions {
  redisUrl: string;
  /** The deployment's key prefix: the one JobProducer enqueues under. */
  prefix: string;
}

/**
 * One BullMQ Worker per queue, dispatching each job to its handler by name. Built at boot only if every job has
 * exactly one handler (handlersByJobName throws otherwise). The Workers have their own Redis connection with
 * `maxRetriesPerRequest: null`, as BullMQ's blocking commands require, apart from the app's request client.
 */
export class QueueWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('QueueWorkers');
  private readonly handlers: Map<JobName, JobHandler>;
  private readonly workers: Worker[] = [];
  private connection: Redis | undefined;

  constructor(
    handlers: readonly JobHandler[],
    private readonly options: QueueWorkersOptions,
  ) {
    this.handlers = handlersByJobName(handlers);
  }

  onApplicationBootstrap(): void {
    this.connection = createRedisClient(this.options.redisUrl, {
      connectionName: 'worker-bullmq',
      maxRetriesPerRequest: null,
    });
    // Outages are reported by /healthz; ioredis reconnects by itself.
    this.connection.on('error', () => undefined);
    const queues = new Set<QueueName>(Object.values(jobDefinitions).map((definition) => definition.queue));
    for (const queue of queues) {
      const handlers = [...this.handlers.values()].filter((handler) => jobDefinitions[handler.jobName].queue === queue);
      const worker = new Worker(queue, (job) => this.process(job.name, job.data), {
        connection: this.connection,
        prefix: this.options.prefix,
        concurrency: handlers.reduce((sum, handler) => sum + handler.concurrency, 0),
      });
      worker.on('error', (error) => this.logger.warn(`queue ${queue}: ${error.message}`));
      worker.on('failed', (job, error) => this.logger.warn(`job ${job?.name} ${job?.id} failed: ${error.message}`));
      this.workers.push(worker);
    }
  }

  /** Waits for the jobs in hand (their batches are written) before the database closes. */
  async onModuleDestroy(): Promise<void> {
    // Without Redis no job can be in hand, and a graceful close would wait for Redis forever.
    const redisUp = this.connection?.status === 'ready';
    if (!redisUp) this.connection?.disconnect();
    await Promise.all(this.workers.splice(0).map((worker) => worker.close(!redisUp)));
    this.connection?.disconnect();
  }

  private async process(name: string, data: unknown): Promise<void> {
    const handler = this.handlers.get(name as JobName);
    if (!handler) throw new UnrecoverableError(`no handler for job ${name}`);
    const parsed = jobDefinitions[handler.jobName].schema.safeParse(data);
    // A malformed payload fails the same way on every attempt: retrying it would only delay the dead letter.
    if (!parsed.success) throw new UnrecoverableError(`invalid ${name} payload: ${parsed.error.message}`);
    await handler.handle(parsed.data);
  }
}
