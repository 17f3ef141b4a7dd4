import { type Limits } from '@gatehouse/contracts';
import {
  bucketCapacity,
  bucketLevelAt,
  bucketRemaining,
  bucketResetMs,
  type CalendarPeriods,
  microsToUsd,
  usdToMicros,
} from '@gatehouse/domain';
import { isLimit, type QuotaName, QUOTAS } from './limit-checks';
import { type LimitKeys } from './limit-keys';
import { periodNumber, type ReservationRecord, type ScopeState } from './limit-state';
import { type ScopeKind } from './limits.types';

/** One quota or budget in its current period. Tokens and calls as numbers, money as decimal USD strings. */
export interface QuotaUsage<Amount extends number | string = number> {
  limit: Amount;
  /** Settled usage: what requests of the period really used (counted when they settle). */
  used: Amount;
  /** Held by live reservations: requests in flight, charged at their worst case until they settle. */
  reserved: Amount;
  /** What a request may still reserve: `limit − used − reserved`, never below 0 (usage may overshoot a limit). */
  remaining: Amount;
  /** The period's id (`2026-03-14`, `2026-03`), in the tenant's time zone. */
  period: string;
  /** When the period ends and the counter starts again from 0 (ISO, UTC). */
  resetsAt: string;
}

/** A per-minute token bucket now, refilled to the time of the read. */
export interface RateUsage {
  /** Units per minute. */
  limit: number;
  /** The most that may be spent at once: the burst, or a minute's worth without one. */
  capacity: number;
  /** Whole units available now (0 while the bucket is in debt after a settlement above its reservation). */
  remaining: number;
  /** When the bucket is full again if nothing more is spent (ISO, UTC). */
  resetsAt: string;
}

export interface ConcurrencyUsage {
  limit: number;
  /** Leases held now: requests in flight, not counting those whose lease expired (their gateway died). */
  inUse: number;
}

/** The counters of one scope. A null entry is an unlimited limit: nothing is counted for it. */
export interface LimitsUsage {
  scope: ScopeKind;
  scopeId: string;
  /** The zone the periods follow (`UTC` for none or an unknown one, as the engine counts). */
  timeZone: string;
  /** When the counters were read, by the clock the engine's scripts use. */
  readAt: string;
  quotas: {
    dailyTokens: QuotaUsage | null;
    monthlyTokens: QuotaUsage | null;
    monthlyCalls: QuotaUsage | null;
    monthlyBudgetUsd: QuotaUsage<string> | null;
  };
  rates: { rpm: RateUsage | null; tpm: RateUsage | null };
  concurrency: ConcurrencyUsage | null;
}

/** A scope to read: the same `kind`, `id` and limits the gateway admits it with. */
export interface UsageScope {
  kind: ScopeKind;
  id: string;
  /** Absent or null = unlimited. `allowedModels` and the modes play no part in the counters. */
  limits: Limits;
}

/** What a scope's usage is read from, in one call (`read.lua.ts`): its state and the reservations holding it. */
export interface ScopeSnapshot {
  /** When it was read (ms, the engine's clock). */
  now: number;
  /** The scope's state; null when it has no key. */
  state: ScopeState | null;
  /**
   * Counters of the layout before one key per scope (`legacyCounterKeys`), read when the scope has no state yet:
   * the engine's next admit takes them over.
   */
  legacy: Partial<Record<QuotaName, number>>;
  /** The tenant's held reservations that took from the scope, and when each expires (ms). */
  reservations: { record: ReservationRecord; expiresAt: number }[];
}

/**
 * Where the layout before one key per scope kept the scope's counters of these periods (one string key per quota
 * the scope has), to read them while the scope has no state yet.
 */
export function legacyCounterKeys(
  keys: LimitKeys,
  tenantId: string,
  scope: UsageScope,
  periods: CalendarPeriods,
): { limit: QuotaName; key: string }[] {
  const scopeKey = keys.scope(tenantId, scope.kind, scope.id);
  const base = scopeKey.slice(0, scopeKey.lastIndexOf(`:scope:${scope.kind}:`));
  return QUOTAS.filter((quota) => isSet(scope.limits[quota.limit])).map((quota) => ({
    limit: quota.limit,
    key: `${base}:quota:${scope.kind}:${scope.id}:${quota.limit}:${periods[quota.period].id}`,
  }));
}

/**
 * The usage view of one scope from its snapshot: the counters of the current periods (used + reserved, split by
 * the reservations still held), each bucket refilled to the time of the read, and the leases held.
 */
export function toLimitsUsage(input: {
  scope: UsageScope;
  /** The scope's state key: reservations name the scopes they took from by it. */
  scopeKey: string;
  timeZone: string;
  periods: CalendarPeriods;
  snapshot: ScopeSnapshot;
}): LimitsUsage {
  const { scope, periods, snapshot } = input;
  const { limits } = scope;
  const { now, state } = snapshot;
  const today = periodNumber(periods.day.id);
  const thisMonth = periodNumber(periods.month.id);
  const usage: LimitsUsage = {
    scope: scope.kind,
    scopeId: scope.id,
    timeZone: input.timeZone,
    readAt: new Date(now).toISOString(),
    quotas: { dailyTokens: null, monthlyTokens: null, monthlyCalls: null, monthlyBudgetUsd: null },
    rates: { rpm: null, tpm: null },
    concurrency: null,
  };

  // What the counters hold now (used + reserved); a period other than the state's current one holds nothing.
  const counters: Record<QuotaName, number> =
    state === null
      ? {
          dailyTokens: snapshot.legacy.dailyTokens ?? 0,
          monthlyTokens: snapshot.legacy.monthlyTokens ?? 0,
          monthlyCalls: snapshot.legacy.monthlyCalls ?? 0,
          monthlyBudgetUsd: snapshot.legacy.monthlyBudgetUsd ?? 0,
        }
      : {
          dailyTokens: state.day === today ? state.dailyTokens : 0,
          monthlyTokens: state.month === thisMonth ? state.monthlyTokens : 0,
          monthlyCalls: state.month === thisMonth ? state.monthlyCalls : 0,
          monthlyBudgetUsd: state.month === thisMonth ? state.monthlyMicros : 0,
        };
  // What held reservations charged to them: live ones (expiry ahead) are reserved; dead ones are given back by
  // the next admit's purge (at or after their expiry), as are their leases, still counted in flight until then.
  const held = {
    dailyTokens: { live: 0n, dead: 0n },
    monthlyTokens: { live: 0n, dead: 0n },
    monthlyCalls: { live: 0n, dead: 0n },
    monthlyBudgetUsd: { live: 0n, dead: 0n },
  };
  let deadLeases = 0;
  for (const { record, expiresAt } of snapshot.reservations) {
    const taken = record.scopes.find((entry) => entry.key === input.scopeKey);
    if (record.state !== 'held' || taken === undefined) continue;
    const part = expiresAt > now ? 'live' : 'dead';
    if (taken.leased && part === 'dead') deadLeases += 1;
    const amounts = { tokens: BigInt(record.tokens), calls: 1n, micros: BigInt(record.micros) };
    for (const quota of QUOTAS) {
      const current = quota.period === 'day' ? record.day === today : record.month === thisMonth;
      if (taken.counters[quota.limit] && current) held[quota.limit][part] += amounts[quota.metric];
    }
  }

  for (const quota of QUOTAS) {
    const value = limits[quota.limit];
    if (!isSet(value)) continue;
    const max = quota.metric === 'micros' ? usdToMicros(String(value)) : BigInt(value as number);
    const { live, dead } = held[quota.limit];
    const amounts = quotaAmounts(max, BigInt(counters[quota.limit]), live, dead);
    const period = periods[quota.period];
    const base = { period: period.id, resetsAt: new Date(period.endsAt).toISOString() };
    if (quota.limit === 'monthlyBudgetUsd') {
      usage.quotas.monthlyBudgetUsd = { ...mapAmounts(amounts, microsToUsd), ...base };
    } else {
      usage.quotas[quota.limit] = { ...mapAmounts(amounts, Number), ...base };
    }
  }
  for (const [limit, burst] of [
    ['rpm', limits.rpmBurst],
    ['tpm', limits.tpmBurst],
  ] as const) {
    const perMinute = limits[limit];
    if (!isLimit(perMinute)) continue;
    const bucket = { perMinute, capacity: bucketCapacity(perMinute, burst) };
    const current = bucketLevelAt(state === null ? null : state[limit], bucket, now);
    usage.rates[limit] = {
      limit: perMinute,
      capacity: bucket.capacity,
      remaining: bucketRemaining(current),
      resetsAt: new Date(now + bucketResetMs(current, bucket)).toISOString(),
    };
  }
  if (isLimit(limits.concurrency)) {
    usage.concurrency = { limit: limits.concurrency, inUse: Math.max(0, (state?.inFlight ?? 0) - deadLeases) };
  }
  return usage;
}

interface QuotaAmounts {
  limit: bigint;
  used: bigint;
  reserved: bigint;
  remaining: bigint;
}

/**
 * Splits a counter (used + reserved) into its parts. `live` and `dead` are what held reservations charged to it;
 * the dead ones' gateway is gone and the next admit gives their amounts back, so they count as neither used nor
 * reserved, and `remaining` is what that admit will see.
 */
export function quotaAmounts(limit: bigint, counter: bigint, live: bigint, dead: bigint): QuotaAmounts {
  // A counter below what its reservations hold only happens if its key was lost; none of it is then "used".
  const used = max0(counter - live - dead);
  const reserved = live;
  return { limit, used, reserved, remaining: max0(limit - used - reserved) };
}

function mapAmounts<Amount>(amounts: QuotaAmounts, convert: (value: bigint) => Amount) {
  return {
    limit: convert(amounts.limit),
    used: convert(amounts.used),
    reserved: convert(amounts.reserved),
    remaining: convert(amounts.remaining),
  };
}

function max0(value: bigint): bigint {
  return value > 0n ? value : 0n;
}

/** A quota that applies: null or absent is unlimited. */
function isSet<Value>(value: Value | null | undefined): value is Value {
  return value !== null && value !== undefined;
}
