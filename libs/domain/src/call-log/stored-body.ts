import { type DenyList, DENY_LIST_REDACTION } from '../guardrails/deny-list/deny-list';
import { PII_ENTITIES } from '../guardrails/pii/pii-entity';
import { redactPii } from '../guardrails/pii/redact-pii';

/** The most characters of one body the call log stores; a longer one is cut there and marked truncated. */
export const MAX_STORED_BODY_CHARS = 64 * 1024;

/**
 * The most characters of a streamed answer the gateway assembles for the call log. Redaction reads more than is
 * stored, so that a value the storage cap cuts was still seen whole (and replaced) first.
 */
export const MAX_CAPTURED_BODY_CHARS = 4 * MAX_STORED_BODY_CHARS;

/** A body as the call log stores it (before encryption). */
export interface StoredBody {
  text: string;
  /** Whether the body was longer than what is stored. */
  truncated: boolean;
}

/**
 * A request or response body made fit to store: every built-in PII entity replaced by its numbered placeholder
 * (`[EMAIL_1]`), whatever the policy's own PII rules say, then every match of the given deny lists by
 * `[REDACTED]`; then cut to `MAX_STORED_BODY_CHARS`. Redaction runs on the whole text before the cut, so the cut
 * never leaves a value half-seen. `truncated` says the text given was itself already cut.
 */
export function storedBody(text: string, denyLists: readonly DenyList[], truncated = false): StoredBody {
  let redacted = redactPii(text, PII_ENTITIES).text;
  for (const list of denyLists) redacted = list.redact(redacted, DENY_LIST_REDACTION);
  if (redacted.length <= MAX_STORED_BODY_CHARS) return { text: redacted, truncated };
  return { text: redacted.slice(0, MAX_STORED_BODY_CHARS), truncated: true };
}
