import {
  type SubscriptionLimitUsageResponse,
  type SubscriptionResponse,
  type TenantLimitUsageResponse,
} from '@gatehouse/contracts';
import { DEFAULT_REDIS_URL } from '@gatehouse/config';
import { calendarPeriods } from '@gatehouse/domain';
import { type Admitted, LimitsEngine, type LimitScope, RedisKeys } from '@gatehouse/redis';
import { eventually, TcpProxy } from '@gatehouse/testing';
import { randomUUID } from 'node:crypto';
import { AdminApiHarness, type TestUser } from '../../test/admin-api-harness';

type ErrorBody = { statusCode: number; code: string; message: string };

const ZONE = 'Europe/Paris';
const TTL_MS = 10 * 60_000;
/**
 * Buckets that refill one unit a minute keep their levels still for the length of a test, so the counts are
 * exact; and while a bucket is not full, "full again at" does not depend on when it is read.
 */
const OVERRIDES = {
  rpm: 1,
  rpmBurst: 5,
  tpm: 1,
  tpmBurst: 10_000,
  concurrency: 4,
  dailyTokens: 200_000,
  monthlyTokens: 2_000_000,
  monthlyCalls: 10_000,
  monthlyBudgetUsd: '5',
};
/** Each request reserves 1 000 tokens worth 1 500 µUSD; the one that settles used 400 tokens, 600 µUSD. */
const RESERVE = { tokens: 1_000, costMicros: 1_500n };
const ACTUAL = { tokens: 400, costMicros: 600n };

/** A tenant with an approved demo-pro subscription (limits from OVERRIDES) and a tenant-wide budget. */
async function grantedTenant(api: AdminApiHarness, adminToken: string, budget: string | null) {
  const owner = await api.tenantUser('OWNER');
  const product = await api.db.product.findUniqueOrThrow({ where: { slug: 'demo' }, include: { plans: true } });
  const plan = product.plans.find((candidate) => candidate.name === 'demo-pro');
  if (!plan) throw new Error('the seed has no demo-pro plan');
  const settings = await api.request('PATCH', `/admin/tenants/${owner.tenantId}`, {
    token: adminToken,
    body: { timeZone: ZONE, monthlyBudgetUsd: budget },
  });
  expect(settings.status).toBe(200);
  const requested = await api.request<SubscriptionResponse>('POST', `/tenants/${owner.tenantId}/subscriptions`, {
    token: owner.token,
    body: { productId: product.id, planId: plan.id },
  });
  expect(requested.status).toBe(201);
  const approved = await api.request<SubscriptionResponse>(
    'POST',
    `/admin/subscriptions/${requested.body.id}/approve`,
    { token: adminToken, body: { limits: OVERRIDES } },
  );
  expect(approved.status).toBe(200);
  return { owner, subscription: approved.body };
}

/** The scopes the gateway admits a call of this subscription in (`scopesOf` in the gateway's limits). */
function scopesOf(tenantId: string, subscription: SubscriptionResponse, budget: string | null): LimitScope[] {
  const scopes: LimitScope[] = [{ kind: 'subscription', id: subscription.id, limits: subscription.limits }];
  if (budget !== null) scopes.push({ kind: 'tenant', id: tenantId, limits: { monthlyBudgetUsd: budget } });
  return scopes;
}

describe('subscription and tenant limits (usage counters)', () => {
  let api: AdminApiHarness;
  let admin: { id: string; token: string };
  let engine: LimitsEngine;

  beforeAll(async () => {
    api = await AdminApiHarness.start('subscription-limits');
    admin = await api.admin();
    // The gateway's engine on the admin API's Redis prefix: what it writes is what the routes read.
    engine = new LimitsEngine(api.redis.redis, new RedisKeys(api.redis.prefix));
  });

  afterAll(async () => {
    engine?.close();
    await api.close();
  });

  describe('with two requests admitted and one settled', () => {
    let owner: TestUser;
    let viewer: TestUser;
    let subscription: SubscriptionResponse;
    let firstAdmitAt: number;

    beforeAll(async () => {
      ({ owner, subscription } = await grantedTenant(api, admin.token, '20'));
      viewer = await api.tenantUser('VIEWER', owner.tenantId);
      const admit = async () => {
        const decision = await engine.admit({
          tenantId: owner.tenantId,
          scopes: scopesOf(owner.tenantId, subscription, '20'),
          reserve: RESERVE,
          timeZone: ZONE,
          ttlMs: TTL_MS,
        });
        expect(decision.admitted).toBe(true);
        return decision as Admitted;
      };
      const first = await admit();
      await admit();
      expect(await engine.settle(first.reservation, ACTUAL)).toBe('settled');
      // The engine's clock is Redis's: the first admit happened at its reservation's expiry minus its TTL.
      firstAdmitAt = first.reservation.expiresAt - TTL_MS;
    });

    const periodsAt = (readAt: string) => {
      const periods = calendarPeriods(Date.parse(readAt), ZONE);
      return {
        day: { period: periods.day.id, resetsAt: new Date(periods.day.endsAt).toISOString() },
        month: { period: periods.month.id, resetsAt: new Date(periods.month.endsAt).toISOString() },
      };
    };

    it("answers a viewer the subscription's used, reserved and remaining amounts and when each resets", async () => {
      const path = `/tenants/${owner.tenantId}/subscriptions/${subscription.id}/limits`;
      const response = await api.request<SubscriptionLimitUsageResponse>('GET', path, { token: viewer.token });
      expect(response.status).toBe(200);
      const { readAt } = response.body;
      expect(Date.parse(readAt)).toBeGreaterThanOrEqual(firstAdmitAt);
      const { day, month } = periodsAt(readAt);
      expect(response.body).toEqual({
        subscriptionId: subscription.id,
        timeZone: ZONE,
        readAt,
        quotas: {
          dailyTokens: { limit: 200_000, used: 400, reserved: 1_000, remaining: 198_600, ...day },
          monthlyTokens: { limit: 2_000_000, used: 400, reserved: 1_000, remaining: 1_998_600, ...month },
          monthlyCalls: { limit: 10_000, used: 1, reserved: 1, remaining: 9_998, ...month },
          monthlyBudgetUsd: { limit: '5', used: '0.0006', reserved: '0.0015', remaining: '4.9979', ...month },
        },
        rates: {
          // 5 − 2 requests; refilling one a minute, the bucket is full two minutes after it was first used.
          rpm: { limit: 1, capacity: 5, remaining: 3, resetsAt: new Date(firstAdmitAt + 2 * 60_000).toISOString() },
          // 10 000 − 2 × 1 000 reserved + 600 given back; 1 400 tokens at one a minute.
          tpm: {
            limit: 1,
            capacity: 10_000,
            remaining: 8_600,
            resetsAt: new Date(firstAdmitAt + 1_400 * 60_000).toISOString(),
          },
        },
        concurrency: { limit: 4, inUse: 1 },
      });
    });

    it("answers the tenant-wide budget, which every subscription's calls spend", async () => {
      const response = await api.request<TenantLimitUsageResponse>('GET', `/tenants/${owner.tenantId}/limits`, {
        token: viewer.token,
      });
      expect(response.status).toBe(200);
      const { month } = periodsAt(response.body.readAt);
      expect(response.body).toEqual({
        tenantId: owner.tenantId,
        timeZone: ZONE,
        readAt: response.body.readAt,
        quotas: {
          monthlyBudgetUsd: { limit: '20', used: '0.0006', reserved: '0.0015', remaining: '19.9979', ...month },
        },
      });
    });

    it('lets a platform admin read any tenant, and answers 404 for a tenant that does not exist', async () => {
      const subscriptionPath = `/tenants/${owner.tenantId}/subscriptions/${subscription.id}/limits`;
      const bySubscription = await api.request<SubscriptionLimitUsageResponse>('GET', subscriptionPath, {
        token: admin.token,
      });
      expect(bySubscription.status).toBe(200);
      expect(bySubscription.body.quotas.dailyTokens).toMatchObject({ used: 400, reserved: 1_000 });
      const byTenant = await api.request<TenantLimitUsageResponse>('GET', `/tenants/${owner.tenantId}/limits`, {
        token: admin.token,
      });
      expect(byTenant.status).toBe(200);

      const nowhere = randomUUID();
      for (const path of [
        `/tenants/${nowhere}/limits`,
        `/tenants/${nowhere}/subscriptions/${subscription.id}/limits`,
      ]) {
        const missing = await api.request<ErrorBody>('GET', path, { token: admin.token });
        expect(missing.status).toBe(404);
        expect(missing.body.code).toBe('tenant_not_found');
      }
    });

    it("answers 404 to a member of another tenant, and for a subscription that is not the tenant's", async () => {
      const stranger = await api.tenantUser('OWNER');
      for (const path of [
        `/tenants/${owner.tenantId}/limits`,
        `/tenants/${owner.tenantId}/subscriptions/${subscription.id}/limits`,
      ]) {
        const refused = await api.request<ErrorBody>('GET', path, { token: stranger.token });
        expect(refused.status).toBe(404);
        expect(refused.body.code).toBe('tenant_not_found');
      }
      for (const subscriptionId of [subscription.id, randomUUID(), 'not-a-uuid']) {
        const path = `/tenants/${stranger.tenantId}/subscriptions/${subscriptionId}/limits`;
        const missing = await api.request<ErrorBody>('GET', path, { token: stranger.token });
        expect(missing.status).toBe(404);
        expect(missing.body.code).toBe('subscription_not_found');
      }
    });
  });

  it('answers null for what is unlimited: a tenant without a budget, a plan limit lifted by the admin', async () => {
    const { owner, subscription } = await grantedTenant(api, admin.token, null);
    const lifted = await api.db.subscription.update({
      where: { id: subscription.id },
      data: { limitOverrides: { ...OVERRIDES, rpm: null, dailyTokens: null, concurrency: null } },
    });
    expect(lifted.id).toBe(subscription.id);

    const tenant = await api.request<TenantLimitUsageResponse>('GET', `/tenants/${owner.tenantId}/limits`, {
      token: owner.token,
    });
    expect(tenant.status).toBe(200);
    expect(tenant.body.quotas).toEqual({ monthlyBudgetUsd: null });

    const path = `/tenants/${owner.tenantId}/subscriptions/${subscription.id}/limits`;
    const usage = await api.request<SubscriptionLimitUsageResponse>('GET', path, { token: owner.token });
    expect(usage.status).toBe(200);
    expect(usage.body.rates.rpm).toBeNull();
    expect(usage.body.quotas.dailyTokens).toBeNull();
    expect(usage.body.concurrency).toBeNull();
    // Nothing admitted yet: the rest reads as untouched.
    expect(usage.body.quotas.monthlyCalls).toMatchObject({ limit: 10_000, used: 0, reserved: 0, remaining: 10_000 });
    expect(usage.body.rates.tpm).toMatchObject({ limit: 1, capacity: 10_000, remaining: 10_000 });
  });
});

describe('subscription and tenant limits while Redis is unreachable', () => {
  let api: AdminApiHarness;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const target = new URL(DEFAULT_REDIS_URL);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 6379));
    api = await AdminApiHarness.start('subscription-limits-outage', { REDIS_URL: proxy.url(DEFAULT_REDIS_URL) });
  });

  afterAll(async () => {
    await api?.close();
    await proxy?.close();
  });

  it("answers 503 quota_backend_unavailable, in the admin API's error shape, and reads again once it is back", async () => {
    const admin = await api.admin();
    const { owner, subscription } = await grantedTenant(api, admin.token, '20');
    const paths = [
      `/tenants/${owner.tenantId}/limits`,
      `/tenants/${owner.tenantId}/subscriptions/${subscription.id}/limits`,
    ];
    for (const path of paths) expect((await api.request('GET', path, { token: owner.token })).status).toBe(200);

    proxy.cut();
    for (const path of paths) {
      const started = Date.now();
      const refused = await api.request<ErrorBody>('GET', path, { token: owner.token });
      expect(refused.status).toBe(503);
      expect(refused.body).toEqual({
        statusCode: 503,
        code: 'quota_backend_unavailable',
        message: expect.any(String) as string,
      });
      expect(Date.now() - started).toBeLessThan(5_000);
    }

    proxy.restore();
    const recovered = async () =>
      (await Promise.all(paths.map((path) => api.request('GET', path, { token: owner.token })))).every(
        (response) => response.status === 200,
      );
    expect(await eventually(recovered, 15_000)).toBe(true);
  });
});
