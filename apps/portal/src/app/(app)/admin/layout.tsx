import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { AppShell } from '../../../components/app/app-shell';
import { getCurrentUser } from '../../../lib/session';

/**
 * The platform admin's pages. Others get the 404 page: admin-api refuses them anyway (403 admin_only), and the
 * portal need not advertise what is there.
 */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await getCurrentUser();
  if (!user.isPlatformAdmin) notFound();
  // The workspace links of the sidebar lead back to the admin's own first workspace, if any.
  const first = user.memberships[0];
  const tenant = first ? { id: first.tenantId, name: first.tenantName, role: first.role } : null;
  return (
    <AppShell user={user} tenant={tenant}>
      {children}
    </AppShell>
  );
}
