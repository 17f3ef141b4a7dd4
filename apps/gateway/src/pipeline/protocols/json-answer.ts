import { isUtf8 } from 'node:buffer';
import { type MeteredUsage } from '../request-context';
import { usageOfResponseBody } from './usage-of-response';
import { type StreamProtocol } from '../../upstream';

/** A non-streamed JSON answer as it goes to a client that speaks the upstream's API. */
export interface JsonAnswer {
  /** What to send: the upstream's bytes with the top-level `model` value set to the alias; otherwise as they came. */
  body: Buffer | string;
  /** True when the body is a JSON object (sent as `application/json`); anything else is sent as is. */
  isObject: boolean;
  /** The usage the upstream reported, exactly as `usageOfResponseBody` reads it from the parsed body. */
  usage: MeteredUsage;
}

/**
 * The upstream's answer under the public alias, with its usage, without parsing and re-serialising the whole
 * body: one validating pass over the bytes finds the top-level `model` and `usage` members, the model's value is
 * spliced out and only the `usage` value is parsed. An embeddings answer (1,536 floats per vector) is where this
 * saves the most: no number is parsed or printed again. The result is what `JSON.parse`, setting `model` and
 * `JSON.stringify` would mean, byte for byte the upstream's otherwise (its spacing, key order and number
 * spelling are kept). Text the pass cannot decide alone (a top-level key written with escapes, bytes that are not
 * UTF-8) takes that full path instead; text that is not a JSON object is returned as is, its usage unknown.
 */
export function jsonAnswerUnderAlias(body: Buffer | string, alias: string, protocol: StreamProtocol): JsonAnswer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  // Decoding replaces malformed UTF-8 (or, from a string, a lone surrogate): the full path sees what a parse would.
  if (typeof body === 'string' ? !isWellFormed(body) : !isUtf8(bytes)) return viaFullParse(body, alias, protocol);
  const members = topLevelMembers(bytes);
  if (members === NOT_AN_OBJECT) return { body, isObject: false, usage: usageOfResponseBody(protocol, undefined) };
  if (members === UNDECIDED) return viaFullParse(body, alias, protocol);
  const usage =
    members.usage === null
      ? usageOfResponseBody(protocol, {})
      : usageOfResponseBody(protocol, {
          usage: JSON.parse(bytes.toString('utf8', members.usage.start, members.usage.end)) as unknown,
        });
  if (members.models.length === 0) return { body, isObject: true, usage };
  return { body: withValuesReplaced(bytes, members.models, JSON.stringify(alias)), isObject: true, usage };
}

/**
 * The body with each span replaced by `json`: every top-level `model` member, should there be several (a reader
 * takes the last, and whichever it is, it is the alias). Copied straight into one buffer, every byte written.
 */
function withValuesReplaced(bytes: Buffer, spans: readonly Span[], json: string): Buffer {
  const jsonLength = Buffer.byteLength(json, 'utf8');
  let length = bytes.length;
  for (const span of spans) length += jsonLength - (span.end - span.start);
  const out = Buffer.allocUnsafe(length);
  let from = 0;
  let to = 0;
  for (const span of spans) {
    to += bytes.copy(out, to, from, span.start);
    to += out.write(json, to, 'utf8');
    from = span.end;
  }
  bytes.copy(out, to, from);
  return out;
}

/** The whole body parsed and written again: for what the single pass leaves undecided. */
function viaFullParse(body: Buffer | string, alias: string, protocol: StreamProtocol): JsonAnswer {
  let payload: unknown;
  try {
    payload = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    payload = undefined;
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { body, isObject: false, usage: usageOfResponseBody(protocol, undefined) };
  }
  const usage = usageOfResponseBody(protocol, payload);
  if ('model' in payload) (payload as Record<string, unknown>).model = alias;
  return { body: JSON.stringify(payload), isObject: true, usage };
}

/** `String.prototype.isWellFormed` (Node 20), which the ES2023 library typings do not declare yet. */
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** Where a member's value lies in the body: `[start, end)`. */
interface Span {
  start: number;
  end: number;
}

interface TopLevelMembers {
  /** Every top-level `model` value, in order (valid JSON may repeat a key). */
  models: Span[];
  /** The last top-level `usage` value: the one a parser keeps. */
  usage: Span | null;
}

const NOT_AN_OBJECT = 'not an object';
const UNDECIDED = 'undecided';

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;
const DIGIT_9 = 0x39;
const COLON = 0x3a;
const UPPER_E = 0x45;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const LOWER_E = 0x65;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
/** Read past the end: a NUL, which no JSON rule accepts outside a string and none inside one either. */
const END = 0x00;
/** Positions returned by the skips below when the text is not valid JSON there. */
const INVALID = -1;

const MODEL = Buffer.from('model');
const USAGE = Buffer.from('usage');
/** The letters a JSON escape may name after its backslash, `u` (four hex digits follow) aside. */
const SIMPLE_ESCAPES = new Set([QUOTE, BACKSLASH, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

/**
 * The spans of the top-level `model` and `usage` values of a JSON text, validating the whole text on the way (RFC
 * 8259: what `JSON.parse` accepts). `UNDECIDED` when a top-level key has an escape, which could spell either name.
 */
function topLevelMembers(bytes: Uint8Array): TopLevelMembers | typeof NOT_AN_OBJECT | typeof UNDECIDED {
  let i = skipWhitespace(bytes, 0);
  if (at(bytes, i) !== OPEN_BRACE) return NOT_AN_OBJECT;
  const members: TopLevelMembers = { models: [], usage: null };
  let undecided = false;
  i = skipWhitespace(bytes, i + 1);
  if (at(bytes, i) === CLOSE_BRACE) {
    i += 1;
  } else {
    for (;;) {
      const keyStart = i;
      const keyEnd = skipString(bytes, i);
      if (keyEnd === INVALID) return NOT_AN_OBJECT;
      i = skipWhitespace(bytes, keyEnd);
      if (at(bytes, i) !== COLON) return NOT_AN_OBJECT;
      const start = skipWhitespace(bytes, i + 1);
      const end = skipValue(bytes, start);
      if (end === INVALID) return NOT_AN_OBJECT;
      if (hasBackslash(bytes, keyStart + 1, keyEnd - 1)) undecided = true;
      else if (isKey(bytes, keyStart + 1, keyEnd - 1, MODEL)) members.models.push({ start, end });
      else if (isKey(bytes, keyStart + 1, keyEnd - 1, USAGE)) members.usage = { start, end };
      i = skipWhitespace(bytes, end);
      const next = at(bytes, i);
      if (next === CLOSE_BRACE) {
        i += 1;
        break;
      }
      if (next !== COMMA) return NOT_AN_OBJECT;
      i = skipWhitespace(bytes, i + 1);
    }
  }
  if (skipWhitespace(bytes, i) !== bytes.length) return NOT_AN_OBJECT;
  return undecided ? UNDECIDED : members;
}

/**
 * The end of the value starting at `start`, or `INVALID`. Iterative, with its own stack of open containers, so
 * that no nesting depth can overflow the call stack.
 */
function skipValue(bytes: Uint8Array, start: number): number {
  // One entry per open container, innermost last: true for an object, false for an array.
  const open: boolean[] = [];
  let i = start;
  for (;;) {
    const first = at(bytes, i);
    if (first === OPEN_BRACE || first === OPEN_BRACKET) {
      const isObject = first === OPEN_BRACE;
      i = skipWhitespace(bytes, i + 1);
      if (at(bytes, i) === (isObject ? CLOSE_BRACE : CLOSE_BRACKET)) {
        i += 1;
      } else {
        open.push(isObject);
        if (isObject) i = skipMemberName(bytes, i);
        if (i === INVALID) return INVALID;
        continue;
      }
    } else {
      i = skipScalar(bytes, i);
      if (i === INVALID) return INVALID;
    }
    // A value is complete: close what it completes, or move to the next element of its container.
    for (;;) {
      if (open.length === 0) return i;
      i = skipWhitespace(bytes, i);
      const inObject = open[open.length - 1];
      const next = at(bytes, i);
      if (next === COMMA) {
        i = skipWhitespace(bytes, i + 1);
        if (inObject) i = skipMemberName(bytes, i);
        if (i === INVALID) return INVALID;
        break;
      }
      if (next !== (inObject ? CLOSE_BRACE : CLOSE_BRACKET)) return INVALID;
      open.pop();
      i += 1;
    }
  }
}

/** Past `"name" :` and the whitespace after it: where the member's value starts. */
function skipMemberName(bytes: Uint8Array, i: number): number {
  const end = skipString(bytes, i);
  if (end === INVALID) return INVALID;
  const colon = skipWhitespace(bytes, end);
  return at(bytes, colon) === COLON ? skipWhitespace(bytes, colon + 1) : INVALID;
}

function skipScalar(bytes: Uint8Array, i: number): number {
  const first = at(bytes, i);
  if (first === QUOTE) return skipString(bytes, i);
  if (first === MINUS || isDigit(first)) return skipNumber(bytes, i);
  if (first === 0x74) return skipWord(bytes, i, 'true');
  if (first === 0x66) return skipWord(bytes, i, 'false');
  if (first === 0x6e) return skipWord(bytes, i, 'null');
  return INVALID;
}

/** Past the closing quote of the string opening at `i`; control characters and unknown escapes are invalid. */
function skipString(bytes: Uint8Array, i: number): number {
  if (at(bytes, i) !== QUOTE) return INVALID;
  let j = i + 1;
  for (;;) {
    const byte = at(bytes, j);
    if (byte === QUOTE) return j + 1;
    if (byte < SPACE) return INVALID;
    if (byte !== BACKSLASH) {
      j += 1;
      continue;
    }
    const escaped = at(bytes, j + 1);
    if (SIMPLE_ESCAPES.has(escaped)) {
      j += 2;
    } else if (escaped === 0x75) {
      for (let k = j + 2; k < j + 6; k++) if (!isHexDigit(at(bytes, k))) return INVALID;
      j += 6;
    } else {
      return INVALID;
    }
  }
}

/** `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` */
function skipNumber(bytes: Uint8Array, i: number): number {
  let j = at(bytes, i) === MINUS ? i + 1 : i;
  const first = at(bytes, j);
  if (first === DIGIT_0) j += 1;
  else if (first >= DIGIT_1 && first <= DIGIT_9) j = skipDigits(bytes, j + 1);
  else return INVALID;
  if (at(bytes, j) === DOT) {
    const fraction = j + 1;
    j = skipDigits(bytes, fraction);
    if (j === fraction) return INVALID;
  }
  const exponent = at(bytes, j);
  if (exponent === LOWER_E || exponent === UPPER_E) {
    j += 1;
    const sign = at(bytes, j);
    if (sign === PLUS || sign === MINUS) j += 1;
    const digits = j;
    j = skipDigits(bytes, digits);
    if (j === digits) return INVALID;
  }
  return j;
}

function skipDigits(bytes: Uint8Array, i: number): number {
  let j = i;
  while (isDigit(at(bytes, j))) j += 1;
  return j;
}

function skipWord(bytes: Uint8Array, i: number, word: string): number {
  for (let k = 0; k < word.length; k++) if (at(bytes, i + k) !== word.charCodeAt(k)) return INVALID;
  return i + word.length;
}

function skipWhitespace(bytes: Uint8Array, i: number): number {
  let j = i;
  for (;;) {
    const byte = at(bytes, j);
    if (byte !== SPACE && byte !== LF && byte !== CR && byte !== TAB) return j;
    j += 1;
  }
}

function hasBackslash(bytes: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (bytes[k] === BACKSLASH) return true;
  return false;
}

function isKey(bytes: Uint8Array, start: number, end: number, name: Buffer): boolean {
  if (end - start !== name.length) return false;
  for (let k = 0; k < name.length; k++) if (bytes[start + k] !== name[k]) return false;
  return true;
}

function isDigit(byte: number): boolean {
  return byte >= DIGIT_0 && byte <= DIGIT_9;
}

function isHexDigit(byte: number): boolean {
  return isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

function at(bytes: Uint8Array, i: number): number {
  return i < bytes.length ? (bytes[i] as number) : END;
}
