import { LIMIT_NAMES, type LimitName, type Limits } from '@gatehouse/contracts';
import { type PlanLimits } from '../catalog/plan-limits';

/** Every limit named, null = unlimited: what a plan or a subscription answers with. */
export type EffectiveLimits = PlanLimits;

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
