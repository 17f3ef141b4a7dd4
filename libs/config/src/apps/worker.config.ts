import { z } from 'zod';
import { port } from '../fields';
import { infrastructureSection, infrastructureVariables } from './shared';

export const workerConfigSchema = z
  .object({
    ...infrastructureVariables,
    WORKER_HOST: z.string().default('0.0.0.0'),
    WORKER_PORT: port(3002),
  })
  .transform((env) => ({
    ...infrastructureSection(env),
    http: { host: env.WORKER_HOST, port: env.WORKER_PORT },
  }));

export type WorkerConfig = z.output<typeof workerConfigSchema>;
