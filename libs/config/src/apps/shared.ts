import { z } from 'zod';
import { logFormat, logLevel, nodeEnv, postgresUrl, redisUrl } from '../fields';

/** Variables every backend app reads: where Postgres and Redis are, and how loud to log. */
export const infrastructureVariables = {
  NODE_ENV: nodeEnv,
  LOG_LEVEL: logLevel,
  LOG_FORMAT: logFormat,
  DATABASE_URL: postgresUrl,
  DATABASE_READ_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// URL' }).optional(),
  REDIS_URL: redisUrl,
  /**
   * Prefix of every Redis key; tests give each suite its own. Brace-free: a tenant's keys carry their own hash tag,
   * which must be the key's first braces for Redis Cluster to spread tenants; BullMQ queues use `{<prefix>}`.
   */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(
      /^[A-Za-z0-9:_-]+$/,
      'may only contain letters, digits and : _ - (no braces: queues get {<prefix>} themselves)',
    )
    .default('gatehouse'),
};

type InfrastructureInput = z.output<z.ZodObject<typeof infrastructureVariables>>;

export function infrastructureSection(env: InfrastructureInput) {
  return {
    nodeEnv: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    database: { url: env.DATABASE_URL, readUrl: env.DATABASE_READ_URL ?? env.DATABASE_URL },
    redis: { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX },
  };
}

export type InfrastructureConfig = ReturnType<typeof infrastructureSection>;
