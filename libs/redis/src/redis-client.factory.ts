import { Redis, type RedisOptions } from 'ioredis';
import { LIMITS_BATCHED_COMMANDS } from './limits/limits-engine';
import { EXACT_CACHE_COMMANDS } from './response-cache/exact-response-store';

export interface RedisClientOptions {
  /** Shown in `CLIENT LIST`, so an operator can tell the gateway's connections from the worker's. */
  connectionName: string;
  /**
   * BullMQ needs `null` here (its blocking commands must wait as long as it takes); request-path clients
   * keep a small bound so that a Redis outage fails a request fast instead of queueing it forever.
   */
  maxRetriesPerRequest?: number | null;
  lazyConnect?: boolean;
  /**
   * Whether commands sent while disconnected wait for the connection (default) or fail at once. A producer with a
   * fallback of its own (the gateway's usage spool) wants them to fail.
   */
  enableOfflineQueue?: boolean;
  /**
   * Commands issued in the same tick go out in one write (ioredis auto-pipelining): under load, the many small
   * independent scripts of concurrent requests cost one socket write instead of one each.
   */
  enableAutoPipelining?: boolean;
  /** Commands that batch themselves, sent at once even with auto-pipelining (see `LIMITS_BATCHED_COMMANDS`). */
  autoPipeliningIgnoredCommands?: readonly string[];
  /**
   * Whether the commands whose answer a dropped connection lost are sent again once it is back (ioredis's default).
   * A caller that gives up on a command after a deadline and falls back must not have it run late.
   */
  autoResendUnfulfilledCommands?: boolean;
}

export function createRedisClient(url: string, options: RedisClientOptions): Redis {
  const redisOptions: RedisOptions = {
    connectionName: options.connectionName,
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 2 : options.maxRetriesPerRequest,
    lazyConnect: options.lazyConnect ?? false,
    enableOfflineQueue: options.enableOfflineQueue ?? true,
    enableAutoPipelining: options.enableAutoPipelining ?? false,
    autoPipeliningIgnoredCommands: [...(options.autoPipeliningIgnoredCommands ?? [])],
    autoResendUnfulfilledCommands: options.autoResendUnfulfilledCommands ?? true,
    enableReadyCheck: true,
    connectTimeout: 5_000,
    // Reconnect forever with a capped backoff: recovery after an outage needs no restart.
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  };
  return new Redis(url, redisOptions);
}

/**
 * The gateway's request-path connection: the limits' scripts and the usage batches, whose callers each time their
 * commands out and have a fallback of their own (local rate limits or 503, deferred settlements, the usage spool).
 * So commands fail at once while Redis is away (no offline queue), and a command sent just before the connection
 * dropped is not sent again when it is back: an admit run late would hold budget that nobody settles, a usage batch
 * sent again would follow its own copy in the spool. Auto-pipelining sends what the requests in flight ask for in
 * one write; the limits' scripts batch themselves (`LIMITS_BATCHED_COMMANDS`), and the exact cache's are sent at once
 * (`EXACT_CACHE_COMMANDS` says why).
 */
export function createHotPathRedisClient(url: string, connectionName: string): Redis {
  return createRedisClient(url, {
    connectionName,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    enableAutoPipelining: true,
    autoPipeliningIgnoredCommands: [...LIMITS_BATCHED_COMMANDS, ...EXACT_CACHE_COMMANDS],
    maxRetriesPerRequest: 1,
  });
}
