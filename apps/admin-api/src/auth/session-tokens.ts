import { createHash, randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'gatehouse_session';

/** 32 random bytes: high entropy, so a fast hash is enough to store it (no KDF needed). */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
