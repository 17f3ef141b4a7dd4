/**
 * `npm run db:seed`: the idempotent seed (platform admin, mock provider, demo catalog; docs/architecture.md, Seed).
 * Safe to run on every start; a second run changes nothing.
 */
import { loadConfig, maskUrl, seedConfigSchema } from '@gatehouse/config';
import { createPrismaClient } from '@gatehouse/db';
import { seedDatabase } from './seed-database';

async function main(): Promise<void> {
  const config = loadConfig('seed', seedConfigSchema);
  const db = createPrismaClient({ url: config.databaseUrl, applicationName: 'gatehouse-seed', maxConnections: 2 });
  try {
    const report = await seedDatabase(db, config);
    console.log(
      `Seeded ${maskUrl(config.databaseUrl)}: ${report.created.length} created, ${report.updated.length} updated, ` +
        `${report.unchanged.length} unchanged.`,
    );
    for (const label of report.created) console.log(`  + ${label}`);
    for (const label of report.updated) console.log(`  ~ ${label}`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(`Seed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
