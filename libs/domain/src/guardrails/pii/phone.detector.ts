import type { PiiFinding } from './pii-entity';
import { isValidNationalNumber, phoneRegion, regionOfInternationalNumber } from './phone-metadata';
import { continuesTokenAfter, continuesTokenBefore, isPartOfWrittenNumber, textAfter, textBefore } from './text-scan';

/**
 * PHONE: a telephone number that libphonenumber's metadata says is valid, in international form (`+44 20 7946 0958`,
 * `0044 …`) for any country, or in the national form of one of a few regions (`(415) 555-2671`, `030 901820`).
 *
 * A digit run is not a phone number because it is long: a number written nationally is only taken when it is
 * grouped the way people write phone numbers, or when a word such as "phone" or "Tel." stands before it, and every
 * candidate must be valid for a region, not merely possible. Dates, IP addresses, versions, amounts and codes glued
 * to letters are turned away before any metadata is consulted.
 */
export function detectPhones(text: string, options: PhoneDetectionOptions = {}): PiiFinding[] {
  const regions = options.nationalRegions ?? DEFAULT_NATIONAL_PHONE_REGIONS;
  const findings: PiiFinding[] = [];
  PHONE_RUN.lastIndex = 0;
  for (let match = PHONE_RUN.exec(text); match !== null; match = PHONE_RUN.exec(text)) {
    if (countDigits(match[0]) < MIN_DIGITS) continue; // the cheap filter: most digit runs in prose are short
    for (const segment of segmentsOf(match[0], match.index)) {
      const finding = phoneIn(text, segment, regions);
      if (finding) findings.push(finding);
    }
  }
  return findings;
}

export interface PhoneDetectionOptions {
  /**
   * Regions whose national format (no country code) is recognised, in the order tried. International numbers
   * (`+…`, `00…`) are recognised for every country whatever this says.
   */
  nationalRegions?: readonly string[];
}

/**
 * Where a number without a country code is looked for. Each region added lets more digit strings through, so the
 * list is short: North America, the larger European countries and a few others whose national format starts with
 * a trunk prefix (which makes a national number recognisable).
 */
export const DEFAULT_NATIONAL_PHONE_REGIONS: readonly string[] = [
  'US',
  'CA',
  'GB',
  'DE',
  'FR',
  'ES',
  'IT',
  'NL',
  'BE',
  'CH',
  'AT',
  'IE',
  'PT',
  'SE',
  'AU',
  'IN',
  'JP',
];

/** The shortest national numbers with an area code have 7 digits; E.164 allows at most 15 with the country code. */
const MIN_DIGITS = 7;
const MAX_DIGITS = 15;

/**
 * A digit (or `+`/`(` before one) and then digits, spaces, and the punctuation people put in phone numbers, seven
 * characters at least (a shorter run cannot hold seven digits; requiring it inside the expression lets the engine
 * skip short numbers without stopping). It is a single character class under one quantifier, so a run is matched
 * once, in linear time; its inner structure is checked in code.
 */
const PHONE_RUN = /[+(]?\d[\d \u00a0().\-/]{6,}/g;

interface Segment {
  start: number;
  end: number;
  groups: string[];
  separators: string[];
}

/**
 * Splits a run into candidate numbers at every gap that does not belong inside a phone number (two spaces,
 * ` - `, ` / `, `. `): `0221 123456 / 0171 2345678` is two numbers. Between two digit groups a number has at most
 * one space, dash, dot or slash, plus the parentheses around an area code.
 */
function segmentsOf(run: string, offset: number): Segment[] {
  const segments: Segment[] = [];
  let current: Segment | null = null;
  let separator = '';
  let index = 0;
  while (index < run.length) {
    const from = index;
    if (!isDigit(run.charCodeAt(index))) {
      while (index < run.length && !isDigit(run.charCodeAt(index))) index++;
      separator = run.slice(from, index);
      continue;
    }
    while (index < run.length && isDigit(run.charCodeAt(index))) index++;
    const group = run.slice(from, index);
    if (current !== null && (isInnerSeparator(separator) || isAreaCodeSlash(separator, current))) {
      current.groups.push(group);
      current.separators.push(separator);
      current.end = offset + index;
    } else {
      if (current !== null) segments.push(current);
      // An opening parenthesis or a `+` right before the group belongs to the number.
      const lead = separator.endsWith('(') || separator.endsWith('+') ? 1 : 0;
      current = { start: offset + from - lead, end: offset + index, groups: [group], separators: [] };
    }
    separator = '';
  }
  if (current !== null) segments.push(current);
  return segments;
}

/**
 * `030 / 12 34 56`: German and Austrian numbers set the area code off with a spaced slash. Elsewhere a spaced slash
 * separates two numbers, so it joins only a lone first group that is an area code (a trunk `0` and 2–5 digits).
 */
function isAreaCodeSlash(separator: string, current: Segment): boolean {
  if (separator !== ' / ' || current.groups.length !== 1) return false;
  const area = current.groups[0] as string;
  return area.startsWith('0') && area.length >= 3 && area.length <= 6;
}

function isInnerSeparator(separator: string): boolean {
  // A character loop, not splits and replaces: this runs for every gap in every digit run of a prompt.
  if (separator.length > 3) return false;
  let opens = 0;
  let closes = 0;
  let others = 0;
  let other = '';
  for (const char of separator) {
    if (char === '(') opens++;
    else if (char === ')') closes++;
    else {
      others++;
      other = char;
    }
  }
  if (opens > 1 || closes > 1 || others > 1) return false;
  return others === 0 || other === ' ' || other === '\u00a0' || other === '-' || other === '.' || other === '/';
}

/** Tested for every character of every digit run, so kept in this module (an imported function is a property read). */
function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function countOf(value: string, char: string): number {
  let count = 0;
  for (let index = value.indexOf(char); index !== -1; index = value.indexOf(char, index + 1)) count++;
  return count;
}

function countDigits(value: string): number {
  let count = 0;
  for (let index = 0; index < value.length; index++) if (isDigit(value.charCodeAt(index))) count++;
  return count;
}

/** Words before a number that say it is a phone number, in the languages of the default regions. */
const PHONE_CONTEXT =
  /(?:phone|tel\b|tel\.|tél|telephone|mobile|cell|call|fax|whatsapp|sms|text me|dial|ring|contact|reach|hotline|telefon|handy|mobil|rufnummer|durchwahl|portable|appel|teléfono|telefono|móvil|celular|llam|llám|cellulare|chiama|telefoon|bel |numéro|電話)/;

/** Words right before a number that say it is something else: an order, an invoice, a part, a build. */
const OTHER_NUMBER_CONTEXT =
  /(?:\b(?:art\.?-?nr|artikel(?:nummer)?|nr|no|n°|order|invoice|ticket|case|ref|reference|sku|part|p\/n|item|model|serial|account|acct|tracking|isbn|issn|patent|batch|lot|po|zip|zip code|postal code|postcode|plz|version|ver|release|build|firmware|rev|revision|id|customer|kunden|bestell|rechnung|commande|facture|pedido|factura|ordine|fattura)(?:\s*(?:number|no\.?|nr\.?|num\.?|#|id))?|#)[\s:.-]*$/;

/** Dates in the orders people write them, with a four-digit year: `2024-01-15`, `15.01.2024`, `01/15/2024`. */
const DATE = /(?:^|\D)(?:(?:19|20)\d\d[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./](?:19|20)\d\d)(?!\d)/;

const SSN_SHAPE = /^\d{3}-\d{2}-\d{4}$/;
const ZIP_PLUS_FOUR = /^\d{5}-\d{4}$/;

/** A dotted quad is an IPv4 address or a version, never a phone number. */
const DOTTED_QUAD = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** An amount or a measure right after the number. */
const UNIT_AFTER =
  /^\s?(?:%|€|\$|£|¥|eur\b|usd\b|gbp\b|chf\b|jpy\b|km\b|kg\b|mb\b|gb\b|kb\b|ms\b|px\b|units?\b|pcs\b|items?\b|times\b|mal\b)/;

function phoneIn(text: string, segment: Segment, regions: readonly string[]): PiiFinding | null {
  const digits = segment.groups.join('');
  // One more digit is allowed for the national prefix some write after the country code: `+44 (0)20 …`.
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS + 1) return null;
  // Balance the parentheses at the ends: `(415) 555-2671` keeps both, `… 2671)` loses the stray one.
  let { start, end } = segment;
  const inner = text.slice(start, end);
  if (text[end] === ')' && countOf(inner, '(') > countOf(inner, ')')) end++;
  if (text[start] === '(' && !inner.includes(')')) start++;
  const raw = text.slice(start, end);

  // The shape, cheapest first: dates, dotted quads, SSNs and check-digit suffixes are not phone numbers.
  if (DATE.test(raw) || DOTTED_QUAD.test(raw)) return null;
  // `078-05-1120` is how Social Security numbers are written, `90210-1234` a ZIP+4 code; phone numbers are not
  // grouped 3-2-4 or 5-4 with dashes.
  if (SSN_SHAPE.test(raw) || ZIP_PLUS_FOUR.test(raw)) return null;
  // No phone format ends in a one-digit group: `030-901820-1` is an article number with a check digit.
  if (segment.groups.length > 1 && (segment.groups.at(-1) as string).length < 2) return null;
  // Phone numbers written with dots group at least two digits (`415.555.2671`); `10.0.19041.1` is a version.
  if (segment.separators.some((separator) => separator.includes('.')) && segment.groups.some((g) => g.length < 2)) {
    return null;
  }
  // Glued to a word or a code, or an amount.
  if (continuesTokenBefore(text, start) || continuesTokenAfter(text, end)) return null;
  if (isPartOfWrittenNumber(text, start, end)) return null;
  if (/[$€£¥]\s?$/.test(textBefore(text, start, 2)) || UNIT_AFTER.test(textAfter(text, end, 7))) return null;

  const finding: PiiFinding = { entity: 'PHONE', start, end, text: raw };
  // A `+` and a valid number for the country it names: nothing else makes digits that clearly a phone number.
  if (raw.startsWith('+'))
    return digits.length <= MAX_DIGITS + (raw.includes('(0)') ? 1 : 0) && regionOfInternationalNumber(digits) !== null
      ? finding
      : null;
  if (digits.length > MAX_DIGITS) return null;

  const before = textBefore(text, start, 40);
  const named = PHONE_CONTEXT.test(before);
  // `00` is the international call prefix in most of the world: `0044 20 7946 0958`.
  const international = digits.startsWith('00') && regionOfInternationalNumber(digits.slice(2)) !== null;
  if (!international) {
    // A national number needs the grouping of a phone number, or a word naming it: a bare run of ten digits is as
    // likely an order or account number, and digits grouped in thousands (`2 147 483 648`) are a quantity.
    const formatted = segment.groups.length >= 2 || raw.includes('(');
    if (!named && (!formatted || isThousandsGrouping(segment))) return null;
    if (!isNationalNumberOfSomeRegion(digits, regions)) return null;
  }
  // A label right before it that names the number as something else wins, unless a phone word stands closer.
  if (!named && OTHER_NUMBER_CONTEXT.test(before)) return null;
  return finding;
}

/**
 * `1 234 567`, `12.345.678`: a first group of one to three digits, then groups of exactly three. Three groups of
 * three (`612 345 678`) are left to the metadata: that is how Spain and Portugal write their numbers.
 */
function isThousandsGrouping(segment: Segment): boolean {
  const [first, ...rest] = segment.groups;
  if (first === undefined || first.length > 3 || first.startsWith('0') || rest.length < 2) return false;
  if (first.length === 3 && rest.length === 2) return false;
  return rest.every((group) => group.length === 3) && new Set(segment.separators).size === 1;
}

/**
 * True when the digits, dialled within one of the regions, are a valid number there. Where a region has a trunk
 * prefix (`0` in most of Europe) people write it, so it is required: that keeps most digit strings from matching.
 * In North America the leading `1` is optional.
 */
function isNationalNumberOfSomeRegion(digits: string, regions: readonly string[]): boolean {
  for (const code of regions) {
    const region = phoneRegion(code);
    if (region === null) continue;
    let national: string | null;
    if (region.countryCode === 1) {
      national = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
    } else if (region.nationalPrefix !== null) {
      national = digits.startsWith(region.nationalPrefix) ? digits.slice(region.nationalPrefix.length) : null;
    } else {
      national = digits;
    }
    if (national !== null && isValidNationalNumber(region, national)) return true;
  }
  return false;
}
