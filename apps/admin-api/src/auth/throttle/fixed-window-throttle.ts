import { Inject, Injectable } from '@nestjs/common';
import { REDIS_CLIENT } from '@gatehouse/redis';
import { type Redis } from 'ioredis';
import { ApiError } from '../../common/errors/api-error';
import { throttleVerdict, type ThrottleVerdict, type WindowCount } from './login-throttle-policy';

/**
 * Counts one attempt in a fixed window and returns `{count, pttl}`. The window starts with the first attempt;
 * the expiry is re-applied if the key somehow lost it, so a counter can never live forever.
 */
const RESERVE = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

/** Gives an attempt back, without creating a key that has expired. */
const RELEASE = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then
  return redis.call('DECR', KEYS[1])
end
return 0
`;

/** One window an attempt is counted in: its full Redis key, how many attempts it allows, and its length. */
export interface ThrottleWindow {
  key: string;
  limit: number;
  windowSeconds: number;
}

/**
 * The one fixed-window counter behind every throttle of the admin API (sign-in failures, sign-ups, creations).
 *
 * An attempt reserves a slot in each of its windows before the work it guards, so the bound is exact under
 * concurrency: at most `limit` attempts per window get through, however many arrive at once. Each key is its own
 * script call, so the keys need not share a Redis Cluster slot. Without Redis the throttle cannot count: it fails
 * closed, as a 503, never as a 429 or a pass.
 */
@Injectable()
export class FixedWindowThrottle {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async reserve(windows: ThrottleWindow[], unavailableMessage: string): Promise<ThrottleVerdict> {
    const counts = await this.backend(unavailableMessage, () =>
      Promise.all(
        windows.map(async (window): Promise<WindowCount> => {
          const [count, ttlMs] = (await this.redis.eval(
            RESERVE,
            1,
            window.key,
            String(window.windowSeconds * 1000),
          )) as [number, number];
          return { count, ttlMs, limit: window.limit };
        }),
      ),
    );
    return throttleVerdict(counts);
  }

  /** Gives one attempt back in each key. */
  async release(keys: string[], unavailableMessage: string): Promise<void> {
    await this.backend(unavailableMessage, () => Promise.all(keys.map((key) => this.redis.eval(RELEASE, 1, key))));
  }

  /** Forgets a window altogether. */
  async clear(key: string, unavailableMessage: string): Promise<void> {
    await this.backend(unavailableMessage, () => this.redis.del(key));
  }

  private async backend<T>(unavailableMessage: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch {
      throw new ApiError(503, 'service_unavailable', unavailableMessage);
    }
  }
}

/** A 429 that says when to come back; `RetryAfterFilter` turns `retryAfterSeconds` into `Retry-After`. */
export class RetryLaterError extends ApiError {
  constructor(
    readonly retryAfterSeconds: number,
    code: string,
    message: string,
  ) {
    super(429, code, message, { retryAfterSeconds });
  }
}

/** "30 seconds", "2 minutes", "1 hour": how long a throttled caller waits, for messages. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes <= 90) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}
