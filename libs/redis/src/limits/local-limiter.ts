import {
  adjustBucket,
  type BucketDecision,
  bucketLevelAt,
  bucketRemaining,
  bucketResetMs,
  type BucketLimit,
  type BucketState,
  takeFromBucket,
} from '@gatehouse/domain';
import { type BucketCheck, type LimitCheck } from './limit-checks';
import { type CheckOutcome } from './limit-decision';

type Evaluation =
  | {
      type: 'bucket';
      check: LimitCheck;
      spec: BucketCheck;
      limit: BucketLimit;
      before: BucketState | null;
      decision: BucketDecision;
    }
  | { type: 'lease'; check: LimitCheck; held: Map<string, number>; fits: boolean };

interface LocalReservation {
  expiresAt: number;
  leaseKeys: string[];
  buckets: { key: string; limit: BucketLimit; tokens: number }[];
}

/** Sweep expired local state at most this often (a cheap bound on memory while Redis is down). */
const SWEEP_INTERVAL_MS = 10_000;

/**
 * The per-process fallback for rate limits and concurrency while Redis is unreachable. APPROXIMATE, by design:
 * each gateway process counts alone, so with N processes behind a load balancer the fleet admits up to N times
 * each limit (N × (burst + rate × window)), unless `share` is set to 1/N, which makes each process enforce its
 * fair part (then a client pinned to one process gets only 1/N). Its state starts empty (a full bucket) and is
 * dropped when Redis answers again. It never counts quotas or budgets: those fail closed (or, fail-open, go
 * uncounted) — only Redis can make them exact across gateways.
 *
 * Same arithmetic as the Redis script (`libs/domain` token bucket), keyed by the same scopes.
 */
export class LocalLimiter {
  private readonly buckets = new Map<string, { state: BucketState; limit: BucketLimit }>();
  private readonly leases = new Map<string, Map<string, number>>();
  private readonly reservations = new Map<string, LocalReservation>();
  private lastSweep = 0;

  constructor(private readonly share = 1) {
    if (!(share > 0 && share <= 1)) throw new RangeError('share must be in (0, 1]');
  }

  /**
   * Admits when every enforced bucket and lease fits; quota checks must not be passed here. `tokens` is what the
   * request reserved (what TPM takes).
   */
  admit(
    reservationId: string,
    checks: readonly LimitCheck[],
    tokens: number,
    now: number,
    ttlMs: number,
  ): { admitted: boolean; outcomes: CheckOutcome[] } {
    this.sweep(now);
    const evaluations = checks.map((check): Evaluation => {
      const spec = check.spec;
      if (spec.type === 'bucket') {
        const limit = this.shareOf(spec);
        const cost = spec.unit === 'tokens' ? tokens : 1;
        const before = this.buckets.get(stateKey(check))?.state ?? null;
        return { type: 'bucket', check, spec, limit, before, decision: takeFromBucket(before, limit, cost, now) };
      }
      if (spec.type === 'lease') {
        const held = this.liveLeases(stateKey(check), now);
        const max = Math.max(1, Math.floor(spec.max * this.share));
        return { type: 'lease', check, held, fits: held.size < max };
      }
      throw new Error('The local limiter does not count quotas');
    });
    const fits = (evaluation: Evaluation) =>
      evaluation.type === 'bucket' ? evaluation.decision.fits : evaluation.fits;
    const admitted = evaluations.every((evaluation) => fits(evaluation) || evaluation.check.monitor);

    const expiresAt = now + ttlMs;
    const reservation: LocalReservation = { expiresAt, leaseKeys: [], buckets: [] };
    const outcomes = evaluations.map((evaluation): CheckOutcome => {
      const key = stateKey(evaluation.check);
      if (evaluation.type === 'lease') {
        const outcome = { fits: evaluation.fits, current: evaluation.held.size, resetMs: null, retryAfterMs: null };
        if (admitted && evaluation.fits) {
          evaluation.held.set(reservationId, expiresAt);
          reservation.leaseKeys.push(key);
        }
        return outcome;
      }
      const { spec, limit, decision } = evaluation;
      // Taken only when admitted; otherwise the bucket stays as it was (refilled to now, for the headers).
      const taken = admitted && decision.fits;
      const state = taken ? decision.state : bucketLevelAt(evaluation.before, limit, now);
      if (taken) {
        this.buckets.set(key, { state, limit });
        if (spec.unit === 'tokens') reservation.buckets.push({ key, limit, tokens });
      }
      return {
        fits: decision.fits,
        current: bucketRemaining(state),
        resetMs: bucketResetMs(state, limit),
        retryAfterMs: decision.retryAfterMs,
      };
    });
    if (admitted) this.reservations.set(reservationId, reservation);
    return { admitted, outcomes };
  }

  /** Releases the leases and settles TPM to the actual tokens; unknown ids are ignored (idempotent). */
  settle(reservationId: string, actualTokens: number, now: number): void {
    const reservation = this.reservations.get(reservationId);
    if (reservation === undefined) return;
    this.reservations.delete(reservationId);
    for (const key of reservation.leaseKeys) this.leases.get(key)?.delete(reservationId);
    for (const bucket of reservation.buckets) {
      const stored = this.buckets.get(bucket.key);
      const state = adjustBucket(stored?.state ?? null, bucket.limit, bucket.tokens - actualTokens, now);
      this.buckets.set(bucket.key, { state, limit: bucket.limit });
    }
  }

  has(reservationId: string): boolean {
    return this.reservations.has(reservationId);
  }

  /** Forgets everything (Redis is back: its state is the truth again). Leases of requests in flight go too. */
  clear(): void {
    this.buckets.clear();
    this.leases.clear();
    this.reservations.clear();
  }

  private shareOf(spec: BucketCheck): BucketLimit {
    if (this.share === 1) return { perMinute: spec.perMinute, capacity: spec.capacity };
    return {
      perMinute: Math.max(1, Math.floor(spec.perMinute * this.share)),
      capacity: Math.max(1, Math.floor(spec.capacity * this.share)),
    };
  }

  private liveLeases(key: string, now: number): Map<string, number> {
    let held = this.leases.get(key);
    if (held === undefined) {
      held = new Map();
      this.leases.set(key, held);
    }
    for (const [id, expiresAt] of held) if (expiresAt <= now) held.delete(id);
    return held;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    for (const [id, reservation] of this.reservations) {
      if (reservation.expiresAt <= now) this.reservations.delete(id);
    }
    for (const [key, bucket] of this.buckets) {
      if (bucketResetMs(adjustBucket(bucket.state, bucket.limit, 0, now), bucket.limit) === 0) this.buckets.delete(key);
    }
    for (const [key, held] of this.leases) {
      for (const [id, expiresAt] of held) if (expiresAt <= now) held.delete(id);
      if (held.size === 0) this.leases.delete(key);
    }
  }
}

/** What this process keys a check's state by: its scope's key and the limit (one key holds both buckets). */
function stateKey(check: LimitCheck): string {
  return `${check.redisKey} ${check.ref.limit}`;
}
