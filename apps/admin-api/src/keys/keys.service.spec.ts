import { type ApiKeyListItem } from '@gatehouse/db';
import { EMPTY_KEY_METADATA } from '@gatehouse/contracts';
import { keyLimitsToStore, keyMetadataToStore, toApiKeyResponse } from './keys.service';

const now = new Date('2026-06-01T12:00:00.000Z');

function key(overrides: Partial<ApiKeyListItem> = {}): ApiKeyListItem {
  return {
    id: 'b3b0c1de-0000-4000-8000-000000000001',
    tenantId: 'b3b0c1de-0000-4000-8000-0000000000aa',
    name: 'ci',
    prefix: 'gh_live_ab12',
    last4: 'wxyz',
    mode: 'LIVE',
    status: 'ACTIVE',
    expiresAt: null,
    createdById: 'b3b0c1de-0000-4000-8000-0000000000bb',
    lastUsedAt: null,
    revokedAt: null,
    previousHashExpiresAt: null,
    rotatedAt: null,
    limits: null,
    metadata: {},
    createdAt: new Date('2026-05-01T00:00:00.000Z'),
    updatedAt: new Date('2026-05-01T00:00:00.000Z'),
    createdBy: { id: 'b3b0c1de-0000-4000-8000-0000000000bb', name: 'Ada', email: 'ada@example.com' },
    subscriptionIds: [],
    ...overrides,
  };
}

describe('toApiKeyResponse', () => {
  it('maps a row to the public shape: lower-case mode, ISO dates, no hashes or internals', () => {
    const response = toApiKeyResponse(key({ lastUsedAt: new Date('2026-05-31T00:00:00.000Z') }), now);
    expect(response).toEqual({
      id: 'b3b0c1de-0000-4000-8000-000000000001',
      name: 'ci',
      prefix: 'gh_live_ab12',
      last4: 'wxyz',
      mode: 'live',
      status: 'ACTIVE',
      createdBy: { id: 'b3b0c1de-0000-4000-8000-0000000000bb', name: 'Ada', email: 'ada@example.com' },
      createdAt: '2026-05-01T00:00:00.000Z',
      lastUsedAt: '2026-05-31T00:00:00.000Z',
      expiresAt: null,
      subscriptionIds: [],
      limits: null,
      metadata: {},
    });
  });

  it('maps test mode, a deleted creator and the subscription scope', () => {
    const response = toApiKeyResponse(key({ mode: 'TEST', createdBy: null, subscriptionIds: ['s1', 's2'] }), now);
    expect(response).toMatchObject({ mode: 'test', createdBy: null, subscriptionIds: ['s1', 's2'] });
  });

  it('reports an active key past its expiry as EXPIRED, and keeps REVOKED as is', () => {
    expect(toApiKeyResponse(key({ expiresAt: new Date(now.getTime() - 1) }), now).status).toBe('EXPIRED');
    expect(toApiKeyResponse(key({ expiresAt: now }), now).status).toBe('EXPIRED');
    expect(toApiKeyResponse(key({ expiresAt: new Date(now.getTime() + 1) }), now).status).toBe('ACTIVE');
    expect(toApiKeyResponse(key({ status: 'REVOKED', expiresAt: new Date(0) }), now).status).toBe('REVOKED');
  });
});

describe('key limits', () => {
  it('shows the narrowing stored on the key, known names only', () => {
    const stored = { rpm: 10, monthlyBudgetUsd: '2.5', somethingElse: 1 };
    expect(toApiKeyResponse(key({ limits: stored }), now).limits).toEqual({ rpm: 10, monthlyBudgetUsd: '2.5' });
  });

  it('stores only the names that narrow, the budget canonical and the models once', () => {
    expect(keyLimitsToStore({ rpm: 10, tpm: null, monthlyBudgetUsd: '12.50', allowedModels: ['a', 'b', 'a'] })).toEqual(
      { rpm: 10, monthlyBudgetUsd: '12.5', allowedModels: ['a', 'b'] },
    );
    expect(keyLimitsToStore({ rpm: null })).toBeNull();
    expect(keyLimitsToStore({})).toBeNull();
    expect(keyLimitsToStore(null)).toBeNull();
    expect(keyLimitsToStore(undefined)).toBeNull();
  });
});

describe('key metadata labels', () => {
  it('shows the stored labels by name, and an empty object for a key without any', () => {
    const response = toApiKeyResponse(key({ metadata: { team: 'search', env: 'prod' } }), now);
    expect(response.metadata).toEqual({ env: 'prod', team: 'search' });
    expect(toApiKeyResponse(key({ metadata: {} }), now).metadata).toEqual({});
  });

  it('stores the labels by name; none when absent', () => {
    expect(Object.keys(keyMetadataToStore({ team: 'search', env: 'prod' }))).toEqual(['env', 'team']);
    expect(keyMetadataToStore(undefined)).toBe(EMPTY_KEY_METADATA);
  });
});
