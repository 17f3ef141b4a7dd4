import { type KeySnapshot } from '@gatehouse/contracts';

/**
 * Why a looked-up key may not be used at `now` (the message of a 401 `invalid_api_key`), or null when it may.
 * Checked on every request against the cached snapshot, so an expiry or a grace period ends on time even
 * while the snapshot is cached. A suspended tenant is not a key problem: the guard answers it with a 403.
 */
export function keyRefusal(snapshot: KeySnapshot | null, now: Date): string | null {
  if (snapshot === null) return 'Incorrect API key provided.';
  if (snapshot.status === 'REVOKED') return 'This API key has been revoked.';
  if (snapshot.expiresAt !== null && Date.parse(snapshot.expiresAt) <= now.getTime()) {
    return `This API key expired at ${snapshot.expiresAt}.`;
  }
  if (snapshot.graceExpiresAt !== null && Date.parse(snapshot.graceExpiresAt) <= now.getTime()) {
    return `This API key was rotated; the old secret stopped working at ${snapshot.graceExpiresAt}. Use the new one.`;
  }
  return null;
}
