/**
 * The limits engine: rate limits, concurrency, quotas and budgets, reserved first and settled after, atomically
 * (docs/limits.md has the whole design).
 *
 * - `admit` is ONE Redis round trip (the `admit` Lua script): it releases reservations and leases whose gateway
 *   died (expired), checks every limit of every scope (subscription, optional key narrowing, tenant) against the
 *   request's worst case (RPM/TPM token buckets with a burst, concurrency leases, daily/monthly token, monthly
 *   call and monthly budget counters) and, only if every enforced one fits, takes from all of them and records a
 *   reservation with an expiry. Otherwise nothing changes, and the answer says which limit refused and, for rate
 *   limits, the exact wait. Monitored limits are reported and never refuse.
 * - `settle` is one round trip too: actual amounts replace reserved ones (above them if the request used more),
 *   leases are released, the reservation goes. Settling twice changes nothing; settling a reservation that
 *   expired (and was released) adds the actual usage once.
 * - Money is integer micro-USD everywhere in Redis; periods (day, month in the tenant's time zone) are computed
 *   here and named in the keys, which expire a while after their period.
 * - Redis unreachable: rate limits and concurrency fall back to a per-process limiter (approximate: see
 *   `LocalLimiter`); a request with an enforced quota or budget throws `QuotaBackendUnavailableError` (503)
 *   unless it fails open; failed settlements are retried until Redis is back. Nothing needs recreating on
 *   recovery: ioredis reconnects, and the next call uses Redis again.
 *
 * Why not rate-limiter-flexible or similar: those check one counter per call. Reserving across several counters
 * (RPM, TPM, concurrency, three quotas, a budget, for up to three scopes) all-or-nothing needs one script that
 * checks everything before writing anything; two calls would let concurrent requests overshoot a budget.
 */
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { type RedisKeys } from '../redis-keys';
import { calendarPeriods, type Clock, DEFAULT_TIME_ZONE, isValidTimeZone, MAX_EXACT_MICROS } from '@gatehouse/domain';
import { type Redis } from 'ioredis';
import { ADMIT_LUA } from './admit.lua';
import { EXTEND_LUA } from './extend.lua';
import { type LimitCheck, limitChecks } from './limit-checks';
import { type CheckOutcome, toDecision } from './limit-decision';
import { LimitKeys } from './limit-keys';
import { isBackendUnavailable, LimitsTimeoutError, QuotaBackendUnavailableError } from './limits.errors';
import {
  type ActualUsage,
  type AdmitDecision,
  type AdmitRequest,
  type Reservation,
  type SettleOutcome,
} from './limits.types';
import { LocalLimiter } from './local-limiter';
import { SETTLE_LUA } from './settle.lua';

export interface LimitsEngineOptions {
  /**
   * The time the scripts use. Default: none, so that the scripts read Redis's own clock (`TIME`), one clock for
   * every gateway. Tests pass a hand-moved clock. Periods are always computed from this clock or `Date.now`.
   */
  clock?: Clock;
  /** Reservation and lease lifetime unless the request says otherwise: the longest a request may run unextended. */
  defaultTtlMs?: number;
  /** How long the request path waits for Redis before it counts as unavailable. */
  commandTimeoutMs?: number;
  /** How long an expired reservation's record stays so that a late settle still counts its usage. */
  recordGraceMs?: number;
  /** Expired reservations one admit releases at most (the rest go on the next admits). */
  purgeBatch?: number;
  /** Fraction of each rate and concurrency limit one process enforces alone while Redis is down (1/N of N). */
  localShare?: number;
  /** Settlements that failed for an outage: retried with this backoff, at most this many kept. */
  settleRetry?: { initialDelayMs?: number; maxDelayMs?: number; maxPending?: number };
}

const DEFAULTS = {
  defaultTtlMs: 10 * 60_000,
  commandTimeoutMs: 1_000,
  recordGraceMs: 24 * 60 * 60_000,
  purgeBatch: 100,
  localShare: 1,
};
const SETTLE_RETRY_DEFAULTS = { initialDelayMs: 500, maxDelayMs: 30_000, maxPending: 10_000 };

/** The scripts as ioredis commands (`defineCommand`: EVALSHA, with EVAL on a NOSCRIPT reply). */
interface LimitScripts {
  gatehouseLimitsAdmit(numberOfKeys: number, ...keysAndArgs: string[]): Promise<string>;
  gatehouseLimitsSettle(numberOfKeys: number, ...keysAndArgs: string[]): Promise<string>;
  gatehouseLimitsExtend(numberOfKeys: number, ...keysAndArgs: string[]): Promise<string>;
}

interface AdmitReply {
  status: 'admitted' | 'refused';
  now: string;
  expiresAt: string;
  /** cjson writes an empty Lua table as `{}`. */
  checks: { fits: boolean; current: string; resetMs?: string; retryMs?: string }[] | Record<string, never>;
}

interface PendingSettlement {
  reservation: Reservation;
  actual: ActualUsage;
  attempts: number;
  dueAt: number;
}

export class LimitsEngine {
  private readonly logger = new Logger(LimitsEngine.name);
  private readonly limitKeys: LimitKeys;
  private readonly scripts: LimitScripts;
  private readonly local: LocalLimiter;
  private readonly options: typeof DEFAULTS & Pick<LimitsEngineOptions, 'clock'>;
  private readonly retry: typeof SETTLE_RETRY_DEFAULTS;
  private readonly pending = new Map<string, PendingSettlement>();
  private retryTimer: NodeJS.Timeout | null = null;
  private usingFallback = false;
  private closed = false;

  constructor(redis: Redis, keys: RedisKeys, options: LimitsEngineOptions = {}) {
    this.options = { ...DEFAULTS, ...withoutUndefined(options) };
    this.retry = { ...SETTLE_RETRY_DEFAULTS, ...withoutUndefined(options.settleRetry ?? {}) };
    this.limitKeys = new LimitKeys(keys);
    this.local = new LocalLimiter(this.options.localShare);
    redis.defineCommand('gatehouseLimitsAdmit', { lua: ADMIT_LUA });
    redis.defineCommand('gatehouseLimitsSettle', { lua: SETTLE_LUA });
    redis.defineCommand('gatehouseLimitsExtend', { lua: EXTEND_LUA });
    this.scripts = redis as unknown as LimitScripts;
  }

  /** The key names, for operators' tools and tests. */
  get keys(): LimitKeys {
    return this.limitKeys;
  }

  /** Settlements waiting for Redis to come back. */
  get pendingSettlements(): number {
    return this.pending.size;
  }

  /**
   * Checks every limit of the request and reserves its worst case, or refuses it changing nothing. Throws
   * `QuotaBackendUnavailableError` when Redis cannot be asked and an enforced quota or budget applies (unless
   * `failOpen`).
   */
  async admit(request: AdmitRequest): Promise<AdmitDecision> {
    const now = this.now();
    const checks = limitChecks(request, this.limitKeys, calendarPeriods(now, this.timeZoneOf(request)));
    const ttlMs = request.ttlMs ?? this.options.defaultTtlMs;
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new RangeError('ttlMs must be a positive integer');
    const id = randomUUID();
    if (checks.length === 0) {
      const reservation: Reservation = { tenantId: request.tenantId, id, backend: 'none', expiresAt: now + ttlMs };
      return toDecision({ checks, outcomes: [], admitted: true, reservation, degraded: null });
    }

    let reply: AdmitReply;
    try {
      reply = await this.admitInRedis(request, id, checks, ttlMs);
    } catch (error) {
      if (!isBackendUnavailable(error)) throw error;
      return this.admitLocally(request, id, checks, ttlMs, error);
    }
    this.leaveFallback();
    const outcomes = (Array.isArray(reply.checks) ? reply.checks : []).map((result): CheckOutcome => ({
      fits: result.fits,
      current: Number(result.current),
      resetMs: result.resetMs === undefined ? null : Number(result.resetMs),
      retryAfterMs: result.retryMs === undefined ? null : Number(result.retryMs),
    }));
    const admitted = reply.status === 'admitted';
    const reservation: Reservation | null = admitted
      ? { tenantId: request.tenantId, id, backend: 'redis', expiresAt: Number(reply.expiresAt) }
      : null;
    return toDecision({ checks, outcomes, admitted, reservation, degraded: null });
  }

  /**
   * Replaces the reservation by the actual usage and releases its leases. Never throws for an outage: the
   * settlement is queued and retried (it is idempotent), and the answer is `deferred`.
   */
  async settle(reservation: Reservation, actual: ActualUsage): Promise<SettleOutcome> {
    assertUsage(actual);
    if (reservation.backend === 'none') return 'settled';
    if (reservation.backend === 'local') {
      const known = this.local.has(reservation.id);
      this.local.settle(reservation.id, actual.tokens, this.now());
      return known ? 'settled' : 'unknown';
    }
    try {
      return await this.settleInRedis(reservation, actual);
    } catch (error) {
      if (!isBackendUnavailable(error)) throw error;
      this.defer(reservation, actual);
      return 'deferred';
    }
  }

  /**
   * Pushes a held reservation's expiry (and its leases') to `ttlMs` from now: a heartbeat for long streams.
   * False when it is no longer held (settled, or expired and released) or Redis cannot be asked.
   */
  async extend(reservation: Reservation, ttlMs: number = this.options.defaultTtlMs): Promise<boolean> {
    if (reservation.backend !== 'redis') return reservation.backend === 'none' || this.local.has(reservation.id);
    const spec = { now: this.options.clock?.(), id: reservation.id, ttlMs, recordGraceMs: this.options.recordGraceMs };
    try {
      const expiresAt = await this.withTimeout(
        this.scripts.gatehouseLimitsExtend(2, ...this.recordKeys(reservation), JSON.stringify(spec)),
      );
      return expiresAt !== '';
    } catch (error) {
      if (!isBackendUnavailable(error)) throw error;
      return false;
    }
  }

  /** Stops retrying deferred settlements (their reservations expire and are released in Redis). */
  close(): void {
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.pending.size > 0) {
      this.logger.warn(`${this.pending.size} settlements were still waiting for Redis at shutdown`);
    }
  }

  private async admitInRedis(
    request: AdmitRequest,
    id: string,
    checks: readonly LimitCheck[],
    ttlMs: number,
  ): Promise<AdmitReply> {
    const { tenantId } = request;
    const spec = {
      now: this.options.clock?.(),
      id,
      requestId: request.requestId,
      recordPrefix: this.limitKeys.reservationPrefix(tenantId),
      ttlMs,
      recordGraceMs: this.options.recordGraceMs,
      purgeBatch: this.options.purgeBatch,
      // KEYS[1] and KEYS[2] are the index and the record; limit keys follow in check order.
      checks: checks.map((check, index) => ({ ...check.spec, key: index + 3, monitor: check.monitor })),
    };
    const keys = [
      this.limitKeys.reservationIndex(tenantId),
      this.limitKeys.reservation(tenantId, id),
      ...checks.map((check) => check.redisKey),
    ];
    const reply = await this.withTimeout(this.scripts.gatehouseLimitsAdmit(keys.length, ...keys, JSON.stringify(spec)));
    return JSON.parse(reply) as AdmitReply;
  }

  /**
   * Redis cannot be asked. Quotas and budgets are exact only in Redis: an enforced one fails closed unless the
   * plan fails open. Rate limits and concurrency go on in this process, approximately.
   */
  private admitLocally(
    request: AdmitRequest,
    id: string,
    checks: readonly LimitCheck[],
    ttlMs: number,
    cause: unknown,
  ): AdmitDecision {
    const enforcedQuota = checks.some((check) => check.kind === 'quota' && !check.monitor);
    if (enforcedQuota && request.failOpen !== true) throw new QuotaBackendUnavailableError(cause);
    if (!this.usingFallback) {
      this.usingFallback = true;
      this.logger.warn(`Redis is unreachable; rate limits fall back to this process (${String(cause)})`);
    }
    const localChecks = checks.filter((check) => check.kind !== 'quota');
    const now = this.now();
    const { admitted, outcomes } = this.local.admit(id, localChecks, now, ttlMs);
    const reservation: Reservation | null = admitted
      ? { tenantId: request.tenantId, id, backend: 'local', expiresAt: now + ttlMs }
      : null;
    return toDecision({ checks: localChecks, outcomes, admitted, reservation, degraded: 'local-fallback' });
  }

  /** Redis answered again: its state is the truth, the local one is dropped. */
  private leaveFallback(): void {
    if (!this.usingFallback) return;
    this.usingFallback = false;
    this.local.clear();
    this.logger.log('Redis is reachable again; rate limits are global again');
  }

  private async settleInRedis(reservation: Reservation, actual: ActualUsage): Promise<SettleOutcome> {
    const micros = actual.costMicros > MAX_EXACT_MICROS ? MAX_EXACT_MICROS : actual.costMicros;
    const spec = {
      now: this.options.clock?.(),
      id: reservation.id,
      usage: { tokens: String(actual.tokens), calls: String(actual.calls ?? 1), micros: micros.toString() },
    };
    const outcome = await this.withTimeout(
      this.scripts.gatehouseLimitsSettle(2, ...this.recordKeys(reservation), JSON.stringify(spec)),
    );
    return outcome as SettleOutcome;
  }

  private recordKeys(reservation: Reservation): [string, string] {
    return [
      this.limitKeys.reservationIndex(reservation.tenantId),
      this.limitKeys.reservation(reservation.tenantId, reservation.id),
    ];
  }

  /**
   * Keeps a settlement for later. Bounded: past `maxPending` the oldest is dropped (its reservation then expires
   * and is released; the usage event still records the call, only the counters miss its actual usage).
   */
  private defer(reservation: Reservation, actual: ActualUsage): void {
    if (this.closed) return;
    if (!this.pending.has(reservation.id) && this.pending.size >= this.retry.maxPending) {
      const [oldest] = this.pending.keys();
      if (oldest !== undefined) this.pending.delete(oldest);
      this.logger.warn('Too many settlements waiting for Redis; the oldest was dropped');
    }
    const previous = this.pending.get(reservation.id);
    const attempts = (previous?.attempts ?? 0) + 1;
    const delay = Math.min(this.retry.initialDelayMs * 2 ** (attempts - 1), this.retry.maxDelayMs);
    this.pending.set(reservation.id, { reservation, actual, attempts, dueAt: Date.now() + delay });
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.closed || this.pending.size === 0) return;
    const next = Math.min(...[...this.pending.values()].map((entry) => entry.dueAt));
    this.retryTimer = setTimeout(() => void this.retryPending(), Math.max(0, next - Date.now()));
    this.retryTimer.unref();
  }

  private async retryPending(): Promise<void> {
    this.retryTimer = null;
    const due = [...this.pending.values()].filter((entry) => entry.dueAt <= Date.now());
    for (const entry of due) {
      if (this.closed) return;
      try {
        await this.settleInRedis(entry.reservation, entry.actual);
        this.pending.delete(entry.reservation.id);
      } catch (error) {
        if (isBackendUnavailable(error)) {
          this.defer(entry.reservation, entry.actual);
        } else {
          this.pending.delete(entry.reservation.id);
          this.logger.error(`A deferred settlement failed and is dropped: ${String(error)}`);
        }
      }
    }
    this.scheduleRetry();
  }

  private async withTimeout<T>(command: Promise<T>): Promise<T> {
    const timeoutMs = this.options.commandTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LimitsTimeoutError(timeoutMs)), timeoutMs);
    });
    try {
      return await Promise.race([command, timeout]);
    } finally {
      clearTimeout(timer);
      // A command that lost the race may still fail later; that failure is already handled as a timeout.
      command.catch(() => undefined);
    }
  }

  private now(): number {
    return this.options.clock?.() ?? Date.now();
  }

  /** An unknown zone must not stop traffic: it counts in UTC (the zone is validated where it is stored). */
  private timeZoneOf(request: AdmitRequest): string {
    const zone = request.timeZone;
    if (zone === null || zone === undefined || zone === '') return DEFAULT_TIME_ZONE;
    if (isValidTimeZone(zone)) return zone;
    this.logger.warn(`Unknown time zone '${zone}' for tenant ${request.tenantId}; counting in UTC`);
    return DEFAULT_TIME_ZONE;
  }
}

function assertUsage(actual: ActualUsage): void {
  if (!Number.isSafeInteger(actual.tokens) || actual.tokens < 0)
    throw new RangeError('tokens must be a non-negative integer');
  if (actual.costMicros < 0n) throw new RangeError('costMicros must not be negative');
  const calls = actual.calls ?? 1;
  if (!Number.isSafeInteger(calls) || calls < 0) throw new RangeError('calls must be a non-negative integer');
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
