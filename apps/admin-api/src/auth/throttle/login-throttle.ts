import { Inject, Injectable } from '@nestjs/common';
import { type AdminApiConfig } from '@gatehouse/config';
import { REDIS_CLIENT, REDIS_KEYS, type RedisKeys } from '@gatehouse/redis';
import { type Redis } from 'ioredis';
import { ADMIN_API_CONFIG } from '../../admin-api.constants';
import { ApiError } from '../../common/errors/api-error';
import { throttleIdentities, throttleVerdict, type WindowCount } from './login-throttle-policy';

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

/** Gives an attempt back (a successful sign-in is not a failure), without creating a key that has expired. */
const RELEASE = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then
  return redis.call('DECR', KEYS[1])
end
return 0
`;

/**
 * Brute-force protection for password sign-in, in Redis so that it holds across admin-api instances.
 *
 * Every attempt reserves a slot in both windows before the password is checked, and a success gives its slots
 * back (and clears the email's window), so the windows count failures. Reserving first makes the bound exact
 * under concurrency: at most `limit` attempts per window reach the password check, however many arrive at once.
 * Each key is its own script call, so the two keys need not share a Redis Cluster slot.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
    @Inject(ADMIN_API_CONFIG) private readonly config: AdminApiConfig,
  ) {}

  /** Counts an attempt; throws 429 `too_many_attempts` (with `retryAfterSeconds`) when a window is full. */
  async reserve(email: string, ip: string | null): Promise<void> {
    const { maxFailuresPerEmail, maxFailuresPerIp, windowSeconds } = this.config.auth.loginThrottle;
    const keys = this.keysFor(email, ip);
    const windowMs = String(windowSeconds * 1000);
    const [emailWindow, ipWindow] = await this.backend(() =>
      Promise.all([
        this.redis.eval(RESERVE, 1, keys.emailAndIp, windowMs) as Promise<[number, number]>,
        this.redis.eval(RESERVE, 1, keys.ip, windowMs) as Promise<[number, number]>,
      ]),
    );
    const windows: WindowCount[] = [
      { count: emailWindow[0], ttlMs: emailWindow[1], limit: maxFailuresPerEmail },
      { count: ipWindow[0], ttlMs: ipWindow[1], limit: maxFailuresPerIp },
    ];
    const verdict = throttleVerdict(windows);
    if (!verdict.allowed) {
      throw new TooManyAttemptsError(verdict.retryAfterSeconds);
    }
  }

  /** A successful sign-in: the email's failures are forgiven and the address gets its attempt back. */
  async succeeded(email: string, ip: string | null): Promise<void> {
    const keys = this.keysFor(email, ip);
    await this.backend(() => Promise.all([this.redis.del(keys.emailAndIp), this.redis.eval(RELEASE, 1, keys.ip)]));
  }

  private keysFor(email: string, ip: string | null) {
    const identities = throttleIdentities(email, ip);
    return {
      emailAndIp: this.keys.global('auth', 'login-failures', 'email-ip', identities.emailAndIp),
      ip: this.keys.global('auth', 'login-failures', 'ip', identities.ip),
    };
  }

  /** Without its counters the throttle cannot protect sign-in: it fails closed, as a 503, never a 401 or 429. */
  private async backend<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch {
      throw new ApiError(503, 'service_unavailable', 'Sign-in is unavailable for a moment; try again shortly.');
    }
  }
}

/** 429 `too_many_attempts`; `RetryAfterFilter` turns `retryAfterSeconds` into the `Retry-After` header. */
export class TooManyAttemptsError extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      429,
      'too_many_attempts',
      `Too many failed sign-in attempts. Try again in ${formatWait(retryAfterSeconds)}.`,
      { retryAfterSeconds },
    );
  }
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
