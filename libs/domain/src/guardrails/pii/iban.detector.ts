import { getCountrySpecifications, isValidIBAN } from 'ibantools';
import type { PiiFinding } from './pii-entity';
import { continuesTokenBefore, isAsciiAlphanumeric } from './text-scan';

/**
 * IBAN: an international bank account number, in electronic form (`DE89370400440532013000`) or paper form (groups
 * of four separated by single spaces). A candidate must have the length its country registered, then pass ibantools'
 * check of the country's BBAN format and the ISO 7064 mod-97 check digits.
 */
export function detectIbans(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  IBAN_CANDIDATE.lastIndex = 0;
  for (let match = IBAN_CANDIDATE.exec(text); match !== null; match = IBAN_CANDIDATE.exec(text)) {
    const start = match.index;
    // Whatever this candidate turns out to be, an IBAN may still start at a later character of it.
    IBAN_CANDIDATE.lastIndex = start + 1;
    if (continuesTokenBefore(text, start)) continue;
    const length = COUNTRY_LENGTHS.get(match[0].slice(0, 2));
    if (length === undefined) continue; // not a country that issues IBANs
    const raw = ibanPrefix(match[0], length);
    if (raw === null) continue;
    const end = start + raw.length;
    // Where the IBAN ends, the token must end: a longer run of letters and digits is another code.
    if (end < text.length && isAsciiAlphanumeric(text.charCodeAt(end))) continue;
    if (!isValidIBAN(raw.replaceAll(' ', ''))) continue;
    findings.push({ entity: 'IBAN', start, end, text: raw });
    IBAN_CANDIDATE.lastIndex = end;
  }
  return findings;
}

/**
 * Country code, two check digits, then 11 to 30 upper-case letters and digits (IBANs are 15 to 34 characters), each
 * optionally preceded by one space: every repetition takes one character and the count is bounded, so a match costs
 * at most 30 steps wherever it starts. The match may run into the next upper-case word (`… 00 BIC`); `ibanPrefix`
 * cuts it at the country's length.
 */
const IBAN_CANDIDATE = /[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}/g;

/** The registered length of each country's IBAN (ISO 13616), from ibantools' table. */
const COUNTRY_LENGTHS: ReadonlyMap<string, number> = new Map(
  Object.entries(getCountrySpecifications()).flatMap(([country, spec]) =>
    typeof spec.chars === 'number' ? [[country, spec.chars] as const] : [],
  ),
);

/**
 * The first `length` characters of the candidate (spaces aside), in electronic form or the paper form's groups of
 * four; null when the candidate is shorter or grouped otherwise.
 */
function ibanPrefix(candidate: string, length: number): string | null {
  let count = 0;
  let index = 0;
  while (index < candidate.length && count < length) {
    if (candidate[index] !== ' ') count++;
    index++;
  }
  if (count < length) return null;
  const raw = candidate.slice(0, index);
  if (!raw.includes(' ')) return raw;
  const groups = raw.split(' ');
  const last = groups.length - 1;
  return groups.every((group, position) => (position === last ? group.length <= 4 : group.length === 4)) ? raw : null;
}
