/**
 * Small helpers the detectors share: character classes tested by code unit (no regular expression per character)
 * and the words around a candidate, which decide what a bare number is.
 */

const UNICODE_WORD = /[\p{L}\p{N}\p{M}]/u;
/** Scripts written without spaces between words: a number written in them touches the letters around it. */
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;

/**
 * A letter or a digit or `_`: what makes a candidate part of a longer word or code. Letters of scripts written
 * without spaces (Chinese, Japanese, Korean, Thai) do not count: there a number always touches the words around it.
 */
export function isWordCode(code: number): boolean {
  if (code < 128) return isAsciiAlphanumeric(code) || code === 95; // '_'
  if (Number.isNaN(code)) return false;
  const char = String.fromCharCode(code);
  return UNICODE_WORD.test(char) && !UNSPACED_SCRIPT.test(char);
}

export function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

export function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Characters that join two parts of one token (`AB-123`, `v1.2`, `a/b`, `x_y`). */
function isJoinerCode(code: number): boolean {
  return code === 45 || code === 46 || code === 47 || code === 95; // - . / _
}

/**
 * True when the candidate at `start` is the tail of a longer token: a word character right before it, or a joiner
 * with a word character before that (`SKU-4155552671`, `v10.0.0.1`).
 */
export function continuesTokenBefore(text: string, start: number): boolean {
  if (start === 0) return false;
  const before = text.charCodeAt(start - 1);
  if (isWordCode(before)) return true;
  return isJoinerCode(before) && start >= 2 && isWordCode(text.charCodeAt(start - 2));
}

/** True when the candidate ending at `end` goes on as a longer token (`…2671x`, `…2671-A`, `1.2.3.4.5`). */
export function continuesTokenAfter(text: string, end: number): boolean {
  if (end >= text.length) return false;
  const after = text.charCodeAt(end);
  if (isWordCode(after)) return true;
  return isJoinerCode(after) && end + 1 < text.length && isWordCode(text.charCodeAt(end + 1));
}

/**
 * True when a decimal or thousands comma joins the candidate to more digits (`634 210 051,39 EUR`, `1,234 567`): the
 * candidate is part of a written quantity. (Commas between IP addresses or list items are followed by a space.)
 */
export function isPartOfWrittenNumber(text: string, start: number, end: number): boolean {
  if (text[end] === ',' && isDigitCode(text.charCodeAt(end + 1))) return true;
  return start >= 2 && text[start - 1] === ',' && isDigitCode(text.charCodeAt(start - 2));
}

/** The `length` characters before `start`, lower-cased: where a label such as "phone:" or "SSN" stands. */
export function textBefore(text: string, start: number, length: number): string {
  return text.slice(Math.max(0, start - length), start).toLowerCase();
}

/** The `length` characters after `end`, lower-cased. */
export function textAfter(text: string, end: number, length: number): string {
  return text.slice(end, end + length).toLowerCase();
}
