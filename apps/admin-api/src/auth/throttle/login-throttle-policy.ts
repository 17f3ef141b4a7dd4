import { createHash } from 'node:crypto';

/** One fixed window as Redis reports it after reserving an attempt in it. */
export interface WindowCount {
  /** Attempts counted in the window, this one included. */
  count: number;
  /** Milliseconds until the window resets. */
  ttlMs: number;
  /** Attempts allowed per window. */
  limit: number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Allowed when every window is within its limit; otherwise the caller may retry once the last exceeded window
 * resets (rounded up to whole seconds, and at least one, as `Retry-After` needs).
 */
export function throttleVerdict(windows: WindowCount[]): ThrottleVerdict {
  const exceeded = windows.filter((window) => window.count > window.limit);
  if (exceeded.length === 0) return { allowed: true };
  const waitMs = Math.max(...exceeded.map((window) => window.ttlMs));
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/**
 * The identities a sign-in attempt is counted under: the (email, client address) pair, so that one attacker
 * cannot lock a victim out from everywhere, and the client address alone, to slow spraying across emails.
 * The email is hashed: Redis holds no addresses of people.
 */
export function throttleIdentities(email: string, ip: string | null): { emailAndIp: string; ip: string } {
  const client = ip ?? 'unknown';
  return { emailAndIp: `${emailIdentity(email)}:${client}`, ip: client };
}

/** An email as a throttle counts it: the same in any case and spacing, hashed so Redis holds no addresses. */
export function emailIdentity(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);
}
