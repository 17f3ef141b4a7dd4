import { findPii, type PiiDetectionOptions } from './find-pii';
import type { PiiEntity, PiiFinding } from './pii-entity';
import { PlaceholderVault } from './placeholder-vault';

/** A redacted finding: where it was in the input and what replaced it. It carries no original text. */
export interface RedactedFinding {
  entity: PiiEntity;
  start: number;
  end: number;
  placeholder: string;
}

export type PiiCounts = Partial<Record<PiiEntity, number>>;

export interface PiiRedaction {
  /** The text with every finding replaced by its placeholder. */
  text: string;
  /** Offsets into the input text, in order. */
  findings: RedactedFinding[];
  /** How many findings of each entity (what `x-gatehouse-policy` and the usage event report). */
  counts: PiiCounts;
  /** The request's vault, now also holding this text's originals. */
  vault: PlaceholderVault;
}

/**
 * Replaces every finding of the given entities by a numbered placeholder of its entity (`[EMAIL_1]`). Pass the
 * same vault for every text of one request (each message, then the answer), so that numbering runs across them
 * and one value keeps one placeholder; never pass a vault to another request.
 */
export function redactPii(
  text: string,
  entities: readonly PiiEntity[],
  vault: PlaceholderVault = new PlaceholderVault(),
  options: PiiDetectionOptions = {},
): PiiRedaction {
  return redactFindings(text, findPii(text, entities, options), vault);
}

/** `redactPii` for findings already at hand (from `findPii` on the same text). */
export function redactFindings(
  text: string,
  findings: readonly PiiFinding[],
  vault: PlaceholderVault = new PlaceholderVault(),
): PiiRedaction {
  const redacted: RedactedFinding[] = [];
  const counts: PiiCounts = {};
  const parts: string[] = [];
  let cursor = 0;
  // A placeholder the caller typed themselves is never handed out, or restoring would rewrite their text.
  const isTaken = (placeholder: string) => text.includes(placeholder);
  for (const finding of findings) {
    const placeholder = vault.placeholderFor(finding.entity, finding.text, isTaken);
    parts.push(text.slice(cursor, finding.start), placeholder);
    cursor = finding.end;
    redacted.push({ entity: finding.entity, start: finding.start, end: finding.end, placeholder });
    counts[finding.entity] = (counts[finding.entity] ?? 0) + 1;
  }
  parts.push(text.slice(cursor));
  return { text: findings.length === 0 ? text : parts.join(''), findings: redacted, counts, vault };
}
