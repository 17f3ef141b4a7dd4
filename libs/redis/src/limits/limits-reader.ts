import { calendarPeriods, type Clock, DEFAULT_TIME_ZONE, isValidTimeZone } from '@gatehouse/domain';
import { type Redis } from 'ioredis';
import { type RedisKeys } from '../redis-keys';
import { isLimit, QUOTAS } from './limit-checks';
import { LimitKeys } from './limit-keys';
import { isBackendUnavailable, LimitsTimeoutError, QuotaBackendUnavailableError } from './limits.errors';
import { decodeReservation, decodeScopeState, packDoubles } from './limit-state';
import {
  legacyCounterKeys,
  type LimitsUsage,
  type ScopeSnapshot,
  toLimitsUsage,
  type UsageScope,
} from './limits-usage';
import { READ_LUA } from './read.lua';

export interface LimitsReaderOptions {
  /** The time the script uses; default none, so it reads Redis's own clock, as the engine does. Tests pass theirs. */
  clock?: Clock;
  /** How long a read waits for Redis before it counts as unavailable. */
  timeoutMs?: number;
}

export interface LimitsReadRequest {
  tenantId: string;
  /** The scope as the gateway admits it: `subscription` (effective limits), `key` (its narrowing) or `tenant`. */
  scope: UsageScope;
  /** The tenant's IANA time zone for daily and monthly periods; null, absent or unknown = UTC, as the engine. */
  timeZone?: string | null;
}

/** The read script as an ioredis command; its Buffer variant keeps the packed state and records intact. */
interface ReadScript {
  gatehouseLimitsReadBuffer(
    numberOfKeys: number,
    ...keysAndArgs: (string | Buffer)[]
  ): Promise<(Buffer | number | null)[]>;
}

const DEFAULT_TIMEOUT_MS = 2_000;

/**
 * Reads what the limits engine counts for one scope (used, reserved, remaining and reset time of each quota and
 * budget, each bucket's level now, the leases held), in one round trip and without writing anything: the
 * script reads the same keys `LimitsEngine` writes (`LimitKeys`). For usage views; the gateway never needs it.
 *
 * Throws `QuotaBackendUnavailableError` when Redis cannot be asked (down, or slower than `timeoutMs`).
 */
export class LimitsReader {
  private readonly limitKeys: LimitKeys;
  private readonly script: ReadScript;
  private readonly timeoutMs: number;

  constructor(
    redis: Redis,
    keys: RedisKeys,
    private readonly options: LimitsReaderOptions = {},
  ) {
    this.limitKeys = new LimitKeys(keys);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    redis.defineCommand('gatehouseLimitsRead', { lua: READ_LUA });
    this.script = redis as unknown as ReadScript;
  }

  async read(request: LimitsReadRequest): Promise<LimitsUsage> {
    const { tenantId, scope } = request;
    const timeZone = countingZone(request.timeZone);
    const clockNow = this.options.clock?.();
    // Periods decide which counters are current: computed like the engine's, from its clock or this process's.
    const periods = calendarPeriods(clockNow ?? Date.now(), timeZone);
    const scopeKey = this.limitKeys.scope(tenantId, scope.kind, scope.id);
    if (!limitsAnything(scope)) {
      const snapshot: ScopeSnapshot = { now: clockNow ?? Date.now(), state: null, legacy: {}, reservations: [] };
      return toLimitsUsage({ scope, scopeKey, timeZone, periods, snapshot });
    }
    const legacy = legacyCounterKeys(this.limitKeys, tenantId, scope, periods);
    const keys = [this.limitKeys.reservationIndex(tenantId), scopeKey, ...legacy.map((counter) => counter.key)];
    let reply: (Buffer | number | null)[];
    try {
      reply = await this.withTimeout(
        this.script.gatehouseLimitsReadBuffer(
          keys.length,
          ...keys,
          this.limitKeys.reservationPrefix(tenantId),
          packDoubles(clockNow ?? -1),
        ),
      );
    } catch (error) {
      if (isBackendUnavailable(error)) throw new QuotaBackendUnavailableError(error);
      throw error;
    }
    const snapshot: ScopeSnapshot = {
      now: reply[0] as number,
      state: decodeScopeState(reply[1] as Buffer | null),
      legacy: {},
      reservations: [],
    };
    legacy.forEach((counter, index) => {
      const value = reply[2 + index];
      if (value instanceof Buffer) snapshot.legacy[counter.limit] = Number(value.toString());
    });
    for (let at = 2 + legacy.length; at < reply.length; at += 2) {
      const record = decodeReservation(reply[at + 1] as Buffer);
      if (record !== null) snapshot.reservations.push({ record, expiresAt: Number(String(reply[at])) });
    }
    return toLimitsUsage({ scope, scopeKey, timeZone, periods, snapshot });
  }

  private async withTimeout<T>(command: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LimitsTimeoutError(this.timeoutMs)), this.timeoutMs);
    });
    try {
      return await Promise.race([command, timeout]);
    } finally {
      clearTimeout(timer);
      // A command that lost the race may still fail later: it was already answered as a timeout.
      command.catch(() => undefined);
    }
  }
}

/** Whether any limit applies to the scope: one without counters has nothing to read. */
function limitsAnything(scope: UsageScope): boolean {
  const { limits } = scope;
  return (
    isLimit(limits.rpm) ||
    isLimit(limits.tpm) ||
    isLimit(limits.concurrency) ||
    QUOTAS.some((quota) => limits[quota.limit] !== null && limits[quota.limit] !== undefined)
  );
}

/** The zone periods follow: the engine counts an absent or unknown zone in UTC, so the view must too. */
function countingZone(zone: string | null | undefined): string {
  return zone !== null && zone !== undefined && zone !== '' && isValidTimeZone(zone) ? zone : DEFAULT_TIME_ZONE;
}
