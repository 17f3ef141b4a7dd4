import type { Metadata } from 'next';
import Link from 'next/link';
import { buttonClasses, EmptyState, PageHeader } from '@gatehouse/ui';
import { Icon } from '../../../../../components/icons';
import { SubscriptionCard } from '../../../../../components/subscriptions/subscription-card';
import { liveLimitsOf, tenantAccessApi } from '../../../../../lib/api/tenant-access';
import { canRequestAccess } from '../../../../../lib/roles';
import { getTenant } from '../../../../../lib/session';

export const metadata: Metadata = { title: 'Subscriptions' };

const PAGE_SIZE = 25;
// admin-api's cursors are subscription ids; anything else in the address bar is ignored rather than sent on.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function SubscriptionsPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [{ tenantId }, query] = await Promise.all([params, searchParams]);
  const cursor = typeof query.cursor === 'string' && UUID.test(query.cursor) ? query.cursor : undefined;

  const [tenant, subscriptions] = await Promise.all([
    getTenant(tenantId),
    tenantAccessApi.subscriptions(tenantId, { cursor, limit: PAGE_SIZE }),
  ]);
  // The counters need the ids, so they follow the list; they are read all at once, not one after another.
  const live = await liveLimitsOf(tenant.id, subscriptions.items);
  // A pending plan change shows on the card of the grant it would replace too.
  const pendingChanges = new Map(
    subscriptions.items
      .filter((subscription) => subscription.status === 'PENDING' && subscription.replacesSubscriptionId)
      .map((subscription) => [subscription.replacesSubscriptionId, subscription]),
  );

  const base = `/t/${encodeURIComponent(tenant.id)}`;
  const isFirstPage = cursor === undefined;
  const catalogLink = (
    <Link href={`${base}/catalog`} className={buttonClasses({ variant: 'secondary', size: 'sm' })}>
      <Icon name="grid" className="size-4" />
      Browse the catalog
    </Link>
  );

  return (
    <div className="space-y-8">
      <PageHeader
        title="Subscriptions"
        description={`Your team's access to products: what is approved, what waits for an admin, each one's limits and how much of them is used. Periods follow the workspace's time zone (${tenant.timeZone}).`}
        actions={subscriptions.items.length > 0 || !isFirstPage ? catalogLink : undefined}
      />

      {subscriptions.items.length === 0 && isFirstPage ? (
        <EmptyState
          icon={<Icon name="approval" className="size-6" />}
          title="No subscriptions yet"
          description={
            canRequestAccess(tenant.role)
              ? 'Find a model or API in the catalog and request access to one of its plans. Some plans are approved at once.'
              : 'Nobody has requested access to a product yet. Members and owners can do so from the catalog.'
          }
          actions={catalogLink}
        />
      ) : (
        <ul className="space-y-4">
          {subscriptions.items.map((subscription) => (
            <li key={subscription.id}>
              <SubscriptionCard
                subscription={subscription}
                pendingChange={pendingChanges.get(subscription.id)}
                live={live[subscription.id] ?? { state: 'not-live' }}
                timeZone={tenant.timeZone}
              />
            </li>
          ))}
        </ul>
      )}

      {(subscriptions.nextCursor || !isFirstPage) && (
        <nav aria-label="Pages of subscriptions" className="flex justify-between gap-4">
          {!isFirstPage ? (
            <Link href={`${base}/subscriptions`} className={buttonClasses({ variant: 'secondary', size: 'sm' })}>
              ← Newest
            </Link>
          ) : (
            <span />
          )}
          {subscriptions.nextCursor && (
            <Link
              href={`${base}/subscriptions?cursor=${encodeURIComponent(subscriptions.nextCursor)}`}
              className={buttonClasses({ variant: 'secondary', size: 'sm' })}
            >
              Older →
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}
