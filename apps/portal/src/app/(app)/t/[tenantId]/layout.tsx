import type { ReactNode } from 'react';
import { AppShell } from '../../../../components/app/app-shell';
import { unreadNotificationCount } from '../../../../lib/api/tenant-access';
import { getCurrentUser, getTenant } from '../../../../lib/session';

/**
 * The pages of one workspace (tenant). An unknown tenant, or one the user is not in, is a 404. The unread count for
 * the sidebar is read beside the user and the tenant, in the same round trip, so it adds no wait to any page.
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
      {children}
    </AppShell>
  );
}
