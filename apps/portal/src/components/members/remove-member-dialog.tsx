'use client';

import { Button, Dialog } from '@gatehouse/ui';
import { callApi, tenantPath } from '../../lib/api/client';
import type { AdminApiError } from '../../lib/api/errors';
import { ConfirmActionDialog } from '../app/confirm-action-dialog';
import type { MemberRow } from './types';

export const LAST_OWNER_MESSAGE =
  'A workspace needs at least one owner. Make another member an owner first, then change or remove this one.';

/** admin-api's refusals, in the page's words where they have a known cause. */
export function memberErrorMessage(error: AdminApiError): string {
  if (error.code === 'last_owner') return LAST_OWNER_MESSAGE;
  if (error.code === 'member_not_found') return 'This person is no longer a member. Reload the page to see who is.';
  return error.message;
}

/**
 * Removing someone takes away their access at once, so it is confirmed first. The workspace's only owner cannot be
 * removed: the dialog says why instead of offering the button (admin-api refuses it too, `409 last_owner`, which is
 * shown if the list was out of date).
 */
export function RemoveMemberDialog({
  member,
  isOnlyOwner,
  isSelf,
  onClose,
  onRemoved,
  tenantId,
}: {
  member: MemberRow | null;
  isOnlyOwner: boolean;
  isSelf: boolean;
  onClose: () => void;
  onRemoved: (member: MemberRow) => void;
  tenantId: string;
}) {
  if (member && isOnlyOwner) {
    return (
      <Dialog
        open
        onClose={onClose}
        size="sm"
        title={isSelf ? 'You are the only owner' : `${member.name} is the only owner`}
        footer={<Button onClick={onClose}>Got it</Button>}
      >
        <p className="text-sm leading-6 text-slate-600">{LAST_OWNER_MESSAGE}</p>
      </Dialog>
    );
  }

  return (
    <ConfirmActionDialog
      open={member !== null}
      title={isSelf ? 'Leave this workspace?' : 'Remove this member?'}
      description={
        member ? (
          isSelf ? (
            <>You will lose access to this workspace at once. An owner can invite you again.</>
          ) : (
            <>
              <span className="font-medium text-slate-900">{member.name}</span> ({member.email}) loses access to this
              workspace at once. Keys they created keep working until someone revokes them.
            </>
          )
        ) : undefined
      }
      note="To bring them back later, send them a new invitation."
      confirmLabel={isSelf ? 'Leave workspace' : 'Remove member'}
      busyLabel="Removing…"
      failureTitle={isSelf ? 'You were not removed' : 'The member was not removed'}
      onConfirm={async () => {
        if (!member) return null;
        const result = await callApi('DELETE', tenantPath(tenantId, `/members/${encodeURIComponent(member.userId)}`));
        return result.ok ? null : memberErrorMessage(result.error);
      }}
      onDone={() => member && onRemoved(member)}
      onClose={onClose}
    />
  );
}
