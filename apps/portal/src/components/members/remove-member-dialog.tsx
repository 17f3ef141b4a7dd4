'use client';

import { useState } from 'react';
import { Alert, Button, Dialog } from '@gatehouse/ui';
import { callApi, tenantPath } from '../../lib/api/client';
import type { AdminApiError } from '../../lib/api/errors';
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
 * Removing someone takes away their access at once, so it is confirmed in a dialog whose safe choice (Cancel) comes
 * first. The workspace's only owner cannot be removed: the dialog says why instead of offering the button (admin-api
 * refuses it too, `409 last_owner`, which is shown if the list was out of date).
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
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const close = () => {
    setError(null);
    onClose();
  };

  const remove = async () => {
    if (!member) return;
    setSubmitting(true);
    setError(null);
    const result = await callApi('DELETE', tenantPath(tenantId, `/members/${encodeURIComponent(member.userId)}`));
    setSubmitting(false);
    if (!result.ok) {
      setError(memberErrorMessage(result.error));
      return;
    }
    onRemoved(member);
  };

  if (member && isOnlyOwner) {
    return (
      <Dialog
        open
        onClose={close}
        size="sm"
        title={isSelf ? 'You are the only owner' : `${member.name} is the only owner`}
        footer={<Button onClick={close}>Got it</Button>}
      >
        <p className="text-sm leading-6 text-slate-600">{LAST_OWNER_MESSAGE}</p>
      </Dialog>
    );
  }

  return (
    <Dialog
      open={member !== null}
      onClose={close}
      size="sm"
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
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={submitting}>
            Cancel
          </Button>
          <Button variant="danger" onClick={() => void remove()} loading={submitting}>
            {submitting ? 'Removing…' : isSelf ? 'Leave workspace' : 'Remove member'}
          </Button>
        </>
      }
    >
      {error ? (
        <Alert tone="danger" title={isSelf ? 'You were not removed' : 'The member was not removed'}>
          {error}
        </Alert>
      ) : (
        <p className="text-sm leading-6 text-slate-600">To bring them back later, send them a new invitation.</p>
      )}
    </Dialog>
  );
}
