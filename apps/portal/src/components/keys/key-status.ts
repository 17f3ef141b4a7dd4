import type { ApiKeyResponse } from '@gatehouse/contracts';
import type { BadgeTone } from '@gatehouse/ui';

/** How a key's status is shown, on the tenant's keys page and in the admin's view of a tenant alike. */
export const keyStatusBadge: Record<ApiKeyResponse['status'], { tone: BadgeTone; label: string }> = {
  ACTIVE: { tone: 'success', label: 'Active' },
  EXPIRED: { tone: 'warning', label: 'Expired' },
  REVOKED: { tone: 'neutral', label: 'Revoked' },
};
