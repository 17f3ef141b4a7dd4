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

  it("loads what limits need: the tenant's zone and budget, the key's narrowing, the plan's modes and fail-open", async () => {
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
      },
    });

    const record = await repository.loadByKeyHash(sha256(secret));

    expect(record).toMatchObject({
      tenantId: tenant.id,
      tenantTimeZone: 'America/New_York',
      keyLimits: { rpm: 5, monthlyBudgetUsd: '2.5' },
    });
    expect(record?.tenantMonthlyBudgetUsd?.toFixed()).toBe('1000.25');
    expect(record?.subscriptions).toHaveLength(1);
    expect(record?.subscriptions[0]?.plan).toMatchObject({ limitModes: { tpm: 'MONITOR' }, quotaFailOpen: true });
    expect(record?.subscriptions[0]?.limitOverrides).toEqual({ rpm: 120 });
  });

  it('loads a key without narrowing and a tenant without a budget as nulls', async () => {
    const tenant = await db.tenant.create({ data: { name: 'Plain' } });
    const secret = `gh_live_${randomBytes(32).toString('base64url')}`;
    await db.apiKey.create({
      data: { tenantId: tenant.id, name: 'plain', prefix: secret.slice(0, 12), hash: sha256(secret), last4: 'abcd' },
    });
    expect(await repository.loadByKeyHash(sha256(secret))).toMatchObject({
      tenantTimeZone: 'UTC',
      tenantMonthlyBudgetUsd: null,
      keyLimits: null,
    });
  });

  it("lists each published model with its current and upcoming prices, not the ended ones, in the catalog's query", async () => {
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

    const models = await repository.listPublishedModels(now);

    const priced = models.find((model) => model.alias === 'priced-chat');
    expect(
      priced?.prices.map((price) => [price.inputPer1M.toFixed(), price.cachedInputPer1M?.toFixed() ?? null]),
    ).toEqual([
      ['0.15', '0.075'],
      ['0.2', null],
    ]);
    expect(priced?.prices[0]?.effectiveTo).toEqual(at(3_600_000));
    expect(models.find((model) => model.alias === 'unpriced-chat')?.prices).toEqual([]);
  });
});
