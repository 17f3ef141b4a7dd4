import { type Limits } from '@gatehouse/contracts';
import {
  decimalToString,
  limitModesFromJson,
  limitModesToJson,
  limitsFromPlanRow,
  patchPlanLimits,
  planLimitWrite,
} from './plan-limits';

describe('plan limits: contract → columns', () => {
  it('maps every contract name to its column: quotas to bigint, the budget to a canonical decimal string', () => {
    const columns = planLimitWrite({
      rpm: 60,
      rpmBurst: 10,
      tpm: 100_000,
      tpmBurst: 5_000,
      concurrency: 4,
      dailyTokens: 200_000,
      monthlyTokens: 9_000_000_000,
      monthlyCalls: 10_000,
      monthlyBudgetUsd: '12.50',
      allowedModels: ['demo-chat'],
    });
    expect(columns).toEqual({
      rpm: 60,
      rpmBurst: 10,
      tpm: 100_000,
      tpmBurst: 5_000,
      concurrency: 4,
      dailyTokens: 200_000n,
      monthlyTokens: 9_000_000_000n,
      monthlyCalls: 10_000n,
      monthlyBudgetUsd: '12.5',
      allowedModels: ['demo-chat'],
    });
  });

  it('stores absent and null as unlimited, and "every model" as an empty list', () => {
    const columns = planLimitWrite({ rpm: null });
    expect(
      Object.entries(columns)
        .filter(([name]) => name !== 'allowedModels')
        .every(([, v]) => v === null),
    ).toBe(true);
    expect(columns.allowedModels).toEqual([]);
    expect(planLimitWrite({ allowedModels: null }).allowedModels).toEqual([]);
    expect(planLimitWrite({ allowedModels: ['a', 'a', 'b'] }).allowedModels).toEqual(['a', 'b']);
  });

  it('round-trips through the read side exactly', () => {
    const limits: Limits = {
      rpm: 600,
      rpmBurst: null,
      tpm: 1_000_000,
      tpmBurst: 50_000,
      concurrency: 32,
      dailyTokens: null,
      monthlyTokens: 50_000_000,
      monthlyCalls: 1_000_000,
      monthlyBudgetUsd: '100.25',
      allowedModels: ['a', 'b'],
    };
    expect(limitsFromPlanRow(planLimitWrite(limits))).toEqual(limits);
    expect(limitsFromPlanRow(planLimitWrite({}))).toEqual(
      Object.fromEntries(Object.keys(limits).map((n) => [n, null])),
    );
  });
});

describe('decimalToString', () => {
  it.each([
    ['0.5', '0.5'],
    ['12.50', '12.5'],
    ['100.000000', '100'],
    ['007.10', '7.1'],
    ['0', '0'],
    ['0.000000001', '0.000000001'],
  ])('%s → %s', (input, expected) => {
    expect(decimalToString(input)).toBe(expected);
  });

  it('uses the plain notation of a Decimal, never an exponent', () => {
    expect(decimalToString({ toFixed: () => '0.0000001' })).toBe('0.0000001');
    expect(() => decimalToString('1e-7')).toThrow(/plain decimal/);
  });
});

describe('limit modes', () => {
  it('reads the column as every limit with its mode, unlisted = enforce', () => {
    const modes = limitModesFromJson({ rpm: 'MONITOR', tpm: 'ENFORCE', bogus: 'MONITOR' });
    expect(modes.rpm).toBe('monitor');
    expect(modes.tpm).toBe('enforce');
    expect(modes.monthlyBudgetUsd).toBe('enforce');
    expect(Object.keys(modes)).toHaveLength(10);
    expect(limitModesFromJson(null).rpm).toBe('enforce');
  });

  it('stores only monitored limits', () => {
    expect(limitModesToJson({ rpm: 'monitor', tpm: 'enforce' })).toEqual({ rpm: 'MONITOR' });
    expect(limitModesFromJson(limitModesToJson({ dailyTokens: 'monitor' })).dailyTokens).toBe('monitor');
  });
});

describe('plan limits: columns → contract', () => {
  it('maps a row: bigint to number, numeric to a plain decimal string, empty model list to null', () => {
    const limits = limitsFromPlanRow({
      rpm: 60,
      rpmBurst: null,
      tpm: 100_000,
      tpmBurst: null,
      concurrency: 4,
      dailyTokens: 200_000n,
      monthlyTokens: 2_000_000n,
      monthlyCalls: 10_000n,
      monthlyBudgetUsd: { toFixed: () => '5' },
      allowedModels: [],
    });
    expect(limits).toEqual({
      rpm: 60,
      rpmBurst: null,
      tpm: 100_000,
      tpmBurst: null,
      concurrency: 4,
      dailyTokens: 200_000,
      monthlyTokens: 2_000_000,
      monthlyCalls: 10_000,
      monthlyBudgetUsd: '5',
      allowedModels: null,
    });
  });

  it('patches: present names replace (null lifts the limit), absent names keep', () => {
    const current = limitsFromPlanRow(planLimitWrite({ rpm: 60, tpm: 1000, monthlyBudgetUsd: '5' }));
    expect(patchPlanLimits(current, { rpm: 120, tpm: null })).toEqual({ ...current, rpm: 120, tpm: null });
    expect(patchPlanLimits(current, {})).toEqual(current);
  });
});
