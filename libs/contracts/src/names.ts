import { z } from 'zod';

/**
 * What a name may not hold: C0 and C1 control characters (DEL included), bidirectional marks, embeddings, overrides
 * and isolates (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069), line and paragraph separators, and invisible
 * format characters (zero-width space, word joiner and the like, the byte-order mark). A name shows up in tables,
 * audit entries and e-mails, where these would hide or reorder text ("Trojan Source"). The zero-width joiner and
 * non-joiner (U+200D, U+200C) stay allowed: emoji sequences and several scripts need them.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_IN_NAMES = /[\u0000-\u001F\u007F-\u009F\u061C\u200B\u200E\u200F\u2028-\u202E\u2060-\u206F\uFEFF]/;

export const UNSAFE_NAME_MESSAGE = 'must not contain control characters or invisible formatting characters';

/**
 * `value` without the characters names may not hold: for a name someone else supplied (an SSO provider's claim),
 * which cannot be sent back to be corrected.
 */
export function withoutUnsafeNameCharacters(value: string): string {
  return value.replace(new RegExp(UNSAFE_IN_NAMES.source, 'g'), '');
}

/** True when `value` holds a character that UNSAFE_IN_NAMES refuses. */
export function hasUnsafeNameCharacters(value: string): boolean {
  return UNSAFE_IN_NAMES.test(value);
}

/**
 * The one schema for a human-readable name (user, tenant, key, product...): trimmed, 1 to `max` characters, none of
 * them a control or invisible formatting character.
 */
export function nameSchema(max: number, messages: { empty?: string; tooLong?: string } = {}) {
  return z
    .string()
    .trim()
    .min(1, messages.empty)
    .max(max, messages.tooLong)
    .refine((value) => !hasUnsafeNameCharacters(value), UNSAFE_NAME_MESSAGE);
}
