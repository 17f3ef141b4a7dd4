import type { Metadata } from 'next';
import { ApprovalQueue } from '../../../../components/admin/approval-queue';
import { adminConsole, requesterNames } from '../../../../lib/api/admin-console';

export const metadata: Metadata = { title: 'Approvals' };

export default async function ApprovalsPage() {
  const queue = await adminConsole.pendingSubscriptions();
  // The queue names the requester by id only; their tenants' member lists turn the ids into names.
  const requesters = await requesterNames(queue.items.map((request) => request.tenantId));
  return <ApprovalQueue requests={queue.items} requesters={requesters} hasMore={queue.nextCursor !== null} />;
}
