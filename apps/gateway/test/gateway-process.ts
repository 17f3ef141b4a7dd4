import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gatewayConfigSchema, parseConfig } from '@gatehouse/config';
import { type AppProcess, startAppProcess, type TestDatabase, type TestRedis } from '@gatehouse/testing';

/** A gateway in an OS process of its own, built from the working tree (see `startAppProcess`). */
export interface GatewayProcess extends AppProcess {
  /** SIGKILLs it if it still runs and removes its usage spool. Safe to call more than once, and after `kill`. */
  stop(): Promise<void>;
}

/**
 * Starts a gateway process on `harness`'s database and Redis prefix, with a usage spool of its own (a temp dir that
 * `stop` removes) and `env` on top; resolves once `/healthz` answers 200.
 */
export async function startGatewayProcess(
  harness: { database: Pick<TestDatabase, 'url'>; redis: Pick<TestRedis, 'url' | 'prefix'> },
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const spoolDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-gateway-process-spool-'));
  const childEnv = {
    DATABASE_URL: harness.database.url,
    REDIS_URL: harness.redis.url,
    REDIS_KEY_PREFIX: harness.redis.prefix,
    GATEWAY_USAGE_SPOOL_DIR: spoolDir,
    GATEWAY_METRICS_PORT: '0',
    ...env,
  };
  try {
    // Validated here first, so that a wrong variable fails with its name rather than as a process that never starts.
    parseConfig('gateway', gatewayConfigSchema, childEnv);
    const gateway = await startAppProcess('gateway', {
      hostVariable: 'GATEWAY_HOST',
      portVariable: 'GATEWAY_PORT',
      env: childEnv,
    });
    return {
      ...gateway,
      async stop() {
        try {
          await gateway.kill('SIGKILL');
        } finally {
          rmSync(spoolDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(spoolDir, { recursive: true, force: true });
    throw error;
  }
}
