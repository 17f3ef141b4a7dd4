'use client';

import { Alert, Button, CopyButton, Dialog } from '@gatehouse/ui';
import { formatDateTime } from '../../lib/format';
import { roleLabel } from '../../lib/roles';
import type { RevealedInvitation } from './types';

/**
 * The one moment an invitation's link is visible. admin-api keeps only a hash of its token and sends no email, so
 * the inviter copies the link here and passes it on. It lives in this component's props only and is gone when the
 * dialog closes.
 */
export function InvitationLinkDialog({
  invitation,
  onClose,
  timeZone,
}: {
  invitation: RevealedInvitation | null;
  onClose: () => void;
  timeZone: string;
}) {
  return (
    <Dialog
      open={invitation !== null}
      onClose={onClose}
      size="lg"
      title="Send this invitation link"
      description={
        invitation ? (
          <>
            For <span className="font-medium text-slate-900">{invitation.email}</span>, as{' '}
            {roleLabel[invitation.role].toLowerCase()}.
          </>
        ) : undefined
      }
      footer={<Button onClick={onClose}>Done</Button>}
    >
      {invitation && (
        <div className="space-y-5">
          <Alert tone="warning" title="This is the only time the link is shown">
            Gatehouse does not email invitations, and it cannot show this link again. Copy it now and send it to them
            yourself. If it gets lost, invite them again: the new link replaces this one.
          </Alert>
          <div>
            <p className="text-sm font-medium text-slate-900" id="invitation-link-label">
              Invitation link
            </p>
            <div className="mt-1.5 flex items-center gap-2 rounded-lg border border-slate-300 bg-slate-50 p-1.5 pl-3">
              <code
                aria-labelledby="invitation-link-label"
                className="min-w-0 flex-1 font-mono text-sm break-all text-slate-950 select-all"
              >
                {invitation.link}
              </code>
              <CopyButton text={invitation.link} label="invitation link" tone="light" />
            </div>
            <p className="mt-1.5 text-sm text-slate-600">
              It works once, only for someone signed in as {invitation.email}, until{' '}
              {formatDateTime(invitation.expiresAt, timeZone)}.
            </p>
          </div>
        </div>
      )}
    </Dialog>
  );
}
