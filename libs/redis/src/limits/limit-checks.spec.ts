import { MAX_EXACT_MICROS } from '@gatehouse/domain';
import { RedisKeys } from '../redis-keys';
import { assertAdmissible, buildPlan, requested, ScopePlans } from './limit-checks';
import { LimitKeys } from './limit-keys';
import { type AdmitRequest, type LimitScope } from './limits.types';

/** The admit script's view of a plan's packed limits (`admit.lua.ts`, ARGV[6..]). */
const unpack = (limits: Buffer) =>
  Array.from({ length: limits.length / 8 }, (_, index) => limits.readDoubleBE(index * 8));

describe('buildPlan', () => {
  const keys = new LimitKeys(new RedisKeys('gh'));
  const every: LimitScope = {
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
    modes: { monthlyBudgetUsd: 'monitor', rpm: 'monitor' },
  };

  it('checks every limit of a scope in a fixed order, against one tenant hash-tagged key', () => {
    const plan = buildPlan('t1', every, keys);
    expect(plan.key).toBe('gh:{t:t1}:limits:scope:subscription:s1');
    expect(plan.checks.map((check) => [check.ref.limit, check.kind, check.monitor])).toEqual([
      ['rpm', 'rate', true],
      ['tpm', 'rate', false],
      ['concurrency', 'concurrency', false],
      ['dailyTokens', 'quota', false],
      ['monthlyTokens', 'quota', false],
      ['monthlyCalls', 'quota', false],
      ['monthlyBudgetUsd', 'quota', true],
    ]);
    expect(plan.checks.every((check) => check.redisKey === plan.key)).toBe(true);
    expect(plan.checks[0]?.spec).toEqual({ type: 'bucket', perMinute: 60, capacity: 10, unit: 'request' });
    expect(plan.checks[1]?.spec).toEqual({ type: 'bucket', perMinute: 10_000, capacity: 10_000, unit: 'tokens' });
    expect(plan.checks[6]?.spec).toEqual({ type: 'counter', max: 12_500_000, metric: 'micros' });
    // rpm and its burst, tpm and a minute's worth, concurrency, the quotas (budget in µUSD), then the monitored
    // ones' flags: rpm (1) and the budget (64).
    expect(unpack(plan.limits)).toEqual([60, 10, 10_000, 10_000, 4, 100_000, 1_000_000, 5_000, 12_500_000, 65]);
  });

  it('skips unlimited limits, which the script sees as 0', () => {
    const plan = buildPlan('t1', { kind: 'key', id: 'k1', limits: { rpm: null, monthlyBudgetUsd: '1' } }, keys);
    expect(plan.checks.map((check) => check.ref.limit)).toEqual(['monthlyBudgetUsd']);
    expect(unpack(plan.limits)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1_000_000, 0]);
    expect(buildPlan('t1', { kind: 'key', id: 'k1', limits: {} }, keys).checks).toEqual([]);
  });

  it('clamps budgets beyond what Lua compares exactly', () => {
    const plan = buildPlan(
      't1',
      { kind: 'tenant', id: 't1', limits: { monthlyBudgetUsd: '999999999999.999999' } },
      keys,
    );
    expect(plan.checks[0]?.spec).toMatchObject({ max: Number(MAX_EXACT_MICROS) });
  });
});

describe('ScopePlans', () => {
  const plans = new ScopePlans(new LimitKeys(new RedisKeys('gh')));
  const scope = (): LimitScope => ({ kind: 'subscription', id: 's1', limits: { rpm: 60, monthlyCalls: 10 } });

  it('reuses a scope’s plan while its limits, modes, tenant and id are the same', () => {
    const first = scope();
    const plan = plans.plan('t1', first);
    expect(plans.plan('t1', { ...first })).toBe(plan);
    expect(plans.plan('t2', first)).not.toBe(plan);
  });

  it('builds it again when any input changed, even in the same objects', () => {
    const changing = scope();
    const plan = plans.plan('t1', changing);
    changing.limits.rpm = 120;
    const raised = plans.plan('t1', changing);
    expect(raised).not.toBe(plan);
    expect(raised.checks[0]?.spec).toMatchObject({ perMinute: 120 });
    changing.modes = { rpm: 'monitor' };
    expect(plans.plan('t1', changing).checks[0]?.monitor).toBe(true);
    expect(plans.plan('t1', { ...changing, id: 's2' }).key).toBe('gh:{t:t1}:limits:scope:subscription:s2');
  });
});

describe('requested', () => {
  const reserve = { tokens: 1_500, costMicros: 10n ** 20n };

  it('asks one request or lease, the reserved tokens, one call, or the cost clamped to what Lua compares', () => {
    expect(requested({ type: 'bucket', perMinute: 1, capacity: 1, unit: 'request' }, reserve)).toBe(1);
    expect(requested({ type: 'bucket', perMinute: 1, capacity: 1, unit: 'tokens' }, reserve)).toBe(1_500);
    expect(requested({ type: 'lease', max: 1 }, reserve)).toBe(1);
    expect(requested({ type: 'counter', max: 1, metric: 'calls' }, reserve)).toBe(1);
    expect(requested({ type: 'counter', max: 1, metric: 'micros' }, reserve)).toBe(Number(MAX_EXACT_MICROS));
  });
});

describe('assertAdmissible', () => {
  const request = (overrides: Partial<AdmitRequest> = {}): AdmitRequest => ({
    tenantId: 't1',
    scopes: [],
    reserve: { tokens: 1_500, costMicros: 4_200n },
    ...overrides,
  });

  it('refuses a scope given twice and bad reservations', () => {
    const scope = { kind: 'subscription' as const, id: 's1', limits: { rpm: 1 } };
    expect(() => assertAdmissible(request({ scopes: [scope, { ...scope, kind: 'key' }] }))).not.toThrow();
    expect(() => assertAdmissible(request({ scopes: [scope, { ...scope }] }))).toThrow(/given twice/);
    expect(() => assertAdmissible(request({ reserve: { tokens: -1, costMicros: 0n } }))).toThrow(RangeError);
    expect(() => assertAdmissible(request({ reserve: { tokens: 1.5, costMicros: 0n } }))).toThrow(RangeError);
    expect(() => assertAdmissible(request({ reserve: { tokens: 1, costMicros: -1n } }))).toThrow(RangeError);
  });
});
