import { type LimitCheck } from './limit-checks';
import { type CheckOutcome, refusalMessage, toDecision } from './limit-decision';
import { type Refused, type Reservation } from './limits.types';

const bucket = (
  limit: 'rpm' | 'tpm',
  perMinute: number,
  monitor = false,
  scope: 'subscription' | 'key' = 'subscription',
): LimitCheck => ({
  ref: { scope, scopeId: 's1', limit },
  kind: 'rate',
  monitor,
  redisKey: `k:${scope}`,
  spec: { type: 'bucket', perMinute, capacity: perMinute, unit: limit === 'tpm' ? 'tokens' : 'request' },
});
const lease: LimitCheck = {
  ref: { scope: 'subscription', scopeId: 's1', limit: 'concurrency' },
  kind: 'concurrency',
  monitor: false,
  redisKey: 'k:subscription',
  spec: { type: 'lease', max: 2 },
};
const budget = (monitor = false): LimitCheck => ({
  ref: { scope: 'tenant', scopeId: 't1', limit: 'monthlyBudgetUsd' },
  kind: 'quota',
  monitor,
  redisKey: 'k:tenant',
  spec: { type: 'counter', max: 5_000_000, metric: 'micros' },
});
const fits = (current = 5, resetMs: number | null = 100): CheckOutcome => ({
  fits: true,
  current,
  resetMs,
  retryAfterMs: null,
});
const refused = (retryAfterMs: number | null, current = 0): CheckOutcome => ({
  fits: false,
  current,
  resetMs: 60_000,
  retryAfterMs,
});
const reservation: Reservation = { tenantId: 't1', id: 'r1', backend: 'redis', expiresAt: 0 };
/** What the requests below reserve: the budget checks ask for its cost. */
const reserve = { tokens: 1, costMicros: 1_500n };

describe('toDecision', () => {
  it('admits with the most restrictive bucket in the headers', () => {
    const decision = toDecision({
      reserve,
      checks: [bucket('rpm', 600), bucket('rpm', 60, false, 'key'), bucket('tpm', 1_000)],
      outcomes: [fits(500, 10), fits(9, 1_000), fits(900, 6_000)],
      admitted: true,
      reservation,
      degraded: null,
    });
    expect(decision).toEqual({
      admitted: true,
      reservation,
      rateLimits: {
        requests: { limit: 60, remaining: 9, resetMs: 1_000 },
        tokens: { limit: 1_000, remaining: 900, resetMs: 6_000 },
      },
      monitored: [],
      degraded: null,
    });
  });

  it('retries after the slowest refusing bucket', () => {
    const decision = toDecision({
      reserve,
      checks: [bucket('rpm', 60), bucket('tpm', 1_000)],
      outcomes: [refused(1_000), refused(4_500)],
      admitted: false,
      reservation: null,
      degraded: null,
    }) as Refused;
    expect(decision).toMatchObject({ code: 'rate_limit_exceeded', retryAfterMs: 4_500, retryable: true });
    expect(decision.refusedBy).toHaveLength(2);
  });

  it('prefers insufficient_quota over a rate limit: waiting would not help', () => {
    const decision = toDecision({
      reserve,
      checks: [bucket('rpm', 60), budget()],
      outcomes: [refused(1_000), { fits: false, current: 4_999_000, resetMs: null, retryAfterMs: null }],
      admitted: false,
      reservation: null,
      degraded: null,
    }) as Refused;
    expect(decision).toMatchObject({ code: 'insufficient_quota', retryAfterMs: null, retryable: false });
    expect(
      refusalMessage({ ...decision, refusedBy: decision.refusedBy.filter((breach) => breach.kind === 'quota') }),
    ).toBe(
      'You exceeded the monthly budget of your organisation: $4.999 of $5 used or reserved, and this request needs up to $0.0015.',
    );
  });

  it('cannot promise a retry time for concurrency or for a request larger than the bucket', () => {
    const concurrency = toDecision({
      reserve,
      checks: [lease],
      outcomes: [{ fits: false, current: 2, resetMs: null, retryAfterMs: null }],
      admitted: false,
      reservation: null,
      degraded: null,
    }) as Refused;
    expect(concurrency).toMatchObject({ code: 'rate_limit_exceeded', retryAfterMs: null, retryable: true });
    expect(refusalMessage(concurrency)).toMatch(/concurrent requests/);

    const tooLarge = toDecision({
      reserve,
      checks: [bucket('tpm', 1_000)],
      outcomes: [refused(null)],
      admitted: false,
      reservation: null,
      degraded: null,
    }) as Refused;
    expect(tooLarge).toMatchObject({ retryAfterMs: null, retryable: false });
    expect(tooLarge.refusedBy[0]?.neverFits).toBe(true);
    expect(refusalMessage(tooLarge)).toMatch(/reduce max_tokens/);
  });

  it('reports monitored breaches on both answers', () => {
    const admitted = toDecision({
      reserve,
      checks: [budget(true)],
      outcomes: [{ fits: false, current: 5_000_000, resetMs: null, retryAfterMs: null }],
      admitted: true,
      reservation,
      degraded: null,
    });
    expect(admitted.monitored).toEqual([
      expect.objectContaining({
        limit: 'monthlyBudgetUsd',
        limitValue: 5_000_000,
        current: 5_000_000,
        requested: 1_500,
      }),
    ]);
  });
});
