import {
  alertRuleListSchema,
  catalogProductListSchema,
  notificationListSchema,
  webhookSchema,
  subscriptionLimitUsageSchema,
  subscriptionListSchema,
  type SubscriptionLimitUsageResponse,
  type SubscriptionResponse,
} from '@gatehouse/contracts';
import { UNREAD_BADGE_CAP } from '../navigation';
import { AdminApiError } from './errors';
import { adminGet } from './server';

/**
 * The server calls of the catalog, subscriptions and notifications pages: what a tenant may request, what it holds,
 * and what it has been told. Server code only (it builds on `adminGet`, which reads the session cookie).
 */

const segment = encodeURIComponent;
const tenantBase = (tenantId: string) => `/tenants/${segment(tenantId)}`;

/** admin-api's largest page: the catalog and a tenant's subscriptions rarely come near it, so one call covers them. */
export const MAX_PAGE_SIZE = 200;

export const tenantAccessApi = {
  /** Published products with their models, prices and active plans, by name. */
  catalog: () => adminGet('/catalog/products', catalogProductListSchema, { limit: MAX_PAGE_SIZE }),

  subscriptions: (tenantId: string, query: { cursor?: string; limit?: number } = {}) =>
    adminGet(`${tenantBase(tenantId)}/subscriptions`, subscriptionListSchema, query),

  /** The live counters of one subscription, as the gateway enforces them. */
  subscriptionLimits: (tenantId: string, subscriptionId: string) =>
    adminGet(`${tenantBase(tenantId)}/subscriptions/${segment(subscriptionId)}/limits`, subscriptionLimitUsageSchema),

  notifications: (tenantId: string, query: { cursor?: string; limit?: number; unread?: boolean } = {}) =>
    adminGet(`${tenantBase(tenantId)}/notifications`, notificationListSchema, query),

  alertRules: (tenantId: string) => adminGet(`${tenantBase(tenantId)}/alert-rules`, alertRuleListSchema),

  /** The tenant's webhook (owners only), or null when it has none. */
  webhook: async (tenantId: string) => {
    try {
      return await adminGet(`${tenantBase(tenantId)}/webhook`, webhookSchema);
    } catch (error) {
      if (error instanceof AdminApiError && error.code === 'webhook_not_found') return null;
      throw error;
    }
  },
};

/** What the subscriptions page knows of a subscription's counters: read, not counted, or unreadable right now. */
export type LiveLimits =
  | { state: 'ok'; usage: SubscriptionLimitUsageResponse }
  | { state: 'not-live' }
  | { state: 'unavailable'; message: string };

/**
 * The counters of every approved subscription in the list, read in parallel. Only approved ones count anything.
 * A failure of one (Redis slow or down answers 503) must not take the whole page down: the list is still worth
 * seeing, so that subscription shows a note instead of bars. A 401 still redirects (adminGet throws a redirect,
 * which is not an AdminApiError and is re-thrown).
 */
export async function liveLimitsOf(
  tenantId: string,
  subscriptions: SubscriptionResponse[],
): Promise<Record<string, LiveLimits>> {
  const entries = await Promise.all(
    subscriptions.map(async (subscription): Promise<[string, LiveLimits]> => {
      if (subscription.status !== 'APPROVED') return [subscription.id, { state: 'not-live' }];
      try {
        return [
          subscription.id,
          { state: 'ok', usage: await tenantAccessApi.subscriptionLimits(tenantId, subscription.id) },
        ];
      } catch (error) {
        if (error instanceof AdminApiError) return [subscription.id, { state: 'unavailable', message: error.message }];
        throw error;
      }
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * The caller's unread notifications in this tenant, for the sidebar badge: at most UNREAD_BADGE_CAP + 1 are asked
 * for, which is enough to tell "99" from "more". The badge is a nicety, so a failure reads as no badge rather than
 * breaking every page of the workspace.
 */
export async function unreadNotificationCount(tenantId: string): Promise<number> {
  try {
    const page = await tenantAccessApi.notifications(tenantId, { unread: true, limit: UNREAD_BADGE_CAP + 1 });
    return page.items.length;
  } catch (error) {
    if (error instanceof AdminApiError) return 0;
    throw error;
  }
}
