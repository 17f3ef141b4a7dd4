import { type KeySnapshot, type KeySnapshotSubscription } from '@gatehouse/contracts';
import { type CatalogModel } from '../catalog/catalog.types';
import { allowedModels, resolveEntitlement, usableSubscriptions } from './resolve-entitlement';

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

function subscription(id: string, productId: string, models: string[], expiresAt: string | null = null) {
  return {
    subscriptionId: id,
    productId,
    productSlug: productId,
    planId: `plan-${id}`,
    limits: { ...unlimited, rpm: 60 },
    models,
    expiresAt,
    limitModes: {},
    quotaFailOpen: false,
  } satisfies KeySnapshotSubscription;
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

const PRICE = { inputPer1M: '0.15', outputPer1M: '0.6', cachedInputPer1M: null };
const TARGETS = [{ providerId: 'mock', upstreamModel: 'mock-chat', weight: 1, priority: 0 }];
const entry = (alias: string, productId: string): [string, CatalogModel] => [
  alias,
  {
    alias,
    productId,
    productSlug: productId,
    createdAt: NOW,
    price: alias === 'demo-chat' ? PRICE : null,
    targets: alias === 'demo-chat' ? TARGETS : [],
    kind: alias === 'demo-embed' ? 'embedding' : 'chat',
  },
];
const catalog = new Map([entry('demo-chat', 'demo'), entry('demo-embed', 'demo'), entry('other-chat', 'other')]);

describe('resolveEntitlement', () => {
  it('grants a model through the subscription that lists it, with its limits, its price now and its targets', () => {
    const demo = subscription('s1', 'demo', ['demo-chat', 'demo-embed']);
    const decision = resolveEntitlement(snapshot([demo]), 'demo-chat', catalog, NOW);
    expect(decision).toEqual({
      granted: true,
      entitlement: {
        model: 'demo-chat',
        subscription: demo,
        productId: 'demo',
        productSlug: 'demo',
        limits: demo.limits,
        price: PRICE,
        targets: TARGETS,
        kind: 'chat',
      },
    });
  });

  it('grants a model without a price, or not in the catalog yet, with a null price and no targets', () => {
    const demo = subscription('s1', 'demo', ['demo-chat', 'demo-embed', 'demo-new']);
    for (const model of ['demo-embed', 'demo-new']) {
      const decision = resolveEntitlement(snapshot([demo]), model, catalog, NOW);
      expect(decision).toMatchObject({ granted: true, entitlement: { model, price: null, targets: [] } });
    }
    // Not in the catalog: no product slug either, so no product's policy applies to it.
    const unknown = resolveEntitlement(snapshot([demo]), 'demo-new', catalog, NOW);
    expect(unknown).toMatchObject({ granted: true, entitlement: { productSlug: null } });
  });

  it('answers model_not_found for a model no product offers, even with subscriptions', () => {
    const decision = resolveEntitlement(snapshot([subscription('s1', 'demo', ['demo-chat'])]), 'gpt-9', catalog, NOW);
    expect(decision).toMatchObject({ granted: false, code: 'model_not_found' });
  });

  it('answers model_not_allowed without a subscription to the product offering the model', () => {
    const decision = resolveEntitlement(
      snapshot([subscription('s1', 'demo', ['demo-chat'])]),
      'other-chat',
      catalog,
      NOW,
    );
    expect(decision).toMatchObject({ granted: false, code: 'model_not_allowed' });
    expect(!decision.granted && decision.message).toMatch(/no approved subscription to 'other'/);
  });

  it("answers model_not_allowed when the plan's allowedModels leaves the model out", () => {
    const decision = resolveEntitlement(
      snapshot([subscription('s1', 'demo', ['demo-chat'])]),
      'demo-embed',
      catalog,
      NOW,
    );
    expect(decision).toMatchObject({ granted: false, code: 'model_not_allowed' });
    expect(!decision.granted && decision.message).toMatch(/plan on 'demo' does not include/);
  });

  it('answers model_not_allowed when the key is scoped to other subscriptions', () => {
    const key = snapshot(
      [subscription('s1', 'demo', ['demo-chat']), subscription('s2', 'other', ['other-chat'])],
      ['s2'],
    );
    expect(resolveEntitlement(key, 'other-chat', catalog, NOW).granted).toBe(true);
    const decision = resolveEntitlement(key, 'demo-chat', catalog, NOW);
    expect(decision).toMatchObject({ granted: false, code: 'model_not_allowed' });
    expect(!decision.granted && decision.message).toMatch(/not scoped/);
  });

  it('stops granting at the subscription expiry, to the millisecond', () => {
    const expiring = subscription('s1', 'demo', ['demo-chat'], '2025-06-01T12:00:00.001Z');
    expect(resolveEntitlement(snapshot([expiring]), 'demo-chat', catalog, NOW).granted).toBe(true);
    const at = new Date('2025-06-01T12:00:00.001Z');
    const decision = resolveEntitlement(snapshot([expiring]), 'demo-chat', catalog, at);
    expect(decision).toMatchObject({ granted: false, code: 'model_not_allowed' });
    expect(!decision.granted && decision.message).toMatch(/expired/);
  });

  it('grants a model the snapshot lists even when the catalog index does not know it yet', () => {
    const fresh = subscription('s1', 'new', ['new-chat']);
    expect(resolveEntitlement(snapshot([fresh]), 'new-chat', catalog, NOW).granted).toBe(true);
  });

  it('picks the oldest granting subscription should two grant the same model', () => {
    const first = subscription('s1', 'demo', ['demo-chat']);
    const second = subscription('s2', 'demo', ['demo-chat']);
    const decision = resolveEntitlement(snapshot([first, second]), 'demo-chat', catalog, NOW);
    expect(decision.granted && decision.entitlement.subscription.subscriptionId).toBe('s1');
  });

  it('matches model names exactly (no case folding, no prefixes)', () => {
    const key = snapshot([subscription('s1', 'demo', ['demo-chat'])]);
    expect(resolveEntitlement(key, 'Demo-Chat', catalog, NOW)).toMatchObject({ code: 'model_not_found' });
    expect(resolveEntitlement(key, 'demo-cha', catalog, NOW)).toMatchObject({ code: 'model_not_found' });
  });
});

describe('allowedModels / usableSubscriptions', () => {
  it('lists each model once, sorted, across usable subscriptions only', () => {
    const key = snapshot(
      [
        subscription('s1', 'demo', ['demo-embed', 'demo-chat']),
        subscription('s2', 'other', ['other-chat']),
        subscription('s3', 'old', ['old-chat'], '2025-01-01T00:00:00.000Z'),
      ],
      ['s1', 's3'],
    );
    expect(usableSubscriptions(key, NOW).map((s) => s.subscriptionId)).toEqual(['s1']);
    expect(allowedModels(key, NOW)).toEqual(['demo-chat', 'demo-embed']);
  });

  it('an empty scope means every subscription of the tenant', () => {
    const key = snapshot([subscription('s1', 'demo', ['demo-chat']), subscription('s2', 'other', ['other-chat'])]);
    expect(allowedModels(key, NOW)).toEqual(['demo-chat', 'other-chat']);
  });

  it('no subscription, no model', () => {
    expect(allowedModels(snapshot([]), NOW)).toEqual([]);
  });
});
