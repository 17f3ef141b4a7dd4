import type { AlertRuleListResponse } from '@gatehouse/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import { buttonClasses, PageHeader } from '@gatehouse/ui';
import { AlertRulesPanel } from '../../../../../components/notifications/alert-rules-panel';
import { NotificationList } from '../../../../../components/notifications/notification-list';
import { WebhookPanel } from '../../../../../components/notifications/webhook-panel';
import { AdminApiError } from '../../../../../lib/api/errors';
import { tenantAccessApi } from '../../../../../lib/api/tenant-access';
import { hasRole } from '../../../../../lib/roles';
import { getTenant } from '../../../../../lib/session';

export const metadata: Metadata = { title: 'Notifications' };

const PAGE_SIZE = 30;
// admin-api's cursors are notification ids; anything else in the address bar is ignored rather than sent on.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The alert settings are a side panel: if they cannot be read, the notifications are still worth showing. */
async function alertRulesOrNull(tenantId: string): Promise<AlertRuleListResponse | null> {
  try {
    return await tenantAccessApi.alertRules(tenantId);
  } catch (error) {
    if (error instanceof AdminApiError) return null;
    throw error;
  }
}

export default async function NotificationsPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [{ tenantId }, query] = await Promise.all([params, searchParams]);
  const cursor = typeof query.cursor === 'string' && UUID.test(query.cursor) ? query.cursor : undefined;

  const [tenant, notifications, rules] = await Promise.all([
    getTenant(tenantId),
    tenantAccessApi.notifications(tenantId, { cursor, limit: PAGE_SIZE }),
    alertRulesOrNull(tenantId),
  ]);
  const isOwner = hasRole(tenant.role, 'OWNER');
  // Only owners may read the webhook (admin-api answers 403 to others).
  const webhook = isOwner ? await tenantAccessApi.webhook(tenant.id) : null;

  const tenantRule = rules?.items.find((rule) => rule.subscriptionId === null) ?? null;
  const subscriptionRules = rules?.items.filter((rule) => rule.subscriptionId !== null).length ?? 0;
  const base = `/t/${encodeURIComponent(tenant.id)}/notifications`;
  const isFirstPage = cursor === undefined;

  return (
    <div className="space-y-8">
      <PageHeader
        title="Notifications"
        description="Decisions on your access requests, expiries and budget alerts for this workspace, newest first. Read marks are yours alone; your teammates keep their own."
      />

      <div className="grid items-start gap-8 lg:grid-cols-3">
        <div className="space-y-4 lg:col-span-2">
          <NotificationList tenantId={tenant.id} notifications={notifications.items} timeZone={tenant.timeZone} />
          {(notifications.nextCursor || !isFirstPage) && (
            <nav aria-label="Pages of notifications" className="flex justify-between gap-4">
              {!isFirstPage ? (
                <Link href={base} className={buttonClasses({ variant: 'secondary', size: 'sm' })}>
                  ← Newest
                </Link>
              ) : (
                <span />
              )}
              {notifications.nextCursor && (
                <Link
                  href={`${base}?cursor=${encodeURIComponent(notifications.nextCursor)}`}
                  className={buttonClasses({ variant: 'secondary', size: 'sm' })}
                >
                  Older →
                </Link>
              )}
            </nav>
          )}
        </div>
        <div className="space-y-8">
          <AlertRulesPanel
            tenantId={tenant.id}
            rule={tenantRule}
            subscriptionRules={subscriptionRules}
            canEdit={isOwner}
          />
          {isOwner && <WebhookPanel tenantId={tenant.id} webhook={webhook} />}
        </div>
      </div>
    </div>
  );
}
