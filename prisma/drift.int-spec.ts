import path from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@gatehouse/testing';
import { type DmmfDatamodel, loadDmmf } from './scripts/load-dmmf';
import { diffSchemas, expectedSchema, introspectSchema } from './scripts/schema-drift';

/**
 * The migrations are SQL written by hand (Prisma's schema engine cannot run here), so this proves they build
 * exactly the database prisma/schema describes: every table, column type, nullability, default, index,
 * unique constraint, foreign key and enum. A schema change without its migration fails here.
 */
const repoRoot = path.resolve(__dirname, '..');

describe('migrations match the Prisma schema', () => {
  let database: TestDatabase;
  let client: pg.Client;
  let dmmf: DmmfDatamodel;

  beforeAll(async () => {
    [database, dmmf] = await Promise.all([
      createTestDatabase('drift'),
      loadDmmf(path.join(repoRoot, 'prisma', 'schema'), repoRoot),
    ]);
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it('has no drift, table by table and column by column', async () => {
    const problems = diffSchemas(await introspectSchema(client), expectedSchema(dmmf));
    expect(problems).toEqual([]);
  });

  it('covers every model of the schema', async () => {
    const actual = await introspectSchema(client);
    const tables = dmmf.models.map((model) => model.dbName ?? model.name).sort();
    expect(Object.keys(actual.tables).sort()).toEqual(tables);
    expect(tables.length).toBeGreaterThanOrEqual(20);
  });

  it('reports drift when there is some (the check is not vacuous)', async () => {
    await client.query('BEGIN');
    try {
      await client.query('ALTER TABLE "tenants" ALTER COLUMN "time_zone" DROP DEFAULT');
      await client.query('ALTER TABLE "usage_events" ALTER COLUMN "cost_usd" TYPE DECIMAL(18,6)');
      await client.query('ALTER TABLE "api_keys" ADD COLUMN "extra" TEXT');
      await client.query('DROP INDEX "subscriptions_tenant_id_status_idx"');
      await client.query('ALTER TABLE "plans" DROP CONSTRAINT "plans_product_id_fkey"');
      await client.query(`ALTER TYPE "subscription_status" ADD VALUE 'PAUSED'`);
      const problems = diffSchemas(await introspectSchema(client), expectedSchema(dmmf));
      expect(problems).toEqual(
        expect.arrayContaining([
          'tenants.time_zone: default null in the database, "\'UTC\'::text" in the schema',
          'usage_events.cost_usd: type "numeric(18,6)" in the database, "numeric(18,9)" in the schema',
          'api_keys.extra: in the database but not in the schema',
          'subscriptions: index index subscriptions_tenant_id_status_idx (tenant_id, status) is missing in the database',
          expect.stringMatching(/^plans: foreign key plans_product_id_fkey .* is missing in the database$/),
          expect.stringMatching(/^enum subscription_status: values \[.*PAUSED\]/),
        ]),
      );
      expect(problems).toHaveLength(6);
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
