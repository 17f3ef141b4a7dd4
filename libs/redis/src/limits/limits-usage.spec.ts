import { BUCKET_SCALE, calendarPeriods } from '@gatehouse/domain';
import { RedisKeys } from '../redis-keys';
import { limitChecks } from './limit-checks';
import { LimitKeys } from './limit-keys';
import { quotaAmounts, toLimitsUsage, type UsageReadReply, usageReads, type UsageScope } from './limits-usage';

const keys = new LimitKeys(new RedisKeys('gh'));
const NOW = Date.parse('2026-03-14T10:00:00.000Z');
const periods = calendarPeriods(NOW, 'Europe/Paris');
const scope: UsageScope = {
  kind: 'subscription',
  id: 'sub-1',
  limits: {
    rpm: 60,
    rpmBurst: 10,
    tpm: 1_000,
    tpmBurst: null,
    concurrency: 4,
    dailyTokens: 5_000,
    monthlyTokens: 100_000,
    monthlyCalls: 1_000,
    monthlyBudgetUsd: '12.50',
    allowedModels: ['demo-chat'],
  },
};

describe('usageReads', () => {
  it('reads exactly the keys the engine checks for the same scope and periods, in its order', () => {
    const checks = limitChecks(
      { tenantId: 't-1', scopes: [scope], reserve: { tokens: 0, costMicros: 0n } },
      keys,
      periods,
    );
    const reads = usageReads('t-1', scope, keys, periods);
    expect(reads.map((read) => read.redisKey)).toEqual(checks.map((check) => check.redisKey));
    expect(reads.map((read) => read.limit)).toEqual([
      'rpm',
      'tpm',
      'concurrency',
      'dailyTokens',
      'monthlyTokens',
      'monthlyCalls',
      'monthlyBudgetUsd',
    ]);
    expect(reads[0]).toMatchObject({ type: 'bucket', bucket: { perMinute: 60, capacity: 10 } });
    expect(reads[1]).toMatchObject({ type: 'bucket', bucket: { perMinute: 1_000, capacity: 1_000 } });
    expect(reads[3]).toMatchObject({ type: 'counter', max: 5_000n, money: false, period: periods.day });
    expect(reads[6]).toMatchObject({ type: 'counter', max: 12_500_000n, money: true, period: periods.month });
  });

  it('reads nothing for unlimited limits', () => {
    expect(usageReads('t-1', { kind: 'tenant', id: 't-1', limits: {} }, keys, periods)).toEqual([]);
    const nulls = { rpm: null, tpm: null, concurrency: null, dailyTokens: null, monthlyBudgetUsd: null };
    expect(usageReads('t-1', { kind: 'key', id: 'k-1', limits: nulls }, keys, periods)).toEqual([]);
  });
});

describe('quotaAmounts', () => {
  it('splits the counter into settled usage and live reservations', () => {
    expect(quotaAmounts(10_000n, 3_400n, 2_000n, 0n)).toEqual({
      limit: 10_000n,
      used: 1_400n,
      reserved: 2_000n,
      remaining: 6_600n,
    });
  });

  it('counts what dead reservations hold as neither used nor reserved: the next admit gives it back', () => {
    expect(quotaAmounts(10_000n, 3_400n, 1_000n, 1_000n)).toEqual({
      limit: 10_000n,
      used: 1_400n,
      reserved: 1_000n,
      remaining: 7_600n,
    });
  });

  it('never answers a negative amount: usage over the limit leaves 0 remaining', () => {
    expect(quotaAmounts(1_000n, 1_250n, 0n, 0n)).toMatchObject({ used: 1_250n, remaining: 0n });
    expect(quotaAmounts(1_000n, 0n, 300n, 0n)).toMatchObject({ used: 0n, reserved: 300n, remaining: 700n });
  });
});

describe('toLimitsUsage', () => {
  const reads = usageReads('t-1', scope, keys, periods);
  const replies: UsageReadReply[] = [
    // rpm: 3 units left 2 s ago, refilled 1 a second since.
    { level: String(3 * BUCKET_SCALE), at: String(NOW - 2_000) },
    // tpm: no key, a full bucket.
    { full: true },
    { held: '2' },
    { value: '3400', live: '2000', dead: '0' },
    { value: '3400', live: '2000', dead: '0' },
    { value: '5', live: '2', dead: '1' },
    { value: '2750001', live: '1500000', dead: '0' },
  ];

  it('answers every counter of the scope, money in decimal USD and resets at the period ends', () => {
    expect(toLimitsUsage({ scope, timeZone: 'Europe/Paris', now: NOW, reads, replies })).toEqual({
      scope: 'subscription',
      scopeId: 'sub-1',
      timeZone: 'Europe/Paris',
      readAt: '2026-03-14T10:00:00.000Z',
      quotas: {
        dailyTokens: {
          limit: 5_000,
          used: 1_400,
          reserved: 2_000,
          remaining: 1_600,
          period: '2026-03-14',
          resetsAt: '2026-03-14T23:00:00.000Z',
        },
        monthlyTokens: {
          limit: 100_000,
          used: 1_400,
          reserved: 2_000,
          remaining: 96_600,
          period: '2026-03',
          resetsAt: '2026-03-31T22:00:00.000Z',
        },
        monthlyCalls: {
          limit: 1_000,
          used: 2,
          reserved: 2,
          remaining: 996,
          period: '2026-03',
          resetsAt: '2026-03-31T22:00:00.000Z',
        },
        monthlyBudgetUsd: {
          limit: '12.5',
          used: '1.250001',
          reserved: '1.5',
          remaining: '9.749999',
          period: '2026-03',
          resetsAt: '2026-03-31T22:00:00.000Z',
        },
      },
      rates: {
        // 5 units now; full (10) again in 5 s.
        rpm: { limit: 60, capacity: 10, remaining: 5, resetsAt: '2026-03-14T10:00:05.000Z' },
        tpm: { limit: 1_000, capacity: 1_000, remaining: 1_000, resetsAt: '2026-03-14T10:00:00.000Z' },
      },
      concurrency: { limit: 4, inUse: 2 },
    });
  });

  it('answers 0 remaining for a bucket in debt, with the time it takes to refill', () => {
    const [rpmRead] = reads;
    if (rpmRead === undefined) throw new Error('expected an rpm read');
    const usage = toLimitsUsage({
      scope,
      timeZone: 'Europe/Paris',
      now: NOW,
      reads: [rpmRead],
      replies: [{ level: String(-2 * BUCKET_SCALE), at: String(NOW) }],
    });
    // From −2 to 10 units at one a second: 12 s.
    expect(usage.rates.rpm).toEqual({ limit: 60, capacity: 10, remaining: 0, resetsAt: '2026-03-14T10:00:12.000Z' });
    expect(usage.quotas.dailyTokens).toBeNull();
    expect(usage.concurrency).toBeNull();
  });

  it('refuses a reply that does not match its read', () => {
    expect(() => toLimitsUsage({ scope, timeZone: 'UTC', now: NOW, reads, replies: [{ held: '1' }] })).toThrow(/rpm/);
  });
});
