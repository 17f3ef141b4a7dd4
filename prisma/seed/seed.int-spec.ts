import { CatalogRepository, createPrismaClient, type DbClient } from '@gatehouse/db';
import { createTestDatabase, type TestDatabase } from '@gatehouse/testing';
import { verifyPassword } from './password';
import { seedDatabase } from './seed-database';

const config = {
  adminEmail: 'admin@gatehouse.local',
  adminPassword: 'gatehouse-admin',
  mockProviderUrl: 'http://127.0.0.1:8090',
};

/** Every table's rows, ids and timestamps included: two equal snapshots mean nothing was written. */
async function snapshot(db: DbClient) {
  return {
    users: await db.user.findMany({ omit: { passwordHash: false }, orderBy: { email: 'asc' } }),
    providers: await db.provider.findMany({ orderBy: { name: 'asc' } }),
    products: await db.product.findMany({ orderBy: { slug: 'asc' } }),
    modelRoutes: await db.modelRoute.findMany({ orderBy: { alias: 'asc' } }),
    modelTargets: await db.modelTarget.findMany({ orderBy: { upstreamModel: 'asc' } }),
    modelPrices: await db.modelPrice.findMany({ orderBy: { inputPer1M: 'asc' } }),
    plans: await db.plan.findMany({ orderBy: { name: 'asc' } }),
  };
}

describe('seed', () => {
  let database: TestDatabase;
  let db: DbClient;

  beforeAll(async () => {
    database = await createTestDatabase('seed');
    db = createPrismaClient({ url: database.url, maxConnections: 2 });
  });

  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  it('creates exactly the documented seed rows, then nothing on a second run', async () => {
    const first = await seedDatabase(db, config);
    expect(first.updated).toEqual([]);
    expect(first.created).toHaveLength(11);
    const afterFirst = await snapshot(db);

    // One platform admin whose argon2id hash verifies against the configured password.
    expect(afterFirst.users).toHaveLength(1);
    const [admin] = afterFirst.users;
    expect(admin).toMatchObject({ email: 'admin@gatehouse.local', isPlatformAdmin: true });
    expect(admin?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(admin?.passwordHash ?? '', 'gatehouse-admin')).toBe(true);

    // The mock provider, without a credential.
    expect(afterFirst.providers).toEqual([
      expect.objectContaining({
        name: 'mock',
        type: 'OPENAI_COMPATIBLE',
        baseUrl: 'http://127.0.0.1:8090',
        enabled: true,
      }),
    ]);
    const credentials = await db.provider.findFirstOrThrow({
      omit: { credentialCiphertext: false, credentialIv: false, credentialAuthTag: false },
    });
    expect([credentials.credentialCiphertext, credentials.credentialIv, credentials.credentialAuthTag]).toEqual([
      null,
      null,
      null,
    ]);

    // Product demo, published, with exactly demo-chat and demo-embed routed to the mock.
    expect(afterFirst.products).toEqual([expect.objectContaining({ slug: 'demo', kind: 'LLM', status: 'PUBLISHED' })]);
    expect(afterFirst.modelRoutes.map((route) => route.alias)).toEqual(['demo-chat', 'demo-embed']);
    expect(afterFirst.modelTargets.map((target) => target.upstreamModel)).toEqual(['mock-chat', 'mock-embed']);
    expect(afterFirst.modelTargets.every((target) => target.providerId === afterFirst.providers[0]?.id)).toBe(true);

    // Two plans: demo-free auto-approves, demo-pro needs an admin.
    expect(afterFirst.plans.map((plan) => [plan.name, plan.autoApprove])).toEqual([
      ['demo-free', true],
      ['demo-pro', false],
    ]);

    const second = await seedDatabase(db, config);
    expect(second.created).toEqual([]);
    expect(second.updated).toEqual([]);
    expect(second.unchanged).toHaveLength(11);
    expect(await snapshot(db)).toEqual(afterFirst);
  });

  it('serves the seeded catalog: demo with two priced models and two plans', async () => {
    const products = await new CatalogRepository(db).listPublishedProducts();
    expect(products).toHaveLength(1);
    const [demo] = products;
    expect(
      demo?.models.map((model) => [
        model.alias,
        model.price?.inputPer1M.toString(),
        model.price?.outputPer1M.toString(),
      ]),
    ).toEqual([
      ['demo-chat', '0.5', '1.5'],
      ['demo-embed', '0.02', '0'],
    ]);
    expect(demo?.plans.map((plan) => plan.name)).toEqual(['demo-free', 'demo-pro']);
  });

  it('follows a changed admin password and mock provider URL, touching nothing else', async () => {
    const report = await seedDatabase(db, {
      ...config,
      adminPassword: 'a-new-password',
      mockProviderUrl: 'http://127.0.0.1:9999',
    });
    expect(report.created).toEqual([]);
    expect(report.updated).toEqual(['user admin@gatehouse.local (passwordHash)', 'provider mock (baseUrl)']);
    const admin = await db.user.findUniqueOrThrow({
      where: { email: config.adminEmail },
      omit: { passwordHash: false },
    });
    expect(await verifyPassword(admin.passwordHash, 'a-new-password')).toBe(true);
  });
});
