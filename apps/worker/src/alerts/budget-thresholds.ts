/** The limits an alert rule watches, by their names in plan limits (docs/api.md). */
export type AlertMetric = 'monthlyBudgetUsd' | 'monthlyTokens' | 'monthlyCalls' | 'dailyTokens';

export const ALERT_METRICS: readonly AlertMetric[] = [
  'monthlyBudgetUsd',
  'monthlyTokens',
  'monthlyCalls',
  'dailyTokens',
];

/** The calendar period a metric counts in (in the tenant's zone). */
export const METRIC_PERIOD: Record<AlertMetric, 'day' | 'month'> = {
  monthlyBudgetUsd: 'month',
  monthlyTokens: 'month',
  monthlyCalls: 'month',
  dailyTokens: 'day',
};

/**
 * USD amounts are compared as whole nano-dollars: the rollups' cost column has 9 decimals and budgets 6, so
 * both are exact integers at this scale and no threshold is decided by a float rounding.
 */
export const USD_SCALE = 9;

/**
 * The thresholds (percentages) that `used` has reached against `limit`, ascending and without repeats:
 * `used / limit >= threshold / 100`, decided in integers. A limit of zero or less watches nothing (it refuses
 * everything, or is not a limit), and a threshold of zero or less is never meaningful.
 */
export function crossedThresholds(thresholds: readonly number[], used: bigint, limit: bigint): number[] {
  if (limit <= 0n) return [];
  const crossed = new Set<number>();
  for (const threshold of thresholds) {
    if (!Number.isInteger(threshold) || threshold <= 0) continue;
    if (used * 100n >= BigInt(threshold) * limit) crossed.add(threshold);
  }
  return [...crossed].sort((a, b) => a - b);
}

/** `used` as a percentage of `limit`, rounded down to one decimal (what a person reads, not what decides). */
export function percentOf(used: bigint, limit: bigint): number {
  if (limit <= 0n) return 0;
  return Number((used * 1_000n) / limit) / 10;
}

/** A plain decimal string (`"12.5"`, `"0.000950000"`) as an integer count of 10^-scale units, exactly. */
export function decimalToUnits(text: string, scale: number): bigint {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`Not a plain decimal: ${text}`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  // Digits past the scale are dropped: the columns compared here never carry more than USD_SCALE decimals.
  const units = BigInt(whole + fraction.slice(0, scale).padEnd(scale, '0'));
  return sign === '-' ? -units : units;
}

/** An integer count of 10^-scale units as a plain decimal string without trailing zeros. */
export function unitsToDecimal(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}
