import type { InvitationResponse, MemberResponse, MemberRole } from '@gatehouse/contracts';

export type MemberRow = MemberResponse;
export type InvitationRow = InvitationResponse;

/** An invitation just made: its accept link is shown once, then only its hash exists anywhere. */
export interface RevealedInvitation {
  email: string;
  role: MemberRole;
  expiresAt: string;
  link: string;
}

export const ROLE_CHOICES: { value: MemberRole; label: string; description: string }[] = [
  { value: 'VIEWER', label: 'Viewer', description: 'Sees keys, subscriptions and usage; changes nothing.' },
  { value: 'MEMBER', label: 'Member', description: 'Also creates and revokes keys and requests access.' },
  { value: 'OWNER', label: 'Owner', description: 'Also manages members, invitations and the webhook.' },
];

/**
 * Where an invitation is accepted. The token rides in the fragment (`#token=…`): browsers never send a fragment to
 * a server, so it stays out of access logs, proxies and Referer headers, and the accept page removes it from the
 * address bar as soon as it has read it.
 */
export const INVITATION_PATH = '/invitations/accept';

export function invitationLink(origin: string, token: string): string {
  return `${origin}${INVITATION_PATH}#token=${encodeURIComponent(token)}`;
}
