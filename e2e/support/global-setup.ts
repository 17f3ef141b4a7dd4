import { loadConfig, stackConfigSchema } from '@gatehouse/config';
import { createWriteStream, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { checkServices } from '../../scripts/stack/preflight';
import { runCommand } from '../../scripts/stack/run-command';
import { runStack, type RunningStack } from '../../scripts/stack/run-stack';
import { gatewayReplica, stackApps } from '../../scripts/stack/stack-apps';
import { OIDC_ISSUER_URL, OIDC_PROVIDER_PORT, oidcEnvironment } from './oidc';
import { E2E_DATABASE, E2E_REDIS_PREFIX, e2eDatabaseUrl, e2ePorts } from './stack';

const root = path.resolve(__dirname, '../..');
const artifacts = path.join(root, 'e2e', 'artifacts');

declare global {
  var gatehouseE2eStack: RunningStack | undefined;
}

/**
 * Starts the e2e stack: a fresh `gatehouse_e2e` database (migrated and seeded), a clean Redis prefix, and
 * the five apps built into dist/, plus a second gateway instance, on the e2e ports. The apps' output goes to
 * e2e/artifacts/stack.log.
 */
export default async function globalSetup(): Promise<void> {
  const config = loadConfig('e2e', stackConfigSchema);
  const databaseUrl = e2eDatabaseUrl();

  const problems = await checkServices(config.database.url, config.redis.url);
  if (problems.length > 0) throw new Error(`The e2e tier needs PostgreSQL and Redis:\n${problems.join('\n')}`);

  const busy = await portsInUse([...Object.values(e2ePorts), OIDC_PROVIDER_PORT]);
  if (busy.length > 0) {
    throw new Error(
      `The e2e ports ${busy.join(', ')} are in use: a previous run may have left apps behind ` +
        "(pkill -f 'src/main.js'; pkill -f 'apps/portal/server.ts').",
    );
  }

  await recreateDatabase(config.database.url, E2E_DATABASE);
  await clearRedisPrefix(config.redis.url, E2E_REDIS_PREFIX);

  const env = {
    DATABASE_URL: databaseUrl,
    MOCK_PROVIDER_URL: `http://127.0.0.1:${e2ePorts.mockProvider}`,
  };
  await runCommand('npm run --silent db:migrate', { cwd: root, env, timeoutMs: 120_000, quiet: true });
  await runCommand('npm run --silent db:seed', { cwd: root, env, timeoutMs: 120_000, quiet: true });

  // Always through Nx: its cache makes this a few seconds when nothing changed, and the stack then never runs a
  // build older than the sources (a run straight after an edit, without `nx build`, would test the old code).
  await runCommand('npx nx run-many -t build --outputStyle=static', { cwd: root, timeoutMs: 600_000, quiet: true });

  mkdirSync(artifacts, { recursive: true });
  // A local OpenID Connect provider (its own Node process: oidc-provider is ESM-only) and admin-api configured
  // to it, so the SSO journey runs end to end.
  const oidc = oidcEnvironment(e2ePorts.adminApi);
  const platform = stackApps(e2ePorts, {
    databaseUrl,
    redisUrl: config.redis.url,
    redisKeyPrefix: E2E_REDIS_PREFIX,
    // info: request logs are part of what the secret scan reads.
    logLevel: 'info',
    logFormat: 'json',
    adminApiEnv: oidc.adminApi,
    // The guardrail tests run an external guardrail service of their own on loopback.
    gatewayEnv: { GUARDRAIL_ALLOW_LOOPBACK: 'true' },
    // Anomalies are judged by a scheduled check, every minute by default: every 2 s, the anomaly test waits for the
    // minute its calls fall in to end, not for the next check as well. The thresholds stay the defaults: every
    // tenant is checked, and an alert needs volumes (an hour's baseline of 300 calls, 20 calls in the window) that
    // the other tests' tenants do not reach, nor do their assertions read anomaly notifications.
    workerEnv: { ANOMALY_CHECK_INTERVAL_MS: '2000' },
  });
  const gateway = platform.find((app) => app.name === 'gateway');
  if (!gateway) throw new Error('stackApps() returned no gateway');
  const apps = [
    ...platform,
    // Gateways are stateless and scale out: revocation must reach every instance, so the tier runs two.
    gatewayReplica(gateway, 2, e2ePorts.secondGateway, e2ePorts.secondGatewayMetrics),
    {
      name: 'oidc-provider' as const,
      command: 'node e2e/support/oidc-provider.mjs',
      env: oidc.provider,
      readyUrl: `${OIDC_ISSUER_URL}/.well-known/openid-configuration`,
      publicUrl: OIDC_ISSUER_URL,
    },
  ];
  const stack = runStack(apps, {
    cwd: root,
    readyTimeoutMs: 90_000,
    outputStream: createWriteStream(path.join(artifacts, 'stack.log')),
  });
  globalThis.gatehouseE2eStack = stack;
  try {
    await stack.ready;
  } catch (error) {
    await stack.stop();
    throw new Error(`The e2e stack did not start (see e2e/artifacts/stack.log): ${String(error)}`);
  }
}

async function portsInUse(ports: number[]): Promise<number[]> {
  const inUse = await Promise.all(
    ports.map(
      (port) =>
        new Promise<boolean>((resolve) => {
          const socket = connect({ host: '127.0.0.1', port });
          socket.once('connect', () => {
            socket.destroy();
            resolve(true);
          });
          socket.once('error', () => resolve(false));
        }),
    ),
  );
  return ports.filter((_, index) => inUse[index]);
}

async function recreateDatabase(serverUrl: string, name: string): Promise<void> {
  const maintenance = new URL(serverUrl);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

async function clearRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    // The stack's keys (`gatehouse-e2e:…`) and its queues' (`{gatehouse-e2e}:…`).
    for (const pattern of [`${prefix}:*`, `{${prefix}}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}
