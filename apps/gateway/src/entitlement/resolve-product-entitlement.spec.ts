import { type KeySnapshot, type KeySnapshotSubscription } from '@gatehouse/contracts';
import { resolveProductEntitlement } from './resolve-product-entitlement';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const unlimited = {
  rpm: null,
  rpmBurst: null,
  tpm: null,
  tpmBurst: null,
  concurrency: null,
  dailyTokens: null,
  monthlyTokens: null,
  monthlyCalls: null,
  monthlyBudgetUsd: null,
  allowedModels: null,
};

function subscription(id: string, productId: string, expiresAt: string | null = null): KeySnapshotSubscription {
  return {
    subscriptionId: id,
    productId,
    productSlug: `${productId}-slug`,
    planId: `plan-${id}`,
    limits: unlimited,
    models: [],
    expiresAt,
    limitModes: {},
    quotaFailOpen: false,
  };
}

function snapshot(subscriptions: KeySnapshotSubscription[], scope: string[] = []): KeySnapshot {
  return {
    keyId: 'key',
    tenantId: 'tenant',
    tenantStatus: 'ACTIVE',
    status: 'ACTIVE',
    mode: 'live',
    expiresAt: null,
    graceExpiresAt: null,
    scope,
    subscriptions,
    tenantTimeZone: 'UTC',
    tenantMonthlyBudgetUsd: null,
    keyLimits: null,
    keyMetadata: {},
    loadedAt: NOW.toISOString(),
  };
}

const weather = { productId: 'p-weather', slug: 'weather' };

describe('resolveProductEntitlement', () => {
  it('grants a product through the subscription to it', () => {
    const granting = subscription('s2', 'p-weather');
    const decision = resolveProductEntitlement(snapshot([subscription('s1', 'p-other'), granting]), weather, NOW);
    expect(decision).toEqual({ granted: true, subscription: granting });
  });

  it('needs no model: a plan naming models does not narrow an HTTP product', () => {
    const granting = { ...subscription('s1', 'p-weather'), limits: { ...unlimited, allowedModels: ['demo-chat'] } };
    expect(resolveProductEntitlement(snapshot([granting]), weather, NOW).granted).toBe(true);
  });

  it('refuses with model_not_allowed, naming the product, without a subscription to it', () => {
    const decision = resolveProductEntitlement(snapshot([subscription('s1', 'p-other')]), weather, NOW);
    expect(decision).toEqual({
      granted: false,
      code: 'model_not_allowed',
      message: "Your organisation has no approved subscription to the product 'weather'.",
    });
  });

  it('stops granting at the subscription expiry, to the millisecond, and says it expired', () => {
    const key = snapshot([subscription('s1', 'p-weather', '2025-06-01T12:00:00.001Z')]);
    expect(resolveProductEntitlement(key, weather, NOW).granted).toBe(true);
    const decision = resolveProductEntitlement(key, weather, new Date('2025-06-01T12:00:00.001Z'));
    expect(decision).toMatchObject({ granted: false, code: 'model_not_allowed' });
    expect(!decision.granted && decision.message).toMatch(/subscription to the product 'weather' has expired/);
  });

  it('refuses a key scoped to other subscriptions, and grants one scoped to it', () => {
    const subscriptions = [subscription('s1', 'p-other'), subscription('s2', 'p-weather')];
    const outOfScope = resolveProductEntitlement(snapshot(subscriptions, ['s1']), weather, NOW);
    expect(outOfScope).toMatchObject({ granted: false, code: 'model_not_allowed' });
    expect(!outOfScope.granted && outOfScope.message).toMatch(/not scoped .* the product 'weather'/);
    expect(resolveProductEntitlement(snapshot(subscriptions, ['s2']), weather, NOW).granted).toBe(true);
  });

  it('picks the oldest subscription should two grant the product', () => {
    const decision = resolveProductEntitlement(
      snapshot([subscription('s1', 'p-weather'), subscription('s2', 'p-weather')]),
      weather,
      NOW,
    );
    expect(decision.granted && decision.subscription.subscriptionId).toBe('s1');
  });

  it('skips an expired subscription for a later one in force', () => {
    const decision = resolveProductEntitlement(
      snapshot([subscription('s1', 'p-weather', '2025-01-01T00:00:00.000Z'), subscription('s2', 'p-weather')]),
      weather,
      NOW,
    );
    expect(decision.granted && decision.subscription.subscriptionId).toBe('s2');
  });
});
