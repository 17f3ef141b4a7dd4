import { randomBytes } from 'node:crypto';
import {
  callLogKeyring,
  CallLogBodyDecryptionError,
  decryptCallLogBody,
  decryptUnderCallLogKeys,
  encryptCallLogBody,
  encryptUnderCallLogKeys,
} from './call-log-body-cipher';

const REQUEST_ID = 'req-0123456789';
const BODY = '{"messages":[{"role":"user","content":"hello [EMAIL_1]"}]}';

function keyring(version = 1, previous: { version: number; key: string }[] = []) {
  return callLogKeyring({ version, key: randomBytes(32).toString('base64') }, previous);
}

describe('call log body cipher (AES-256-GCM, versioned key, request id and side as associated data)', () => {
  it('round-trips, with a fresh IV each time and ciphertext that does not hold the text', () => {
    const keys = keyring(3);
    const one = encryptCallLogBody(BODY, keys, REQUEST_ID, 'request');
    const two = encryptCallLogBody(BODY, keys, REQUEST_ID, 'request');
    expect(one.keyVersion).toBe(3);
    expect(Buffer.from(one.iv).equals(Buffer.from(two.iv))).toBe(false);
    expect(Buffer.from(one.ciphertext).toString('utf8')).not.toContain('hello');
    expect(decryptCallLogBody(one, keys, REQUEST_ID, 'request')).toBe(BODY);
  });

  it('refuses altered bytes, another call, the other side and a wrong key', () => {
    const keys = keyring();
    const sealed = encryptCallLogBody(BODY, keys, REQUEST_ID, 'response');
    const tampered = {
      ...sealed,
      ciphertext: Uint8Array.from(sealed.ciphertext, (byte, i) => (i === 0 ? byte ^ 1 : byte)),
    };
    expect(() => decryptCallLogBody(tampered, keys, REQUEST_ID, 'response')).toThrow(CallLogBodyDecryptionError);
    expect(() => decryptCallLogBody(sealed, keys, 'req-other', 'response')).toThrow(CallLogBodyDecryptionError);
    expect(() => decryptCallLogBody(sealed, keys, REQUEST_ID, 'request')).toThrow(CallLogBodyDecryptionError);
    const otherKey = callLogKeyring({ version: 1, key: randomBytes(32).toString('base64') });
    expect(() => decryptCallLogBody(sealed, otherKey, REQUEST_ID, 'response')).toThrow(/authentication failed/);
    try {
      decryptCallLogBody(sealed, otherKey, REQUEST_ID, 'response');
    } catch (error) {
      expect((error as Error).message).not.toContain('hello');
    }
  });

  it('reads bodies of an earlier key after a rotation, and names a version it has no key for', () => {
    const oldKey = randomBytes(32).toString('base64');
    const before = callLogKeyring({ version: 1, key: oldKey });
    const sealed = encryptCallLogBody(BODY, before, REQUEST_ID, 'request');
    const after = keyring(2, [{ version: 1, key: oldKey }]);
    expect(encryptCallLogBody(BODY, after, REQUEST_ID, 'request').keyVersion).toBe(2);
    expect(decryptCallLogBody(sealed, after, REQUEST_ID, 'request')).toBe(BODY);
    expect(() => decryptCallLogBody(sealed, keyring(2), REQUEST_ID, 'request')).toThrow(/no key of version 1/);
  });

  it('refuses keys of the wrong size and a previous key under the current version', () => {
    expect(() => callLogKeyring({ version: 1, key: randomBytes(16).toString('base64') })).toThrow(/32 bytes/);
    const key = randomBytes(32).toString('base64');
    expect(() => callLogKeyring({ version: 1, key }, [{ version: 1, key }])).toThrow(/current version/);
  });

  it('seals other state under the same keys, bound to its own context, never readable as a call log body', () => {
    const keys = keyring(4);
    const context = 'responses-state\ntenant-1\nresp_1';
    const sealed = encryptUnderCallLogKeys(BODY, keys, context);
    expect(sealed.keyVersion).toBe(4);
    expect(decryptUnderCallLogKeys(sealed, keys, context)).toBe(BODY);
    expect(() => decryptUnderCallLogKeys(sealed, keys, 'responses-state\ntenant-2\nresp_1')).toThrow(
      CallLogBodyDecryptionError,
    );
    const body = encryptCallLogBody(BODY, keys, REQUEST_ID, 'request');
    expect(() => decryptUnderCallLogKeys(body, keys, context)).toThrow(CallLogBodyDecryptionError);
  });
});
