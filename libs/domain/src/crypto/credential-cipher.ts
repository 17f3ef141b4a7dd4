import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Provider credentials at rest: AES-256-GCM with a fresh 12-byte IV per encryption (GCM's security falls
 * apart when an IV repeats under one key) and the provider id as additional authenticated data, so a
 * ciphertext copied onto another provider's row fails to decrypt instead of handing that provider the secret.
 */
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const AUTH_TAG_BYTES = 16;

/** The three credential columns of a provider row. */
export interface EncryptedCredential {
  ciphertext: Uint8Array<ArrayBuffer>;
  iv: Uint8Array<ArrayBuffer>;
  authTag: Uint8Array<ArrayBuffer>;
}

/** The part of a provider row that decryption needs (the shape of the Prisma row, columns selected by name). */
export interface ProviderCredentialColumns {
  id: string;
  credentialCiphertext: Uint8Array | null;
  credentialIv: Uint8Array | null;
  credentialAuthTag: Uint8Array | null;
}

export class CredentialDecryptionError extends Error {
  constructor(
    readonly providerId: string,
    reason: string,
  ) {
    // Never includes key material, ciphertext or plaintext: this message may reach a log.
    super(`The credential of provider ${providerId} cannot be decrypted: ${reason}`);
    this.name = 'CredentialDecryptionError';
  }
}

/** The encryption key from its configured form (base64 of 32 bytes, `CREDENTIAL_ENCRYPTION_KEY`). */
export function credentialKeyFromBase64(base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`The credential encryption key must be ${KEY_BYTES} bytes`);
  return key;
}

export function encryptCredential(plaintext: string, key: Buffer, providerId: string): EncryptedCredential {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: AUTH_TAG_BYTES });
  cipher.setAAD(Buffer.from(providerId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { ciphertext: toBytes(ciphertext), iv: toBytes(iv), authTag: toBytes(cipher.getAuthTag()) };
}

/**
 * The plaintext credential of a provider row, or null when it has none. Throws `CredentialDecryptionError`
 * when the columns are partly set, or when authentication fails (wrong key, tampered bytes, or a ciphertext
 * that belongs to another provider).
 */
export function decryptCredential(row: ProviderCredentialColumns, key: Buffer): string | null {
  assertKey(key);
  const { credentialCiphertext: ciphertext, credentialIv: iv, credentialAuthTag: authTag } = row;
  if (ciphertext === null && iv === null && authTag === null) return null;
  if (ciphertext === null || iv === null || authTag === null) {
    throw new CredentialDecryptionError(row.id, 'the credential columns are only partly set');
  }
  if (iv.length !== IV_BYTES || authTag.length !== AUTH_TAG_BYTES) {
    throw new CredentialDecryptionError(row.id, 'the IV or authentication tag has the wrong length');
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: AUTH_TAG_BYTES });
    decipher.setAAD(Buffer.from(row.id, 'utf8'));
    decipher.setAuthTag(authTag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new CredentialDecryptionError(row.id, 'authentication failed (wrong key, altered data or another provider)');
  }
}

function assertKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new Error(`The credential encryption key must be ${KEY_BYTES} bytes`);
}

/** A copy on its own ArrayBuffer: what Prisma's `Bytes` columns take. */
function toBytes(buffer: Buffer): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(buffer.length);
  bytes.set(buffer);
  return bytes;
}
