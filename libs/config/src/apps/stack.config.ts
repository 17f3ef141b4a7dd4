import { z } from 'zod';
import { port } from '../fields';
import { infrastructureSection, infrastructureVariables } from './shared';

/** What `npm start` needs to bring the whole platform up: the shared infrastructure and every app's port. */
export const stackConfigSchema = z
  .object({
    ...infrastructureVariables,
    // People read `npm start`'s output at a terminal; set LOG_FORMAT=json to get machine logs instead.
    LOG_FORMAT: infrastructureVariables.LOG_FORMAT.removeDefault().default('pretty'),
    GATEWAY_PORT: port(8080),
    GATEWAY_METRICS_PORT: port(9464),
    ADMIN_PORT: port(3001),
    WORKER_PORT: port(3002),
    MOCK_PROVIDER_PORT: port(8090),
    PORTAL_PORT: port(3000),
    GATEHOUSE_ADMIN_PASSWORD: z.string().default('gatehouse-admin'),
  })
  .transform((env) => ({
    ...infrastructureSection(env),
    ports: {
      gateway: env.GATEWAY_PORT,
      gatewayMetrics: env.GATEWAY_METRICS_PORT,
      adminApi: env.ADMIN_PORT,
      worker: env.WORKER_PORT,
      mockProvider: env.MOCK_PROVIDER_PORT,
      portal: env.PORTAL_PORT,
    },
    adminPassword: env.GATEHOUSE_ADMIN_PASSWORD,
  }));

export type StackConfig = z.output<typeof stackConfigSchema>;
