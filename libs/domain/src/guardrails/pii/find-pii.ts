import { detectCreditCards } from './credit-card.detector';
import { detectEmails } from './email.detector';
import { detectIbans } from './iban.detector';
import { detectIpAddresses } from './ip-address.detector';
import { detectPhones, type PhoneDetectionOptions } from './phone.detector';
import { withoutOverlaps } from './overlaps';
import type { PiiEntity, PiiFinding } from './pii-entity';
import { detectSecrets } from './secret.detector';
import { detectUsSsns } from './us-ssn.detector';

export type PiiDetectionOptions = PhoneDetectionOptions;

/**
 * When findings of two entities overlap, the longer one is kept; at equal length, the more specific one (the
 * earlier in this list): a checksum-backed card or IBAN says more than a digit string that is also a valid phone
 * number, and a secret token more than anything inside it.
 */
const SPECIFICITY: readonly PiiEntity[] = ['SECRET', 'CREDIT_CARD', 'IBAN', 'EMAIL', 'US_SSN', 'IP_ADDRESS', 'PHONE'];

/**
 * Every finding of the given entities in `text`, in text order and never overlapping. Offsets are UTF-16 code
 * units. Nothing is logged or kept: the findings hold the only copies of what was found.
 */
export function findPii(text: string, entities: readonly PiiEntity[], options: PiiDetectionOptions = {}): PiiFinding[] {
  if (text.length === 0 || entities.length === 0) return [];
  const found: PiiFinding[] = [];
  for (const entity of new Set(entities)) {
    for (const finding of detect(entity, text, options)) found.push(finding);
  }
  return resolveOverlaps(found);
}

function detect(entity: PiiEntity, text: string, options: PiiDetectionOptions): PiiFinding[] {
  switch (entity) {
    case 'EMAIL':
      return detectEmails(text);
    case 'PHONE':
      return detectPhones(text, options);
    case 'CREDIT_CARD':
      return detectCreditCards(text);
    case 'IBAN':
      return detectIbans(text);
    case 'IP_ADDRESS':
      return detectIpAddresses(text);
    case 'US_SSN':
      return detectUsSsns(text);
    case 'SECRET':
      return detectSecrets(text);
    default:
      return [];
  }
}

function resolveOverlaps(found: PiiFinding[]): PiiFinding[] {
  return withoutOverlaps(found, (finding) => SPECIFICITY.indexOf(finding.entity));
}
