/** Ports of one running stack. `npm start` uses the documented defaults; the e2e tier uses its own. */
export interface StackPorts {
  gateway: number;
  /** The gateway's Prometheus endpoint, its own listener (GATEWAY_METRICS_PORT). */
  gatewayMetrics: number;
  adminApi: number;
  worker: number;
  mockProvider: number;
  portal: number;
}

export const defaultPorts: StackPorts = {
  gateway: 8080,
  gatewayMetrics: 9464,
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
  /** Extra variables for the gateway, e.g. the e2e tier's GUARDRAIL_ALLOW_LOOPBACK for its local guardrail service. */
  gatewayEnv?: Record<string, string>;
  /** Extra variables for the worker, e.g. the e2e tier's shorter ANOMALY_CHECK_INTERVAL_MS. */
  workerEnv?: Record<string, string>;
}

export interface StackApp {
  /** `gateway-<n>`: a further instance of the gateway, e.g. the e2e tier's second one. */
  name: 'gateway' | `gateway-${number}` | 'admin-api' | 'worker' | 'mock-provider' | 'portal' | 'oidc-provider';
  command: string;
  env: Record<string, string>;
  /** Answers 200 once the app is ready to serve. */
  readyUrl: string;
  /** What to show a person in the start banner. */
  publicUrl: string;
}

/**
 * `npm start` and the e2e tier are for local scripting and tests, which sign up, create keys and invite from one
 * address by the hundred: their admin-api gets creation throttles far above the production defaults (unless the
 * environment sets them).
 */
export const LOCAL_CREATION_LIMITS: Record<string, string> = Object.fromEntries(
  [
    'THROTTLE_SIGNUPS_PER_IP',
    'THROTTLE_KEY_CREATIONS_PER_TENANT',
    'THROTTLE_INVITATIONS_PER_TENANT',
    'THROTTLE_ACCESS_REQUESTS_PER_TENANT',
    'THROTTLE_PASSWORD_RESETS_PER_IP',
    'THROTTLE_PASSWORD_RESETS_PER_EMAIL',
    'MAX_LIVE_KEYS_PER_TENANT',
  ].map((name) => [name, process.env[name] ?? '10000']),
);

/** The Node apps compiled by SWC (each build writes its own `dist/<app>`, with the libs it needs). */
export type BuiltApp = 'gateway' | 'admin-api' | 'worker' | 'mock-provider';

/**
 * Where `nx run <app>:build` puts the app's entry point. Each app has a tree of its own under `dist/<app>`, so that
 * Nx restoring one app's cached build never replaces the compiled libs another app's build wrote.
 */
export function builtMain(app: BuiltApp): string {
  return `dist/${app}/apps/${app}/src/main.js`;
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
      command: `node ${builtMain('mock-provider')}`,
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
      command: `node ${builtMain('gateway')}`,
      env: {
        ...shared,
        GATEWAY_PORT: String(ports.gateway),
        GATEWAY_METRICS_PORT: String(ports.gatewayMetrics),
        ...environment.gatewayEnv,
      },
      readyUrl: `${local(ports.gateway)}/healthz`,
      publicUrl: `http://localhost:${ports.gateway}/v1`,
    },
    {
      name: 'admin-api',
      command: `node ${builtMain('admin-api')}`,
      env: {
        ...shared,
        ADMIN_PORT: String(ports.adminApi),
        PORTAL_URL: `http://localhost:${ports.portal}`,
        ...LOCAL_CREATION_LIMITS,
        ...environment.adminApiEnv,
      },
      readyUrl: `${local(ports.adminApi)}/healthz`,
      publicUrl: `http://localhost:${ports.adminApi}/api/docs`,
    },
    {
      name: 'worker',
      // A larger young generation: a usage job lives until its batch commits, and with the default one those jobs
      // reach the old generation and its costly collections (bench/RESULTS.md, worker ingestion: 12-20 % less CPU).
      command: `node --max-semi-space-size=64 ${builtMain('worker')}`,
      env: { ...shared, WORKER_PORT: String(ports.worker), ...environment.workerEnv },
      readyUrl: `${local(ports.worker)}/healthz`,
      publicUrl: `http://localhost:${ports.worker}/healthz`,
    },
    {
      name: 'portal',
      // Through the portal's own server, which sets X-Forwarded-For from the real peer (apps/portal/server.ts).
      command: 'tsx apps/portal/server.ts',
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

/**
 * One more instance of `gateway` (same build and environment) on `port`, its metrics on `metricsPort` (two gateways
 * on one machine cannot share one): gateways are stateless, so N of them share one database and Redis, and an
 * invalidation must reach every one.
 */
export function gatewayReplica(gateway: StackApp, instance: number, port: number, metricsPort: number): StackApp {
  if (gateway.name !== 'gateway') throw new Error(`gatewayReplica needs the gateway app, not ${gateway.name}`);
  return {
    ...gateway,
    name: `gateway-${instance}`,
    env: { ...gateway.env, GATEWAY_PORT: String(port), GATEWAY_METRICS_PORT: String(metricsPort) },
    readyUrl: `http://127.0.0.1:${port}/healthz`,
    publicUrl: `http://localhost:${port}/v1`,
  };
}
