import { EMPTY_KEY_METADATA, keySnapshotSchema } from '@gatehouse/contracts';
import { type GatewayKeyRecord, type Plan, Prisma } from '@gatehouse/db';
import { toKeySnapshot } from './key-snapshot.mapper';

const NOW = new Date('2026-03-01T12:00:00.000Z');

const plan: Plan = {
  id: 'plan-1',
  productId: 'product-1',
  name: 'pro',
  description: null,
  status: 'ACTIVE',
  autoApprove: false,
  rpm: 60,
  rpmBurst: 10,
  tpm: 10_000,
  tpmBurst: null,
  concurrency: 4,
  dailyTokens: null,
  monthlyTokens: 1_000_000n,
  monthlyCalls: null,
  monthlyBudgetUsd: new Prisma.Decimal('25.500000'),
  allowedModels: [],
  limitModes: { rpm: 'MONITOR', tpm: 'ENFORCE' },
  quotaFailOpen: true,
  createdAt: NOW,
  updatedAt: NOW,
};

function record(overrides: Partial<GatewayKeyRecord> = {}): GatewayKeyRecord {
  return {
    keyId: 'key-1',
    tenantId: 'tenant-1',
    tenantStatus: 'ACTIVE',
    tenantTimeZone: 'Europe/Paris',
    tenantMonthlyBudgetUsd: new Prisma.Decimal('250.500000'),
    status: 'ACTIVE',
    mode: 'LIVE',
    expiresAt: null,
    graceExpiresAt: null,
    scope: [],
    keyLimits: { rpm: 10, monthlyBudgetUsd: '5', allowedModels: ['demo-chat'] },
    keyMetadata: { team: 'search', env: 'prod' },
    subscriptions: [
      {
        id: 'sub-1',
        productId: 'product-1',
        productSlug: 'demo',
        planId: plan.id,
        // A plan change: sub-1 replaced sub-0 and counts its usage in sub-0's counters.
        limitsScopeId: 'sub-0',
        plan,
        limitOverrides: { monthlyTokens: null },
        expiresAt: null,
        modelAliases: ['demo-embed', 'demo-chat'],
      },
    ],
    ...overrides,
  };
}

describe('toKeySnapshot', () => {
  it("carries the tenant's zone and budget, the key's narrowing, and each plan's modes and fail-open", () => {
    const snapshot = toKeySnapshot(record(), NOW);
    expect(snapshot).toMatchObject({
      tenantTimeZone: 'Europe/Paris',
      tenantMonthlyBudgetUsd: '250.5',
      keyLimits: { rpm: 10, monthlyBudgetUsd: '5', allowedModels: ['demo-chat'] },
      keyMetadata: { env: 'prod', team: 'search' },
    });
    expect(snapshot.subscriptions[0]).toMatchObject({
      subscriptionId: 'sub-1',
      limitsScopeId: 'sub-0',
      limits: { rpm: 60, monthlyTokens: null, monthlyBudgetUsd: '25.5' },
      limitModes: { rpm: 'monitor' },
      quotaFailOpen: true,
      // The key's allowedModels narrows what the subscription grants it.
      models: ['demo-chat'],
    });
    expect(keySnapshotSchema.parse(JSON.parse(JSON.stringify(snapshot)))).toEqual(snapshot);
  });

  it('has no narrowing, no tenant budget and UTC when none is set (or the zone is unknown)', () => {
    const snapshot = toKeySnapshot(
      record({ keyLimits: null, tenantMonthlyBudgetUsd: null, tenantTimeZone: 'Mars/Olympus' }),
      NOW,
    );
    expect(snapshot).toMatchObject({ keyLimits: null, tenantMonthlyBudgetUsd: null, tenantTimeZone: 'UTC' });
    expect(snapshot.subscriptions[0]?.models).toEqual(['demo-chat', 'demo-embed']);
    expect(toKeySnapshot(record({ keyLimits: { rpm: null, unknown: 3 } }), NOW).keyLimits).toBeNull();
  });

  it('keeps what reads of a hand-edited narrowing, by name', () => {
    expect(toKeySnapshot(record({ keyLimits: { rpm: 'ten', tpm: 500 } }), NOW).keyLimits).toEqual({ tpm: 500 });
  });

  it("carries the key's labels, and the shared empty object for a key without any", () => {
    expect(toKeySnapshot(record({ keyMetadata: {} }), NOW).keyMetadata).toBe(EMPTY_KEY_METADATA);
    expect(toKeySnapshot(record({ keyMetadata: { Team: 'x', team: 'ads' } }), NOW).keyMetadata).toEqual({
      team: 'ads',
    });
    // A snapshot cached in Redis before keys had labels reads as a key without any.
    const { keyMetadata: _dropped, ...older } = toKeySnapshot(record(), NOW);
    expect(keySnapshotSchema.parse(JSON.parse(JSON.stringify(older))).keyMetadata).toEqual({});
  });
});
