import { z } from 'zod';
import { port } from '../fields';

export const portalConfigSchema = z
  .object({
    PORTAL_PORT: port(3000),
    ADMIN_API_URL: z.url().default('http://127.0.0.1:3001'),
    GATEWAY_PUBLIC_URL: z.url().default('http://localhost:8080'),
  })
  .transform((env) => ({
    port: env.PORTAL_PORT,
    adminApiUrl: env.ADMIN_API_URL,
    gatewayPublicUrl: env.GATEWAY_PUBLIC_URL,
  }));

export type PortalConfig = z.output<typeof portalConfigSchema>;
