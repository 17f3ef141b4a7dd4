import { limitsFromPlanRow } from '../catalog/plan-limits';
import { effectiveLimits, readLimitOverrides, type EffectiveLimits } from './effective-limits';

const plan: EffectiveLimits = limitsFromPlanRow({
  rpm: 600,
  rpmBurst: null,
  tpm: 1_000_000,
  tpmBurst: null,
  concurrency: 32,
  dailyTokens: null,
  monthlyTokens: 50_000_000n,
  monthlyCalls: 1_000_000n,
  monthlyBudgetUsd: '100.000000',
  allowedModels: [],
});

describe('limitsFromPlanRow (as subscriptions use it)', () => {
  it('names every limit in contract names, quotas as numbers, money as a decimal string, no models as null', () => {
    expect(plan).toEqual({
      rpm: 600,
      rpmBurst: null,
      tpm: 1_000_000,
      tpmBurst: null,
      concurrency: 32,
      dailyTokens: null,
      monthlyTokens: 50_000_000,
      monthlyCalls: 1_000_000,
      monthlyBudgetUsd: '100',
      allowedModels: null,
    });
  });

  it('keeps a model list', () => {
    expect(limitsFromPlanRow({ ...zeroPlan(), allowedModels: ['demo-chat'] }).allowedModels).toEqual(['demo-chat']);
  });
});

describe('effectiveLimits', () => {
  it('is the plan when there are no overrides', () => {
    expect(effectiveLimits(plan, null)).toEqual(plan);
    expect(effectiveLimits(plan, {})).toEqual(plan);
  });

  it('replaces only the overridden limits', () => {
    expect(effectiveLimits(plan, { monthlyBudgetUsd: '10', rpm: 60 })).toEqual({
      ...plan,
      monthlyBudgetUsd: '10',
      rpm: 60,
    });
  });

  it('lifts a limit overridden with null, and keeps one left undefined', () => {
    const limits = effectiveLimits(plan, { concurrency: null, tpm: undefined });
    expect(limits.concurrency).toBeNull();
    expect(limits.tpm).toBe(1_000_000);
  });

  it('can add a limit the plan does not set', () => {
    expect(effectiveLimits(plan, { dailyTokens: 5000, allowedModels: ['demo-chat'] })).toMatchObject({
      dailyTokens: 5000,
      allowedModels: ['demo-chat'],
    });
  });

  it('does not change the plan it was given', () => {
    const before = structuredClone(plan);
    effectiveLimits(plan, { rpm: 1 });
    expect(plan).toEqual(before);
  });
});

describe('readLimitOverrides', () => {
  it('keeps the known names, null included, and drops the rest', () => {
    expect(readLimitOverrides({ rpm: 5, monthlyBudgetUsd: null, surprise: 1 })).toEqual({
      rpm: 5,
      monthlyBudgetUsd: null,
    });
  });

  it('reads anything that is not an object as no overrides', () => {
    expect(readLimitOverrides(null)).toBeNull();
    expect(readLimitOverrides([1])).toBeNull();
    expect(readLimitOverrides('rpm')).toBeNull();
  });
});

function zeroPlan() {
  return {
    rpm: null,
    rpmBurst: null,
    tpm: null,
    tpmBurst: null,
    concurrency: null,
    dailyTokens: null,
    monthlyTokens: null,
    monthlyCalls: null,
    monthlyBudgetUsd: null,
    allowedModels: [] as string[],
  };
}
