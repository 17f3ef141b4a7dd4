import { EMPTY_KEY_METADATA, type KeySnapshot, keySnapshotSchema } from '@gatehouse/contracts';
import { SnapshotInterner } from './snapshot-interner';

/** A snapshot as the cache parses it from Redis: a fresh object graph every time. */
function parsed(keyId: string, subscriptionId = 'sub-1', rpm = 60, keyMetadata?: Record<string, string>): KeySnapshot {
  return keySnapshotSchema.parse(
    JSON.parse(
      JSON.stringify({
        keyId,
        tenantId: 'tenant-1',
        tenantStatus: 'ACTIVE',
        status: 'ACTIVE',
        mode: 'live',
        expiresAt: null,
        graceExpiresAt: null,
        scope: [],
        subscriptions: [
          {
            subscriptionId,
            productId: 'product-1',
            productSlug: 'demo',
            planId: 'plan-1',
            limits: {
              rpm,
              rpmBurst: null,
              tpm: null,
              tpmBurst: null,
              concurrency: null,
              dailyTokens: null,
              monthlyTokens: null,
              monthlyCalls: null,
              monthlyBudgetUsd: null,
              allowedModels: null,
            },
            models: ['demo-chat', 'demo-embed'],
            expiresAt: null,
          },
        ],
        ...(keyMetadata && { keyMetadata }),
        loadedAt: '2026-12-07T00:00:00.000Z',
      }),
    ),
  );
}

describe('SnapshotInterner', () => {
  it("gives the keys of a tenant one copy of each subscription they share, keeping each key's own fields", () => {
    const interner = new SnapshotInterner();
    const first = interner.intern(parsed('key-1'));
    const second = interner.intern(parsed('key-2'));
    expect(second.subscriptions[0]).toBe(first.subscriptions[0]);
    expect(second.keyId).toBe('key-2');
    expect(second).toEqual(parsed('key-2'));
    expect(interner.size).toBe(1);
  });

  it('keeps subscriptions apart that differ in anything, a limit included', () => {
    const interner = new SnapshotInterner();
    const base = interner.intern(parsed('key-1'));
    const otherSubscription = interner.intern(parsed('key-2', 'sub-2'));
    const otherLimit = interner.intern(parsed('key-3', 'sub-1', 61));
    expect(otherSubscription.subscriptions[0]).not.toBe(base.subscriptions[0]);
    expect(otherLimit.subscriptions[0]).not.toBe(base.subscriptions[0]);
    expect(otherLimit.subscriptions[0]?.limits.rpm).toBe(61);
    expect(interner.size).toBe(3);
  });

  it('shares one frozen empty object among keys without labels, and one copy of each label set', () => {
    const interner = new SnapshotInterner();
    const bare = [interner.intern(parsed('key-1')), interner.intern(parsed('key-2', 'sub-1', 60, {}))];
    expect(bare[0]?.keyMetadata).toBe(EMPTY_KEY_METADATA);
    expect(bare[1]?.keyMetadata).toBe(EMPTY_KEY_METADATA);
    expect(Object.isFrozen(bare[0]?.keyMetadata)).toBe(true);

    const search = interner.intern(parsed('key-3', 'sub-1', 60, { env: 'prod', team: 'search' }));
    const sameLabels = interner.intern(parsed('key-4', 'sub-1', 60, { env: 'prod', team: 'search' }));
    const otherLabels = interner.intern(parsed('key-5', 'sub-1', 60, { env: 'prod', team: 'ads' }));
    expect(sameLabels.keyMetadata).toBe(search.keyMetadata);
    expect(sameLabels.keyMetadata).toEqual({ env: 'prod', team: 'search' });
    expect(otherLabels.keyMetadata).not.toBe(search.keyMetadata);
    expect(otherLabels.keyMetadata).toEqual({ env: 'prod', team: 'ads' });
    expect(interner.labelSetCount).toBe(2);
  });
});
