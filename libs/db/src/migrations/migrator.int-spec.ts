import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@gatehouse/testing';
import { DEFAULT_MIGRATIONS_DIR, MigrationError, migrateDatabase, readMigrations } from './migrator';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function tableExists(url: string, table: string): Promise<boolean> {
  const rows = await query<{ exists: boolean }>(url, `SELECT to_regclass('public.${table}') IS NOT NULL AS exists`);
  return rows[0]?.exists === true;
}

describe('migrateDatabase on the real migrations', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('migrator_real', { migrate: false });
  });
  afterAll(() => database.drop());

  it('applies every migration once, records it as Prisma does, and applies nothing the second time', async () => {
    const local = await readMigrations(DEFAULT_MIGRATIONS_DIR);
    const logs: string[] = [];
    const first = await migrateDatabase(database.url, { log: (line) => logs.push(line) });
    expect(first).toEqual({ applied: local.map((migration) => migration.name), alreadyApplied: 0 });

    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
      logs: string | null;
      rolled_back_at: Date | null;
    }>(database.url, 'SELECT * FROM "_prisma_migrations" ORDER BY migration_name');
    expect(
      rows.map((row) => [row.migration_name, row.checksum, row.applied_steps_count, row.logs, row.rolled_back_at]),
    ).toEqual(local.map((migration) => [migration.name, migration.checksum, 1, null, null]));
    expect(rows.every((row) => row.finished_at instanceof Date)).toBe(true);

    const secondLogs: string[] = [];
    const second = await migrateDatabase(database.url, { log: (line) => secondLogs.push(line) });
    expect(second).toEqual({ applied: [], alreadyApplied: local.length });
    expect(secondLogs).toContain('No pending migrations to apply.');
  });
});

describe('migrateDatabase on scratch migrations', () => {
  let database: TestDatabase;
  let dir: string;

  const writeMigration = async (name: string, sql: string) => {
    await mkdir(path.join(dir, name), { recursive: true });
    await writeFile(path.join(dir, name, 'migration.sql'), sql);
  };

  beforeEach(async () => {
    database = await createTestDatabase('migrator_scratch', { migrate: false });
    dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-migrations-'));
    await writeFile(path.join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
    await writeMigration('20250101000000_first', 'CREATE TABLE "first" ("id" INTEGER NOT NULL);\n');
  });
  afterEach(async () => {
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('rolls a failing migration back, names the file and line, records nothing, and applies it once fixed', async () => {
    await writeMigration(
      '20250102000000_broken',
      'CREATE TABLE "second" ("id" INTEGER NOT NULL);\n\nINSERT INTO "missing_table" VALUES (1);\n',
    );
    const file = path.join(dir, '20250102000000_broken', 'migration.sql');

    const failure = await migrateDatabase(database.url, { migrationsDir: dir }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationError);
    const error = failure as MigrationError;
    expect(error.message).toContain(`${file}:3`);
    expect(error.message).toContain('relation "missing_table" does not exist');
    expect(error).toMatchObject({ migrationName: '20250102000000_broken', file, line: 3 });

    expect(await tableExists(database.url, 'first')).toBe(true);
    expect(await tableExists(database.url, 'second')).toBe(false);
    const recorded = await query<{ migration_name: string }>(
      database.url,
      'SELECT migration_name FROM "_prisma_migrations"',
    );
    expect(recorded.map((row) => row.migration_name)).toEqual(['20250101000000_first']);

    await writeMigration('20250102000000_broken', 'CREATE TABLE "second" ("id" INTEGER NOT NULL);\n');
    expect(await migrateDatabase(database.url, { migrationsDir: dir })).toEqual({
      applied: ['20250102000000_broken'],
      alreadyApplied: 1,
    });
    expect(await tableExists(database.url, 'second')).toBe(true);
  });

  it('refuses to run when an applied migration was edited afterwards', async () => {
    await migrateDatabase(database.url, { migrationsDir: dir });
    await writeMigration('20250101000000_first', 'CREATE TABLE "first" ("id" BIGINT NOT NULL);\n');
    await writeMigration('20250102000000_second', 'CREATE TABLE "second" ("id" INTEGER NOT NULL);\n');

    await expect(migrateDatabase(database.url, { migrationsDir: dir })).rejects.toThrow(
      /Migration `20250101000000_first` was modified after it was applied/,
    );
    expect(await tableExists(database.url, 'second')).toBe(false);
  });

  it('refuses to run while a failed migration is recorded (as `prisma migrate deploy` leaves one)', async () => {
    await migrateDatabase(database.url, { migrationsDir: dir });
    await query(
      database.url,
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ('00000000-0000-4000-8000-000000000000', 'x', '20250102000000_half_done', now(), 0)`,
    );
    await writeMigration('20250103000000_third', 'CREATE TABLE "third" ("id" INTEGER NOT NULL);\n');

    await expect(migrateDatabase(database.url, { migrationsDir: dir })).rejects.toThrow(
      /failed migrations recorded: 20250102000000_half_done/,
    );
    expect(await tableExists(database.url, 'third')).toBe(false);
  });

  it('lets two concurrent runs apply each migration exactly once', async () => {
    await writeMigration('20250102000000_second', 'CREATE TABLE "second" ("id" INTEGER NOT NULL);\n');
    const [left, right] = await Promise.all([
      migrateDatabase(database.url, { migrationsDir: dir }),
      migrateDatabase(database.url, { migrationsDir: dir }),
    ]);
    expect([...left.applied, ...right.applied].sort()).toEqual(['20250101000000_first', '20250102000000_second']);
    const recorded = await query<{ count: string }>(database.url, 'SELECT count(*) FROM "_prisma_migrations"');
    expect(recorded[0]?.count).toBe('2');
  });
});
