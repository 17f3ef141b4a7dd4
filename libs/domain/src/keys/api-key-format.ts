import { hash, randomBytes } from 'node:crypto';

/**
 * The format of Gatehouse API keys: `gh_live_<secret><checksum>` (or `gh_test_…`).
 *
 * - `secret`: 32 random bytes in base62 (`0-9A-Za-z`), left-padded to 43 characters. Base62 rather than
 *   base64url so a key has no `-` that a terminal or an editor would break a word on.
 * - `checksum`: CRC32 of everything before it (mode prefix + secret), base62, left-padded to 6 characters,
 *   as GitHub tokens do. It lets the gateway (and secret scanners) reject typos and truncated keys offline,
 *   before any cache or database lookup. CRC32 detects every error burst of up to 32 bits, so every
 *   single-character typo and every swap of two different adjacent characters is caught; covering the mode
 *   prefix also catches a `live` ↔ `test` edit. It is an integrity check, not a security measure.
 *
 * Only `sha256(full key)` is stored; the key is high-entropy, so no slow KDF is needed on the hot path.
 */
export type KeyMode = 'live' | 'test';

export const API_KEY_MODE_PREFIX: Readonly<Record<KeyMode, string>> = { live: 'gh_live_', test: 'gh_test_' };

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SECRET_BYTES = 32;
/** ceil(256 / log2(62)): 62^43 > 2^256, so every 32-byte value fits. */
export const API_KEY_SECRET_LENGTH = 43;
/** 62^6 > 2^32, so every CRC32 value fits. */
export const API_KEY_CHECKSUM_LENGTH = 6;
const MODE_PREFIX_LENGTH = 8; // 'gh_live_' and 'gh_test_' alike
export const API_KEY_LENGTH = MODE_PREFIX_LENGTH + API_KEY_SECRET_LENGTH + API_KEY_CHECKSUM_LENGTH;
/** How much of a key is shown to people to recognise it (`gh_live_ab12`): the mode and 4 secret characters. */
export const API_KEY_DISPLAY_PREFIX_LENGTH = 12;

const KEY_PATTERN = new RegExp(
  `^gh_(live|test)_([0-9A-Za-z]{${API_KEY_SECRET_LENGTH}})([0-9A-Za-z]{${API_KEY_CHECKSUM_LENGTH}})$`,
);

export interface ParsedApiKey {
  mode: KeyMode;
  secret: string;
  checksum: string;
  /** False when the checksum does not match: a typo or a made-up key. */
  checksumValid: boolean;
}

export interface GeneratedApiKey {
  /** The full key: shown to its owner once, never stored. */
  key: string;
  mode: KeyMode;
  /** sha256 hex of the full key: what is stored and looked up. */
  hash: string;
  /** The visible start of the key (`gh_live_ab12`). */
  prefix: string;
  last4: string;
}

/** A new key. `random` is injectable for tests only; production uses the CSPRNG. */
export function generateApiKey(mode: KeyMode, random: (size: number) => Uint8Array = randomBytes): GeneratedApiKey {
  const bytes = random(SECRET_BYTES);
  if (bytes.length !== SECRET_BYTES) throw new Error(`expected ${SECRET_BYTES} random bytes, got ${bytes.length}`);
  const body = API_KEY_MODE_PREFIX[mode] + toBase62(bytesToBigInt(bytes), API_KEY_SECRET_LENGTH);
  const key = body + apiKeyChecksum(body);
  return { key, mode, hash: hashApiKey(key), prefix: apiKeyDisplayPrefix(key), last4: apiKeyLast4(key) };
}

/**
 * Splits a key into its parts, or returns null when it is not shaped like a key at all (wrong prefix, length
 * or alphabet). A shaped key with a wrong checksum parses, with `checksumValid: false`. No trimming: callers
 * pass exactly what the client sent.
 */
export function parseApiKey(raw: string): ParsedApiKey | null {
  if (typeof raw !== 'string' || raw.length !== API_KEY_LENGTH) return null;
  const match = KEY_PATTERN.exec(raw);
  if (!match) return null;
  const [, mode, secret, checksum] = match as unknown as [string, KeyMode, string, string];
  const expected = apiKeyChecksum(raw.slice(0, raw.length - API_KEY_CHECKSUM_LENGTH));
  return { mode, secret, checksum, checksumValid: checksum === expected };
}

/** What the gateway checks before any lookup: shaped like a key and the checksum matches. */
export function isWellFormedApiKey(raw: string): boolean {
  return parseApiKey(raw)?.checksumValid === true;
}

/**
 * sha256 hex of the full key (mode prefix and checksum included): the stored and looked-up value. One-shot
 * `crypto.hash` (every request hashes its key) rather than a `Hash` object per call.
 */
export function hashApiKey(raw: string): string {
  return hash('sha256', raw, 'hex');
}

export function apiKeyDisplayPrefix(key: string): string {
  return key.slice(0, API_KEY_DISPLAY_PREFIX_LENGTH);
}

export function apiKeyLast4(key: string): string {
  return key.slice(-4);
}

/** The checksum of a key's body (mode prefix + secret). */
export function apiKeyChecksum(body: string): string {
  // A CRC-32 is below 2^32: plain numbers do it, without the BigInt steps of `toBase62` (every request checks one).
  let rest = crc32(body);
  let digits = '';
  while (rest > 0) {
    digits = BASE62[rest % 62] + digits;
    rest = Math.floor(rest / 62);
  }
  return digits.padStart(API_KEY_CHECKSUM_LENGTH, '0');
}

const CRC32_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, the zlib one) of a string's UTF-8 bytes, as an unsigned 32-bit integer. */
export function crc32(input: string): number {
  let crc = 0xffffffff;
  // ASCII (every key) is its own UTF-8, one byte per character: read the characters, without a buffer or an
  // iterator. Any other character takes more than one byte.
  const bytes = Buffer.byteLength(input, 'utf8') === input.length ? undefined : Buffer.from(input, 'utf8');
  const length = bytes === undefined ? input.length : bytes.length;
  for (let index = 0; index < length; index++) {
    const byte = bytes === undefined ? input.charCodeAt(index) : (bytes[index] as number);
    crc = (CRC32_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Base62 of a non-negative integer, left-padded with '0' to `width`; throws if it does not fit. */
export function toBase62(value: bigint, width: number): string {
  if (value < 0n) throw new RangeError('toBase62: negative value');
  let digits = '';
  let rest = value;
  while (rest > 0n) {
    digits = BASE62[Number(rest % 62n)] + digits;
    rest /= 62n;
  }
  if (digits.length > width) throw new RangeError(`toBase62: value needs ${digits.length} digits, width is ${width}`);
  return digits.padStart(width, '0');
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}
