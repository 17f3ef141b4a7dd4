import { createHash, randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';
import {
  API_KEY_CHECKSUM_LENGTH,
  API_KEY_LENGTH,
  API_KEY_SECRET_LENGTH,
  apiKeyChecksum,
  crc32,
  generateApiKey,
  hashApiKey,
  isWellFormedApiKey,
  parseApiKey,
  toBase62,
} from './api-key-format';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const fixedBytes = (fill: number) => () => new Uint8Array(32).fill(fill);

describe('generateApiKey', () => {
  it('makes gh_live_/gh_test_ keys of a fixed length over base62, with display prefix, last4 and sha256', () => {
    for (const mode of ['live', 'test'] as const) {
      const generated = generateApiKey(mode);
      expect(generated.key).toMatch(new RegExp(`^gh_${mode}_[0-9A-Za-z]{${API_KEY_LENGTH - 8}}$`));
      expect(generated.key).toHaveLength(57);
      expect(generated.mode).toBe(mode);
      expect(generated.prefix).toBe(generated.key.slice(0, 12));
      expect(generated.prefix.startsWith(`gh_${mode}_`)).toBe(true);
      expect(generated.last4).toBe(generated.key.slice(-4));
      expect(generated.hash).toBe(createHash('sha256').update(generated.key).digest('hex'));
      expect(generated.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(parseApiKey(generated.key)).toEqual({
        mode,
        secret: generated.key.slice(8, 8 + API_KEY_SECRET_LENGTH),
        checksum: generated.key.slice(-API_KEY_CHECKSUM_LENGTH),
        checksumValid: true,
      });
    }
  });

  it('draws a fresh secret every time', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey('live').key));
    expect(keys.size).toBe(1000);
  });

  it('encodes the extremes of 32 bytes in exactly 43 characters', () => {
    const zeros = generateApiKey('live', fixedBytes(0x00));
    expect(zeros.key.slice(8, 51)).toBe('0'.repeat(43));
    const ones = generateApiKey('live', fixedBytes(0xff));
    expect(ones.key).toHaveLength(API_KEY_LENGTH);
    expect(isWellFormedApiKey(zeros.key)).toBe(true);
    expect(isWellFormedApiKey(ones.key)).toBe(true);
  });

  it('refuses a random source that returns the wrong number of bytes', () => {
    expect(() => generateApiKey('live', () => new Uint8Array(16))).toThrow(/32 random bytes/);
  });

  it('is deterministic for given random bytes (the gateway and admin-api agree on the format)', () => {
    const a = generateApiKey('test', fixedBytes(7));
    const b = generateApiKey('test', fixedBytes(7));
    expect(a).toEqual(b);
    expect(generateApiKey('live', fixedBytes(7)).key.slice(8, 51)).toBe(a.key.slice(8, 51));
    // The checksum covers the mode, so the same secret has a different checksum per mode.
    expect(generateApiKey('live', fixedBytes(7)).key.slice(-6)).not.toBe(a.key.slice(-6));
  });
});

describe('checksum', () => {
  const key = generateApiKey('live').key;

  it('catches every single-character substitution anywhere in the key', () => {
    let tried = 0;
    for (let position = 0; position < key.length; position++) {
      for (const replacement of `${BASE62}_-`) {
        if (replacement === key[position]) continue;
        const typo = key.slice(0, position) + replacement + key.slice(position + 1);
        tried++;
        expect(isWellFormedApiKey(typo)).toBe(false);
      }
    }
    expect(tried).toBeGreaterThan(57 * 60);
  });

  it('catches every swap of two different adjacent characters', () => {
    for (let position = 0; position < key.length - 1; position++) {
      if (key[position] === key[position + 1]) continue;
      const swapped = key.slice(0, position) + key[position + 1] + key[position] + key.slice(position + 2);
      expect(isWellFormedApiKey(swapped)).toBe(false);
    }
  });

  it('catches a live key edited into a test key', () => {
    const edited = key.replace('gh_live_', 'gh_test_');
    expect(parseApiKey(edited)).toMatchObject({ mode: 'test', checksumValid: false });
  });

  it('holds for many random keys', () => {
    for (let i = 0; i < 200; i++) {
      const generated = generateApiKey(i % 2 === 0 ? 'live' : 'test').key;
      expect(isWellFormedApiKey(generated)).toBe(true);
      const position = 8 + (i % API_KEY_SECRET_LENGTH);
      const original = generated[position] as string;
      const replacement = BASE62[(BASE62.indexOf(original) + 1 + (i % 61)) % 62] as string;
      const typo = generated.slice(0, position) + replacement + generated.slice(position + 1);
      expect(parseApiKey(typo)?.checksumValid).toBe(false);
    }
  });

  it('is CRC32 of the body in 6 base62 characters', () => {
    const body = key.slice(0, -6);
    expect(apiKeyChecksum(body)).toBe(toBase62(BigInt(crc32(body)), 6));
    expect(key.slice(-6)).toBe(apiKeyChecksum(body));
    for (let i = 0; i < 200; i++) {
      const other = generateApiKey(i % 2 === 0 ? 'live' : 'test').key.slice(0, -6);
      expect(apiKeyChecksum(other)).toBe(toBase62(BigInt(crc32(other)), 6));
    }
  });
});

describe('parseApiKey', () => {
  const key = generateApiKey('test').key;

  it.each([
    ['an empty string', ''],
    ['a wrong prefix', key.replace('gh_test_', 'gh_prod_')],
    ['an upper-case prefix', key.replace('gh_test_', 'GH_TEST_')],
    ['an OpenAI-style key', `sk-${key.slice(3)}`],
    ['a key one character short', key.slice(0, -1)],
    ['a key one character long', `${key}0`],
    ['a truncated key', key.slice(0, 20)],
    ['a key with a character outside base62', `${key.slice(0, 20)}-${key.slice(21)}`],
    ['a key with an underscore in the secret', `${key.slice(0, 20)}_${key.slice(21)}`],
    ['a key with surrounding whitespace', ` ${key.slice(1)}`],
    ['a key with a trailing newline', `${key.slice(0, -1)}\n`],
    ['a non-ASCII look-alike', `${key.slice(0, 20)}А${key.slice(21)}`],
  ])('rejects %s', (_label, raw) => {
    expect(parseApiKey(raw)).toBeNull();
    expect(isWellFormedApiKey(raw)).toBe(false);
  });

  it('rejects something that is not a string', () => {
    expect(parseApiKey(undefined as unknown as string)).toBeNull();
    expect(parseApiKey(42 as unknown as string)).toBeNull();
  });

  it('parses a well-shaped key with a wrong checksum, flagging it', () => {
    const wrong = key.slice(0, -6) + (key.slice(-6) === '000000' ? '000001' : '000000');
    expect(parseApiKey(wrong)).toMatchObject({ mode: 'test', checksumValid: false });
  });
});

describe('hashApiKey', () => {
  it('is sha256 hex of the full key', () => {
    expect(hashApiKey('gh_live_x')).toBe(createHash('sha256').update('gh_live_x').digest('hex'));
  });
});

describe('crc32', () => {
  it('matches the standard check values', () => {
    expect(crc32('')).toBe(0);
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('The quick brown fox jumps over the lazy dog')).toBe(0x414fa339);
  });

  it('reads text beyond ASCII as its UTF-8 bytes', () => {
    expect(crc32('é€ gateway')).toBe(0xa5dbc28c);
  });

  it('agrees with zlib where the runtime has it', () => {
    const zlibCrc32 = (zlib as { crc32?: (data: string) => number }).crc32;
    if (!zlibCrc32) return;
    for (let i = 0; i < 100; i++) {
      const input = randomBytes(1 + (i % 64)).toString('base64url');
      expect(crc32(input)).toBe(zlibCrc32(input));
    }
  });
});

describe('toBase62', () => {
  it('pads to the width and refuses values that do not fit', () => {
    expect(toBase62(0n, 6)).toBe('000000');
    expect(toBase62(61n, 2)).toBe('0z');
    expect(toBase62(62n, 2)).toBe('10');
    expect(toBase62(2n ** 32n - 1n, 6)).toHaveLength(6);
    expect(toBase62(2n ** 256n - 1n, 43)).toHaveLength(43);
    expect(() => toBase62(62n ** 6n, 6)).toThrow(RangeError);
    expect(() => toBase62(-1n, 6)).toThrow(RangeError);
  });
});
