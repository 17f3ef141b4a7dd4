import { z } from 'zod';
import { base64Key32, DEV_CALL_LOG_ENCRYPTION_KEY } from '../fields';

/**
 * The call log's body encryption keys, which the gateway (encrypts with the current key) and the admin API (decrypts
 * with the key of each body's version) must share. Rotating: give the new key a new version and move the old one to
 * `CALL_LOG_ENCRYPTION_PREVIOUS_KEYS` until the bodies it encrypted have expired.
 */
export const callLogKeyVariables = {
  CALL_LOG_ENCRYPTION_KEY: base64Key32.default(DEV_CALL_LOG_ENCRYPTION_KEY),
  CALL_LOG_ENCRYPTION_KEY_VERSION: z.coerce.number().int().min(1).max(2_147_483_647).default(1),
  /** Earlier keys, still read: `version:base64,version:base64`. */
  CALL_LOG_ENCRYPTION_PREVIOUS_KEYS: z
    .string()
    .default('')
    .transform((value, context) => {
      const keys: { version: number; key: string }[] = [];
      for (const entry of value.split(',').map((part) => part.trim())) {
        if (entry === '') continue;
        const match = /^(\d{1,10}):(\S+)$/.exec(entry);
        const version = Number(match?.[1]);
        if (match === null || version < 1 || !base64Key32.safeParse(match[2]).success) {
          context.addIssue({
            code: 'custom',
            message: 'must be a comma list of version:key, each key 32 bytes in base64 (2:aGVsbG8...)',
          });
          return z.NEVER;
        }
        keys.push({ version, key: match[2] as string });
      }
      return keys;
    }),
};

type CallLogKeyInput = z.output<z.ZodObject<typeof callLogKeyVariables>> & { NODE_ENV: string };

/** The development key in production, and a previous key under the current version, are configuration errors. */
export function checkCallLogKeys(env: CallLogKeyInput, context: z.RefinementCtx): void {
  if (env.NODE_ENV === 'production' && env.CALL_LOG_ENCRYPTION_KEY === DEV_CALL_LOG_ENCRYPTION_KEY) {
    context.addIssue({ code: 'custom', path: ['CALL_LOG_ENCRYPTION_KEY'], message: 'must be set in production' });
  }
  const versions = env.CALL_LOG_ENCRYPTION_PREVIOUS_KEYS.map((entry) => entry.version);
  if (versions.includes(env.CALL_LOG_ENCRYPTION_KEY_VERSION) || new Set(versions).size !== versions.length) {
    context.addIssue({
      code: 'custom',
      path: ['CALL_LOG_ENCRYPTION_PREVIOUS_KEYS'],
      message: 'must give each version once, and not CALL_LOG_ENCRYPTION_KEY_VERSION',
    });
  }
}

/** The keys as the call log's keyring reads them (libs/domain `callLogKeyring`). */
export function callLogKeysSection(env: CallLogKeyInput) {
  return {
    current: { version: env.CALL_LOG_ENCRYPTION_KEY_VERSION, key: env.CALL_LOG_ENCRYPTION_KEY },
    previous: env.CALL_LOG_ENCRYPTION_PREVIOUS_KEYS,
  };
}
