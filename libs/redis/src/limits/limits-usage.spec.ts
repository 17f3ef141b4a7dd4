import { BUCKET_SCALE, calendarPeriods } from '@gatehouse/domain';
import { RedisKeys } from '../redis-keys';
import { LimitKeys } from './limit-keys';
import { periodNumber, type ReservationRecord, type ScopeState } from './limit-state';
import { legacyCounterKeys, quotaAmounts, type ScopeSnapshot, toLimitsUsage, type UsageScope } from './limits-usage';

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
const scopeKey = keys.scope('t-1', 'subscription', 'sub-1');

describe('legacyCounterKeys', () => {
  it('names the keys the layout before one key per scope kept the quotas of these periods in', () => {
    expect(legacyCounterKeys(keys, 't-1', scope, periods)).toEqual([
      { limit: 'dailyTokens', key: 'gh:{t:t-1}:limits:quota:subscription:sub-1:dailyTokens:2026-03-14' },
      { limit: 'monthlyTokens', key: 'gh:{t:t-1}:limits:quota:subscription:sub-1:monthlyTokens:2026-03' },
      { limit: 'monthlyCalls', key: 'gh:{t:t-1}:limits:quota:subscription:sub-1:monthlyCalls:2026-03' },
      { limit: 'monthlyBudgetUsd', key: 'gh:{t:t-1}:limits:quota:subscription:sub-1:monthlyBudgetUsd:2026-03' },
    ]);
    expect(legacyCounterKeys(keys, 't-1', { kind: 'key', id: 'k', limits: { rpm: 5 } }, periods)).toEqual([]);
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
  const today = periodNumber(periods.day.id);
  const thisMonth = periodNumber(periods.month.id);
  const state: ScopeState = {
    untilMs: NOW + 60_000,
    // rpm: 3 units left 2 s ago, refilled 1 a second since; tpm: never taken from (a full bucket).
    rpm: { level: 3 * BUCKET_SCALE, at: NOW - 2_000 },
    tpm: { level: 0, at: 0 },
    inFlight: 3,
    day: today,
    dailyTokens: 3_400,
    month: thisMonth,
    monthlyTokens: 3_400,
    monthlyCalls: 5,
    monthlyMicros: 2_750_001,
  };
  const reservation = (overrides: Partial<ReservationRecord> = {}): ReservationRecord => ({
    state: 'held',
    tokens: 1_000,
    micros: 750_000,
    day: today,
    month: thisMonth,
    requestId: 'req_1',
    scopes: [
      {
        key: scopeKey,
        tookTokens: true,
        leased: true,
        counters: { dailyTokens: true, monthlyTokens: true, monthlyCalls: true, monthlyBudgetUsd: true },
      },
    ],
    ...overrides,
  });
  const snapshot: ScopeSnapshot = {
    now: NOW,
    state,
    legacy: {},
    reservations: [
      // Two live ones; one dead (expired, not yet purged).
      { record: reservation(), expiresAt: NOW + 1_000 },
      { record: reservation(), expiresAt: NOW + 5_000 },
      { record: reservation({ tokens: 0, micros: 0 }), expiresAt: NOW },
    ],
  };
  const usageOf = (input: Partial<ScopeSnapshot>) =>
    toLimitsUsage({ scope, scopeKey, timeZone: 'Europe/Paris', periods, snapshot: { ...snapshot, ...input } });

  it('answers every counter of the scope, money in decimal USD and resets at the period ends', () => {
    expect(usageOf({})).toEqual({
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
      // Three in flight, one of them dead: the next admit's purge releases it.
      concurrency: { limit: 4, inUse: 2 },
    });
  });

  it('counts nothing of a period that is over, and only the reservations of this scope and these periods', () => {
    const [taken] = reservation().scopes;
    if (taken === undefined) throw new Error('expected a scope in the record');
    const otherScope = reservation({ scopes: [{ ...taken, key: keys.scope('t-1', 'key', 'k-1') }] });
    const usage = usageOf({
      state: { ...state, day: today - 1, month: thisMonth - 1 },
      reservations: [
        { record: otherScope, expiresAt: NOW + 1_000 },
        { record: reservation({ day: today - 1 }), expiresAt: NOW + 1_000 },
      ],
    });
    expect(usage.quotas.dailyTokens).toMatchObject({ used: 0, reserved: 0, remaining: 5_000 });
    // The second reservation charged yesterday's tokens but this month's, which the state no longer holds.
    expect(usage.quotas.monthlyTokens).toMatchObject({ used: 0, reserved: 1_000, remaining: 99_000 });
  });

  it('reads the counters of the layout before one key per scope while the scope has no state', () => {
    const usage = usageOf({ state: null, legacy: { monthlyCalls: 7 }, reservations: [] });
    expect(usage.quotas.monthlyCalls).toMatchObject({ used: 7, reserved: 0, remaining: 993 });
    expect(usage.quotas.dailyTokens).toMatchObject({ used: 0 });
    expect(usage.rates.rpm).toMatchObject({ remaining: 10 });
    expect(usage.concurrency).toEqual({ limit: 4, inUse: 0 });
  });

  it('answers 0 remaining for a bucket in debt, with the time it takes to refill', () => {
    const usage = toLimitsUsage({
      scope: { ...scope, limits: { rpm: 60, rpmBurst: 10 } },
      scopeKey,
      timeZone: 'Europe/Paris',
      periods,
      snapshot: { ...snapshot, state: { ...state, rpm: { level: -2 * BUCKET_SCALE, at: NOW } } },
    });
    // From −2 to 10 units at one a second: 12 s.
    expect(usage.rates.rpm).toEqual({ limit: 60, capacity: 10, remaining: 0, resetsAt: '2026-03-14T10:00:12.000Z' });
    expect(usage.quotas.dailyTokens).toBeNull();
    expect(usage.concurrency).toBeNull();
  });
});
