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
 * - The admits (and the settles) of one tenant's requests in flight during one turn of the event loop go to Redis
 *   as one call of their script (`ScriptBatches`), which runs them one after the other: the same answers as
 *   separate calls, for one command's cost on both sides.
 * - Each scope keeps all its state in one key (buckets, leases in flight, the current day's and month's
 *   counters), so a request costs Redis one read and one write per scope; each scope's key and packed limits are
 *   built once and reused (`ScopePlans`).
 * - Money is integer micro-USD everywhere in Redis; periods (day, month in the tenant's time zone) are computed
 *   here; a scope's counters start again when its period changes.
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
import { calendarPeriods, type Clock, DEFAULT_TIME_ZONE, isValidTimeZone } from '@gatehouse/domain';
import { type Redis } from 'ioredis';
import { ADMIT_LUA } from './admit.lua';
import { CommandDeadlines } from './command-deadlines';
import { EXTEND_LUA } from './extend.lua';
import { assertAdmissible, exactMicros, type LimitCheck, ScopePlans } from './limit-checks';
import { type CheckOutcome, toDecision } from './limit-decision';
import { LimitKeys } from './limit-keys';
import { packDoubles, periodNumbers, type ScriptArgument } from './limit-state';
import { isBackendUnavailable, QuotaBackendUnavailableError } from './limits.errors';
import {
  type ActualUsage,
  type AdmitDecision,
  type AdmitRequest,
  type Reservation,
  type SettleOutcome,
} from './limits.types';
import { LocalLimiter } from './local-limiter';
import { ScriptBatches } from './script-batches';
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

/**
 * The scripts as ioredis commands (`defineCommand`: EVALSHA, with EVAL on a NOSCRIPT reply). Arrays of keys and
 * arguments are flattened into the command, which saves spreading them into a new array first. Admit and settle
 * take batches (`batchLoop`) and answer one reply per call.
 */
interface LimitScripts {
  gatehouseLimitsAdmit(numberOfKeys: number, keys: string[], args: ScriptArgument[]): Promise<number[][]>;
  gatehouseLimitsSettle(numberOfKeys: number, keys: string[], args: ScriptArgument[]): Promise<string[]>;
  gatehouseLimitsExtend(numberOfKeys: number, ...keysAndArgs: ScriptArgument[]): Promise<number>;
}

/**
 * The commands that already batch the requests in flight themselves: auto-pipelining them too would hold each
 * batch for one more turn of the event loop and wrap it in a pipeline of one. A connection with auto-pipelining
 * passes these as its `autoPipeliningIgnoredCommands`.
 */
export const LIMITS_BATCHED_COMMANDS: readonly string[] = ['gatehouseLimitsAdmit', 'gatehouseLimitsSettle'];

/** Reservation index and record prefix of one tenant, kept for its next requests (`tenantKeys`). */
interface TenantKeys {
  index: string;
  recordPrefix: string;
}

/** Tenants whose key names are kept; past it the memo starts again (they are cheap to rebuild). */
const TENANT_KEYS_KEPT = 10_000;

interface PendingSettlement {
  reservation: Reservation;
  actual: ActualUsage;
  attempts: number;
  dueAt: number;
}

export class LimitsEngine {
  private readonly logger = new Logger(LimitsEngine.name);
  private readonly limitKeys: LimitKeys;
  private readonly plans: ScopePlans;
  private readonly tenants = new Map<string, TenantKeys>();
  private readonly scripts: LimitScripts;
  private readonly admits: ScriptBatches<number[]>;
  private readonly settles: ScriptBatches<string>;
  private readonly local: LocalLimiter;
  private readonly deadlines: CommandDeadlines;
  private readonly options: typeof DEFAULTS & Pick<LimitsEngineOptions, 'clock'>;
  private readonly retry: typeof SETTLE_RETRY_DEFAULTS;
  private readonly pending = new Map<string, PendingSettlement>();
  /** Script arguments that follow from the options, as text once. */
  private readonly purgeBatchArg: string;
  private recordTtl = { ttlMs: 0, arg: '' };
  private retryTimer: NodeJS.Timeout | null = null;
  private usingFallback = false;
  private closed = false;

  constructor(redis: Redis, keys: RedisKeys, options: LimitsEngineOptions = {}) {
    this.options = { ...DEFAULTS, ...withoutUndefined(options) };
    this.retry = { ...SETTLE_RETRY_DEFAULTS, ...withoutUndefined(options.settleRetry ?? {}) };
    this.purgeBatchArg = String(this.options.purgeBatch);
    this.limitKeys = new LimitKeys(keys);
    this.plans = new ScopePlans(this.limitKeys);
    this.local = new LocalLimiter(this.options.localShare);
    this.deadlines = new CommandDeadlines(this.options.commandTimeoutMs);
    redis.defineCommand('gatehouseLimitsAdmit', { lua: ADMIT_LUA });
    redis.defineCommand('gatehouseLimitsSettle', { lua: SETTLE_LUA });
    redis.defineCommand('gatehouseLimitsExtend', { lua: EXTEND_LUA });
    this.scripts = redis as unknown as LimitScripts;
    this.admits = new ScriptBatches((keys, args) => this.scripts.gatehouseLimitsAdmit(keys.length, keys, args));
    this.settles = new ScriptBatches((keys, args) => this.scripts.gatehouseLimitsSettle(keys.length, keys, args));
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
    assertAdmissible(request);
    const now = this.now();
    const periods = calendarPeriods(now, this.timeZoneOf(request));
    const plans = request.scopes.map((scope) => this.plans.plan(request.tenantId, scope));
    const checks = plans.length === 1 ? (plans[0]?.checks ?? []) : plans.flatMap((plan) => plan.checks);
    const ttlMs = request.ttlMs ?? this.options.defaultTtlMs;
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new RangeError('ttlMs must be a positive integer');
    const id = randomUUID();
    const { reserve } = request;
    if (checks.length === 0) {
      const reservation: Reservation = { tenantId: request.tenantId, id, backend: 'none', expiresAt: now + ttlMs };
      return toDecision({ checks, outcomes: [], reserve, admitted: true, reservation, degraded: null });
    }

    const tenant = this.tenantKeys(request.tenantId);
    const keys = [tenant.index, tenant.recordPrefix + id];
    const { day, month } = periodNumbers(periods);
    const args: ScriptArgument[] = [
      id,
      recordSafe(request.requestId ?? ''),
      this.purgeBatchArg,
      this.recordTtlArg(ttlMs),
      packDoubles(
        this.options.clock === undefined ? -1 : now,
        ttlMs,
        reserve.tokens,
        Number(exactMicros(reserve.costMicros)),
        day,
        month,
        periods.month.endsAt,
      ),
    ];
    for (const plan of plans) {
      if (plan.checks.length === 0) continue;
      keys.push(plan.key);
      args.push(plan.limits);
    }
    let reply: number[];
    try {
      reply = await this.deadlines.within(this.admits.call(request.tenantId, keys, args));
    } catch (error) {
      if (!isBackendUnavailable(error)) throw error;
      return this.admitLocally(request, id, checks, ttlMs, error);
    }
    this.leaveFallback();
    const admitted = reply[0] === 1;
    const reservation: Reservation | null = admitted
      ? { tenantId: request.tenantId, id, backend: 'redis', expiresAt: reply[1] as number }
      : null;
    return toDecision({ checks, outcomes: outcomesOf(checks, reply), reserve, admitted, reservation, degraded: null });
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
    const [index, record] = this.recordKeys(reservation);
    try {
      const expiresAt = await this.deadlines.within(
        this.scripts.gatehouseLimitsExtend(
          2,
          index,
          record,
          reservation.id,
          packDoubles(this.clockArg(), ttlMs, this.options.recordGraceMs),
        ),
      );
      return expiresAt > 0;
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
    const { admitted, outcomes } = this.local.admit(id, localChecks, request.reserve.tokens, now, ttlMs);
    const reservation: Reservation | null = admitted
      ? { tenantId: request.tenantId, id, backend: 'local', expiresAt: now + ttlMs }
      : null;
    const { reserve } = request;
    return toDecision({ checks: localChecks, outcomes, reserve, admitted, reservation, degraded: 'local-fallback' });
  }

  /** Redis answered again: its state is the truth, the local one is dropped. */
  private leaveFallback(): void {
    if (!this.usingFallback) return;
    this.usingFallback = false;
    this.local.clear();
    this.logger.log('Redis is reachable again; rate limits are global again');
  }

  private async settleInRedis(reservation: Reservation, actual: ActualUsage): Promise<SettleOutcome> {
    const outcome = await this.deadlines.within(
      this.settles.call(reservation.tenantId, this.recordKeys(reservation), [
        reservation.id,
        packDoubles(this.clockArg(), actual.tokens, actual.calls ?? 1, Number(exactMicros(actual.costMicros))),
      ]),
    );
    return outcome as SettleOutcome;
  }

  private recordKeys(reservation: Reservation): [string, string] {
    const tenant = this.tenantKeys(reservation.tenantId);
    return [tenant.index, tenant.recordPrefix + reservation.id];
  }

  /** A tenant's reservation index and record prefix, built once: every admit and settle of the tenant needs them. */
  private tenantKeys(tenantId: string): TenantKeys {
    let keys = this.tenants.get(tenantId);
    if (keys === undefined) {
      if (this.tenants.size >= TENANT_KEYS_KEPT) this.tenants.clear();
      keys = {
        index: this.limitKeys.reservationIndex(tenantId),
        recordPrefix: this.limitKeys.reservationPrefix(tenantId),
      };
      this.tenants.set(tenantId, keys);
    }
    return keys;
  }

  /** How long a reservation's record lives: its ttl, then the grace for a late settle (as text, kept per ttl). */
  private recordTtlArg(ttlMs: number): string {
    if (this.recordTtl.ttlMs !== ttlMs) {
      this.recordTtl = { ttlMs, arg: String(ttlMs + this.options.recordGraceMs) };
    }
    return this.recordTtl.arg;
  }

  /** The scripts' `now`: the test clock's time, or -1 for Redis's own clock. */
  private clockArg(): number {
    return this.options.clock?.() ?? -1;
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

/**
 * The admit script's answer per check (`admit.lua.ts`): each bucket's units available and ms until full, in check
 * order, then the checks that did not fit (index, what it saw, ms until it would fit or -1); every other fits.
 */
function outcomesOf(checks: readonly LimitCheck[], reply: readonly number[]): CheckOutcome[] {
  let at = 2;
  const outcomes = checks.map((check): CheckOutcome => {
    if (check.spec.type !== 'bucket') return { fits: true, current: 0, resetMs: null, retryAfterMs: null };
    const outcome = { fits: true, current: reply[at] as number, resetMs: reply[at + 1] as number, retryAfterMs: null };
    at += 2;
    return outcome;
  });
  for (; at < reply.length; at += 3) {
    const outcome = outcomes[reply[at] as number];
    if (outcome === undefined) throw new Error('The admit script named a check that does not exist');
    const retryMs = reply[at + 2] as number;
    outcome.fits = false;
    outcome.current = reply[at + 1] as number;
    outcome.retryAfterMs = retryMs < 0 ? null : retryMs;
  }
  return outcomes;
}

/** A request id as the reservation record keeps it: a zero-terminated string, so without zeros. */
function recordSafe(requestId: string): string {
  return requestId.includes('\0') ? requestId.replaceAll('\0', '_') : requestId;
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
