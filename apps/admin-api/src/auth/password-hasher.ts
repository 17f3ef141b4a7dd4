import { Injectable, type OnModuleInit } from '@nestjs/common';
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

/**
 * Stored instead of a hash for users who have no password (they sign in through SSO). It is not a PHC string,
 * so no password can ever match it.
 */
export const NO_PASSWORD = '!sso-only';

/**
 * argon2id hashing with the library's defaults (64 MiB, 3 passes, 4 lanes: above OWASP's minimum). Verifying
 * against an unknown or passwordless account still spends one full verification on a throwaway hash, so the
 * answer takes as long as a wrong password for a real account and timing does not tell which emails exist.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummyHash: Promise<string> | null = null;

  /** Made at boot, so that not even the first unknown-email sign-in pays for hashing it (which would show). */
  async onModuleInit(): Promise<void> {
    await this.throwawayHash();
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  async verify(storedHash: string | null, password: string): Promise<boolean> {
    if (storedHash === null || !storedHash.startsWith('$argon2')) {
      await argon2.verify(await this.throwawayHash(), password).catch(() => false);
      return false;
    }
    try {
      return await argon2.verify(storedHash, password);
    } catch {
      // A malformed stored hash is a refusal, never a 500 that would tell the caller something.
      return false;
    }
  }

  private throwawayHash(): Promise<string> {
    this.dummyHash ??= this.hash(randomBytes(32).toString('base64url'));
    return this.dummyHash;
  }
}
