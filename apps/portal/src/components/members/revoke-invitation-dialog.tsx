'use client';

import { callApi, tenantPath } from '../../lib/api/client';
import { ConfirmActionDialog } from '../app/confirm-action-dialog';
import type { InvitationRow } from './types';

/** Withdrawing an invitation makes its link useless; confirmed like any other removal. */
export function RevokeInvitationDialog({
  invitation,
  onClose,
  onRevoked,
  tenantId,
}: {
  invitation: InvitationRow | null;
  onClose: () => void;
  onRevoked: (invitation: InvitationRow) => void;
  tenantId: string;
}) {
  return (
    <ConfirmActionDialog
      open={invitation !== null}
      title="Revoke this invitation?"
      description={
        invitation ? (
          <>
            The link sent to <span className="font-medium text-slate-900">{invitation.email}</span> stops working at
            once.
          </>
        ) : undefined
      }
      note="You can invite the same address again at any time."
      confirmLabel="Revoke invitation"
      busyLabel="Revoking…"
      failureTitle="The invitation was not revoked"
      onConfirm={async () => {
        if (!invitation) return null;
        const result = await callApi(
          'DELETE',
          tenantPath(tenantId, `/invitations/${encodeURIComponent(invitation.id)}`),
        );
        if (result.ok) return null;
        return result.error.code === 'invitation_not_found'
          ? 'This invitation was already accepted or withdrawn. Reload the page to see the current list.'
          : result.error.message;
      }}
      onDone={() => invitation && onRevoked(invitation)}
      onClose={onClose}
    />
  );
}
