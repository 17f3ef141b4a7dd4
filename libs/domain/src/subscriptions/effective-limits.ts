import { LIMIT_NAMES, type LimitName, type Limits } from '@gatehouse/contracts';

/** Every limit named, null = unlimited: what a plan or a subscription answers with. */
export type EffectiveLimits = { [Name in LimitName]-?: NonNullable<Limits[Name]> | null };

/** The limit columns of a plan as the database hands them back (bigint quotas, decimal budget). */
export interface PlanLimitColumns {
  rpm: number | null;
  rpmBurst: number | null;
  tpm: number | null;
  tpmBurst: number | null;
  concurrency: number | null;
  dailyTokens: bigint | number | null;
  monthlyTokens: bigint | number | null;
  monthlyCalls: bigint | number | null;
  /** A Prisma `Decimal` or any value whose `toString()` is the decimal amount. */
  monthlyBudgetUsd: { toString(): string } | string | null;
  /** Empty = every model of the product. */
  allowedModels: readonly string[];
}

/**
 * A plan's limits in contract names. Quotas are bigint columns but JSON numbers: exact up to 2^53 tokens,
 * far beyond any monthly quota. An empty model list means every model, which the contract spells null.
 */
export function limitsFromPlanColumns(plan: PlanLimitColumns): EffectiveLimits {
  const quota = (value: bigint | number | null) => (value === null ? null : Number(value));
  return {
    rpm: plan.rpm,
    rpmBurst: plan.rpmBurst,
    tpm: plan.tpm,
    tpmBurst: plan.tpmBurst,
    concurrency: plan.concurrency,
    dailyTokens: quota(plan.dailyTokens),
    monthlyTokens: quota(plan.monthlyTokens),
    monthlyCalls: quota(plan.monthlyCalls),
    monthlyBudgetUsd: plan.monthlyBudgetUsd === null ? null : plan.monthlyBudgetUsd.toString(),
    allowedModels: plan.allowedModels.length === 0 ? null : [...plan.allowedModels],
  };
}

/**
 * The limits of a subscription: the plan's, with the admin's overrides on top. A name present in the
 * overrides wins even when its value is null (the admin lifted that limit); an absent name keeps the plan's.
 */
export function effectiveLimits(plan: EffectiveLimits, overrides: Limits | null | undefined): EffectiveLimits {
  const result = { ...plan };
  if (!overrides) return result;
  for (const name of LIMIT_NAMES) {
    if (!Object.prototype.hasOwnProperty.call(overrides, name)) continue;
    const value = overrides[name];
    if (value === undefined) continue;
    (result as Record<LimitName, unknown>)[name] = Array.isArray(value) ? [...value] : value;
  }
  return result;
}

/**
 * Keeps only the known limit names of a stored overrides document (a JSON column), so that a stray key
 * never reaches a response or the gateway. Values were validated against the contract when stored.
 */
export function readLimitOverrides(stored: unknown): Limits | null {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return null;
  const source = stored as Record<string, unknown>;
  const overrides: Record<string, unknown> = {};
  for (const name of LIMIT_NAMES) {
    if (Object.prototype.hasOwnProperty.call(source, name)) overrides[name] = source[name];
  }
  return overrides as Limits;
}
