import type { Metadata } from 'next';
import { MembersManager } from '../../../../../components/members/members-manager';
import { pendingInvitations, tenantMembers } from '../../../../../lib/api/tenant-team';
import { canManageMembers } from '../../../../../lib/roles';
import { getCurrentUser, getTenant } from '../../../../../lib/session';

export const metadata: Metadata = { title: 'Members' };

export default async function MembersPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const [tenant, user] = await Promise.all([getTenant(tenantId), getCurrentUser()]);
  const canManage = canManageMembers(tenant.role);
  // Invitations are for owners' eyes only (admin-api answers 403 to anyone else), so others do not ask.
  const [{ members, complete }, invitations] = await Promise.all([
    tenantMembers(tenant.id),
    canManage ? pendingInvitations(tenant.id) : Promise.resolve(null),
  ]);

  return (
    <MembersManager
      tenantId={tenant.id}
      members={members}
      complete={complete}
      invitations={invitations}
      canManage={canManage}
      currentUserId={user.id}
      timeZone={tenant.timeZone}
    />
  );
}
