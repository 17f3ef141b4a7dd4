import { z } from 'zod';
import { port, trustedProxies } from '../fields';

export const portalConfigSchema = z
  .object({
    PORTAL_HOST: z.string().default('0.0.0.0'),
    PORTAL_PORT: port(3000),
    ADMIN_API_URL: z.url().default('http://127.0.0.1:3001'),
    GATEWAY_PUBLIC_URL: z.url().default('http://localhost:8080'),
    // Browsers reach the portal directly unless a load balancer in front of it is configured here.
    PORTAL_TRUSTED_PROXIES: trustedProxies(''),
  })
  .transform((env) => ({
    host: env.PORTAL_HOST,
    port: env.PORTAL_PORT,
    adminApiUrl: env.ADMIN_API_URL,
    gatewayPublicUrl: env.GATEWAY_PUBLIC_URL,
    trustedProxies: env.PORTAL_TRUSTED_PROXIES,
  }));

export type PortalConfig = z.output<typeof portalConfigSchema>;
