import calculateSlot from 'cluster-key-slot';
import { randomUUID } from 'node:crypto';
import { queuePrefix, RedisKeys } from './redis-keys';

const CLUSTER_SLOTS = 16_384;

describe('RedisKeys on Redis Cluster', () => {
  const keys = new RedisKeys('gatehouse');

  it('puts the tenant hash tag first, after a brace-free prefix', () => {
    expect(keys.tenant('abc', 'rpm')).toBe('gatehouse:{t:abc}:rpm');
    expect(keys.global('auth', 'x')).toBe('gatehouse:auth:x');
  });

  it('keeps every key of one tenant in one slot', () => {
    const tenantId = randomUUID();
    const slots = new Set(
      ['rpm', 'tpm', 'concurrency', 'budget:2026-12', 'reservations'].map((part) =>
        calculateSlot(keys.tenant(tenantId, part)),
      ),
    );
    expect(slots.size).toBe(1);
  });

  it('spreads 2,000 tenants over the cluster slots', () => {
    const tenantSlots = Array.from({ length: 2_000 }, () => calculateSlot(keys.tenant(randomUUID(), 'rpm')));
    const distinct = new Set(tenantSlots);
    // 2,000 uniform draws from 16,384 slots give ~1,885 distinct slots; one slot for all is what a braced prefix did.
    expect(distinct.size).toBeGreaterThan(1_700);
    // Spread across the whole range: every eighth of the slot space holds a share of the tenants.
    const eighths = Array.from(
      { length: 8 },
      (_, eighth) => tenantSlots.filter((slot) => Math.floor((slot * 8) / CLUSTER_SLOTS) === eighth).length,
    );
    for (const count of eighths) expect(count).toBeGreaterThan(150);
  });

  it('would put every tenant in one slot with the old braced prefix (the defect this layout fixes)', () => {
    const braced = Array.from({ length: 50 }, () => calculateSlot(`{gatehouse}:{t:${randomUUID()}}:rpm`));
    expect(new Set(braced).size).toBe(1);
  });

  it('refuses a braced prefix, which would hide the tenant tag', () => {
    expect(() => new RedisKeys('{gatehouse}')).toThrow(/must not contain braces/);
    expect(() => queuePrefix('{gatehouse}')).toThrow(/must not contain braces/);
  });

  it('gives BullMQ a hash-tagged prefix, so each queue keeps its keys in one slot', () => {
    expect(queuePrefix('gatehouse')).toBe('{gatehouse}');
    const queueKeys = ['wait', 'active', 'delayed', 'completed', 'id', 'meta'].map(
      (part) => `{gatehouse}:usage:${part}`,
    );
    expect(new Set(queueKeys.map((key) => calculateSlot(key))).size).toBe(1);
  });
});
