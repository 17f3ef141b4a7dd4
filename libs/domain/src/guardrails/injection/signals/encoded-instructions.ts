import { type InjectionSignal } from '../injection-signal';
import { type ScannedText } from '../text/scanned-text';

/**
 * Instructions hidden in base64: a filter that reads only the visible words misses "aWdub3JlIGFsbCBwcmV2aW91cy4uLg==",
 * and models decode base64 readily. Runs of base64 characters of a plausible length are decoded; a run that decodes
 * to readable text is scored like a prompt of its own, and scores above the text around it (hiding an instruction is
 * itself a tell). Tokens, hashes, keys and images decode to binary or to text without instructions and add nothing.
 * The work is bounded: at most `MAX_RUNS` runs and `MAX_DECODED_CHARS` characters of base64 per text.
 */
const MIN_RUN = 24;
const MAX_RUN = 4096;
const MAX_RUNS = 12;
const MAX_DECODED_CHARS = 16 * 1024;

/** Scores decoded text with the plain-text signals (no further decoding, so nesting cannot multiply the work). */
export type DecodedTextScorer = (decoded: string) => number;

export function encodedInstructionSignals(scanned: ScannedText, scoreDecoded: DecodedTextScorer): InjectionSignal[] {
  const signals: InjectionSignal[] = [];
  let count = 0;
  let budget = MAX_DECODED_CHARS;
  const { original, tokens } = scanned;
  let coveredUntil = 0;
  // A base64 run is found from one of its words of 8 or more letters and digits (base64 of text has many; English
  // has few), then widened over the base64 alphabet on both sides; each character is widened over at most once.
  for (const token of tokens) {
    if (token.end - token.start < 8 || count >= MAX_RUNS || budget <= 0) continue;
    let start = scanned.offsets === null ? token.start : (scanned.offsets[token.start] ?? token.start);
    if (start < coveredUntil) continue;
    while (start > coveredUntil && isBase64Code(original.charCodeAt(start - 1))) start -= 1;
    let end = start;
    while (end < original.length && isBase64Code(original.charCodeAt(end))) end += 1;
    for (let padding = 0; padding < 2 && original[end] === '='; padding += 1) end += 1;
    coveredUntil = end;
    if (end - start < MIN_RUN) continue;
    const run = original.slice(start, Math.min(end, start + MAX_RUN));
    if (!looksEncoded(run)) continue;
    count += 1;
    budget -= run.length;
    const decoded = decodeReadable(run);
    if (decoded === null) continue;
    const score = scoreDecoded(decoded);
    if (score >= 0.2) signals.push({ name: 'encoded-instructions', weight: Math.min(0.95, score + 0.1), start, end });
  }
  return signals;
}

function isBase64Code(code: number): boolean {
  return (
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    (code >= 48 && code <= 57) ||
    code === 43 ||
    code === 47 ||
    code === 45 ||
    code === 95
  );
}

/** Base64 of text mixes upper and lower case letters; hex digests, words and numbers do not. */
function looksEncoded(run: string): boolean {
  let upper = 0;
  let lower = 0;
  for (let i = 0; i < run.length; i += 1) {
    const code = run.charCodeAt(i);
    if (code >= 65 && code <= 90) upper += 1;
    else if (code >= 97 && code <= 122) lower += 1;
  }
  return upper >= 3 && lower >= 3 && upper + lower >= run.length * 0.5;
}

/** The decoded text when it is readable (mostly letters and spaces, valid UTF-8, no control characters), else null. */
function decodeReadable(run: string): string | null {
  const text = Buffer.from(run, 'base64').toString('utf8');
  if (text.length < 8) return null;
  let readable = 0;
  let spaces = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 0xfffd || (code < 32 && code !== 10 && code !== 13 && code !== 9)) return null;
    if (code === 32) spaces += 1;
    if (code >= 32) readable += 1;
  }
  return spaces >= 1 && readable >= text.length * 0.9 ? text : null;
}
