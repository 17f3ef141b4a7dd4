import { Queue, type JobsOptions } from 'bullmq';
import { type Redis } from 'ioredis';
import { checkedSchema, type JobDefinition, jobDefinitions, type JobPayload } from './job-definitions';
import { type JobName, type QueueName } from './queues';

const DEFAULT_JOB_OPTIONS: JobsOptions = {
  removeOnComplete: 1_000,
  removeOnFail: 10_000,
  attempts: 10,
  backoff: { type: 'exponential', delay: 1_000 },
};

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
 * where it was made rather than in the worker; a job with an `envelope` (jobDefinitions) is checked against it
 * only. `prefix` is BullMQ's, hash-tagged (`queuePrefix` of @gatehouse/redis).
 */
export class JobProducer {
  private readonly queues = new Map<QueueName, Queue>();

  /**
   * @param onConnectionError hears the queues' connection errors (a Redis outage); without it they are ignored
   *   here, since every enqueue during the outage fails with its own error anyway.
   */
  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly onConnectionError: (error: Error) => void = () => undefined,
  ) {}

  async enqueue<Name extends JobName>(
    name: Name,
    payload: JobPayload<Name>,
    options: JobsOptions & { jobId?: string } = {},
  ): Promise<string> {
    const definition = jobDefinitions[name];
    const job = await this.queue(definition.queue).add(name, validated(name, payload), {
      ...jobOptions(name),
      ...options,
    });
    if (!job.id) throw new Error(`BullMQ returned no id for job ${name}`);
    return job.id;
  }

  /**
   * Enqueues many jobs of one kind in one round trip (one MULTI). `jobIdOf` gives each its id, so that
   * enqueueing the same payload again (a replay) is a no-op while the first job is still kept by BullMQ.
   * Every payload is validated first: one bad payload rejects the whole batch, before anything is sent.
   */
  async enqueueBulk<Name extends JobName>(
    name: Name,
    payloads: readonly JobPayload<Name>[],
    jobIdOf: (payload: JobPayload<Name>) => string,
  ): Promise<void> {
    if (payloads.length === 0) return;
    const jobs = payloads.map((payload) => ({
      name,
      data: validated(name, payload),
      opts: { ...jobOptions(name), jobId: jobIdOf(payload) },
    }));
    await this.queue(jobDefinitions[name].queue).addBulk(jobs);
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix });
      queue.on('error', this.onConnectionError);
      this.queues.set(name, queue);
    }
    return queue;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }
}

function jobOptions(name: JobName): JobsOptions {
  const definition: JobDefinition = jobDefinitions[name];
  return { ...DEFAULT_JOB_OPTIONS, ...definition.options };
}

function validated<Name extends JobName>(name: Name, payload: JobPayload<Name>): JobPayload<Name> {
  const parsed = checkedSchema(name).safeParse(payload);
  if (!parsed.success) {
    throw new InvalidJobPayloadError(
      name,
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`),
    );
  }
  return parsed.data as JobPayload<Name>;
}
