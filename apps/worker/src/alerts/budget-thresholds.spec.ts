import { budgetAlertText, formatUsd } from './budget-alert-text';
import { crossedThresholds, decimalToUnits, percentOf, unitsToDecimal } from './budget-thresholds';

describe('crossedThresholds', () => {
  const defaults = [50, 80, 100];

  it('returns nothing below the first threshold', () => {
    expect(crossedThresholds(defaults, 0n, 1_000n)).toEqual([]);
    expect(crossedThresholds(defaults, 499n, 1_000n)).toEqual([]);
  });

  it('counts a threshold as crossed from exactly its percentage', () => {
    expect(crossedThresholds(defaults, 500n, 1_000n)).toEqual([50]);
    expect(crossedThresholds(defaults, 799n, 1_000n)).toEqual([50]);
    expect(crossedThresholds(defaults, 800n, 1_000n)).toEqual([50, 80]);
  });

  it('returns every threshold at once after a jump, and past 100 %', () => {
    expect(crossedThresholds(defaults, 1_000n, 1_000n)).toEqual([50, 80, 100]);
    expect(crossedThresholds(defaults, 5_000n, 1_000n)).toEqual([50, 80, 100]);
  });

  it('decides in integers, where floats would round the wrong way', () => {
    // 0.7 × 100 is 70.00000000000001 in floating point; three tenths of a budget of 10 is exactly 30 %.
    expect(crossedThresholds([30], 3n, 10n)).toEqual([30]);
    expect(crossedThresholds([70], 69_999_999_999n, 100_000_000_000n)).toEqual([]);
    expect(crossedThresholds([70], 70_000_000_000n, 100_000_000_000n)).toEqual([70]);
  });

  it('sorts configured thresholds, drops repeats and ignores nonsense', () => {
    expect(crossedThresholds([100, 25, 25, 0, -10, 150], 2_000n, 1_000n)).toEqual([25, 100, 150]);
    expect(crossedThresholds([90, 10], 950n, 1_000n)).toEqual([10, 90]);
  });

  it('watches nothing without a positive limit', () => {
    expect(crossedThresholds(defaults, 10n, 0n)).toEqual([]);
    expect(crossedThresholds(defaults, 10n, -1n)).toEqual([]);
  });
});

describe('percentOf', () => {
  it('rounds down to one decimal', () => {
    expect(percentOf(855n, 1_000n)).toBe(85.5);
    expect(percentOf(2n, 3n)).toBe(66.6);
    expect(percentOf(1n, 0n)).toBe(0);
  });
});

describe('decimal units', () => {
  it('reads decimal strings exactly at a scale', () => {
    expect(decimalToUnits('1', 9)).toBe(1_000_000_000n);
    expect(decimalToUnits('0.000950000', 9)).toBe(950_000n);
    expect(decimalToUnits('12.5', 6)).toBe(12_500_000n);
    expect(() => decimalToUnits('1e-7', 9)).toThrow();
  });

  it('writes them back without trailing zeros', () => {
    expect(unitsToDecimal(950_000n, 9)).toBe('0.00095');
    expect(unitsToDecimal(1_000_000_000n, 9)).toBe('1');
    expect(unitsToDecimal(0n, 9)).toBe('0');
  });
});

describe('budgetAlertText', () => {
  it('tells the tenant about its own budget in dollars and cents', () => {
    expect(formatUsd(855_000_000n)).toBe('$0.86');
    expect(formatUsd(1_234_500_000_000n)).toBe('$1,234.50');
    expect(
      budgetAlertText({
        metric: 'monthlyBudgetUsd',
        threshold: 80,
        used: 850_000_000n,
        limit: 1_000_000_000n,
        percent: 85,
        period: '2026-06',
      }),
    ).toEqual({
      title: '80 % of the monthly budget reached',
      body: 'Your organisation has spent $0.85 of its $1.00 monthly budget for 2026-06 (85 %).',
    });
  });

  it('names the subscription and counts tokens', () => {
    expect(
      budgetAlertText({
        metric: 'dailyTokens',
        threshold: 50,
        used: 120_000n,
        limit: 200_000n,
        percent: 60,
        period: '2026-06-01',
        subscription: { productName: 'Demo', planName: 'demo-free' },
      }),
    ).toEqual({
      title: 'Demo: 50 % of the daily token quota reached',
      body: 'Your subscription to Demo (plan demo-free) has used 120,000 of its 200,000 daily tokens for 2026-06-01 (60 %).',
    });
  });
});
