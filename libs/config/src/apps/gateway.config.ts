import { z } from 'zod';
import { port } from '../fields';
import { infrastructureSection, infrastructureVariables } from './shared';

export const gatewayConfigSchema = z
  .object({
    ...infrastructureVariables,
    GATEWAY_HOST: z.string().default('0.0.0.0'),
    GATEWAY_PORT: port(8080),
  })
  .transform((env) => ({
    ...infrastructureSection(env),
    http: { host: env.GATEWAY_HOST, port: env.GATEWAY_PORT },
  }));

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
