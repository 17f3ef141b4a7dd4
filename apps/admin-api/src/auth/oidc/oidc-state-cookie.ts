import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export const OIDC_STATE_COOKIE = 'gatehouse_oidc';
/** Only the SSO routes ever receive the state cookie. */
export const OIDC_STATE_COOKIE_PATH = '/api/v1/auth/oidc';
/** Long enough to sign in at the provider (password, second factor), short enough to be useless later. */
export const OIDC_STATE_TTL_MS = 10 * 60_000;

/**
 * Seals the authorization request's state (the PKCE code verifier, the `state` value) into a cookie, so the
 * admin API needs no server-side session store between the redirect to the provider and the callback.
 * AES-256-GCM: the client can neither read the code verifier nor alter it; an expiry inside the sealed
 * payload bounds its life even if a browser keeps the cookie.
 */
export class OidcStateSealer {
  private readonly key: Buffer;

  constructor(secret: string) {
    // A key of its own, derived from the session secret, so that it is never used for anything else.
    this.key = createHash('sha256').update(`gatehouse:oidc-state:${secret}`).digest();
  }

  seal(value: unknown, now: number = Date.now()): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const plaintext = Buffer.from(JSON.stringify({ value, expiresAt: now + OIDC_STATE_TTL_MS }));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.');
  }

  /** The sealed value, or undefined when the cookie is missing, altered, foreign or expired. */
  open(sealed: string | undefined, now: number = Date.now()): unknown {
    if (!sealed) return undefined;
    const parts = sealed.split('.');
    if (parts.length !== 3) return undefined;
    const [iv, ciphertext, tag] = parts.map((part) => Buffer.from(part, 'base64url')) as [Buffer, Buffer, Buffer];
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAuthTag(tag);
      const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      const payload = JSON.parse(plaintext) as { value: unknown; expiresAt: number };
      return payload.expiresAt > now ? payload.value : undefined;
    } catch {
      return undefined;
    }
  }
}
