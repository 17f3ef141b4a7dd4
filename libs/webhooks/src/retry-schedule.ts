import { type WebhookDeliveryStatus } from '@gatehouse/db';

/** One attempt waits at most this long for the receiver's headers, and as long again for its body. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

/**
 * Delays before the 2nd, 3rd, ... attempt; after the last one the delivery is FAILED. About 2.5 hours in all:
 * long enough to ride out a receiver's deploy or short outage, short enough that a stale event is not sent.
 */
export const WEBHOOK_RETRY_DELAYS_SECONDS: readonly number[] = [30, 120, 600, 1_800, 7_200];
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RETRY_DELAYS_SECONDS.length + 1;

/**
 * How long an attempt owns a delivery: longer than one attempt can take (two timeouts), so that a sweep never
 * sends a delivery that an attempt in progress is still sending. A new delivery is created under such a lease
 * too, which keeps sweeps away while the attempt right after the commit runs.
 */
export const WEBHOOK_ATTEMPT_LEASE_MS = 4 * WEBHOOK_TIMEOUT_MS;

/**
 * A delivery never attempted whose `nextAttemptAt` is before `createdAt` plus this window still carries the lease
 * it was created with, so the immediate attempt may take it; every claim moves `nextAttemptAt` past the window.
 * Twice the lease: the creation lease is computed from the application's clock before the insert, and this
 * absorbs that delay and any skew between the application's and the database's clocks up to one lease.
 */
export const WEBHOOK_FRESH_WINDOW_MS = 2 * WEBHOOK_ATTEMPT_LEASE_MS;

export interface AttemptOutcome {
  status: WebhookDeliveryStatus;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}

/**
 * What an attempt leaves on its delivery: DELIVERED on success; otherwise PENDING with the next attempt after
 * the schedule's delay, or FAILED when the error is permanent or the attempts are used up.
 */
export function attemptOutcome(
  previousAttempts: number,
  error: string | null,
  permanent: boolean,
  now: Date,
): AttemptOutcome {
  if (error === null) return { status: 'DELIVERED', nextAttemptAt: null, deliveredAt: now };
  const delay = WEBHOOK_RETRY_DELAYS_SECONDS[previousAttempts];
  if (permanent || delay === undefined) return { status: 'FAILED', nextAttemptAt: null, deliveredAt: null };
  return { status: 'PENDING', nextAttemptAt: new Date(now.getTime() + delay * 1000), deliveredAt: null };
}
