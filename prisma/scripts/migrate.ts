/**
 * `npm run db:migrate`: creates the database if it is missing, then applies the pending migrations of
 * prisma/migrations (see the migrator in @gatehouse/db for why this is not `prisma migrate deploy`).
 */
import { z } from 'zod';
import { loadConfig, maskUrl, postgresUrl } from '@gatehouse/config';
import { ensureDatabase, MigrationError, migrateDatabase } from '@gatehouse/db';

const migrateConfigSchema = z
  .object({ DATABASE_URL: postgresUrl })
  .transform((env) => ({ databaseUrl: env.DATABASE_URL }));

async function main(): Promise<void> {
  const { databaseUrl } = loadConfig('db:migrate', migrateConfigSchema);
  if (await ensureDatabase(databaseUrl)) console.log(`Created database ${maskUrl(databaseUrl)}`);
  await migrateDatabase(databaseUrl, { log: (message) => console.log(message) });
}

main().catch((error: unknown) => {
  // A MigrationError already says what and where; anything else is unexpected and keeps its stack.
  const message =
    error instanceof MigrationError ? error.message : error instanceof Error ? error.stack : String(error);
  console.error(`Migration failed: ${message}`);
  process.exit(1);
});
