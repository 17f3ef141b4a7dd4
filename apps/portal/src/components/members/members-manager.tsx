'use client';

import type { MemberRole } from '@gatehouse/contracts';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import {
  Alert,
  Badge,
  Button,
  EmptyState,
  PageHeader,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeaderCell,
  TableRow,
  type BadgeTone,
} from '@gatehouse/ui';
import { formatDate, formatDateTime } from '../../lib/format';
import { roleLabel } from '../../lib/roles';
import { Icon } from '../icons';
import { InvitationLinkDialog } from './invitation-link-dialog';
import { InviteMemberDialog } from './invite-member-dialog';
import { MemberRoleControl } from './member-role-control';
import { RemoveMemberDialog } from './remove-member-dialog';
import { RevokeInvitationDialog } from './revoke-invitation-dialog';
import type { InvitationRow, MemberRow, RevealedInvitation } from './types';

const roleTone: Record<MemberRole, BadgeTone> = { OWNER: 'brand', MEMBER: 'neutral', VIEWER: 'neutral' };

type Panel =
  | { kind: 'none' }
  | { kind: 'invite' }
  | { kind: 'link'; invitation: RevealedInvitation }
  | { kind: 'remove'; member: MemberRow }
  | { kind: 'revoke'; invitation: InvitationRow };

export interface MembersManagerProps {
  tenantId: string;
  members: MemberRow[];
  /** False when the list was cut short; the last-owner check is then left to admin-api. */
  complete: boolean;
  /** Pending invitations; null for callers who may not see them (everyone but owners). */
  invitations: InvitationRow[] | null;
  canManage: boolean;
  currentUserId: string;
  timeZone: string;
}

/**
 * The members page: who is in the workspace, and for owners the invite, role, removal and invitation flows. Writes
 * go through the /api/v1 proxy, then the server components are asked for fresh data (router.refresh).
 */
export function MembersManager(props: MembersManagerProps) {
  const { tenantId, members, complete, invitations, canManage, currentUserId, timeZone } = props;
  const router = useRouter();
  const [panel, setPanel] = useState<Panel>({ kind: 'none' });
  const close = () => setPanel({ kind: 'none' });

  const owners = members.filter((member) => member.role === 'OWNER').length;
  const isOnlyOwner = (member: MemberRow) => complete && member.role === 'OWNER' && owners <= 1;

  const invited = (invitation: RevealedInvitation) => {
    setPanel({ kind: 'link', invitation });
    toast.success(`Invitation for ${invitation.email} created`, { description: 'Copy the link and send it to them.' });
    router.refresh();
  };

  const roleChanged = (member: MemberRow, previous: MemberRole) => {
    toast.success(`${member.name} is now ${roleLabel[member.role].toLowerCase()}`, {
      description: `Was ${roleLabel[previous].toLowerCase()}.`,
    });
    router.refresh();
  };

  const removed = (member: MemberRow) => {
    close();
    if (member.userId === currentUserId) {
      toast.success('You left the workspace');
      // This workspace is no longer theirs to see: go to whichever one remains.
      router.replace('/t');
      router.refresh();
      return;
    }
    toast.success(`${member.name} was removed`, { description: 'Their access ended at once.' });
    router.refresh();
  };

  const revoked = (invitation: InvitationRow) => {
    close();
    toast.success(`Invitation for ${invitation.email} revoked`);
    router.refresh();
  };

  const inviteButton = canManage && (
    <Button onClick={() => setPanel({ kind: 'invite' })}>
      <Icon name="plus" className="size-4" />
      Invite member
    </Button>
  );

  const removing = panel.kind === 'remove' ? panel.member : null;

  return (
    <div className="space-y-10">
      <PageHeader
        title="Members"
        description={
          <>
            Everyone in this workspace and what they may do. Viewers see keys, subscriptions and usage; members also
            manage keys and request access; owners also manage members and invitations.
            {!canManage && ' Only owners can invite people or change roles.'}
          </>
        }
        actions={inviteButton || undefined}
      />

      <section aria-labelledby="members-heading" className="space-y-4">
        <h2 id="members-heading" className="text-base font-semibold text-slate-950">
          {members.length === 1 ? '1 member' : `${members.length} members`}
        </h2>
        {!complete && (
          <Alert tone="info" title="Showing the first members only">
            This workspace has more members than this page lists at once.
          </Alert>
        )}
        {members.length === 0 ? (
          <EmptyState
            headingLevel="h3"
            icon={<Icon name="users" className="size-6" />}
            title="Nobody has joined yet"
            description={
              canManage
                ? 'Invite the first members. Each one gets a link to accept.'
                : 'Members appear here once they accept an invitation.'
            }
            actions={inviteButton || undefined}
          />
        ) : (
          <Table caption="Members">
            <TableHead>
              <tr>
                <TableHeaderCell>Member</TableHeaderCell>
                <TableHeaderCell>Role</TableHeaderCell>
                <TableHeaderCell>Joined</TableHeaderCell>
                {canManage && (
                  <TableHeaderCell className="text-right">
                    <span className="sr-only">Actions</span>
                  </TableHeaderCell>
                )}
              </tr>
            </TableHead>
            <TableBody>
              {members.map((member) => {
                const isSelf = member.userId === currentUserId;
                return (
                  <TableRow key={member.userId}>
                    <TableCell className="max-w-72">
                      <span className="flex items-center gap-2">
                        <span className="truncate font-medium text-slate-950">{member.name}</span>
                        {isSelf && <Badge tone="success">You</Badge>}
                      </span>
                      <span className="block truncate text-xs text-slate-500">{member.email}</span>
                    </TableCell>
                    <TableCell className="whitespace-nowrap">
                      {canManage ? (
                        <MemberRoleControl
                          member={member}
                          isOnlyOwner={isOnlyOwner(member)}
                          isSelf={isSelf}
                          tenantId={tenantId}
                          onChanged={roleChanged}
                        />
                      ) : (
                        <Badge tone={roleTone[member.role]}>{roleLabel[member.role]}</Badge>
                      )}
                    </TableCell>
                    <TableCell className="whitespace-nowrap">
                      <time dateTime={member.joinedAt} title={formatDateTime(member.joinedAt, timeZone)}>
                        {formatDate(member.joinedAt, timeZone)}
                      </time>
                    </TableCell>
                    {canManage && (
                      <TableCell className="text-right whitespace-nowrap">
                        <Button
                          variant="ghost"
                          size="sm"
                          className="text-rose-700 hover:bg-rose-50 hover:text-rose-800"
                          onClick={() => setPanel({ kind: 'remove', member })}
                        >
                          <Icon name="ban" className="size-4" />
                          {isSelf ? (
                            <>
                              Leave<span className="sr-only"> the workspace</span>
                            </>
                          ) : (
                            <>
                              Remove<span className="sr-only"> {member.name}</span>
                            </>
                          )}
                        </Button>
                      </TableCell>
                    )}
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
      </section>

      {invitations && (
        <section aria-labelledby="invitations-heading" className="space-y-4">
          <div>
            <h2 id="invitations-heading" className="text-base font-semibold text-slate-950">
              Pending invitations
            </h2>
            <p className="mt-0.5 text-sm text-slate-600">
              Sent but not yet accepted. Links expire after 7 days; inviting the same address again replaces its link.
            </p>
          </div>
          {invitations.length === 0 ? (
            <p className="rounded-2xl border border-dashed border-slate-300 bg-white px-4 py-6 text-center text-sm text-slate-600">
              No pending invitations.
            </p>
          ) : (
            <Table caption="Pending invitations">
              <TableHead>
                <tr>
                  <TableHeaderCell>Email</TableHeaderCell>
                  <TableHeaderCell>Role</TableHeaderCell>
                  <TableHeaderCell className="hidden sm:table-cell">Sent</TableHeaderCell>
                  <TableHeaderCell>Expires</TableHeaderCell>
                  <TableHeaderCell className="text-right">
                    <span className="sr-only">Actions</span>
                  </TableHeaderCell>
                </tr>
              </TableHead>
              <TableBody>
                {invitations.map((invitation) => (
                  <TableRow key={invitation.id}>
                    <TableCell className="max-w-64 truncate font-medium text-slate-950">{invitation.email}</TableCell>
                    <TableCell>
                      <Badge tone={roleTone[invitation.role]}>{roleLabel[invitation.role]}</Badge>
                    </TableCell>
                    <TableCell className="hidden whitespace-nowrap sm:table-cell">
                      <time dateTime={invitation.createdAt} title={formatDateTime(invitation.createdAt, timeZone)}>
                        {formatDate(invitation.createdAt, timeZone)}
                      </time>
                    </TableCell>
                    <TableCell className="whitespace-nowrap">
                      <time dateTime={invitation.expiresAt} title={formatDateTime(invitation.expiresAt, timeZone)}>
                        {formatDate(invitation.expiresAt, timeZone)}
                      </time>
                    </TableCell>
                    <TableCell className="text-right whitespace-nowrap">
                      <Button
                        variant="ghost"
                        size="sm"
                        className="text-rose-700 hover:bg-rose-50 hover:text-rose-800"
                        onClick={() => setPanel({ kind: 'revoke', invitation })}
                      >
                        <Icon name="ban" className="size-4" />
                        Revoke<span className="sr-only"> the invitation for {invitation.email}</span>
                      </Button>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </section>
      )}

      {canManage && (
        <>
          <InviteMemberDialog
            open={panel.kind === 'invite'}
            onClose={close}
            onInvited={invited}
            tenantId={tenantId}
            memberEmails={members.map((member) => member.email.toLowerCase())}
          />
          <InvitationLinkDialog
            invitation={panel.kind === 'link' ? panel.invitation : null}
            onClose={close}
            timeZone={timeZone}
          />
          <RemoveMemberDialog
            member={removing}
            isOnlyOwner={removing ? isOnlyOwner(removing) : false}
            isSelf={removing?.userId === currentUserId}
            onClose={close}
            onRemoved={removed}
            tenantId={tenantId}
          />
          <RevokeInvitationDialog
            invitation={panel.kind === 'revoke' ? panel.invitation : null}
            onClose={close}
            onRevoked={revoked}
            tenantId={tenantId}
          />
        </>
      )}
    </div>
  );
}
