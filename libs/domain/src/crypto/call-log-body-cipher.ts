import { AesGcmOpenError, type AesGcmSealed, aesGcmKeyFromBase64, openAesGcm, sealAesGcm } from './aes-gcm';

/**
 * The call log's stored request and response bodies at rest: AES-256-GCM (aes-gcm.ts) under a versioned key, with
 * the request id and the body's side as additional authenticated data, so a ciphertext moved onto another call, or
 * from the request to the response, fails to decrypt. The gateway encrypts with the current key before a body leaves
 * its process (queue, spool and database only ever hold ciphertext); the admin API decrypts with the key of the
 * version stored beside it, so bodies written before a rotation stay readable while their key is kept as a previous
 * one.
 */
export type CallLogBodySide = 'request' | 'response';

/** The keys of the call log: the current one encrypts, any of them decrypts what was written under its version. */
export interface CallLogKeyring {
  current: { version: number; key: Buffer };
  /** Keys of earlier versions, kept to read what they encrypted until it expires. */
  previous: ReadonlyMap<number, Buffer>;
}

/** An encrypted body and the version of the key that encrypted it. */
export interface SealedCallLogBody extends AesGcmSealed {
  keyVersion: number;
}

/** The keyring from its configured form: keys as base64 of 32 bytes, each with its version. */
export function callLogKeyring(
  current: { version: number; key: string },
  previous: readonly { version: number; key: string }[] = [],
): CallLogKeyring {
  const previousKeys = new Map<number, Buffer>();
  for (const { version, key } of previous) {
    if (version === current.version) throw new Error(`The previous call log key ${version} has the current version`);
    previousKeys.set(version, aesGcmKeyFromBase64(key, `call log encryption key ${version}`));
  }
  return {
    current: { version: current.version, key: aesGcmKeyFromBase64(current.key, 'call log encryption key') },
    previous: previousKeys,
  };
}

export function encryptCallLogBody(
  text: string,
  keyring: CallLogKeyring,
  requestId: string,
  side: CallLogBodySide,
): SealedCallLogBody {
  return encryptUnderCallLogKeys(text, keyring, associatedData(requestId, side));
}

/**
 * Other prompt-bearing state the gateway keeps at rest under the call log's keys (stored Responses, with their
 * conversations): the same cipher, keyring and rotation, with associated data of the caller's that names what the
 * text belongs to (tenant and id) and never starts as the call log's does, so neither can be passed off as the other.
 */
export function encryptUnderCallLogKeys(text: string, keyring: CallLogKeyring, context: string): SealedCallLogBody {
  const { version, key } = keyring.current;
  return { ...sealAesGcm(text, key, context), keyVersion: version };
}

/** Why a stored body could not be read; never holds key material, ciphertext or plaintext. */
export class CallLogBodyDecryptionError extends Error {
  constructor(reason: string) {
    super(`A stored call log body cannot be decrypted: ${reason}`);
    this.name = 'CallLogBodyDecryptionError';
  }
}

/** The body's text; throws `CallLogBodyDecryptionError` for an unknown key version, a wrong key or altered bytes. */
export function decryptCallLogBody(
  sealed: Readonly<Record<keyof AesGcmSealed, Uint8Array>> & { keyVersion: number },
  keyring: CallLogKeyring,
  requestId: string,
  side: CallLogBodySide,
): string {
  return decryptUnderCallLogKeys(sealed, keyring, associatedData(requestId, side));
}

/** What `encryptUnderCallLogKeys` sealed under the same `context`; throws as `decryptCallLogBody` does. */
export function decryptUnderCallLogKeys(
  sealed: Readonly<Record<keyof AesGcmSealed, Uint8Array>> & { keyVersion: number },
  keyring: CallLogKeyring,
  context: string,
): string {
  const key =
    sealed.keyVersion === keyring.current.version ? keyring.current.key : keyring.previous.get(sealed.keyVersion);
  if (key === undefined) throw new CallLogBodyDecryptionError(`no key of version ${sealed.keyVersion} is configured`);
  try {
    return openAesGcm(sealed, key, context);
  } catch (error) {
    if (error instanceof AesGcmOpenError) throw new CallLogBodyDecryptionError(error.message);
    throw error;
  }
}

function associatedData(requestId: string, side: CallLogBodySide): string {
  return `call-log-body\n${side}\n${requestId}`;
}
