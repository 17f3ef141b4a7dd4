import { isIPv6 } from 'node:net';
import type { PiiFinding } from './pii-entity';
import { continuesTokenAfter, continuesTokenBefore, isWordCode, textBefore } from './text-scan';

/**
 * IP_ADDRESS: IPv4 dotted quads and IPv6 addresses. Candidates are found by shape, then checked: every IPv4 octet
 * 0–255 without leading zeros, IPv6 by Node's own parser, and neither may be part of a longer dotted or
 * alphanumeric token (`10.0.0.1.5`, `v1.2.3.4`) nor follow a word that makes it a version or a section number.
 */
export function detectIpAddresses(text: string): PiiFinding[] {
  const v4 = text.indexOf('.') === -1 ? [] : detectIpv4(text);
  const v6 = text.indexOf(':') === -1 ? [] : detectIpv6(text);
  if (v6.length === 0) return v4;
  if (v4.length === 0) return v6;
  // An IPv6 address may end in an IPv4 one (`::ffff:192.0.2.1`): the longer finding wins.
  return [...v6, ...v4.filter((a) => !v6.some((b) => a.start < b.end && b.start < a.end))].sort(
    (a, b) => a.start - b.start,
  );
}

/** Four groups of 1–3 digits: fixed shape, so the scan cannot backtrack. */
const IPV4_CANDIDATE = /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/g;

/**
 * Words that make a dotted quad something else: a version (`version 1.2.3.4`, `build 10.0.0.1`), a section of a
 * document, or an SNMP object id.
 */
const NOT_AN_ADDRESS_BEFORE =
  /\b(?:version|ver\.?|release|build|firmware|fw|rev\.?|revision|section|§|chapter|clause|step|paragraph|oid|v)\s*[:#]?\s*$/;

function detectIpv4(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  IPV4_CANDIDATE.lastIndex = 0;
  for (let match = IPV4_CANDIDATE.exec(text); match !== null; match = IPV4_CANDIDATE.exec(text)) {
    const start = match.index;
    const end = start + match[0].length;
    // Part of a longer number or dotted token: `1.2.3.4.5`, `11.2.3.4` seen from its second digit, `v1.2.3.4`.
    if (continuesTokenBefore(text, start)) continue;
    if (continuesTokenAfter(text, end) && !isCidrSuffix(text, end)) continue;
    if (!match[0].split('.').every(isOctet)) continue;
    if (NOT_AN_ADDRESS_BEFORE.test(textBefore(text, start, 24))) continue;
    findings.push({ entity: 'IP_ADDRESS', start, end, text: match[0] });
  }
  return findings;
}

/** `10.0.0.0/8`: a network prefix length after the address; the address is still reported. */
function isCidrSuffix(text: string, end: number): boolean {
  return /^\/(?:[0-9]|[12][0-9]|3[0-2])(?![\w.])/.test(text.slice(end, end + 4));
}

/** 0–255 without a leading zero: `010` is octal in some parsers and no one writes an address that way. */
function isOctet(part: string): boolean {
  if (part.length > 1 && part.startsWith('0')) return false;
  return Number(part) <= 255;
}

const MAX_IPV6_LENGTH = 45; // the longest textual form: eight groups with an embedded IPv4 address

/**
 * IPv6 candidates grow outwards from each colon over hex digits, colons and dots, and the scan goes on after the
 * run: each character is looked at a bounded number of times, and a text without `:` costs one `indexOf`.
 */
function detectIpv6(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  let colon = text.indexOf(':');
  while (colon !== -1) {
    let start = colon;
    while (start > 0 && isIpv6Code(text.charCodeAt(start - 1))) start--;
    let end = colon + 1;
    while (end < text.length && isIpv6Code(text.charCodeAt(end))) end++;
    const finding = ipv6In(text, start, end);
    if (finding) findings.push(finding);
    colon = text.indexOf(':', end);
  }
  return findings;
}

function ipv6In(text: string, runStart: number, runEnd: number): PiiFinding | null {
  let start = runStart;
  let end = runEnd;
  // `IP:2001:db8::1`: a single leading colon ends a label; `::1` keeps both.
  const afterLabel = text[start] === ':' && text[start + 1] !== ':';
  if (afterLabel) start++;
  // A sentence's full stop or a colon after the address.
  while (end > start && (text[end - 1] === '.' || (text[end - 1] === ':' && text[end - 2] !== ':'))) end--;
  const candidate = text.slice(start, end);
  if (candidate.length < 3 || candidate.length > MAX_IPV6_LENGTH) return null;
  if (candidate.indexOf(':') === candidate.lastIndexOf(':')) return null; // one colon: a time, a ratio, a label
  // Glued to a word (`std::vector`, `Foo::Bar`, a time inside `T10:30:00`): code or a timestamp, not an address.
  if (!afterLabel && start > 0 && isWordCode(text.charCodeAt(start - 1))) return null;
  if (end < text.length && isWordCode(text.charCodeAt(end))) return null;
  // At least one digit: hex words joined by colons (`add::face`) are far likelier to be code than an address.
  if (!/\d/.test(candidate)) return null;
  // Eight groups, or fewer with `::` (or six and an IPv4 tail): anything else (`10:30:00`) is not worth parsing.
  if (!candidate.includes('::') && colons(candidate) < (candidate.includes('.') ? 6 : 7)) return null;
  if (!isIPv6(candidate) || /^[:0.]*$/.test(candidate)) return null; // `::` (the unspecified address) names no host
  return { entity: 'IP_ADDRESS', start, end, text: candidate };
}

function colons(value: string): number {
  let count = 0;
  for (let index = value.indexOf(':'); index !== -1; index = value.indexOf(':', index + 1)) count++;
  return count;
}

function isIpv6Code(code: number): boolean {
  // 0-9 A-F a-f : .
  return (code >= 48 && code <= 58) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102) || code === 46;
}
