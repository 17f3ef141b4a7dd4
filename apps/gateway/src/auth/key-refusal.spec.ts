import { type KeySnapshot } from '@gatehouse/contracts';
import { keyRefusal } from './key-refusal';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const key: KeySnapshot = {
  keyId: 'key',
  tenantId: 'tenant',
  tenantStatus: 'ACTIVE',
  status: 'ACTIVE',
  mode: 'live',
  expiresAt: null,
  graceExpiresAt: null,
  scope: [],
  subscriptions: [],
  tenantTimeZone: 'UTC',
  tenantMonthlyBudgetUsd: null,
  keyLimits: null,
  keyMetadata: {},
  loadedAt: NOW.toISOString(),
};

describe('keyRefusal', () => {
  it('accepts an active, unexpired key', () => {
    expect(keyRefusal(key, NOW)).toBeNull();
    expect(keyRefusal({ ...key, expiresAt: '2025-06-01T12:00:00.001Z' }, NOW)).toBeNull();
  });

  it('refuses an unknown, revoked or expired key', () => {
    expect(keyRefusal(null, NOW)).toBe('Incorrect API key provided.');
    expect(keyRefusal({ ...key, status: 'REVOKED' }, NOW)).toBe('This API key has been revoked.');
    expect(keyRefusal({ ...key, expiresAt: NOW.toISOString() }, NOW)).toMatch(/expired at 2025-06-01T12:00:00.000Z/);
  });

  it('accepts a previous secret until its grace ends, then refuses it', () => {
    expect(keyRefusal({ ...key, graceExpiresAt: '2025-06-01T12:00:01.000Z' }, NOW)).toBeNull();
    expect(keyRefusal({ ...key, graceExpiresAt: NOW.toISOString() }, NOW)).toMatch(/rotated/);
  });

  it('leaves a suspended tenant to the guard, which answers it with a 403 rather than a key refusal', () => {
    expect(keyRefusal({ ...key, tenantStatus: 'SUSPENDED' }, NOW)).toBeNull();
  });
});
