import { type LimitName, type Limits } from '@gatehouse/contracts';
import { bucketCapacity, MAX_EXACT_MICROS, usdToMicros } from '@gatehouse/domain';
import { type LimitKeys } from './limit-keys';
import { packDoubles } from './limit-state';
import {
  type AdmitRequest,
  type EnforcedLimitName,
  type LimitKind,
  type LimitRef,
  type LimitScope,
  type Reserve,
} from './limits.types';

/** A per-minute token bucket: RPM takes one unit a request, TPM the reserved tokens (settled to the actual ones). */
export interface BucketCheck {
  type: 'bucket';
  perMinute: number;
  capacity: number;
  unit: 'request' | 'tokens';
}

/** A concurrency limit: one lease per request in flight. */
export interface LeaseCheck {
  type: 'lease';
  max: number;
}

/** A period counter (used + reserved) and which amount of a request it counts. */
export interface CounterCheck {
  type: 'counter';
  /** Tokens, calls or micro-USD; budgets clamped to what the script compares exactly (`exactMicros`). */
  max: number;
  metric: 'tokens' | 'calls' | 'micros';
}

export type CheckSpec = BucketCheck | LeaseCheck | CounterCheck;

/** One limit of one scope, as the admit script checks it: the same for every request while the limits stay. */
export interface LimitCheck {
  ref: LimitRef;
  kind: LimitKind;
  monitor: boolean;
  /** The key of its scope's state. */
  redisKey: string;
  spec: CheckSpec;
}

/** One scope's checks, with its state's key and its limits as the admit script takes them (`admit.lua.ts`). */
export interface ScopePlan {
  checks: LimitCheck[];
  key: string;
  limits: Buffer;
}

/** The period counters, in check order: which period each counts in and which amount of a request it counts. */
export const QUOTAS = [
  { limit: 'dailyTokens', period: 'day', metric: 'tokens' },
  { limit: 'monthlyTokens', period: 'month', metric: 'tokens' },
  { limit: 'monthlyCalls', period: 'month', metric: 'calls' },
  { limit: 'monthlyBudgetUsd', period: 'month', metric: 'micros' },
] as const satisfies readonly { limit: EnforcedLimitName; period: 'day' | 'month'; metric: CounterCheck['metric'] }[];

export type QuotaName = (typeof QUOTAS)[number]['limit'];

/** The limit values and modes a plan was built from: a plan is reused only while all of them are the same. */
const PLAN_INPUTS = [
  'rpm',
  'rpmBurst',
  'tpm',
  'tpmBurst',
  'concurrency',
  'dailyTokens',
  'monthlyTokens',
  'monthlyCalls',
  'monthlyBudgetUsd',
] as const satisfies readonly LimitName[];

interface CachedPlan {
  tenantId: string;
  kind: LimitScope['kind'];
  id: string;
  limits: unknown[];
  modes: unknown[];
  plan: ScopePlan;
}

/**
 * Builds each scope's plan once and reuses it for the scope's next requests: its key, clamped amounts and
 * argument strings stay the same until its limits or modes change. Keyed by the scope's `limits` object, so plans
 * go with the snapshots that hold them; a plan is reused only after comparing every input.
 */
export class ScopePlans {
  private readonly cache = new WeakMap<Limits, CachedPlan>();

  constructor(private readonly keys: LimitKeys) {}

  plan(tenantId: string, scope: LimitScope): ScopePlan {
    const cached = this.cache.get(scope.limits);
    if (cached !== undefined && sameInputs(cached, tenantId, scope)) return cached.plan;
    const plan = buildPlan(tenantId, scope, this.keys);
    this.cache.set(scope.limits, {
      tenantId,
      kind: scope.kind,
      id: scope.id,
      limits: PLAN_INPUTS.map((name) => scope.limits[name]),
      modes: PLAN_INPUTS.map((name) => scope.modes?.[name]),
      plan,
    });
    return plan;
  }
}

function sameInputs(cached: CachedPlan, tenantId: string, scope: LimitScope): boolean {
  if (cached.tenantId !== tenantId || cached.kind !== scope.kind || cached.id !== scope.id) return false;
  for (let index = 0; index < PLAN_INPUTS.length; index++) {
    const name = PLAN_INPUTS[index] as LimitName;
    if (cached.limits[index] !== scope.limits[name] || cached.modes[index] !== scope.modes?.[name]) return false;
  }
  return true;
}

/** Each limit's flag in the admit script's monitored flags. */
const LIMIT_FLAGS = {
  rpm: 1,
  tpm: 2,
  concurrency: 4,
  dailyTokens: 8,
  monthlyTokens: 16,
  monthlyCalls: 32,
  monthlyBudgetUsd: 64,
} as const satisfies Record<EnforcedLimitName, number>;

/**
 * Every check of one scope, in a fixed order (rpm, tpm, concurrency, then the quotas), with its key and its
 * limits for the admit script: rpm and its capacity, tpm and its capacity, concurrency, the four quotas (0 for
 * none), then the flags of the monitored ones. Unlimited (null or absent) limits produce no check.
 */
export function buildPlan(tenantId: string, scope: LimitScope, keys: LimitKeys): ScopePlan {
  const { limits } = scope;
  const key = keys.scope(tenantId, scope.kind, scope.id);
  const checks: LimitCheck[] = [];
  const values = new Array<number>(9).fill(0);
  let monitored = 0;
  const check = (limit: EnforcedLimitName, kind: LimitKind, spec: CheckSpec) => {
    const monitor = scope.modes?.[limit] === 'monitor';
    if (monitor) monitored += LIMIT_FLAGS[limit];
    checks.push({ ref: { scope: scope.kind, scopeId: scope.id, limit }, kind, monitor, redisKey: key, spec });
  };

  const { rpm, tpm, concurrency } = limits;
  if (isLimit(rpm)) {
    const capacity = bucketCapacity(rpm, limits.rpmBurst);
    values[0] = rpm;
    values[1] = capacity;
    check('rpm', 'rate', { type: 'bucket', perMinute: rpm, capacity, unit: 'request' });
  }
  if (isLimit(tpm)) {
    const capacity = bucketCapacity(tpm, limits.tpmBurst);
    values[2] = tpm;
    values[3] = capacity;
    check('tpm', 'rate', { type: 'bucket', perMinute: tpm, capacity, unit: 'tokens' });
  }
  if (isLimit(concurrency)) {
    values[4] = concurrency;
    check('concurrency', 'concurrency', { type: 'lease', max: concurrency });
  }
  QUOTAS.forEach((quota, index) => {
    const value = limits[quota.limit];
    if (value === null || value === undefined) return;
    const max = quota.metric === 'micros' ? Number(exactMicros(usdToMicros(String(value)))) : Number(value);
    values[5 + index] = max;
    check(quota.limit, 'quota', { type: 'counter', max, metric: quota.metric });
  });
  return { checks, key, limits: packDoubles(...values, monitored) };
}

/** What a request asks of a check: one request or lease, or its reserved tokens, call or cost. */
export function requested(spec: CheckSpec, reserve: Reserve): number {
  switch (spec.type) {
    case 'bucket':
      return spec.unit === 'request' ? 1 : reserve.tokens;
    case 'lease':
      return 1;
    case 'counter':
      return spec.metric === 'tokens'
        ? reserve.tokens
        : spec.metric === 'calls'
          ? 1
          : Number(exactMicros(reserve.costMicros));
  }
}

/** The numeric size of a check's limit: per minute, leases, or tokens, calls or micro-USD. */
export function limitValue(spec: CheckSpec): number {
  return spec.type === 'bucket' ? spec.perMinute : spec.max;
}

/** Refuses what no check could count exactly: a negative or fractional reservation, the same scope twice. */
export function assertAdmissible(request: AdmitRequest): void {
  const { tokens, costMicros } = request.reserve;
  if (!Number.isSafeInteger(tokens) || tokens < 0)
    throw new RangeError('reserve.tokens must be a non-negative integer');
  if (costMicros < 0n) throw new RangeError('reserve.costMicros must not be negative');
  assertDistinctScopes(request.scopes);
}

/** A rate or concurrency limit that applies: absent, null (and 0, which the contract refuses) mean none. */
export function isLimit(value: number | null | undefined): value is number {
  return typeof value === 'number' && value > 0;
}

/**
 * Budgets above 2^53 − 1 µUSD (~9 billion USD) are effectively unlimited, and the script compares amounts as
 * Lua doubles, exact only below that: clamp, so every comparison the script makes is exact.
 */
export function exactMicros(micros: bigint): bigint {
  return micros > MAX_EXACT_MICROS ? MAX_EXACT_MICROS : micros;
}

/** The same scope twice would be checked twice against the state before either write: refuse it outright. */
function assertDistinctScopes(scopes: readonly LimitScope[]): void {
  for (let index = 1; index < scopes.length; index++) {
    const scope = scopes[index] as LimitScope;
    for (let before = 0; before < index; before++) {
      const other = scopes[before] as LimitScope;
      if (other.kind === scope.kind && other.id === scope.id) {
        throw new Error(`Limit scope ${scope.kind}:${scope.id} is given twice`);
      }
    }
  }
}
