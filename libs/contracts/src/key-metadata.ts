import { z } from 'zod';
import { hasUnsafeNameCharacters } from './names';

/**
 * An API key's metadata labels, `{ team: 'search', env: 'prod' }`: free-form name/value pairs that the policy rule
 * `access.keyMetadata` reads. One schema for the admin API's requests and responses and the gateway's key snapshot.
 */

export const MAX_KEY_LABELS = 20;
export const KEY_LABEL_VALUE_MAX = 256;
/** Lower case, starting with a letter, at most 63 characters; `.`, `_` and `-` allowed after the first. */
export const KEY_LABEL_NAME_PATTERN = /^[a-z][a-z0-9_.-]{0,62}$/;

export const KEY_LABEL_NAME_MESSAGE =
  'must start with a lower-case letter and hold only a-z, 0-9, ".", "_" and "-" (at most 63 characters)';

export const keyLabelNameSchema = z.string().regex(KEY_LABEL_NAME_PATTERN, KEY_LABEL_NAME_MESSAGE);

/** Not trimmed: a policy compares the value exactly as stored. */
export const keyLabelValueSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(KEY_LABEL_VALUE_MAX, `must be at most ${KEY_LABEL_VALUE_MAX} characters`)
  .refine((value) => !hasUnsafeNameCharacters(value), 'must not contain control characters or invisible formatting');

export const keyMetadataSchema = z
  .record(keyLabelNameSchema, keyLabelValueSchema, {
    // A bad name is reported at `metadata.<name>` with this reason rather than zod's "Invalid key in record".
    error: (issue) => (issue.code === 'invalid_key' ? `label name ${KEY_LABEL_NAME_MESSAGE}` : undefined),
  })
  .refine((labels) => Object.keys(labels).length <= MAX_KEY_LABELS, `at most ${MAX_KEY_LABELS} labels`)
  .meta({ maxProperties: MAX_KEY_LABELS });
export type KeyMetadata = z.infer<typeof keyMetadataSchema>;

/** The labels of a key that has none: one shared, frozen object. */
export const EMPTY_KEY_METADATA: KeyMetadata = Object.freeze({});

/**
 * The stored labels document read back: only the well-formed labels, by name; the shared empty object when there
 * are none. admin-api writes only what the schema accepts, so this drops nothing in practice.
 */
export function readKeyMetadata(stored: unknown): KeyMetadata {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return EMPTY_KEY_METADATA;
  const labels = Object.entries(stored as Record<string, unknown>)
    .filter(
      (entry): entry is [string, string] =>
        keyLabelNameSchema.safeParse(entry[0]).success && keyLabelValueSchema.safeParse(entry[1]).success,
    )
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, MAX_KEY_LABELS);
  return labels.length === 0 ? EMPTY_KEY_METADATA : Object.fromEntries(labels);
}
