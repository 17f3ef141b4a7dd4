import { bucketCapacity, type CalendarPeriods, MAX_EXACT_MICROS, usdToMicros } from '@gatehouse/domain';
import { type LimitKeys } from './limit-keys';
import {
  type AdmitRequest,
  type EnforcedLimitName,
  type LimitKind,
  type LimitRef,
  type LimitScope,
} from './limits.types';

/**
 * How long a quota counter outlives its period: long enough for any request that started in the period to settle
 * into it (a reservation lives minutes, its record a day), short enough that old periods do not pile up.
 */
export const PERIOD_KEY_GRACE_MS = 3 * 24 * 60 * 60 * 1000;

/** A per-minute token bucket (RPM costs 1 a request, TPM the reserved tokens). */
export interface BucketCheck {
  type: 'bucket';
  perMinute: number;
  capacity: number;
  cost: number;
  /** TPM: settlement replaces the reserved tokens by the actual ones in the bucket too. */
  settles: boolean;
}

/** A concurrency limit: one lease per request in flight. */
export interface LeaseCheck {
  type: 'lease';
  max: number;
}

/** A period counter (used + reserved). Amounts are decimal strings: Redis adds them as 64-bit integers. */
export interface CounterCheck {
  type: 'counter';
  max: string;
  amount: string;
  /** Which actual amount replaces the reservation at settlement. */
  metric: 'tokens' | 'calls' | 'micros';
  /** When the counter key expires (ms since the epoch, engine's clock): its period's end plus the grace. */
  expireAt: string;
}

export type CheckSpec = BucketCheck | LeaseCheck | CounterCheck;

/** One limit of one scope, as the admit script checks it. */
export interface LimitCheck {
  ref: LimitRef;
  kind: LimitKind;
  monitor: boolean;
  redisKey: string;
  spec: CheckSpec;
}

/** The period counters, in check order: which period each counts in and which actual amount settles it. */
export const QUOTAS = [
  { limit: 'dailyTokens', period: 'day', metric: 'tokens' },
  { limit: 'monthlyTokens', period: 'month', metric: 'tokens' },
  { limit: 'monthlyCalls', period: 'month', metric: 'calls' },
  { limit: 'monthlyBudgetUsd', period: 'month', metric: 'micros' },
] as const;

/**
 * Every check a request needs, in a fixed order (per scope: rpm, tpm, concurrency, then quotas), with its key and
 * the amounts to reserve. Unlimited (null or absent) limits produce no check.
 */
export function limitChecks(request: AdmitRequest, keys: LimitKeys, periods: CalendarPeriods): LimitCheck[] {
  const { tokens, costMicros } = request.reserve;
  if (!Number.isSafeInteger(tokens) || tokens < 0)
    throw new RangeError('reserve.tokens must be a non-negative integer');
  if (costMicros < 0n) throw new RangeError('reserve.costMicros must not be negative');
  assertDistinctScopes(request.scopes);

  const checks: LimitCheck[] = [];
  for (const scope of request.scopes) {
    const { limits } = scope;
    const check = (limit: EnforcedLimitName, kind: LimitKind, redisKey: string, spec: CheckSpec) =>
      checks.push({
        ref: { scope: scope.kind, scopeId: scope.id, limit },
        kind,
        monitor: scope.modes?.[limit] === 'monitor',
        redisKey,
        spec,
      });

    if (isLimit(limits.rpm)) {
      check('rpm', 'rate', keys.bucket(request.tenantId, scope.kind, scope.id, 'rpm'), {
        type: 'bucket',
        perMinute: limits.rpm,
        capacity: bucketCapacity(limits.rpm, limits.rpmBurst),
        cost: 1,
        settles: false,
      });
    }
    if (isLimit(limits.tpm)) {
      check('tpm', 'rate', keys.bucket(request.tenantId, scope.kind, scope.id, 'tpm'), {
        type: 'bucket',
        perMinute: limits.tpm,
        capacity: bucketCapacity(limits.tpm, limits.tpmBurst),
        cost: tokens,
        settles: true,
      });
    }
    if (isLimit(limits.concurrency)) {
      check('concurrency', 'concurrency', keys.leases(request.tenantId, scope.kind, scope.id), {
        type: 'lease',
        max: limits.concurrency,
      });
    }
    for (const quota of QUOTAS) {
      const value = limits[quota.limit];
      if (value === null || value === undefined) continue;
      const period = periods[quota.period];
      const max = quota.metric === 'micros' ? exactMicros(usdToMicros(String(value))) : BigInt(value as number);
      const amount =
        quota.metric === 'micros' ? exactMicros(costMicros) : quota.metric === 'calls' ? 1n : BigInt(tokens);
      check(quota.limit, 'quota', keys.counter(request.tenantId, scope.kind, scope.id, quota.limit, period.id), {
        type: 'counter',
        max: max.toString(),
        amount: amount.toString(),
        metric: quota.metric,
        expireAt: String(period.endsAt + PERIOD_KEY_GRACE_MS),
      });
    }
  }
  return checks;
}

/** The numeric size of a check's limit and of this request's demand on it, for refusal reports. */
export function checkSize(spec: CheckSpec): { limitValue: number; requested: number } {
  switch (spec.type) {
    case 'bucket':
      return { limitValue: spec.perMinute, requested: spec.cost };
    case 'lease':
      return { limitValue: spec.max, requested: 1 };
    case 'counter':
      return { limitValue: Number(spec.max), requested: Number(spec.amount) };
  }
}

/** A rate or concurrency limit that applies: absent, null (and 0, which the contract refuses) mean none. */
export function isLimit(value: number | null | undefined): value is number {
  return typeof value === 'number' && value > 0;
}

/**
 * Budgets above 2^53 − 1 µUSD (~9 billion USD) are effectively unlimited, and the script compares amounts as
 * Lua doubles, exact only below that: clamp, so every comparison the script makes is exact.
 */
function exactMicros(micros: bigint): bigint {
  return micros > MAX_EXACT_MICROS ? MAX_EXACT_MICROS : micros;
}

/** The same scope twice would be checked twice against the state before either write: refuse it outright. */
function assertDistinctScopes(scopes: readonly LimitScope[]): void {
  const seen = new Set<string>();
  for (const scope of scopes) {
    const name = `${scope.kind}:${scope.id}`;
    if (seen.has(name)) throw new Error(`Limit scope ${name} is given twice`);
    seen.add(name);
  }
}
