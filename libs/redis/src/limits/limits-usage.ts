import { type Limits } from '@gatehouse/contracts';
import {
  type BucketLimit,
  bucketCapacity,
  bucketLevelAt,
  bucketRemaining,
  bucketResetMs,
  type CalendarPeriod,
  type CalendarPeriods,
  microsToUsd,
  usdToMicros,
} from '@gatehouse/domain';
import { isLimit, QUOTAS } from './limit-checks';
import { type LimitKeys } from './limit-keys';
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

type QuotaName = (typeof QUOTAS)[number]['limit'];

/** One key to read, with what its reply means. */
export type UsageRead =
  | { type: 'counter'; limit: QuotaName; redisKey: string; max: bigint; money: boolean; period: CalendarPeriod }
  | { type: 'bucket'; limit: 'rpm' | 'tpm'; redisKey: string; bucket: BucketLimit }
  | { type: 'lease'; limit: 'concurrency'; redisKey: string; max: number };

/** The read script's answer for one read (see `read.lua.ts`). */
export type UsageReadReply =
  { value: string; live: string; dead: string } | { level: string; at: string } | { full: true } | { held: string };

/**
 * The keys holding a scope's counters, the ones the engine's `limitChecks` builds for the same scope and periods
 * (so both follow one key layout): per rate limit its bucket, the leases, per quota its counter of the period.
 */
export function usageReads(
  tenantId: string,
  scope: UsageScope,
  keys: LimitKeys,
  periods: CalendarPeriods,
): UsageRead[] {
  const { limits } = scope;
  const reads: UsageRead[] = [];
  for (const [limit, burst] of [
    ['rpm', limits.rpmBurst],
    ['tpm', limits.tpmBurst],
  ] as const) {
    const perMinute = limits[limit];
    if (!isLimit(perMinute)) continue;
    reads.push({
      type: 'bucket',
      limit,
      redisKey: keys.bucket(tenantId, scope.kind, scope.id, limit),
      bucket: { perMinute, capacity: bucketCapacity(perMinute, burst) },
    });
  }
  if (isLimit(limits.concurrency)) {
    reads.push({
      type: 'lease',
      limit: 'concurrency',
      redisKey: keys.leases(tenantId, scope.kind, scope.id),
      max: limits.concurrency,
    });
  }
  for (const quota of QUOTAS) {
    const value = limits[quota.limit];
    if (value === null || value === undefined) continue;
    const period = periods[quota.period];
    const money = quota.metric === 'micros';
    reads.push({
      type: 'counter',
      limit: quota.limit,
      redisKey: keys.counter(tenantId, scope.kind, scope.id, quota.limit, period.id),
      max: money ? usdToMicros(String(value)) : BigInt(value as number),
      money,
      period,
    });
  }
  return reads;
}

/** The usage view from the replies, in the reads' order; `now` is the time the script read them at. */
export function toLimitsUsage(input: {
  scope: UsageScope;
  timeZone: string;
  now: number;
  reads: readonly UsageRead[];
  replies: readonly UsageReadReply[];
}): LimitsUsage {
  const usage: LimitsUsage = {
    scope: input.scope.kind,
    scopeId: input.scope.id,
    timeZone: input.timeZone,
    readAt: new Date(input.now).toISOString(),
    quotas: { dailyTokens: null, monthlyTokens: null, monthlyCalls: null, monthlyBudgetUsd: null },
    rates: { rpm: null, tpm: null },
    concurrency: null,
  };
  input.reads.forEach((read, index) => {
    const reply = input.replies[index];
    if (reply === undefined) throw new Error(`No reply for the ${read.limit} read`);
    switch (read.type) {
      case 'counter': {
        if (!('value' in reply)) throw new Error(`The ${read.limit} read got no counter`);
        const amounts = quotaAmounts(read.max, BigInt(reply.value), BigInt(reply.live), BigInt(reply.dead));
        const base = { period: read.period.id, resetsAt: new Date(read.period.endsAt).toISOString() };
        if (read.limit === 'monthlyBudgetUsd') {
          usage.quotas.monthlyBudgetUsd = { ...mapAmounts(amounts, microsToUsd), ...base };
        } else {
          usage.quotas[read.limit] = { ...mapAmounts(amounts, Number), ...base };
        }
        return;
      }
      case 'bucket': {
        if ('value' in reply || 'held' in reply) throw new Error(`The ${read.limit} read got no bucket`);
        const state = 'full' in reply ? null : { level: Number(reply.level), at: Number(reply.at) };
        const current = bucketLevelAt(state, read.bucket, input.now);
        usage.rates[read.limit] = {
          limit: read.bucket.perMinute,
          capacity: read.bucket.capacity,
          remaining: bucketRemaining(current),
          resetsAt: new Date(input.now + bucketResetMs(current, read.bucket)).toISOString(),
        };
        return;
      }
      case 'lease':
        if (!('held' in reply)) throw new Error('The concurrency read got no leases');
        usage.concurrency = { limit: read.max, inUse: Number(reply.held) };
    }
  });
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
