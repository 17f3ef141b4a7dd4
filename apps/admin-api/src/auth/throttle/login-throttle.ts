import { Inject, Injectable } from '@nestjs/common';
import { type AdminApiConfig } from '@gatehouse/config';
import { REDIS_KEYS, type RedisKeys } from '@gatehouse/redis';
import { ADMIN_API_CONFIG } from '../../admin-api.constants';
import { FixedWindowThrottle, formatWait, RetryLaterError } from './fixed-window-throttle';
import { throttleIdentities } from './login-throttle-policy';

const UNAVAILABLE = 'Sign-in is unavailable for a moment; try again shortly.';

/**
 * Brute-force protection for password sign-in (and for every other check of a password, such as a password
 * change), in Redis so that it holds across admin-api instances.
 *
 * Every attempt reserves a slot per (email, client address) and per client address before the password is
 * checked, and a success gives its slots back (and clears the email's window), so the windows count failures.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly windows: FixedWindowThrottle,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
    @Inject(ADMIN_API_CONFIG) private readonly config: AdminApiConfig,
  ) {}

  /** Counts an attempt; throws 429 `too_many_attempts` (with `retryAfterSeconds`) when a window is full. */
  async reserve(email: string, ip: string | null): Promise<void> {
    const { maxFailuresPerEmail, maxFailuresPerIp, windowSeconds } = this.config.auth.loginThrottle;
    const keys = this.keysFor(email, ip);
    const verdict = await this.windows.reserve(
      [
        { key: keys.emailAndIp, limit: maxFailuresPerEmail, windowSeconds },
        { key: keys.ip, limit: maxFailuresPerIp, windowSeconds },
      ],
      UNAVAILABLE,
    );
    if (!verdict.allowed) throw new TooManyAttemptsError(verdict.retryAfterSeconds);
  }

  /** A successful sign-in: the email's failures are forgiven and the address gets its attempt back. */
  async succeeded(email: string, ip: string | null): Promise<void> {
    const keys = this.keysFor(email, ip);
    await Promise.all([this.windows.clear(keys.emailAndIp, UNAVAILABLE), this.windows.release([keys.ip], UNAVAILABLE)]);
  }

  private keysFor(email: string, ip: string | null) {
    const identities = throttleIdentities(email, ip);
    return {
      emailAndIp: this.keys.global('auth', 'login-failures', 'email-ip', identities.emailAndIp),
      ip: this.keys.global('auth', 'login-failures', 'ip', identities.ip),
    };
  }
}

/** 429 `too_many_attempts`, with `Retry-After`. */
export class TooManyAttemptsError extends RetryLaterError {
  constructor(retryAfterSeconds: number) {
    super(
      retryAfterSeconds,
      'too_many_attempts',
      `Too many failed sign-in attempts. Try again in ${formatWait(retryAfterSeconds)}.`,
    );
  }
}
