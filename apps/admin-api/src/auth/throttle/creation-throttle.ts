import { Inject, Injectable } from '@nestjs/common';
import { type AdminApiConfig } from '@gatehouse/config';
import { type TenantId } from '@gatehouse/contracts';
import { REDIS_KEYS, type RedisKeys } from '@gatehouse/redis';
import { ADMIN_API_CONFIG } from '../../admin-api.constants';
import { FixedWindowThrottle, formatWait, RetryLaterError, type ThrottleWindow } from './fixed-window-throttle';
import { emailIdentity } from './login-throttle-policy';

const UNAVAILABLE = 'This action is unavailable for a moment; try again shortly.';

/**
 * Throttles on what creates things or sends mail: sign-ups per client address, key creations, invitations and
 * access requests per tenant, password-reset requests per client address and per email. Every attempt counts
 * (a refused one too) and is reserved before the work, in fixed windows of `THROTTLE_WINDOW_SECONDS`.
 */
@Injectable()
export class CreationThrottle {
  constructor(
    private readonly windows: FixedWindowThrottle,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
    @Inject(ADMIN_API_CONFIG) private readonly config: AdminApiConfig,
  ) {}

  signup(ip: string | null): Promise<void> {
    const limits = this.config.throttles;
    return this.reserve(
      [this.window(this.keys.global('throttle', 'signup', 'ip', ip ?? 'unknown'), limits.signupsPerIp)],
      'sign-ups from this address',
    );
  }

  keyCreation(tenantId: TenantId): Promise<void> {
    return this.reserve(
      [this.tenantWindow(tenantId, 'api-key', this.config.throttles.keyCreationsPerTenant)],
      'API keys created in this tenant',
    );
  }

  invitation(tenantId: TenantId): Promise<void> {
    return this.reserve(
      [this.tenantWindow(tenantId, 'invitation', this.config.throttles.invitationsPerTenant)],
      'invitations sent from this tenant',
    );
  }

  accessRequest(tenantId: TenantId): Promise<void> {
    return this.reserve(
      [this.tenantWindow(tenantId, 'access-request', this.config.throttles.accessRequestsPerTenant)],
      'access requests from this tenant',
    );
  }

  /** Counted per address and per email (hashed), whether or not the email has an account. */
  passwordReset(email: string, ip: string | null): Promise<void> {
    const limits = this.config.throttles;
    return this.reserve(
      [
        this.window(this.keys.global('throttle', 'password-reset', 'ip', ip ?? 'unknown'), limits.passwordResetsPerIp),
        this.window(
          this.keys.global('throttle', 'password-reset', 'email', emailIdentity(email)),
          limits.passwordResetsPerEmail,
        ),
      ],
      'password reset requests',
    );
  }

  private tenantWindow(tenantId: TenantId, what: string, limit: number): ThrottleWindow {
    return this.window(this.keys.tenant(tenantId, 'throttle', what), limit);
  }

  private window(key: string, limit: number): ThrottleWindow {
    return { key, limit, windowSeconds: this.config.throttles.windowSeconds };
  }

  private async reserve(windows: ThrottleWindow[], what: string): Promise<void> {
    const verdict = await this.windows.reserve(windows, UNAVAILABLE);
    if (!verdict.allowed) throw new TooManyRequestsError(verdict.retryAfterSeconds, what);
  }
}

/** 429 `too_many_requests`, with `Retry-After`. */
export class TooManyRequestsError extends RetryLaterError {
  constructor(retryAfterSeconds: number, what: string) {
    super(retryAfterSeconds, 'too_many_requests', `Too many ${what}. Try again in ${formatWait(retryAfterSeconds)}.`);
  }
}
