import type { PiiFinding } from './pii-entity';
import { continuesTokenAfter, continuesTokenBefore, isPartOfWrittenNumber, textBefore } from './text-scan';

/**
 * CREDIT_CARD: a payment card number (PAN) of a known network, written bare or in groups separated by spaces or
 * dashes. A candidate is a maximal run of digits with single separators (so no window inside a longer number is
 * ever tried), and it must pass, in order of cost: the length, the grouping, the network's issuer range (IIN) and
 * length, and the Luhn check digit.
 */
export function detectCreditCards(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  CARD_CANDIDATE.lastIndex = 0;
  for (let match = CARD_CANDIDATE.exec(text); match !== null; match = CARD_CANDIDATE.exec(text)) {
    const start = match.index;
    const run = match[0];
    if (continuesTokenBefore(text, start)) continue;
    // A decimal number (`4111111111111111.50`) or an amount with a currency sign is not a card.
    if (/[$€£¥]\s?$/.test(textBefore(text, start, 2))) continue;
    const card = cardAtStartOf(run);
    if (card === null) continue;
    const end = start + card.length;
    if (card.length === run.length && continuesTokenAfter(text, end)) continue;
    if (isPartOfWrittenNumber(text, start, end)) continue;
    findings.push({ entity: 'CREDIT_CARD', start, end, text: card });
  }
  return findings;
}

/**
 * The run itself if it is a card; else, for a run grouped with spaces, the run without its last one or two groups
 * (`4111 1111 1111 1111 12/26`: an expiry date written right after the number joins the run).
 */
function cardAtStartOf(run: string): string | null {
  if (isCardNumber(run)) return run;
  if (!run.includes(' ')) return null;
  let cut = run.length;
  for (let dropped = 0; dropped < 2; dropped++) {
    cut = run.lastIndexOf(' ', cut - 1);
    if (cut <= 0) return null;
    const shorter = run.slice(0, cut);
    if (isCardNumber(shorter)) return shorter;
  }
  return null;
}

function isCardNumber(raw: string): boolean {
  const digits = raw.replace(SEPARATORS, '');
  if (digits.length < MIN_LENGTH || digits.length > MAX_LENGTH) return false;
  return hasCardGrouping(raw, digits.length) && cardNetwork(digits) !== null && luhnValid(digits);
}

/**
 * Twelve digits or more, each after the first optionally preceded by one space or dash: every repetition consumes
 * exactly one digit, so there is one way to match a run and nothing to backtrack into, and shorter numbers are
 * skipped inside the engine.
 */
const CARD_CANDIDATE = /\d(?:[ -]?\d){11,}/g;
const SEPARATORS = /[ -]/g;

/** ISO/IEC 7812 PANs are 8–19 digits; networks in use issue 12 (some Maestro) to 19. */
const MIN_LENGTH = 12;
const MAX_LENGTH = 19;

/**
 * How people and printed cards group a PAN: all together, or one kind of separator between groups of four (the last
 * group shorter), or the 4-6-5 / 4-6-4 layout of American Express and Diners Club. Anything else (`1234-56-7890123`,
 * `12 345 678 901 234`) is another kind of number.
 */
function hasCardGrouping(raw: string, length: number): boolean {
  const separator = raw.match(/[ -]/)?.[0];
  if (separator === undefined) return true;
  const groups = raw.split(separator);
  if (groups.some((group) => /[ -]/.test(group))) return false; // mixed separators
  const sizes = groups.map((group) => group.length).join('-');
  if (sizes === '4-6-5' || sizes === '4-6-4') return true;
  const last = groups.length - 1;
  return (
    groups.length === Math.ceil(length / 4) && groups.every((group, index) => index === last || group.length === 4)
  );
}

export type CardNetwork =
  'VISA' | 'MASTERCARD' | 'AMEX' | 'DISCOVER' | 'DINERS' | 'JCB' | 'UNIONPAY' | 'MAESTRO' | 'MIR' | 'RUPAY';

interface IinRange {
  network: CardNetwork;
  /** Inclusive bounds on a prefix of `from.length` digits. */
  from: string;
  to: string;
  lengths: readonly number[];
}

const range = (network: CardNetwork, from: string, to: string, lengths: readonly number[]): IinRange => ({
  network,
  from,
  to,
  lengths,
});
const SIXTEEN_TO_NINETEEN = [16, 17, 18, 19];

/**
 * Issuer identification number ranges and the lengths each network issues (the networks' published ranges, as
 * card-validation libraries list them). A number outside them is not a card anyone could pay with, whatever its
 * check digit says. Where ranges nest (Discover's 6011 inside RuPay's 60), the longer prefix decides: the table is
 * sorted that way below.
 */
const IIN_RANGES: readonly IinRange[] = [
  range('AMEX', '34', '34', [15]),
  range('AMEX', '37', '37', [15]),
  range('DINERS', '300', '305', [14, 15, 16, 17, 18, 19]),
  range('DINERS', '36', '36', [14, 15, 16, 17, 18, 19]),
  range('DINERS', '38', '39', [14, 15, 16, 17, 18, 19]),
  range('JCB', '3528', '3589', SIXTEEN_TO_NINETEEN),
  range('RUPAY', '353', '353', [16]),
  range('RUPAY', '356', '356', [16]),
  range('VISA', '4', '4', [13, 16, 19]),
  range('MIR', '2200', '2204', SIXTEEN_TO_NINETEEN),
  range('MASTERCARD', '2221', '2720', [16]),
  range('MASTERCARD', '51', '55', [16]),
  range('MAESTRO', '5018', '5018', [12, 13, 14, 15, 16, 17, 18, 19]),
  range('MAESTRO', '5020', '5020', [12, 13, 14, 15, 16, 17, 18, 19]),
  range('MAESTRO', '5038', '5038', [12, 13, 14, 15, 16, 17, 18, 19]),
  range('MAESTRO', '5893', '5893', [12, 13, 14, 15, 16, 17, 18, 19]),
  range('MAESTRO', '6304', '6304', [12, 13, 14, 15, 16, 17, 18, 19]),
  range('MAESTRO', '6759', '6759', [12, 13, 14, 15, 16, 17, 18, 19]),
  range('MAESTRO', '6761', '6763', [12, 13, 14, 15, 16, 17, 18, 19]),
  range('RUPAY', '508', '508', [16]),
  range('RUPAY', '60', '60', [16]),
  range('DISCOVER', '6011', '6011', SIXTEEN_TO_NINETEEN),
  range('DISCOVER', '622126', '622925', SIXTEEN_TO_NINETEEN),
  range('DISCOVER', '644', '649', SIXTEEN_TO_NINETEEN),
  range('DISCOVER', '65', '65', SIXTEEN_TO_NINETEEN),
  range('UNIONPAY', '62', '62', SIXTEEN_TO_NINETEEN),
  range('RUPAY', '81', '82', [16]),
].sort((a, b) => b.from.length - a.from.length);

/** The network whose IIN range and lengths fit the number, or null. */
export function cardNetwork(digits: string): CardNetwork | null {
  for (const candidate of IIN_RANGES) {
    const prefix = digits.slice(0, candidate.from.length);
    if (prefix >= candidate.from && prefix <= candidate.to && candidate.lengths.includes(digits.length)) {
      return candidate.network;
    }
  }
  return null;
}

/**
 * The Luhn (mod 10) check every payment card number carries in its last digit: it catches every single-digit typo
 * and most swaps, and a random digit string passes it only one time in ten.
 */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index--) {
    let digit = digits.charCodeAt(index) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}
