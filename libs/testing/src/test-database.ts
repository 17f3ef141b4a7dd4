import { randomBytes } from 'node:crypto';
import { DEFAULT_DATABASE_URL } from '@gatehouse/config';
import { dropDatabase, ensureDatabase, migrateDatabase } from '@gatehouse/db';

export interface TestDatabase {
  /** Connection URL of this suite's own database. */
  url: string;
  name: string;
  /** Drops the database, closing any connection still open on it. */
  drop(): Promise<void>;
}

/** Postgres caps identifiers at 63 bytes; `gatehouse_test_` and `_<8 hex>` take 24 of them. */
const MAX_SUITE_NAME_LENGTH = 39;

/** `gatehouse_test_<suite>_<random>`: lower-case, and only characters that need no quoting. */
export function testDatabaseName(suiteName: string, random: string = randomBytes(4).toString('hex')): string {
  const suite = suiteName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_SUITE_NAME_LENGTH);
  return `gatehouse_test_${suite || 'suite'}_${random}`;
}

export interface TestDatabaseOptions {
  /** Any URL of the Postgres server to use; only its host, port and credentials matter. */
  serverUrl?: string;
  /** False for an empty database (the migrator's own tests). Default true: every migration applied. */
  migrate?: boolean;
}

/**
 * Gives an integration suite its own freshly created and fully migrated database (never the dev database
 * `gatehouse`: the name is always generated). Call `drop()` in afterAll.
 */
export async function createTestDatabase(suiteName: string, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const name = testDatabaseName(suiteName);
  const url = new URL(options.serverUrl ?? DEFAULT_DATABASE_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  await ensureDatabase(databaseUrl);
  try {
    if (options.migrate !== false) await migrateDatabase(databaseUrl);
  } catch (error) {
    await dropDatabase(databaseUrl);
    throw error;
  }
  return { url: databaseUrl, name, drop: () => dropDatabase(databaseUrl) };
}
