'use client';

import { useState } from 'react';
import { Alert, Button, Dialog } from '@gatehouse/ui';
import { callApi, tenantPath } from '../../lib/api/client';
import type { InvitationRow } from './types';

/** Withdrawing an invitation makes its link useless; confirmed like any other removal, Cancel first. */
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
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const close = () => {
    setError(null);
    onClose();
  };

  const revoke = async () => {
    if (!invitation) return;
    setSubmitting(true);
    setError(null);
    const result = await callApi('DELETE', tenantPath(tenantId, `/invitations/${encodeURIComponent(invitation.id)}`));
    setSubmitting(false);
    if (!result.ok) {
      setError(
        result.error.code === 'invitation_not_found'
          ? 'This invitation was already accepted or withdrawn. Reload the page to see the current list.'
          : result.error.message,
      );
      return;
    }
    onRevoked(invitation);
  };

  return (
    <Dialog
      open={invitation !== null}
      onClose={close}
      size="sm"
      title="Revoke this invitation?"
      description={
        invitation ? (
          <>
            The link sent to <span className="font-medium text-slate-900">{invitation.email}</span> stops working at
            once.
          </>
        ) : undefined
      }
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={submitting}>
            Cancel
          </Button>
          <Button variant="danger" onClick={() => void revoke()} loading={submitting}>
            {submitting ? 'Revoking…' : 'Revoke invitation'}
          </Button>
        </>
      }
    >
      {error ? (
        <Alert tone="danger" title="The invitation was not revoked">
          {error}
        </Alert>
      ) : (
        <p className="text-sm leading-6 text-slate-600">You can invite the same address again at any time.</p>
      )}
    </Dialog>
  );
}
