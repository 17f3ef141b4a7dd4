import type { MemberRole } from '@gatehouse/contracts';

/**
 * What a role may do, as admin-api enforces it (docs/api.md, "Access"): viewers read; members also manage keys and
 * request access; owners also manage members, invitations and the webhook. The portal hides the buttons a role
 * cannot use; admin-api still refuses them (403 insufficient_role), so this is a courtesy, not the guard.
 */
const rank: Record<MemberRole, number> = { VIEWER: 0, MEMBER: 1, OWNER: 2 };

export function hasRole(role: MemberRole, atLeast: MemberRole): boolean {
  return rank[role] >= rank[atLeast];
}

export const canManageKeys = (role: MemberRole) => hasRole(role, 'MEMBER');
export const canRequestAccess = (role: MemberRole) => hasRole(role, 'MEMBER');
export const canManageMembers = (role: MemberRole) => hasRole(role, 'OWNER');
export const canManagePolicy = (role: MemberRole) => hasRole(role, 'OWNER');

export const roleLabel: Record<MemberRole, string> = { OWNER: 'Owner', MEMBER: 'Member', VIEWER: 'Viewer' };
