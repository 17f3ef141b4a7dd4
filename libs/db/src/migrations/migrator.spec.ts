import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lineOfPosition, MigrationError, migrationChecksum, readMigrations } from './migrator';

describe('migrationChecksum', () => {
  it('is the sha256 hex of the file, as Prisma records it', () => {
    const sql = 'CREATE TABLE "a" ("id" INTEGER);\n';
    expect(migrationChecksum(sql)).toBe(createHash('sha256').update(sql).digest('hex'));
    expect(migrationChecksum(sql)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('lineOfPosition', () => {
  it('maps a 1-based character position to its 1-based line', () => {
    const sql = 'SELECT 1;\nSELECT 2;\n\nSELEC 3;\n';
    expect(lineOfPosition(sql, 1)).toBe(1);
    expect(lineOfPosition(sql, sql.indexOf('SELEC 3') + 1)).toBe(4);
  });
});

describe('readMigrations', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-read-migrations-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lists folders holding a migration.sql in name order, ignoring the rest', async () => {
    for (const name of ['20250102000000_b', '20250101000000_a', 'empty_folder']) await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, '20250102000000_b', 'migration.sql'), 'SELECT 2;');
    await writeFile(path.join(dir, '20250101000000_a', 'migration.sql'), 'SELECT 1;');
    await writeFile(path.join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');

    const migrations = await readMigrations(dir);
    expect(migrations.map((migration) => [migration.name, migration.sql, migration.checksum])).toEqual([
      ['20250101000000_a', 'SELECT 1;', migrationChecksum('SELECT 1;')],
      ['20250102000000_b', 'SELECT 2;', migrationChecksum('SELECT 2;')],
    ]);
  });

  it('refuses migrations locked to another provider', async () => {
    await writeFile(path.join(dir, 'migration_lock.toml'), 'provider = "mysql"\n');
    await expect(readMigrations(dir)).rejects.toThrow(MigrationError);
  });

  it('says so when the folder does not exist', async () => {
    await expect(readMigrations(path.join(dir, 'nope'))).rejects.toThrow(/does not exist/);
  });
});
