import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { isPgError } from './database-admin';

/**
 * Applies `prisma/migrations/<name>/migration.sql` in name order and records each in `_prisma_migrations`
 * exactly as Prisma Migrate does (same table, checksum = sha256 hex of the file), so that on a machine with
 * Prisma's native schema engine `prisma migrate deploy` and `prisma migrate status` accept the same database.
 * We need our own because `prisma migrate` cannot download its engine offline (docs/architecture.md, Migrations).
 *
 * Differences from Prisma, on purpose: each migration runs in one transaction, so a failure leaves nothing
 * behind and is not recorded (fix the file and run again); a changed checksum of an applied migration is an
 * error, not a warning, because it means the database and the repository disagree about history.
 * A migration that cannot run in a transaction (CREATE INDEX CONCURRENTLY) needs its own handling.
 */

/** Prisma Migrate's advisory lock key: two of our runs, or one of ours and `prisma migrate deploy`, never race. */
export const MIGRATION_LOCK_KEY = 72707369;

export const DEFAULT_MIGRATIONS_DIR = path.resolve(__dirname, '../../../../prisma/migrations');

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrateOptions {
  migrationsDir?: string;
  log?: (message: string) => void;
  /** How long to wait for another migrator holding the lock before giving up. */
  lockTimeoutMs?: number;
}

export interface MigrateResult {
  /** Names applied by this run, in order. */
  applied: string[];
  /** How many were already applied before this run. */
  alreadyApplied: number;
}

export interface LocalMigration {
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

/** A migration problem, with enough context to fix it without reading a stack trace. */
export class MigrationError extends Error {
  constructor(
    message: string,
    readonly migrationName?: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** sha256 hex of the file's bytes: what Prisma stores in `_prisma_migrations.checksum`. */
export function migrationChecksum(sql: string | Buffer): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** 1-based line of a 1-based character position in `sql` (Postgres reports `position` that way). */
export function lineOfPosition(sql: string, position: number): number {
  return sql.slice(0, Math.max(0, position - 1)).split('\n').length;
}

/** The migration folders of `dir` (each with a migration.sql), in the order they must run. */
export async function readMigrations(dir: string): Promise<LocalMigration[]> {
  if (!existsSync(dir)) throw new MigrationError(`The migrations folder ${dir} does not exist.`);
  await checkLockFile(dir);
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name, 'migration.sql');
      const bytes = await readFile(file);
      return { name, file, sql: bytes.toString('utf8'), checksum: migrationChecksum(bytes) };
    }),
  );
}

async function checkLockFile(dir: string): Promise<void> {
  const lockFile = path.join(dir, 'migration_lock.toml');
  if (!existsSync(lockFile)) return;
  const provider = /^\s*provider\s*=\s*"([^"]+)"/m.exec(await readFile(lockFile, 'utf8'))?.[1];
  if (provider !== undefined && provider !== 'postgresql') {
    throw new MigrationError(`${lockFile} is for provider "${provider}", not "postgresql".`);
  }
}

/** Applies every pending migration to the database at `url` (which must exist; see `ensureDatabase`). */
export async function migrateDatabase(url: string, options: MigrateOptions = {}): Promise<MigrateResult> {
  const dir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const log = options.log ?? (() => undefined);
  const local = await readMigrations(dir);
  log(`${local.length} migration${local.length === 1 ? '' : 's'} found in ${path.relative(process.cwd(), dir) || dir}`);

  const client = new pg.Client({ connectionString: url, application_name: 'gatehouse-migrate' });
  await client.connect();
  try {
    await acquireLock(client, options.lockTimeoutMs ?? 60_000);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const rows = (
        await client.query<AppliedRow>(
          'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
        )
      ).rows;
      const applied = checkHistory(rows, local, log);
      const pending = local.filter((migration) => !applied.has(migration.name));
      if (pending.length === 0) {
        log('No pending migrations to apply.');
        return { applied: [], alreadyApplied: applied.size };
      }
      for (const migration of pending) {
        log(`Applying migration \`${migration.name}\``);
        await applyOne(client, migration);
      }
      log(
        `The following migration${pending.length === 1 ? ' has' : 's have'} been applied:\n` +
          pending.map((migration) => `  ${migration.name}`).join('\n'),
      );
      return { applied: pending.map((migration) => migration.name), alreadyApplied: applied.size };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

/** Refuses a database whose history cannot be trusted; returns the names that are applied. */
function checkHistory(rows: AppliedRow[], local: LocalMigration[], log: (message: string) => void): Set<string> {
  const live = rows.filter((row) => row.rolled_back_at === null);
  const failed = live.filter((row) => row.finished_at === null);
  if (failed.length > 0) {
    throw new MigrationError(
      `The database has failed migrations recorded: ${failed.map((row) => row.migration_name).join(', ')}. ` +
        'Inspect the database, then mark each as rolled back (`prisma migrate resolve --rolled-back <name>`, or set ' +
        '_prisma_migrations.rolled_back_at) or as applied, and run again.',
      failed[0]?.migration_name,
    );
  }
  const localByName = new Map(local.map((migration) => [migration.name, migration]));
  const applied = new Set<string>();
  for (const row of live) {
    applied.add(row.migration_name);
    const file = localByName.get(row.migration_name);
    if (file === undefined) {
      log(`Warning: migration \`${row.migration_name}\` is applied to the database but is not in the repository.`);
    } else if (file.checksum !== row.checksum) {
      throw new MigrationError(
        `Migration \`${row.migration_name}\` was modified after it was applied (${file.file}: checksum ` +
          `${file.checksum}, recorded ${row.checksum}). Never edit an applied migration: restore the file and put ` +
          'the change in a new migration.',
        row.migration_name,
        file.file,
      );
    }
  }
  return applied;
}

async function applyOne(client: pg.Client, migration: LocalMigration): Promise<void> {
  await client.query('BEGIN');
  try {
    const startedAt = (await client.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0]?.now;
    await client.query(migration.sql);
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
       VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, $4, 1)`,
      [randomUUID(), migration.checksum, migration.name, startedAt],
    );
    await client.query('COMMIT');
  } catch (error) {
    // A broken connection cannot roll back, but it also commits nothing: report the original error.
    await client.query('ROLLBACK').catch(() => undefined);
    throw describeFailure(migration, error);
  }
}

function describeFailure(migration: LocalMigration, error: unknown): MigrationError {
  if (!isPgError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new MigrationError(
      `Migration \`${migration.name}\` failed (${migration.file}): ${message}`,
      migration.name,
      migration.file,
    );
  }
  const position = error.position === undefined ? undefined : Number(error.position);
  const line = position === undefined || Number.isNaN(position) ? undefined : lineOfPosition(migration.sql, position);
  const where = line === undefined ? migration.file : `${migration.file}:${line}`;
  const extra = [error.detail && `Detail: ${error.detail}`, error.hint && `Hint: ${error.hint}`].filter(Boolean);
  return new MigrationError(
    [
      `Migration \`${migration.name}\` failed and was rolled back (${where}): ${error.message} [${error.code}]`,
      ...extra,
    ].join('\n'),
    migration.name,
    migration.file,
    line,
  );
}

async function acquireLock(client: pg.Client, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      MIGRATION_LOCK_KEY,
    ]);
    if (result.rows[0]?.locked === true) return;
    if (Date.now() >= deadline) {
      throw new MigrationError(`Another migration run holds the migration lock; gave up after ${timeoutMs} ms.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
