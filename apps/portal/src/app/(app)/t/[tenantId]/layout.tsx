import type { ReactNode } from 'react';
import { AppShell } from '../../../../components/app/app-shell';
import { getCurrentUser, getTenant } from '../../../../lib/session';

/** The pages of one workspace (tenant). An unknown tenant, or one the user is not in, is a 404. */
export default async function TenantLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ tenantId: string }>;
}) {
  const { tenantId } = await params;
  const [user, tenant] = await Promise.all([getCurrentUser(), getTenant(tenantId)]);
  return (
    <AppShell user={user} tenant={{ id: tenant.id, name: tenant.name, role: tenant.role }}>
      {children}
    </AppShell>
  );
}
