import { Redis } from 'ioredis';
import pg from 'pg';
import { maskUrl } from '@gatehouse/config';

/**
 * Checks that Postgres and Redis answer before anything starts, and says what to do when they do not:
 * a newcomer should see which variable to set or which service to start, not a stack trace.
 */
export async function checkServices(databaseUrl: string, redisUrl: string): Promise<string[]> {
  const problems: string[] = [];
  const maintenanceUrl = new URL(databaseUrl);
  maintenanceUrl.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenanceUrl.toString(), connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    problems.push(
      `PostgreSQL does not answer at DATABASE_URL=${maskUrl(databaseUrl)} (${describe(error)}).\n` +
        '    Start it (with Docker: `docker compose up -d postgres`; on Debian: `pg_ctlcluster <version> main start`)\n' +
        '    or point DATABASE_URL at a running server.',
    );
  } finally {
    await client.end().catch(() => undefined);
  }

  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // ioredis reports the cause (ECONNREFUSED, ENOTFOUND…) on 'error'; the rejected connect() only says it closed.
  let cause: unknown;
  redis.on('error', (error) => {
    cause = error;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    problems.push(
      `Redis does not answer at REDIS_URL=${maskUrl(redisUrl)} (${describe(cause ?? error)}).\n` +
        '    Start it (with Docker: `docker compose up -d redis`; on Debian: `redis-server --daemonize yes`)\n' +
        '    or point REDIS_URL at a running server.',
    );
  } finally {
    redis.disconnect();
  }
  return problems;
}

function describe(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(describe).join('; ');
  return error instanceof Error ? error.message || error.name : String(error);
}
