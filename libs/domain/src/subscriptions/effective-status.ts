import { type SubscriptionStatus } from './subscription-status';

/**
 * The status a subscription has at `now`. An approved grant past its `expiresAt` is expired even before the
 * sweep marks its row, so every read agrees with what the gateway enforces (`grantsAccess`).
 */
export function effectiveStatus(status: SubscriptionStatus, expiresAt: Date | null, now: Date): SubscriptionStatus {
  if (status === 'APPROVED' && expiresAt !== null && expiresAt.getTime() <= now.getTime()) return 'EXPIRED';
  return status;
}
