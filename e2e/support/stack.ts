import { loadConfig, stackConfigSchema } from '@gatehouse/config';

/**
 * Where the e2e tier's own stack listens. The e2e global setup starts every app on these ports, against
 * its own database and Redis prefix, so `npm test` never touches a `npm start` stack running beside it.
 */
export const e2ePorts = {
  gateway: 18080,
  /** A second gateway instance (same build, same env): what one admin change must reach on every gateway. */
  secondGateway: 18081,
  gatewayMetrics: 19464,
  secondGatewayMetrics: 19465,
  adminApi: 13001,
  worker: 13002,
  mockProvider: 18090,
  portal: 13000,
} as const;

export const stackUrls = {
  gateway: `http://127.0.0.1:${e2ePorts.gateway}`,
  secondGateway: `http://127.0.0.1:${e2ePorts.secondGateway}`,
  adminApi: `http://127.0.0.1:${e2ePorts.adminApi}`,
  worker: `http://127.0.0.1:${e2ePorts.worker}`,
  mockProvider: `http://127.0.0.1:${e2ePorts.mockProvider}`,
  portal: `http://127.0.0.1:${e2ePorts.portal}`,
} as const;

export const E2E_DATABASE = 'gatehouse_e2e';
/** Brace-free like the production prefix; the queues use `{gatehouse-e2e}`. */
export const E2E_REDIS_PREFIX = 'gatehouse-e2e';

/** The e2e stack's database: the configured PostgreSQL server's `gatehouse_e2e`, for tests that read or seed it. */
export function e2eDatabaseUrl(): string {
  const url = new URL(loadConfig('e2e', stackConfigSchema).database.url);
  url.pathname = `/${E2E_DATABASE}`;
  return url.toString();
}
