import { calendarPeriods, MAX_EXACT_MICROS } from '@gatehouse/domain';
import { RedisKeys } from '../redis-keys';
import { limitChecks, PERIOD_KEY_GRACE_MS } from './limit-checks';
import { LimitKeys } from './limit-keys';
import { type AdmitRequest } from './limits.types';

describe('limitChecks', () => {
  const keys = new LimitKeys(new RedisKeys('gh'));
  const now = Date.parse('2026-03-14T10:00:00Z');
  const periods = calendarPeriods(now);
  const request = (overrides: Partial<AdmitRequest> = {}): AdmitRequest => ({
    tenantId: 't1',
    scopes: [],
    reserve: { tokens: 1_500, costMicros: 4_200n },
    ...overrides,
  });

  it('checks every limit of every scope, in a fixed order, with tenant hash-tagged keys', () => {
    const checks = limitChecks(
      request({
        scopes: [
          {
            kind: 'subscription',
            id: 's1',
            limits: {
              rpm: 60,
              rpmBurst: 10,
              tpm: 10_000,
              tpmBurst: null,
              concurrency: 4,
              dailyTokens: 100_000,
              monthlyTokens: 1_000_000,
              monthlyCalls: 5_000,
              monthlyBudgetUsd: '12.5',
              allowedModels: ['x'],
            },
            modes: { monthlyBudgetUsd: 'monitor' },
          },
          { kind: 'tenant', id: 't1', limits: { monthlyBudgetUsd: '100' } },
        ],
      }),
      keys,
      periods,
    );
    expect(checks.map((check) => [check.ref.scope, check.ref.limit, check.kind, check.monitor])).toEqual([
      ['subscription', 'rpm', 'rate', false],
      ['subscription', 'tpm', 'rate', false],
      ['subscription', 'concurrency', 'concurrency', false],
      ['subscription', 'dailyTokens', 'quota', false],
      ['subscription', 'monthlyTokens', 'quota', false],
      ['subscription', 'monthlyCalls', 'quota', false],
      ['subscription', 'monthlyBudgetUsd', 'quota', true],
      ['tenant', 'monthlyBudgetUsd', 'quota', false],
    ]);
    for (const check of checks) expect(check.redisKey.startsWith('gh:{t:t1}:limits:')).toBe(true);

    expect(checks[0]?.spec).toEqual({ type: 'bucket', perMinute: 60, capacity: 10, cost: 1, settles: false });
    expect(checks[1]?.spec).toEqual({
      type: 'bucket',
      perMinute: 10_000,
      capacity: 10_000,
      cost: 1_500,
      settles: true,
    });
    expect(checks[2]?.spec).toEqual({ type: 'lease', max: 4 });
    expect(checks[3]).toMatchObject({
      redisKey: 'gh:{t:t1}:limits:quota:subscription:s1:dailyTokens:2026-03-14',
      spec: { type: 'counter', max: '100000', amount: '1500', metric: 'tokens' },
    });
    expect(checks[3]?.spec).toMatchObject({ expireAt: String(periods.day.endsAt + PERIOD_KEY_GRACE_MS) });
    expect(checks[5]?.spec).toMatchObject({ amount: '1', metric: 'calls' });
    expect(checks[6]).toMatchObject({
      redisKey: 'gh:{t:t1}:limits:quota:subscription:s1:monthlyBudgetUsd:2026-03',
      spec: {
        max: '12500000',
        amount: '4200',
        metric: 'micros',
        expireAt: String(periods.month.endsAt + PERIOD_KEY_GRACE_MS),
      },
    });
  });

  it('skips unlimited limits', () => {
    const checks = limitChecks(
      request({ scopes: [{ kind: 'key', id: 'k1', limits: { rpm: null, monthlyBudgetUsd: null } }] }),
      keys,
      periods,
    );
    expect(checks).toEqual([]);
  });

  it('clamps budgets and costs beyond what Lua compares exactly', () => {
    const [check] = limitChecks(
      request({
        scopes: [{ kind: 'tenant', id: 't1', limits: { monthlyBudgetUsd: '999999999999.999999' } }],
        reserve: { tokens: 1, costMicros: 10n ** 20n },
      }),
      keys,
      periods,
    );
    expect(check?.spec).toMatchObject({ max: MAX_EXACT_MICROS.toString(), amount: MAX_EXACT_MICROS.toString() });
  });

  it('refuses a scope given twice and bad reservations', () => {
    const scope = { kind: 'subscription' as const, id: 's1', limits: { rpm: 1 } };
    expect(() => limitChecks(request({ scopes: [scope, scope] }), keys, periods)).toThrow(/given twice/);
    expect(() => limitChecks(request({ reserve: { tokens: -1, costMicros: 0n } }), keys, periods)).toThrow(RangeError);
    expect(() => limitChecks(request({ reserve: { tokens: 1, costMicros: -1n } }), keys, periods)).toThrow(RangeError);
  });
});
