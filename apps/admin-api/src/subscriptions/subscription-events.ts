import { type SubscriptionWithPlan } from '@gatehouse/db';
import { type TenantEvent } from '../notifications/tenant-event';

export type SubscriptionEventKind =
  'subscription.approved' | 'subscription.rejected' | 'subscription.revoked' | 'subscription.expired';

/** The notification (and webhook event) of a decision on a subscription. */
export function subscriptionEvent(kind: SubscriptionEventKind, row: SubscriptionWithPlan, now: Date): TenantEvent {
  const product = row.product.name;
  const plan = row.plan.name;
  const reason = row.reason ? ` Reason: ${row.reason}` : '';
  const text: Record<SubscriptionEventKind, { title: string; body: string }> = {
    'subscription.approved': {
      title: `Access to ${product} approved`,
      body:
        `Your subscription to ${product} (plan ${plan}) is approved` +
        (row.expiresAt ? ` until ${row.expiresAt.toISOString()}.` : '.'),
    },
    'subscription.rejected': {
      title: `Access to ${product} rejected`,
      body: `Your request for ${product} (plan ${plan}) was rejected.${reason}`,
    },
    'subscription.revoked': {
      title: `Access to ${product} revoked`,
      body: `Your subscription to ${product} (plan ${plan}) was revoked; keys no longer reach it.${reason}`,
    },
    'subscription.expired': {
      title: `Access to ${product} expired`,
      body: `Your subscription to ${product} (plan ${plan}) expired; request access again to continue.`,
    },
  };
  return {
    kind,
    ...text[kind],
    data: {
      subscriptionId: row.id,
      productId: row.productId,
      planId: row.planId,
      status: kind.slice('subscription.'.length).toUpperCase(),
      reason: row.reason,
      expiresAt: row.expiresAt?.toISOString() ?? null,
    },
    occurredAt: now,
  };
}
