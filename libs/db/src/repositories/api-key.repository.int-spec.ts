import { createHash, randomBytes } from 'node:crypto';
import { asTenantId, type TenantId } from '@gatehouse/contracts';
import { createTestDatabase, type TestDatabase } from '@gatehouse/testing';
import { createPrismaClient, type DbClient } from '../prisma-client';
import { ApiKeyRepository, ForeignSubscriptionError } from './api-key.repository';
import { TenantRepository } from './tenant.repository';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const newSecret = () => `gh_live_${randomBytes(32).toString('base64url')}`;

describe('ApiKeyRepository (tenant scoping)', () => {
  let database: TestDatabase;
  let db: DbClient;
  let keys: ApiKeyRepository;
  let tenantA: TenantId;
  let tenantB: TenantId;
  let subscriptionOfB: string;

  beforeAll(async () => {
    database = await createTestDatabase('api_key_repository');
    db = createPrismaClient({ url: database.url, maxConnections: 2 });
    keys = new ApiKeyRepository(db);
    const tenants = new TenantRepository(db);
    tenantA = asTenantId((await tenants.create({ name: 'Tenant A' })).id);
    tenantB = asTenantId((await tenants.create({ name: 'Tenant B' })).id);

    const product = await db.product.create({ data: { slug: 'p', name: 'P', kind: 'LLM', status: 'PUBLISHED' } });
    const plan = await db.plan.create({ data: { productId: product.id, name: 'free', autoApprove: true } });
    subscriptionOfB = (
      await db.subscription.create({
        data: { tenantId: tenantB, productId: product.id, planId: plan.id, status: 'APPROVED' },
      })
    ).id;
  });

  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  const createKeyFor = (tenantId: TenantId, secret = newSecret()) =>
    keys.create(tenantId, {
      name: 'ci',
      prefix: secret.slice(0, 12),
      hash: sha256(secret),
      last4: secret.slice(-4),
      mode: 'LIVE',
    });

  it("never shows one tenant another tenant's key", async () => {
    const keyOfA = await createKeyFor(tenantA);

    expect(await keys.findForTenant(tenantB, keyOfA.id)).toBeNull();
    expect((await keys.listForTenant(tenantB)).items.map((key) => key.id)).not.toContain(keyOfA.id);
    expect(await keys.revoke(tenantB, keyOfA.id)).toBe(false);
    expect(
      await keys.rotate(tenantB, keyOfA.id, {
        hash: sha256('x'),
        prefix: 'gh_live_x',
        last4: 'xxxx',
        previousHashExpiresAt: new Date(),
      }),
    ).toBe(false);

    // Still intact and visible to its own tenant.
    expect(await keys.findForTenant(tenantA, keyOfA.id)).toMatchObject({
      id: keyOfA.id,
      tenantId: tenantA,
      status: 'ACTIVE',
    });
    expect((await keys.listForTenant(tenantA)).items.map((key) => key.id)).toContain(keyOfA.id);
  });

  it('refuses to scope a key to a subscription of another tenant', async () => {
    const secret = newSecret();
    await expect(
      keys.create(tenantA, {
        name: 'sneaky',
        prefix: secret.slice(0, 12),
        hash: sha256(secret),
        last4: secret.slice(-4),
        mode: 'LIVE',
        subscriptionIds: [subscriptionOfB],
      }),
    ).rejects.toBeInstanceOf(ForeignSubscriptionError);
    expect(await db.apiKey.count({ where: { name: 'sneaky' } })).toBe(0);
  });

  it('answers malformed ids with "not found", not a database error', async () => {
    expect(await keys.findForTenant(tenantA, 'not-a-uuid')).toBeNull();
    expect(await keys.revoke(tenantA, "'; DROP TABLE api_keys; --")).toBe(false);
  });

  it('finds a key by the hash of its secret, without returning the hashes', async () => {
    const secret = newSecret();
    const key = await createKeyFor(tenantA, secret);
    expect(key).not.toHaveProperty('hash');

    const found = await keys.findByHash(sha256(secret));
    expect(found).toMatchObject({ id: key.id, tenantId: tenantA, status: 'ACTIVE', subscriptionIds: [] });
    expect(found).not.toHaveProperty('hash');
    expect(found).not.toHaveProperty('previousHash');
    expect(await keys.findByHash(sha256(newSecret()))).toBeNull();
  });

  it('keeps the old secret valid during the rotation grace period only', async () => {
    const oldSecret = newSecret();
    const key = await createKeyFor(tenantA, oldSecret);
    const newKeySecret = newSecret();
    const graceEnds = new Date(Date.now() + 60_000);
    expect(
      await keys.rotate(tenantA, key.id, {
        hash: sha256(newKeySecret),
        prefix: newKeySecret.slice(0, 12),
        last4: newKeySecret.slice(-4),
        previousHashExpiresAt: graceEnds,
      }),
    ).toBe(true);

    expect((await keys.findByHash(sha256(newKeySecret)))?.id).toBe(key.id);
    expect((await keys.findByHash(sha256(oldSecret)))?.id).toBe(key.id);
    expect(await keys.findByHash(sha256(oldSecret), new Date(graceEnds.getTime() + 1))).toBeNull();
  });
});
