import argon2 from 'argon2';

/**
 * Passwords are low-entropy, so they get a slow, memory-hard KDF: argon2id with the library's defaults
 * (m = 64 MiB, t = 3, p = 4), stored as a PHC string that carries its own parameters and salt.
 */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

/** False (never a throw) for a malformed stored hash: the seed then simply writes a fresh one. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}
