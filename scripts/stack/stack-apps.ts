/** Ports of one running stack. `npm start` uses the documented defaults; the e2e tier uses its own. */
export interface StackPorts {
  gateway: number;
  adminApi: number;
  worker: number;
  mockProvider: number;
  portal: number;
}

export const defaultPorts: StackPorts = {
  gateway: 8080,
  adminApi: 3001,
  worker: 3002,
  mockProvider: 8090,
  portal: 3000,
};

export interface StackEnvironment {
  databaseUrl: string;
  redisUrl: string;
  redisKeyPrefix: string;
  logLevel: string;
  logFormat: 'json' | 'pretty';
  /** Extra variables for admin-api, e.g. the e2e tier's OIDC_* settings for its local OpenID Connect provider. */
  adminApiEnv?: Record<string, string>;
}

export interface StackApp {
  name: 'gateway' | 'admin-api' | 'worker' | 'mock-provider' | 'portal' | 'oidc-provider';
  command: string;
  env: Record<string, string>;
  /** Answers 200 once the app is ready to serve. */
  readyUrl: string;
  /** What to show a person in the start banner. */
  publicUrl: string;
}

/** The five apps of the platform, built into `dist/` (and `apps/portal/.next`) beforehand. */
export function stackApps(ports: StackPorts, environment: StackEnvironment): StackApp[] {
  const local = (port: number) => `http://127.0.0.1:${port}`;
  const shared = {
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    LOG_LEVEL: environment.logLevel,
    LOG_FORMAT: environment.logFormat,
    DATABASE_URL: environment.databaseUrl,
    REDIS_URL: environment.redisUrl,
    REDIS_KEY_PREFIX: environment.redisKeyPrefix,
  };
  return [
    {
      name: 'mock-provider',
      command: 'node dist/apps/mock-provider/src/main.js',
      env: {
        LOG_LEVEL: environment.logLevel,
        LOG_FORMAT: environment.logFormat,
        MOCK_PROVIDER_PORT: String(ports.mockProvider),
      },
      readyUrl: `${local(ports.mockProvider)}/healthz`,
      publicUrl: `http://localhost:${ports.mockProvider}/v1`,
    },
    {
      name: 'gateway',
      command: 'node dist/apps/gateway/src/main.js',
      env: { ...shared, GATEWAY_PORT: String(ports.gateway) },
      readyUrl: `${local(ports.gateway)}/healthz`,
      publicUrl: `http://localhost:${ports.gateway}/v1`,
    },
    {
      name: 'admin-api',
      command: 'node dist/apps/admin-api/src/main.js',
      env: {
        ...shared,
        ADMIN_PORT: String(ports.adminApi),
        PORTAL_URL: `http://localhost:${ports.portal}`,
        ...environment.adminApiEnv,
      },
      readyUrl: `${local(ports.adminApi)}/healthz`,
      publicUrl: `http://localhost:${ports.adminApi}/api/docs`,
    },
    {
      name: 'worker',
      command: 'node dist/apps/worker/src/main.js',
      env: { ...shared, WORKER_PORT: String(ports.worker) },
      readyUrl: `${local(ports.worker)}/healthz`,
      publicUrl: `http://localhost:${ports.worker}/healthz`,
    },
    {
      name: 'portal',
      command: `next start apps/portal --port ${ports.portal}`,
      env: {
        NEXT_TELEMETRY_DISABLED: '1',
        PORTAL_PORT: String(ports.portal),
        ADMIN_API_URL: local(ports.adminApi),
        GATEWAY_PUBLIC_URL: `http://localhost:${ports.gateway}`,
      },
      readyUrl: `${local(ports.portal)}/`,
      publicUrl: `http://localhost:${ports.portal}`,
    },
  ];
}
