import { randomBytes } from 'node:crypto';
import {
  credentialKeyFromBase64,
  CredentialDecryptionError,
  decryptCredential,
  encryptCredential,
} from './credential-cipher';

const key = randomBytes(32);
const providerId = '7d4f1c2e-4b7a-4f5e-9a43-2b1d8c9e0f11';
const otherProviderId = '0b9a6c43-1e2f-4d3c-8b5a-6f7e8d9c0a1b';
const secret = 'sk-live-0123456789abcdef';

function row(id: string, encrypted: ReturnType<typeof encryptCredential>) {
  return {
    id,
    credentialCiphertext: encrypted.ciphertext,
    credentialIv: encrypted.iv,
    credentialAuthTag: encrypted.authTag,
  };
}

describe('credential cipher (AES-256-GCM, provider id as associated data)', () => {
  it('round-trips, with ciphertext that does not contain the plaintext', () => {
    const encrypted = encryptCredential(secret, key, providerId);
    expect(Buffer.from(encrypted.ciphertext).toString('utf8')).not.toContain(secret);
    expect(encrypted.iv).toHaveLength(12);
    expect(encrypted.authTag).toHaveLength(16);
    expect(decryptCredential(row(providerId, encrypted), key)).toBe(secret);
  });

  it('round-trips non-ASCII secrets', () => {
    const encrypted = encryptCredential('clé-секрет-🔑', key, providerId);
    expect(decryptCredential(row(providerId, encrypted), key)).toBe('clé-секрет-🔑');
  });

  it('uses a fresh IV each time, so the same secret encrypts differently', () => {
    const first = encryptCredential(secret, key, providerId);
    const second = encryptCredential(secret, key, providerId);
    expect(Buffer.from(first.iv).equals(Buffer.from(second.iv))).toBe(false);
    expect(Buffer.from(first.ciphertext).equals(Buffer.from(second.ciphertext))).toBe(false);
  });

  it('refuses a ciphertext copied onto another provider (wrong associated data)', () => {
    const encrypted = encryptCredential(secret, key, providerId);
    expect(() => decryptCredential(row(otherProviderId, encrypted), key)).toThrow(CredentialDecryptionError);
  });

  it('refuses tampered ciphertext, IV or tag', () => {
    const encrypted = encryptCredential(secret, key, providerId);
    for (const column of ['ciphertext', 'iv', 'authTag'] as const) {
      const tampered = { ...encrypted, [column]: Uint8Array.from(encrypted[column]) };
      tampered[column][0] = (tampered[column][0] ?? 0) ^ 0x01;
      expect(() => decryptCredential(row(providerId, tampered), key)).toThrow(CredentialDecryptionError);
    }
  });

  it('refuses the wrong key', () => {
    const encrypted = encryptCredential(secret, key, providerId);
    expect(() => decryptCredential(row(providerId, encrypted), randomBytes(32))).toThrow(CredentialDecryptionError);
  });

  it('says why without revealing the secret', () => {
    const encrypted = encryptCredential(secret, key, providerId);
    try {
      decryptCredential(row(providerId, encrypted), randomBytes(32));
      throw new Error('expected a failure');
    } catch (error) {
      expect((error as Error).message).toContain(providerId);
      expect((error as Error).message).not.toContain(secret);
    }
  });

  it('returns null for a provider without a credential, and refuses partly set columns', () => {
    const none = { id: providerId, credentialCiphertext: null, credentialIv: null, credentialAuthTag: null };
    expect(decryptCredential(none, key)).toBeNull();
    const encrypted = encryptCredential(secret, key, providerId);
    expect(() => decryptCredential({ ...row(providerId, encrypted), credentialAuthTag: null }, key)).toThrow(
      /partly set/,
    );
  });

  it('accepts only 32-byte keys', () => {
    expect(credentialKeyFromBase64(key.toString('base64')).equals(key)).toBe(true);
    expect(() => credentialKeyFromBase64(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
    expect(() => encryptCredential(secret, randomBytes(16), providerId)).toThrow(/32 bytes/);
  });
});
