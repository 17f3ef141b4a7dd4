import { calendarPeriods, type Clock, DEFAULT_TIME_ZONE, isValidTimeZone } from '@gatehouse/domain';
import { type Redis } from 'ioredis';
import { type RedisKeys } from '../redis-keys';
import { LimitKeys } from './limit-keys';
import { isBackendUnavailable, LimitsTimeoutError, QuotaBackendUnavailableError } from './limits.errors';
import { type LimitsUsage, toLimitsUsage, type UsageReadReply, usageReads, type UsageScope } from './limits-usage';
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

interface ReadReply {
  now: string;
  /** cjson writes an empty Lua table as `{}`; the script is only called with at least one read. */
  reads: UsageReadReply[];
}

interface ReadScript {
  gatehouseLimitsRead(numberOfKeys: number, ...keysAndArgs: string[]): Promise<string>;
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
    // Periods name the counter keys: computed like the engine's, from its clock or this process's.
    const periods = calendarPeriods(clockNow ?? Date.now(), timeZone);
    const reads = usageReads(tenantId, scope, this.limitKeys, periods);
    if (reads.length === 0) {
      return toLimitsUsage({ scope, timeZone, now: clockNow ?? Date.now(), reads, replies: [] });
    }

    const spec = {
      now: clockNow,
      recordPrefix: this.limitKeys.reservationPrefix(tenantId),
      // KEYS[1] is the reservation index; the keys read follow in order.
      reads: reads.map((read, index) => ({ type: read.type, key: index + 2 })),
    };
    const keys = [this.limitKeys.reservationIndex(tenantId), ...reads.map((read) => read.redisKey)];
    let reply: ReadReply;
    try {
      const raw = await this.withTimeout(this.script.gatehouseLimitsRead(keys.length, ...keys, JSON.stringify(spec)));
      reply = JSON.parse(raw) as ReadReply;
    } catch (error) {
      if (isBackendUnavailable(error)) throw new QuotaBackendUnavailableError(error);
      throw error;
    }
    return toLimitsUsage({ scope, timeZone, now: Number(reply.now), reads, replies: reply.reads });
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

/** The zone periods follow: the engine counts an absent or unknown zone in UTC, so the view must too. */
function countingZone(zone: string | null | undefined): string {
  return zone !== null && zone !== undefined && zone !== '' && isValidTimeZone(zone) ? zone : DEFAULT_TIME_ZONE;
}
