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
  /** Prefix of every Redis key and BullMQ queue; tests give each suite its own. Hash-tagged for Redis Cluster. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:{}_-]+$/, 'may only contain letters, digits and : { } _ -')
    .default('{gatehouse}'),
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
