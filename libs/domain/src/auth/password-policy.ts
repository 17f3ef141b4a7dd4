/**
 * What a password must be (NIST SP 800-63B in spirit): long enough, not absurdly long, and not trivially
 * guessable. No composition rules (digits, symbols): they push people to predictable patterns, not entropy.
 */
export const PASSWORD_MIN_LENGTH = 12;
/** argon2 hashes any length, but an unbounded input is a cheap way to make the server hash megabytes. */
export const PASSWORD_MAX_LENGTH = 256;

/**
 * Passwords that attackers try first. Only ones of at least the minimum length matter: shorter ones already
 * fail on length. Compared case-insensitively.
 */
const COMMON_PASSWORDS = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456789abc',
  '1q2w3e4r5t6y',
  'aaaaaa111111',
  'administrator',
  'changeme1234',
  'gatehouse-admin',
  'iloveyou1234',
  'letmein12345',
  'passw0rd1234',
  'password1234',
  'password12345',
  'password123!',
  'password!123',
  'qwerty123456',
  'qwertyuiop123',
  'qwertyuiopasdf',
  'qwertyuiop12',
  '1qaz2wsx3edc',
  '1qaz2wsx3edc4rfv',
  'zaq12wsxcde3',
  'welcome12345',
  'welcome123456',
  'abcdefghijkl',
  'abcdefghijklm',
  'abc123456789',
  'football1234',
  'baseball1234',
  'superman1234',
  'trustno11234',
  'monkey123456',
  'dragon123456',
  'sunshine1234',
  'princess1234',
  'master123456',
  'p@ssw0rd1234',
  'p@ssword1234',
  'correcthorsebatterystaple',
]);

export interface PasswordContext {
  /** The account's email: the password may not be the email or its local part. */
  email?: string;
}

/**
 * The first reason `password` is not acceptable, as a sentence for the person choosing it, or null when it is.
 * Reasons are checked from the most to the least obvious so the message names what to fix first.
 */
export function passwordProblem(password: string, context: PasswordContext = {}): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  if (new Set(password).size === 1) return 'Use more than one distinct character.';
  const lower = password.toLowerCase();
  const email = context.email?.trim().toLowerCase();
  if (email && (lower === email || lower === email.split('@')[0])) {
    return 'The password may not be your email address.';
  }
  if (COMMON_PASSWORDS.has(lower)) return 'This password is too common; choose one that is harder to guess.';
  return null;
}
