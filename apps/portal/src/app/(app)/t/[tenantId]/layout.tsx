import type { ReactNode } from 'react';
import { Alert } from '@gatehouse/ui';
import { AppShell } from '../../../../components/app/app-shell';
import { unreadNotificationCount } from '../../../../lib/api/tenant-access';
import { getCurrentUser, getTenant } from '../../../../lib/session';

/**
 * The pages of one workspace (tenant). An unknown tenant, or one the user is not in, is a 404. The unread count for
 * the sidebar is read beside the user and the tenant, in the same round trip, so it adds no wait to any page. A
 * suspended workspace says so on every page.
 */
export default async function TenantLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ tenantId: string }>;
}) {
  const { tenantId } = await params;
  const [user, tenant, unreadNotifications] = await Promise.all([
    getCurrentUser(),
    getTenant(tenantId),
    unreadNotificationCount(tenantId),
  ]);
  return (
    <AppShell
      user={user}
      tenant={{ id: tenant.id, name: tenant.name, role: tenant.role }}
      tenantState={{ unreadNotifications }}
    >
      {tenant.status === 'SUSPENDED' && (
        <Alert tone="warning" title="This workspace is suspended" className="mb-6">
          A platform admin suspended it: the gateway refuses its API keys until it is reactivated. You can still sign in
          and read its pages.
        </Alert>
      )}
      {children}
    </AppShell>
  );
}
