import { z } from 'zod';
import { port } from '../fields';
import { infrastructureSection, infrastructureVariables } from './shared';

const positiveInt = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const workerConfigSchema = z
  .object({
    ...infrastructureVariables,
    WORKER_HOST: z.string().default('0.0.0.0'),
    WORKER_PORT: port(3002),
    /** Usage events written per transaction: bigger batches write faster, and each holds more jobs in flight. */
    WORKER_USAGE_BATCH_SIZE: positiveInt(200, 5_000),
    /** The longest an event waits for its batch to fill before it is written anyway. */
    WORKER_USAGE_FLUSH_MS: positiveInt(500, 60_000),
    /** Batches in flight at once per worker process (each its own transaction). */
    WORKER_USAGE_CONCURRENCY: positiveInt(2, 64),
  })
  .transform((env) => ({
    ...infrastructureSection(env),
    http: { host: env.WORKER_HOST, port: env.WORKER_PORT },
    usage: {
      batchSize: env.WORKER_USAGE_BATCH_SIZE,
      flushMs: env.WORKER_USAGE_FLUSH_MS,
      concurrency: env.WORKER_USAGE_CONCURRENCY,
    },
  }));

export type WorkerConfig = z.output<typeof workerConfigSchema>;
