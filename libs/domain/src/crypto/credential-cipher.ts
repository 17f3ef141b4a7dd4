import { AesGcmOpenError, type AesGcmSealed, aesGcmKeyFromBase64, openAesGcm, sealAesGcm } from './aes-gcm';

/**
 * Provider credentials at rest: AES-256-GCM (aes-gcm.ts) with the provider id as additional authenticated data,
 * so a ciphertext copied onto another provider's row fails to decrypt instead of handing that provider the secret.
 */

/** The three credential columns of a provider row. */
export type EncryptedCredential = AesGcmSealed;

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
  return aesGcmKeyFromBase64(base64, 'credential encryption key');
}

export function encryptCredential(plaintext: string, key: Buffer, providerId: string): EncryptedCredential {
  return sealAesGcm(plaintext, key, providerId);
}

/**
 * The plaintext credential of a provider row, or null when it has none. Throws `CredentialDecryptionError`
 * when the columns are partly set, or when authentication fails (wrong key, tampered bytes, or a ciphertext
 * that belongs to another provider).
 */
export function decryptCredential(row: ProviderCredentialColumns, key: Buffer): string | null {
  const { credentialCiphertext: ciphertext, credentialIv: iv, credentialAuthTag: authTag } = row;
  if (ciphertext === null && iv === null && authTag === null) return null;
  if (ciphertext === null || iv === null || authTag === null) {
    throw new CredentialDecryptionError(row.id, 'the credential columns are only partly set');
  }
  try {
    return openAesGcm({ ciphertext, iv, authTag }, key, row.id);
  } catch (error) {
    if (error instanceof AesGcmOpenError) throw new CredentialDecryptionError(row.id, error.message);
    throw error;
  }
}
