import { LIMIT_NAMES, type LimitName, type Limits } from '@gatehouse/contracts';

/** A `numeric` column value as Prisma hands it back (a Decimal), or a decimal string. */
export type DecimalValue = { toFixed(): string } | string;

/** Every limit name present; null = unlimited (for `allowedModels`: every model of the product). */
export type PlanLimits = { [Name in LimitName]-?: Exclude<Limits[Name], undefined> };

/** The limit columns of a plan row as Prisma hands them back. */
export interface PlanLimitRow {
  rpm: number | null;
  rpmBurst: number | null;
  tpm: number | null;
  tpmBurst: number | null;
  concurrency: number | null;
  dailyTokens: bigint | null;
  monthlyTokens: bigint | null;
  monthlyCalls: bigint | null;
  monthlyBudgetUsd: DecimalValue | null;
  allowedModels: readonly string[];
}

/** The limit columns a plan write stores; the budget as a decimal string, which Prisma turns into numeric. */
export interface PlanLimitWrite {
  rpm: number | null;
  rpmBurst: number | null;
  tpm: number | null;
  tpmBurst: number | null;
  concurrency: number | null;
  dailyTokens: bigint | null;
  monthlyTokens: bigint | null;
  monthlyCalls: bigint | null;
  monthlyBudgetUsd: string | null;
  /** Empty = every model of the product. */
  allowedModels: string[];
}

/**
 * A decimal as the API shows it: plain notation (never `1e-7`), no trailing zeros (`12.50` → `12.5`).
 * Decimal.js's `toFixed()` without arguments gives plain notation; strings are normalised the same way.
 */
export function decimalToString(value: DecimalValue): string {
  const text = typeof value === 'string' ? value : value.toFixed();
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`Not a plain decimal: ${text}`);
  const [whole = '0', fraction = ''] = text.split('.');
  const trimmed = fraction.replace(/0+$/, '');
  const integer = whole.replace(/^(-?)0+(?=\d)/, '$1');
  return trimmed ? `${integer}.${trimmed}` : integer;
}

/**
 * The contract's `limits` of a plan row (the same mapping as subscriptions' plan limits; both follow
 * docs/api.md). Quotas are bigint columns but JSON numbers: the API caps them at 2^53 - 1 on the way in.
 */
export function limitsFromPlanRow(row: PlanLimitRow): PlanLimits {
  const quota = (value: bigint | null) => (value === null ? null : Number(value));
  return {
    rpm: row.rpm,
    rpmBurst: row.rpmBurst,
    tpm: row.tpm,
    tpmBurst: row.tpmBurst,
    concurrency: row.concurrency,
    dailyTokens: quota(row.dailyTokens),
    monthlyTokens: quota(row.monthlyTokens),
    monthlyCalls: quota(row.monthlyCalls),
    monthlyBudgetUsd: row.monthlyBudgetUsd === null ? null : decimalToString(row.monthlyBudgetUsd),
    allowedModels: row.allowedModels.length === 0 ? null : [...row.allowedModels],
  };
}

/** A PATCH of limits: a name present (even with null) replaces the value, an absent name keeps it. */
export function patchPlanLimits(current: PlanLimits, patch: Limits): PlanLimits {
  const merged: Record<LimitName, unknown> = { ...current };
  for (const name of LIMIT_NAMES) {
    if (Object.prototype.hasOwnProperty.call(patch, name) && patch[name] !== undefined) merged[name] = patch[name];
  }
  return merged as PlanLimits;
}

/** The plan columns for the contract's `limits` (absent or null = unlimited). */
export function planLimitWrite(limits: Limits): PlanLimitWrite {
  const quota = (value: number | null | undefined) => (value === null || value === undefined ? null : BigInt(value));
  return {
    rpm: limits.rpm ?? null,
    rpmBurst: limits.rpmBurst ?? null,
    tpm: limits.tpm ?? null,
    tpmBurst: limits.tpmBurst ?? null,
    concurrency: limits.concurrency ?? null,
    dailyTokens: quota(limits.dailyTokens),
    monthlyTokens: quota(limits.monthlyTokens),
    monthlyCalls: quota(limits.monthlyCalls),
    monthlyBudgetUsd:
      limits.monthlyBudgetUsd === null || limits.monthlyBudgetUsd === undefined
        ? null
        : decimalToString(limits.monthlyBudgetUsd),
    // The column cannot say "no model at all": the API refuses an empty list, and null means every model.
    allowedModels: limits.allowedModels ? [...new Set(limits.allowedModels)] : [],
  };
}

export type LimitMode = 'enforce' | 'monitor';
export type LimitModes = Record<LimitName, LimitMode>;

/** The plan's `limit_modes` column (`{ "rpm": "MONITOR" }`) as every limit's mode; unlisted = enforced. */
export function limitModesFromJson(json: unknown): LimitModes {
  const stored =
    json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  return Object.fromEntries(
    LIMIT_NAMES.map((name) => [name, stored[name] === 'MONITOR' ? 'monitor' : 'enforce']),
  ) as LimitModes;
}

/** Only monitored limits are stored: "a limit not listed is enforced", so the column stays canonical. */
export function limitModesToJson(modes: Partial<Record<LimitName, LimitMode>>): Partial<Record<LimitName, 'MONITOR'>> {
  return Object.fromEntries(
    LIMIT_NAMES.filter((name) => modes[name] === 'monitor').map((name) => [name, 'MONITOR' as const]),
  );
}
