import { createHash, randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@gatehouse/testing';
import { createPrismaClient, type DbClient } from '../prisma-client';
import { GatewaySnapshotRepository } from './gateway-snapshot.repository';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe('GatewaySnapshotRepository', () => {
  let database: TestDatabase;
  let db: DbClient;
  let repository: GatewaySnapshotRepository;
  let productId: string;

  beforeAll(async () => {
    database = await createTestDatabase('gateway_snapshot_repository');
    db = createPrismaClient({ url: database.url, maxConnections: 2 });
    repository = new GatewaySnapshotRepository(db);
    productId = (await db.product.create({ data: { slug: 'p', name: 'P', kind: 'LLM', status: 'PUBLISHED' } })).id;
  });

  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  it("loads what limits and policies need: the tenant's zone and budget, the key's narrowing and labels, the plan's modes and fail-open", async () => {
    const tenant = await db.tenant.create({
      data: { name: 'T', timeZone: 'America/New_York', monthlyBudgetUsd: '1000.25' },
    });
    const plan = await db.plan.create({
      data: { productId, name: 'pro', rpm: 60, limitModes: { tpm: 'MONITOR' }, quotaFailOpen: true },
    });
    await db.subscription.create({
      data: { tenantId: tenant.id, productId, planId: plan.id, status: 'APPROVED', limitOverrides: { rpm: 120 } },
    });
    const secret = `gh_live_${randomBytes(32).toString('base64url')}`;
    await db.apiKey.create({
      data: {
        tenantId: tenant.id,
        name: 'narrow',
        prefix: secret.slice(0, 12),
        hash: sha256(secret),
        last4: secret.slice(-4),
        limits: { rpm: 5, monthlyBudgetUsd: '2.5' },
        metadata: { team: 'search' },
      },
    });

    const record = await repository.loadByKeyHash(sha256(secret));

    expect(record).toMatchObject({
      tenantId: tenant.id,
      tenantTimeZone: 'America/New_York',
      keyLimits: { rpm: 5, monthlyBudgetUsd: '2.5' },
      keyMetadata: { team: 'search' },
    });
    expect(record?.tenantMonthlyBudgetUsd?.toFixed()).toBe('1000.25');
    expect(record?.subscriptions).toHaveLength(1);
    expect(record?.subscriptions[0]?.plan).toMatchObject({ limitModes: { tpm: 'MONITOR' }, quotaFailOpen: true });
    expect(record?.subscriptions[0]?.limitOverrides).toEqual({ rpm: 120 });
  });

  it('loads a key without narrowing or labels and a tenant without a budget as nulls and an empty object', async () => {
    const tenant = await db.tenant.create({ data: { name: 'Plain' } });
    const secret = `gh_live_${randomBytes(32).toString('base64url')}`;
    await db.apiKey.create({
      data: { tenantId: tenant.id, name: 'plain', prefix: secret.slice(0, 12), hash: sha256(secret), last4: 'abcd' },
    });
    expect(await repository.loadByKeyHash(sha256(secret))).toMatchObject({
      tenantTimeZone: 'UTC',
      tenantMonthlyBudgetUsd: null,
      keyLimits: null,
      keyMetadata: {},
    });
  });

  it('loads each published model with its current and upcoming prices (not the ended ones) and its live targets', async () => {
    const now = new Date();
    const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);
    const route = await db.modelRoute.create({ data: { productId, alias: 'priced-chat' } });
    await db.modelRoute.create({ data: { productId, alias: 'unpriced-chat' } });
    await db.modelPrice.createMany({
      data: [
        {
          modelRouteId: route.id,
          inputPer1M: '1',
          outputPer1M: '2',
          effectiveFrom: at(-120_000),
          effectiveTo: at(-60_000),
        },
        {
          modelRouteId: route.id,
          inputPer1M: '0.15',
          outputPer1M: '0.6',
          cachedInputPer1M: '0.075',
          effectiveFrom: at(-60_000),
          effectiveTo: at(3_600_000),
        },
        { modelRouteId: route.id, inputPer1M: '0.2', outputPer1M: '0.8', effectiveFrom: at(3_600_000) },
      ],
    });
    const provider = (name: string, enabled = true) =>
      db.provider.create({ data: { name, type: 'OPENAI', baseUrl: 'https://example.com', enabled } });
    const primary = await provider('catalog-primary');
    const fallback = await provider('catalog-fallback');
    const disabled = await provider('catalog-disabled', false);
    await db.modelTarget.createMany({
      data: [
        { modelRouteId: route.id, providerId: fallback.id, upstreamModel: 'fallback-model', priority: 1 },
        { modelRouteId: route.id, providerId: primary.id, upstreamModel: 'primary-model', priority: 0, weight: 3 },
        { modelRouteId: route.id, providerId: primary.id, upstreamModel: 'switched-off', enabled: false },
        { modelRouteId: route.id, providerId: disabled.id, upstreamModel: 'on-a-disabled-provider' },
      ],
    });

    const { models } = await repository.loadCatalog(now);

    const priced = models.find((model) => model.alias === 'priced-chat');
    expect(
      priced?.prices.map((price) => [price.inputPer1M.toFixed(), price.cachedInputPer1M?.toFixed() ?? null]),
    ).toEqual([
      ['0.15', '0.075'],
      ['0.2', null],
    ]);
    expect(priced?.prices[0]?.effectiveTo).toEqual(at(3_600_000));
    expect(priced?.targets).toEqual([
      { providerId: primary.id, upstreamModel: 'primary-model', weight: 3, priority: 0 },
      { providerId: fallback.id, upstreamModel: 'fallback-model', weight: 1, priority: 1 },
    ]);
    expect(models.find((model) => model.alias === 'unpriced-chat')).toMatchObject({ prices: [], targets: [] });
  });

  it('loads the published HTTP products with their upstream, and no draft one', async () => {
    const provider = await db.provider.create({
      data: { name: 'catalog-http', type: 'OPENAI_COMPATIBLE', baseUrl: 'https://api.example.com' },
    });
    await db.product.createMany({
      data: [
        {
          slug: 'weather-api',
          name: 'Weather',
          kind: 'HTTP',
          status: 'PUBLISHED',
          httpProviderId: provider.id,
          httpUpstreamPath: '/v2',
        },
        { slug: 'draft-api', name: 'Draft', kind: 'HTTP', status: 'DRAFT', httpProviderId: provider.id },
      ],
    });

    const { httpProducts } = await repository.loadCatalog();

    expect(httpProducts).toEqual([
      { id: expect.any(String), slug: 'weather-api', httpProviderId: provider.id, httpUpstreamPath: '/v2' },
    ]);
  });

  it('reads the whole catalog at one instant: a change committed after its first read is not seen by the others', async () => {
    const provider = await db.provider.create({
      data: { name: 'catalog-instant', type: 'OPENAI_COMPATIBLE', baseUrl: 'https://api.example.com' },
    });
    let committedBetween = false;
    // Publishes an HTTP product, on another connection, right after the model routes are read, before the rest is.
    const interleaved = db.$extends({
      query: {
        modelRoute: {
          async findMany({ args, query }) {
            const models = await query(args);
            if (!committedBetween) {
              committedBetween = true;
              await db.product.create({
                data: {
                  slug: 'between-api',
                  name: 'Between',
                  kind: 'HTTP',
                  status: 'PUBLISHED',
                  httpProviderId: provider.id,
                },
              });
            }
            return models;
          },
        },
      },
    });

    const during = await new GatewaySnapshotRepository(interleaved as unknown as DbClient).loadCatalog();

    expect(committedBetween).toBe(true);
    expect(during.httpProducts.map((product) => product.slug)).not.toContain('between-api');
    expect((await repository.loadCatalog()).httpProducts.map((product) => product.slug)).toContain('between-api');
  });
});
