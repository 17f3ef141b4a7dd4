import { createHash, randomBytes } from 'node:crypto';

/** How long an invitation can be accepted. */
export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

/** 32 random bytes: high entropy, so sha256 is enough to store it (no KDF needed), like session tokens. */
export function newInvitationToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
