import { Redis } from 'ioredis';
import pg from 'pg';
import { maskUrl } from '@gatehouse/config';

/**
 * Checks that Postgres and Redis answer before anything starts, and says what to do when they do not:
 * a newcomer should see which variable to set or which service to start, not a stack trace.
 */
export async function checkServices(databaseUrl: string, redisUrl: string): Promise<string[]> {
  const problems = await Promise.all([checkPostgres(databaseUrl), checkRedis(redisUrl)]);
  return problems.filter((problem): problem is string => problem !== null);
}

/** Null when Postgres answers at `databaseUrl` (its maintenance database); otherwise what is wrong. */
export async function checkPostgres(databaseUrl: string): Promise<string | null> {
  const maintenanceUrl = new URL(databaseUrl);
  maintenanceUrl.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenanceUrl.toString(), connectionTimeoutMillis: 3_000 });
  // A refused connection also surfaces as an 'error' event; without a listener it would end the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return (
      `PostgreSQL does not answer at DATABASE_URL=${maskUrl(databaseUrl)} (${describe(error)}).\n` +
      '    Start it (with Docker: `docker compose up -d postgres`; on Debian: `pg_ctlcluster <version> main start`)\n' +
      '    or point DATABASE_URL at a running server.'
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Null when Redis answers PING at `redisUrl`; otherwise what is wrong. */
export async function checkRedis(redisUrl: string): Promise<string | null> {
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
    return null;
  } catch (error) {
    return (
      `Redis does not answer at REDIS_URL=${maskUrl(redisUrl)} (${describe(cause ?? error)}).\n` +
      '    Start it (with Docker: `docker compose up -d redis`; on Debian: `redis-server --daemonize yes`)\n' +
      '    or point REDIS_URL at a running server.'
    );
  } finally {
    redis.disconnect();
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(describe).join('; ');
  return error instanceof Error ? error.message || error.name : String(error);
}
