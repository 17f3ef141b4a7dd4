import type { PiiFinding } from './pii-entity';
import { isAsciiAlphanumeric } from './text-scan';

/**
 * EMAIL: `local@domain.tld`. The scan starts at each `@` and walks outwards over the characters an address may
 * hold, so it is linear in the text and costs nothing on a text without `@`.
 */
export function detectEmails(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  let at = text.indexOf('@');
  while (at !== -1) {
    const finding = emailAround(text, at);
    if (finding) findings.push(finding);
    at = text.indexOf('@', finding ? finding.end : at + 1);
  }
  return findings;
}

/** RFC 5321 caps the local part at 64 octets and a domain label at 63. */
const MAX_LOCAL_LENGTH = 64;
const MAX_LABEL_LENGTH = 63;
const MAX_DOMAIN_LENGTH = 253;

/**
 * File extensions that are not top-level domains: `icon@2x.png` and `logo@3x.svg` are retina image names, not
 * addresses. (Extensions that are also TLDs, such as `.zip` or `.py`, stay addresses.)
 */
const FILE_EXTENSIONS = new Set(
  'png jpg jpeg gif svg webp bmp ico tif tiff js mjs cjs ts tsx jsx css scss less json yaml yml xml html htm txt pdf csv log lock php java kt rb gz tar mp3 mp4 wav'.split(
    ' ',
  ),
);

function emailAround(text: string, at: number): PiiFinding | null {
  // The local part: the usual unquoted characters (quoted local parts are too rare in prompts to be worth it).
  let start = at;
  while (start > 0 && at - start <= MAX_LOCAL_LENGTH && isLocalCode(text.charCodeAt(start - 1))) start--;
  if (at - start > MAX_LOCAL_LENGTH) return null; // a long run glued to an `@` is a blob, not an address
  // A local part cannot start with a dot; `--x@` or `+x@` in prose are punctuation, not part of the address.
  while (start < at && !isAsciiAlphanumeric(text.charCodeAt(start)) && text.charCodeAt(start) !== 95) start++;
  if (start === at) return null; // `@mention`, `@scope/package`
  // `https://user:token@host/…`: credentials in a URL, not a mailbox (a token there is the secret detector's).
  if (
    start > 0 &&
    (text[start - 1] === '/' || text[start - 1] === ':') &&
    /\/\/[^\s/]*$/.test(text.slice(Math.max(0, start - 80), start))
  ) {
    return null;
  }
  const local = text.slice(start, at);
  if (local.endsWith('.') || local.includes('..')) return null;

  let end = at + 1;
  while (end < text.length && end - at <= MAX_DOMAIN_LENGTH && isDomainCode(text.charCodeAt(end))) end++;
  // A sentence's full stop or a dash after the address is not part of it.
  while (end > at + 1 && (text[end - 1] === '.' || text[end - 1] === '-')) end--;
  const domain = text.slice(at + 1, end);
  if (!isPlausibleDomain(domain)) return null;
  // `git@github.com:org/repo.git` is an SSH remote (user@host:path), not a mailbox.
  if (text[end] === ':' && end + 1 < text.length && !/\s/.test(text[end + 1] ?? ' ')) return null;
  return { entity: 'EMAIL', start, end, text: text.slice(start, end) };
}

/** At least two labels, each 1–63 letters, digits or inner hyphens, and an alphabetic TLD that is not a file type. */
function isPlausibleDomain(domain: string): boolean {
  if (domain.length === 0 || domain.length > MAX_DOMAIN_LENGTH) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false; // `user@localhost` names no reachable mailbox
  for (const label of labels) {
    if (label.length === 0 || label.length > MAX_LABEL_LENGTH) return false;
    if (label.startsWith('-') || label.endsWith('-')) return false;
  }
  const tld = labels[labels.length - 1] as string;
  // A numeric TLD is a version (`react@18.2.0`) or an address literal, never a mailbox domain in prose.
  if (!/^[A-Za-z]{2,63}$/.test(tld)) return false;
  return !FILE_EXTENSIONS.has(tld.toLowerCase());
}

function isLocalCode(code: number): boolean {
  // A-Z a-z 0-9 . _ % + -
  return isAsciiAlphanumeric(code) || code === 46 || code === 95 || code === 37 || code === 43 || code === 45;
}

function isDomainCode(code: number): boolean {
  return isAsciiAlphanumeric(code) || code === 46 || code === 45;
}
