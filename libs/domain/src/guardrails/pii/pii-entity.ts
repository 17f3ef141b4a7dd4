/** The kinds of personal data and secrets the PII guardrail finds (the policy document's `pii.*.entities`). */
export const PII_ENTITIES = ['EMAIL', 'PHONE', 'CREDIT_CARD', 'IBAN', 'IP_ADDRESS', 'US_SSN', 'SECRET'] as const;

export type PiiEntity = (typeof PII_ENTITIES)[number];

/**
 * One finding: the entity and its span, as UTF-16 code-unit offsets into the scanned text (what `String#slice`
 * takes), and the text of that span. The text is the caller's data: keep it in memory only (redaction puts it in
 * the request's vault); anything logged or recorded carries the entity and the offsets, never the text.
 */
export interface PiiFinding {
  entity: PiiEntity;
  start: number;
  end: number;
  text: string;
}

/** A detector scans a whole text for one entity and returns its findings in order, not overlapping each other. */
export type PiiDetector = (text: string) => PiiFinding[];

export function isPiiEntity(value: unknown): value is PiiEntity {
  return typeof value === 'string' && (PII_ENTITIES as readonly string[]).includes(value);
}
