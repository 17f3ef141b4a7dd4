import { type LimitCheck } from './limit-checks';
import { LocalLimiter } from './local-limiter';

const rpm = (perMinute: number, capacity: number, monitor = false): LimitCheck => ({
  ref: { scope: 'subscription', scopeId: 's1', limit: 'rpm' },
  kind: 'rate',
  monitor,
  redisKey: 'scope',
  spec: { type: 'bucket', perMinute, capacity, unit: 'request' },
});
const tpm: LimitCheck = {
  ref: { scope: 'subscription', scopeId: 's1', limit: 'tpm' },
  kind: 'rate',
  monitor: false,
  redisKey: 'scope',
  spec: { type: 'bucket', perMinute: 600, capacity: 1_000, unit: 'tokens' },
};
const concurrency = (max: number): LimitCheck => ({
  ref: { scope: 'subscription', scopeId: 's1', limit: 'concurrency' },
  kind: 'concurrency',
  monitor: false,
  redisKey: 'scope',
  spec: { type: 'lease', max },
});

describe('LocalLimiter', () => {
  it('applies the burst and tells the exact wait', () => {
    const limiter = new LocalLimiter();
    const checks = [rpm(60, 2)];
    expect(limiter.admit('a', checks, 0, 0, 1_000).admitted).toBe(true);
    expect(limiter.admit('b', checks, 0, 0, 1_000).admitted).toBe(true);
    const refused = limiter.admit('c', checks, 0, 0, 1_000);
    expect(refused).toEqual({
      admitted: false,
      outcomes: [{ fits: false, current: 0, resetMs: 2_000, retryAfterMs: 1_000 }],
    });
    expect(limiter.admit('c', checks, 0, 1_000, 1_000).admitted).toBe(true);
  });

  it('takes nothing when one check refuses', () => {
    const limiter = new LocalLimiter();
    limiter.admit('a', [concurrency(1)], 0, 0, 10_000);
    const refused = limiter.admit('b', [rpm(60, 1), concurrency(1)], 0, 0, 10_000);
    expect(refused.admitted).toBe(false);
    // The rpm bucket was not charged for the refused request.
    expect(refused.outcomes[0]).toMatchObject({ fits: true, current: 1 });
    expect(limiter.admit('c', [rpm(60, 1)], 0, 0, 10_000).admitted).toBe(true);
  });

  it('releases leases on settle and when they expire', () => {
    const limiter = new LocalLimiter();
    expect(limiter.admit('a', [concurrency(1)], 0, 0, 500).admitted).toBe(true);
    expect(limiter.admit('b', [concurrency(1)], 0, 100, 500).admitted).toBe(false);
    limiter.settle('a', 0, 200);
    expect(limiter.admit('b', [concurrency(1)], 0, 200, 500).admitted).toBe(true);
    // Never settled: gone once expired.
    expect(limiter.admit('c', [concurrency(1)], 0, 700, 500).admitted).toBe(true);
  });

  it('settles TPM to the actual tokens, once', () => {
    const limiter = new LocalLimiter();
    expect(limiter.admit('a', [tpm], 800, 0, 1_000).admitted).toBe(true);
    expect(limiter.admit('b', [tpm], 800, 0, 1_000).admitted).toBe(false);
    limiter.settle('a', 100, 0);
    limiter.settle('a', 100, 0);
    expect(limiter.admit('b', [tpm], 800, 0, 1_000)).toMatchObject({ admitted: true, outcomes: [{ current: 100 }] });
  });

  it('admits past a monitored limit without charging it', () => {
    const limiter = new LocalLimiter();
    expect(limiter.admit('a', [rpm(60, 1, true)], 0, 0, 1_000).admitted).toBe(true);
    const monitored = limiter.admit('b', [rpm(60, 1, true)], 0, 0, 1_000);
    expect(monitored).toMatchObject({ admitted: true, outcomes: [{ fits: false, retryAfterMs: 1_000 }] });
  });

  it('enforces its share of each limit', () => {
    const limiter = new LocalLimiter(0.5);
    const checks = [rpm(60, 4), concurrency(4)];
    const results = ['a', 'b', 'c'].map((id) => limiter.admit(id, checks, 0, 0, 1_000).admitted);
    expect(results).toEqual([true, true, false]);
  });

  it('refuses quota checks: those are never counted locally', () => {
    const quota: LimitCheck = {
      ref: { scope: 'tenant', scopeId: 't', limit: 'monthlyCalls' },
      kind: 'quota',
      monitor: false,
      redisKey: 'q',
      spec: { type: 'counter', max: 1, metric: 'calls' },
    };
    expect(() => new LocalLimiter().admit('a', [quota], 0, 0, 1)).toThrow(/quotas/);
  });
});
