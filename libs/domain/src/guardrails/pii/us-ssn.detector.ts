import type { PiiFinding } from './pii-entity';
import { continuesTokenAfter, continuesTokenBefore, textBefore } from './text-scan';

/**
 * US_SSN: a US Social Security number, `AAA-GG-SSSS`. The dashed form is reported on its own (it is how SSNs are
 * written, and few other numbers take that shape) unless a word before it names it as something else; the spaced
 * and bare forms are nine digits that could be anything, so they need a word such as "SSN" before them.
 */
export function detectUsSsns(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  SSN_CANDIDATE.lastIndex = 0;
  for (let match = SSN_CANDIDATE.exec(text); match !== null; match = SSN_CANDIDATE.exec(text)) {
    const start = match.index;
    const end = start + match[0].length;
    if (continuesTokenBefore(text, start) || continuesTokenAfter(text, end)) continue;
    const [, area, separator, group, serial] = match as unknown as [string, string, string, string, string];
    if (!isAssignableSsn(area, group, serial)) continue;
    const before = textBefore(text, start, CONTEXT_WINDOW);
    // A label right before the number decides (`Part 219-45-6789`, even a sentence after one naming an SSN)…
    if (OTHER_NUMBER_CONTEXT.test(before) && !SSN_LABEL.test(before)) continue;
    // …and a spaced or bare number must be named an SSN somewhere before it.
    if (separator !== '-' && !SSN_CONTEXT.test(before)) continue;
    findings.push({ entity: 'US_SSN', start, end, text: match[0] });
  }
  return findings;
}

/** Area, group and serial with one kind of separator (dash, space or none) throughout. Fixed shape: no backtracking. */
const SSN_CANDIDATE = /(\d{3})([- ]?)(\d{2})\2(\d{4})/g;

const CONTEXT_WINDOW = 40;

/** Words that name a Social Security number (or the taxpayer numbers written the same way). */
const SSN_CONTEXT = /\b(?:ssn|ss#|ss no|social security|social sec|soc\.? ?sec|taxpayer|tax id|tin)\b/;

/** The same words as the label right before the number (`SSN #`, `Social Security No.:`). */
const SSN_LABEL =
  /\b(?:ssn|ss|social security|soc\.? ?sec\.?|taxpayer id|tax id|tin)(?:\s*(?:number|no\.?|nr\.?|#))?[\s:#.-]*(?:is\s*)?$/;

/** Words that name the number as something else: a part, an order, a case, a phone line. */
const OTHER_NUMBER_CONTEXT =
  /(?:\b(?:order|invoice|ticket|case|ref|reference|sku|part|p\/n|item|model|serial|account|acct|tracking|po|phone|tel|fax|isbn|patent|batch|lot)(?:\s*(?:number|no\.?|nr\.?|#|id))?|#)[\s:.-]*$/;

/**
 * The Social Security Administration never assigns area 000, 666 or 900–999 (the last are ITINs), group 00 or
 * serial 0000; and two numbers were burned by publication (078-05-1120 on a wallet insert, 219-09-9999 in an
 * advertisement) and are refused as invalid.
 */
function isAssignableSsn(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area.startsWith('9')) return false;
  if (group === '00' || serial === '0000') return false;
  const whole = `${area}${group}${serial}`;
  return whole !== '078051120' && whole !== '219099999';
}
