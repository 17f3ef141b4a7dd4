import pg from 'pg';
import { maskUrl } from '@gatehouse/config';

/**
 * Creating and dropping whole databases, which Postgres only does from a connection to another database:
 * these connect to the `postgres` maintenance database of the same server.
 */

/** The database name of a connection URL (`postgresql://host/gatehouse?x=y` → `gatehouse`). */
export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (name === '') throw new Error(`The database URL names no database: ${maskUrl(url)}`);
  return name;
}

/** The same server and credentials, on the maintenance database. */
export function maintenanceUrlOf(url: string): string {
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  return maintenance.toString();
}

/** `"name"` with embedded quotes doubled: the only safe way to put a name into DDL, which takes no parameters. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Creates the database of `url` when it does not exist. Returns whether it created it. Safe to race. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseNameOf(url);
  return withMaintenanceClient(url, async (client) => {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount !== null && existing.rowCount > 0) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
      return true;
    } catch (error) {
      // Another process created it between our check and our CREATE: 42P04 duplicate_database, or 23505 when
      // both inserts into pg_database collided.
      if (isPgError(error) && (error.code === '42P04' || error.code === '23505')) return false;
      throw error;
    }
  });
}

/** Drops the database of `url`, closing whatever connections are still open on it (Postgres 13+). */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseNameOf(url);
  await withMaintenanceClient(url, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  });
}

async function withMaintenanceClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: maintenanceUrlOf(url), application_name: 'gatehouse-migrate' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function isPgError(error: unknown): error is pg.DatabaseError {
  return error instanceof Error && typeof (error as Partial<pg.DatabaseError>).code === 'string';
}
