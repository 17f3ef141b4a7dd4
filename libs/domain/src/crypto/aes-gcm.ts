import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM as everything stored encrypted uses it: a fresh 12-byte IV per encryption (GCM's security falls apart
 * when an IV repeats under one key), a 16-byte authentication tag, and additional authenticated data that binds a
 * ciphertext to the row it belongs to, so a copy onto another row fails to decrypt.
 */
const ALGORITHM = 'aes-256-gcm';
export const AES_GCM_KEY_BYTES = 32;
const IV_BYTES = 12;
const AUTH_TAG_BYTES = 16;

/** A ciphertext with its IV and tag: the three columns of an encrypted value. */
export interface AesGcmSealed {
  ciphertext: Uint8Array<ArrayBuffer>;
  iv: Uint8Array<ArrayBuffer>;
  authTag: Uint8Array<ArrayBuffer>;
}

/** Why a sealed value could not be opened; the message never holds key material, ciphertext or plaintext. */
export class AesGcmOpenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'AesGcmOpenError';
  }
}

/** The key from its configured form (base64 of 32 bytes); `what` names it in the error. */
export function aesGcmKeyFromBase64(base64: string, what: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== AES_GCM_KEY_BYTES) throw new Error(`The ${what} must be ${AES_GCM_KEY_BYTES} bytes`);
  return key;
}

export function sealAesGcm(plaintext: string, key: Buffer, aad: string): AesGcmSealed {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: AUTH_TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { ciphertext: toBytes(ciphertext), iv: toBytes(iv), authTag: toBytes(cipher.getAuthTag()) };
}

/** The plaintext; throws `AesGcmOpenError` when the IV or tag is malformed or authentication fails. */
export function openAesGcm(sealed: Readonly<Record<keyof AesGcmSealed, Uint8Array>>, key: Buffer, aad: string): string {
  assertKey(key);
  const { ciphertext, iv, authTag } = sealed;
  if (iv.length !== IV_BYTES || authTag.length !== AUTH_TAG_BYTES) {
    throw new AesGcmOpenError('the IV or authentication tag has the wrong length');
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: AUTH_TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(authTag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new AesGcmOpenError('authentication failed (wrong key, altered data or another row)');
  }
}

function assertKey(key: Buffer): void {
  if (key.length !== AES_GCM_KEY_BYTES) throw new Error(`An AES-256-GCM key must be ${AES_GCM_KEY_BYTES} bytes`);
}

/** A copy on its own ArrayBuffer: what Prisma's `Bytes` columns take. */
function toBytes(buffer: Buffer): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(buffer.length);
  bytes.set(buffer);
  return bytes;
}
