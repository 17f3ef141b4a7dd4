import { Queue, type JobsOptions } from 'bullmq';
import { type Redis } from 'ioredis';
import { jobDefinitions, type JobPayload } from './job-definitions';
import { type JobName, type QueueName } from './queues';

export class InvalidJobPayloadError extends Error {
  constructor(
    readonly jobName: JobName,
    readonly problems: string[],
  ) {
    super(`Invalid payload for job ${jobName}: ${problems.join('; ')}`);
    this.name = 'InvalidJobPayloadError';
  }
}

/**
 * Enqueues typed jobs. Payloads are validated before they leave the process, so a malformed job fails
 * where it was made rather than in the worker. Queue names carry the deployment's hash-tagged prefix.
 */
export class JobProducer {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
  ) {}

  async enqueue<Name extends JobName>(
    name: Name,
    payload: JobPayload<Name>,
    options: JobsOptions & { jobId?: string } = {},
  ): Promise<string> {
    const definition = jobDefinitions[name];
    const parsed = definition.schema.safeParse(payload);
    if (!parsed.success) {
      throw new InvalidJobPayloadError(
        name,
        parsed.error.issues.map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`),
      );
    }
    const job = await this.queue(definition.queue).add(name, parsed.data, {
      removeOnComplete: 1_000,
      removeOnFail: 10_000,
      attempts: 10,
      backoff: { type: 'exponential', delay: 1_000 },
      ...options,
    });
    if (!job.id) throw new Error(`BullMQ returned no id for job ${name}`);
    return job.id;
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }
}
