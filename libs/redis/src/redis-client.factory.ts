import { Redis, type RedisOptions } from 'ioredis';

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
}

export function createRedisClient(url: string, options: RedisClientOptions): Redis {
  const redisOptions: RedisOptions = {
    connectionName: options.connectionName,
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 2 : options.maxRetriesPerRequest,
    lazyConnect: options.lazyConnect ?? false,
    enableOfflineQueue: options.enableOfflineQueue ?? true,
    enableAutoPipelining: options.enableAutoPipelining ?? false,
    autoPipeliningIgnoredCommands: [...(options.autoPipeliningIgnoredCommands ?? [])],
    enableReadyCheck: true,
    connectTimeout: 5_000,
    // Reconnect forever with a capped backoff: recovery after an outage needs no restart.
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  };
  return new Redis(url, redisOptions);
}
