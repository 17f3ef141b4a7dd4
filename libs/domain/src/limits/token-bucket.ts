/**
 * The token bucket of a per-minute rate limit (RPM or TPM), in exact integer arithmetic.
 *
 * A bucket holds at most `capacity` units (the burst: what may be spent at once) and refills at `perMinute`
 * units a minute. A request that costs `cost` units is admitted when the bucket holds at least that much.
 * Over any window of W ms, a bucket admits at most `capacity + perMinute × W / 60 000` units: with a 60 rpm
 * limit and a burst of 10, never more than 70 requests in any minute.
 *
 * Levels are kept in "scaled units" (unit × 60 000): refill is then `elapsed ms × perMinute`, an integer, and the
 * wait until a request fits is an exact whole number of ms (rounded up), so `retry-after` tells the truth.
 * Every value stays below 2^53 for capacities up to 150 billion units, so doubles hold them exactly; the Redis
 * script (`libs/redis/src/limits/admit.lua.ts`) is the same arithmetic, line for line.
 */

/** Scaled units per unit: the milliseconds of a minute. */
export const BUCKET_SCALE = 60_000;

export interface BucketLimit {
  /** Sustained rate, units per minute. */
  perMinute: number;
  /** Most units that may be spent at once (the burst); at least 1. */
  capacity: number;
}

/** A bucket as stored: its level in scaled units at time `at` (ms). No state = a full bucket. */
export interface BucketState {
  level: number;
  at: number;
}

export interface BucketDecision {
  fits: boolean;
  /** The state after the request: consumed when it fits, unchanged (only refilled) when it does not. */
  state: BucketState;
  /** When it does not fit: ms until it would (exact, rounded up); null if it never can (cost > capacity). */
  retryAfterMs: number | null;
}

/**
 * The bucket size for a limit and its burst: the burst when one is set (at least 1), otherwise one minute's
 * worth (a client may spend its whole minute at once, and never more than two minutes' worth in one minute).
 */
export function bucketCapacity(perMinute: number, burst: number | null | undefined): number {
  return Math.max(1, burst ?? perMinute);
}

/** The level at `now`: refilled since `at`, never above capacity. A clock that went back refills nothing. */
export function bucketLevelAt(state: BucketState | null, limit: BucketLimit, now: number): BucketState {
  const full = limit.capacity * BUCKET_SCALE;
  if (state === null) return { level: full, at: now };
  const elapsed = Math.max(0, now - state.at);
  return { level: Math.min(full, state.level + elapsed * limit.perMinute), at: Math.max(state.at, now) };
}

/** Takes `cost` units if they are there; otherwise says how long until they are. */
export function takeFromBucket(
  state: BucketState | null,
  limit: BucketLimit,
  cost: number,
  now: number,
): BucketDecision {
  const current = bucketLevelAt(state, limit, now);
  const scaledCost = cost * BUCKET_SCALE;
  if (current.level >= scaledCost) {
    return { fits: true, state: { level: current.level - scaledCost, at: current.at }, retryAfterMs: null };
  }
  const neverFits = scaledCost > limit.capacity * BUCKET_SCALE;
  return {
    fits: false,
    state: current,
    retryAfterMs: neverFits ? null : Math.ceil((scaledCost - current.level) / limit.perMinute),
  };
}

/** Whole units left (0 while the bucket is in debt after a settlement above the reservation). */
export function bucketRemaining(state: BucketState): number {
  return Math.max(0, Math.floor(state.level / BUCKET_SCALE));
}

/** Ms until the bucket is full again: the `x-ratelimit-reset-*` value, and how long its key must live. */
export function bucketResetMs(state: BucketState, limit: BucketLimit): number {
  return Math.max(0, Math.ceil((limit.capacity * BUCKET_SCALE - state.level) / limit.perMinute));
}

/**
 * Gives back (positive) or charges more (negative) units after the fact, as settlement does when the actual
 * token count differs from the reservation. A bucket may go below zero (a debt that later requests wait out),
 * never above capacity.
 */
export function adjustBucket(state: BucketState | null, limit: BucketLimit, units: number, now: number): BucketState {
  const current = bucketLevelAt(state, limit, now);
  return { level: Math.min(limit.capacity * BUCKET_SCALE, current.level + units * BUCKET_SCALE), at: current.at };
}
