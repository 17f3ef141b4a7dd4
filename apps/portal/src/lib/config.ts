import { loadConfig, portalConfigSchema, type PortalConfig } from '@gatehouse/config';

let config: PortalConfig | undefined;

/**
 * The portal's validated configuration, read once per server process. Server code only: it reads the
 * environment, and ADMIN_API_URL is an internal address the browser has no use for.
 */
export function portalConfig(): PortalConfig {
  config ??= loadConfig('portal', portalConfigSchema);
  return config;
}
