import { confusablesMap } from 'confusables';
import { isInvisibleCodePoint } from './invisible-characters';

/**
 * Every signal reads the text through one view, built once per call in a single pass: lower-cased, with invisible
 * characters and combining marks removed, compatibility forms (fullwidth, mathematical bold, ligatures) and accented
 * Latin letters folded to plain ASCII, and words that mix Latin with lookalike Cyrillic or Greek letters folded to
 * their Latin skeleton. So `Ig\u200bnore`, `ＩＧＮＯＲＥ` and `Іgnоrе` all read `ignore`, and a phrase list written in
 * ASCII covers them. `offsets` maps each folded index back to the caller's string, so signals report the caller's
 * positions.
 */
export interface ScannedText {
  /** The caller's text, whole (positions in signals refer to it). */
  readonly original: string;
  /** The parts of `original` that were read: all of it, or its head and tail when it is longer than the cap. */
  readonly segments: readonly TextSegment[];
  readonly folded: string;
  /** `offsets[i]` is the index in `original` of folded character `i`; null when folded and original align 1:1. */
  readonly offsets: Int32Array | null;
  readonly tokens: readonly Token[];
  /** Indexes of the tokens that can start a phrase (see anchor-words.ts), in order. */
  readonly anchors: readonly number[];
  /** Words whose letters mix Latin with another script's lookalikes (`раypal`), as original spans. */
  readonly mixedScriptWords: readonly TextSegment[];
  /** Letters written in a styled alphabet (mathematical bold, fullwidth, small capitals), and where they are. */
  readonly styledLetters: number;
  readonly styledSpan: TextSegment | null;
}

export interface TextSegment {
  start: number;
  end: number;
}

/**
 * A word (letters, digits, inner apostrophes) or a colon, which role labels and headings need, in folded offsets.
 * Its text is cut from the folded string only when a signal reads it: most words are never read.
 */
export class Token {
  private cached: string | undefined;

  constructor(
    private readonly source: string,
    readonly start: number,
    readonly end: number,
  ) {}

  get text(): string {
    return (this.cached ??= this.source.slice(this.start, this.end));
  }
}

/**
 * The work per call is capped: texts longer than this are read as their first `HEAD` and last `TAIL` characters
 * (instructions are usually placed at the start, or appended at the end of pasted content). The middle of a very
 * long prompt is not read; the policy's `validation.maxBodyBytes` bounds what reaches this at all.
 */
export const MAX_SCANNED_CHARS = 64 * 1024;
const HEAD = 48 * 1024;
const TAIL = MAX_SCANNED_CHARS - HEAD;

/**
 * Every word that can start a phrase pattern (or that a signal looks for word by word). Tokenizing notes which of
 * its words are in this set, so each signal visits only those positions instead of every word: most words of most
 * prompts start nothing. Filled when the signal modules load. To keep hashing strings off the per-word path, a
 * bitmap of the words' rolling hashes (computed while the characters are read) answers "certainly not" first.
 */
const ANCHOR_WORDS = new Set<string>();
const ANCHOR_HASH_BITS = 1 << 16;
const anchorHashes = new Uint8Array(ANCHOR_HASH_BITS / 8);

export function registerAnchorWords(words: Iterable<string>): void {
  for (const word of words) {
    ANCHOR_WORDS.add(word);
    let hash = 0;
    for (let i = 0; i < word.length; i += 1) hash = nextHash(hash, word.charCodeAt(i));
    const slot = (hash & (ANCHOR_HASH_BITS - 1)) >> 3;
    anchorHashes[slot] = (anchorHashes[slot] ?? 0) | (1 << (hash & 7));
  }
}

function nextHash(hash: number, code: number): number {
  return (Math.imul(hash, 31) + code) | 0;
}

function mayBeAnchor(hash: number): boolean {
  return ((anchorHashes[(hash & (ANCHOR_HASH_BITS - 1)) >> 3] ?? 0) & (1 << (hash & 7))) !== 0;
}

export function scanText(text: string): ScannedText {
  const segments: TextSegment[] =
    text.length <= MAX_SCANNED_CHARS
      ? [{ start: 0, end: text.length }]
      : [
          { start: 0, end: HEAD },
          { start: text.length - TAIL, end: text.length },
        ];
  // The common case, plain ASCII that fits: lower-casing keeps every index, no map needed.
  if (segments.length === 1 && isAscii(text)) {
    const folded = text.toLowerCase();
    return {
      original: text,
      segments,
      folded,
      offsets: null,
      ...tokenize(folded, null),
      mixedScriptWords: [],
      styledLetters: 0,
      styledSpan: null,
    };
  }
  return scanUnicode(text, segments);
}

/** The original span of folded characters `[start, end)`. */
export function originalSpan(scanned: ScannedText, start: number, end: number): TextSegment {
  if (scanned.offsets === null) return { start, end };
  const from = scanned.offsets[start] ?? scanned.original.length;
  const last = scanned.offsets[Math.max(start, end - 1)] ?? from;
  // The last folded character may come from a character outside the BMP (mathematical bold), two code units long.
  const width = (scanned.original.codePointAt(last) ?? 0) > 0xffff ? 2 : 1;
  return { start: from, end: Math.max(from, last + width) };
}

function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

const NON_ASCII = /[\u0080-\uffff]/;

function scanUnicode(text: string, segments: readonly TextSegment[]): ScannedText {
  // Folded text is built from pieces (a lower-cased ASCII run is one piece); offsets and scripts are per code unit.
  // Plain loops and locals only: this runs once per character.
  const pieces: string[] = [];
  let offsets = new Int32Array(text.length + 16);
  let scripts = new Uint8Array(text.length + 16);
  let length = 0;
  let lookalikes = false;
  let styledLetters = 0;
  let styledStart = -1;
  let styledEnd = -1;
  for (const [index, segment] of segments.entries()) {
    // A line break between head and tail, so no phrase is matched across the gap.
    if (index > 0) {
      pieces.push('\n');
      offsets[length] = segment.start;
      scripts[length] = Script.Other;
      length += 1;
    }
    for (let i = segment.start; i < segment.end;) {
      let runEnd = i;
      while (runEnd < segment.end && text.charCodeAt(runEnd) < 128) {
        const lower = text.charCodeAt(runEnd) | 0x20;
        offsets[length] = runEnd;
        scripts[length] = lower >= 97 && lower <= 122 ? Script.Latin : Script.Other;
        length += 1;
        runEnd += 1;
      }
      if (runEnd > i) {
        pieces.push(text.slice(i, runEnd).toLowerCase());
        i = runEnd;
        continue;
      }
      const point = text.codePointAt(i) ?? 0;
      const width = point > 0xffff ? 2 : 1;
      if (!isInvisibleCodePoint(point) && !isCombiningMark(point)) {
        const fold = foldCodePoint(point);
        if (fold.styled) {
          styledLetters += 1;
          if (styledStart < 0) styledStart = i;
          styledEnd = i + width;
        }
        if (fold.script === Script.Lookalike) lookalikes = true;
        if (length + fold.text.length + 1 > offsets.length) {
          // A compatibility form can expand (ligatures, U+FDFA): grow; a plain character never does.
          offsets = grow(offsets, new Int32Array(offsets.length * 2 + fold.text.length));
          scripts = grow(scripts, new Uint8Array(scripts.length * 2 + fold.text.length));
        }
        pieces.push(fold.text);
        for (let unit = 0; unit < fold.text.length; unit += 1) {
          offsets[length] = i;
          scripts[length] = fold.script;
          length += 1;
        }
      }
      i += width;
    }
  }
  offsets = offsets.subarray(0, length);
  scripts = scripts.subarray(0, length);
  let folded = pieces.join('');
  let mixedScriptWords: TextSegment[] = [];
  // Only a text with Cyrillic, Greek, Armenian or Cherokee letters can have words that mix them with Latin ones.
  if (lookalikes) {
    const chars = folded.split('');
    mixedScriptWords = foldMixedScriptWords(chars, scripts, offsets);
    folded = chars.join('');
  }
  return {
    original: text,
    segments,
    folded,
    offsets,
    ...tokenize(folded, scripts),
    mixedScriptWords,
    styledLetters,
    styledSpan: styledStart < 0 ? null : { start: styledStart, end: styledEnd },
  };
}

function grow<T extends Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

const enum Script {
  Other,
  Latin,
  /** Cyrillic, Greek, Armenian, Cherokee: the scripts whose letters pass for Latin ones. */
  Lookalike,
  /** Any other letter (CJK, Arabic, Devanagari, ...). */
  OtherLetter,
}

interface FoldedCodePoint {
  text: string;
  script: Script;
  styled: boolean;
}

const foldCache = new Map<number, FoldedCodePoint>();

/**
 * One non-ASCII code point, folded: compatibility decomposition (fullwidth and mathematical letters, ligatures,
 * superscripts), accents dropped, lower-cased; Latin-script letters that only look like ASCII ones (small capitals)
 * through the confusables map. Cached: a prompt uses few distinct non-ASCII characters.
 */
function foldCodePoint(point: number): FoldedCodePoint {
  const cached = foldCache.get(point);
  if (cached) return cached;
  const char = String.fromCodePoint(point);
  // Accents are dropped only where that leaves ASCII (é → e); elsewhere a mark is part of the letter (й is not и).
  const stripped = char.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  let text = /^[\x20-\x7e]+$/.test(stripped) ? stripped : char.normalize('NFKC').toLowerCase();
  const styled = isStyledAlphabet(point);
  if (text === '' || (text.length === 1 && text.charCodeAt(0) > 127 && isLatinExtension(point))) {
    const skeleton = confusablesMap.get(char);
    text = skeleton !== undefined && /^[a-z]$/i.test(skeleton) ? skeleton.toLowerCase() : char.toLowerCase();
  }
  // Typographic quotes fold to ASCII ones, so contractions (you’re) and quoted spans read the same either way.
  if (point === 0x2018 || point === 0x2019 || point === 0x02bc) text = "'";
  if (point === 0x201c || point === 0x201d || point === 0x00ab || point === 0x00bb) text = '"';
  const script = isAsciiWord(text) ? Script.Latin : scriptOf(point);
  const folded = { text, script, styled };
  foldCache.set(point, folded);
  return folded;
}

function scriptOf(point: number): Script {
  if (
    (point >= 0x0370 && point <= 0x03ff) ||
    (point >= 0x1f00 && point <= 0x1fff) ||
    (point >= 0x0400 && point <= 0x052f) ||
    (point >= 0x0530 && point <= 0x058f) ||
    (point >= 0x13a0 && point <= 0x13ff) ||
    (point >= 0xa640 && point <= 0xa69f)
  ) {
    return Script.Lookalike;
  }
  return /\p{L}/u.test(String.fromCodePoint(point)) ? Script.OtherLetter : Script.Other;
}

/** Latin-script blocks whose letters are not ASCII even after decomposition (IPA, phonetic extensions). */
function isLatinExtension(point: number): boolean {
  return (point >= 0x0250 && point <= 0x02af) || (point >= 0x1d00 && point <= 0x1dbf);
}

function isStyledAlphabet(point: number): boolean {
  return (
    (point >= 0x1d400 && point <= 0x1d7ff) || // mathematical alphanumeric symbols
    (point >= 0xff21 && point <= 0xff3a) ||
    (point >= 0xff41 && point <= 0xff5a) || // fullwidth letters
    (point >= 0x1d00 && point <= 0x1d2b) || // small capitals
    point === 0x0280 ||
    point === 0x0262 ||
    point === 0x029c ||
    point === 0x026a ||
    point === 0x029f ||
    point === 0x0274 ||
    point === 0x028f
  );
}

function isCombiningMark(point: number): boolean {
  return (
    (point >= 0x0300 && point <= 0x036f) ||
    (point >= 0x1ab0 && point <= 0x1aff) ||
    (point >= 0x1dc0 && point <= 0x1dff) ||
    (point >= 0x20d0 && point <= 0x20ff) ||
    (point >= 0xfe20 && point <= 0xfe2f)
  );
}

/**
 * Words that mix Latin letters with Cyrillic, Greek, Armenian or Cherokee ones are rewritten to their Latin
 * skeleton (each lookalike letter through the confusables map, one character for one, so offsets stay valid).
 * A word entirely in one script is left alone: Russian stays Russian, `μm` stays `μm`.
 */
function foldMixedScriptWords(chars: string[], scripts: Uint8Array, offsets: Int32Array): TextSegment[] {
  const words: TextSegment[] = [];
  let start = -1;
  let latin = false;
  let lookalike = false;
  const flush = (end: number) => {
    if (start >= 0 && latin && lookalike && end - start >= 3) {
      let disguised = false;
      for (let i = start; i < end; i += 1) {
        if (scripts[i] !== Script.Lookalike) continue;
        const char = chars[i] ?? '';
        const skeleton = confusablesMap.get(char) ?? confusablesMap.get(char.toUpperCase());
        if (skeleton !== undefined && skeleton.length === 1 && /[a-z]/i.test(skeleton)) {
          chars[i] = skeleton.toLowerCase();
          scripts[i] = Script.Latin;
          disguised = true;
        }
      }
      // A Greek letter that looks like no Latin one (μ in `μm`) is a symbol, not a disguise.
      if (disguised) words.push({ start: offsets[start] ?? 0, end: (offsets[end - 1] ?? 0) + 1 });
    }
    start = -1;
    latin = false;
    lookalike = false;
  };
  for (let i = 0; i < chars.length; i += 1) {
    const script = (scripts[i] ?? Script.Other) as Script;
    if (script === Script.Latin || script === Script.Lookalike) {
      if (start < 0) start = i;
      if (script === Script.Latin) latin = true;
      else lookalike = true;
    } else {
      flush(i);
    }
  }
  flush(chars.length);
  return words;
}

function isAsciiWord(text: string): boolean {
  return text.length > 0 && /^[a-z]+$/.test(text);
}

/**
 * Words and colons of the folded text, in one pass. A word is a run of letters and digits with inner apostrophes
 * (`don't`); `_`, `-` and everything else separate words. Non-ASCII letters count as letters (`scripts` says which
 * are; without it the text is ASCII).
 */
function tokenize(folded: string, scripts: Uint8Array | null): { tokens: Token[]; anchors: number[] } {
  const tokens: Token[] = [];
  const anchors: number[] = [];
  let start = -1;
  let hash = 0;
  for (let i = 0; i <= folded.length; i += 1) {
    const code = i < folded.length ? folded.charCodeAt(i) : 32;
    const wordChar =
      (code >= 97 && code <= 122) ||
      (code >= 48 && code <= 57) ||
      (code > 127 && scripts !== null && scripts[i] !== Script.Other) ||
      (code === 39 && start >= 0 && i + 1 < folded.length && isWordCode(folded.charCodeAt(i + 1), scripts, i + 1));
    if (wordChar) {
      if (start < 0) {
        start = i;
        hash = 0;
      }
      hash = nextHash(hash, code);
      continue;
    }
    if (start >= 0) {
      const token = new Token(folded, start, i);
      if (mayBeAnchor(hash) && ANCHOR_WORDS.has(token.text)) anchors.push(tokens.length);
      tokens.push(token);
      start = -1;
    }
    if (code === 58 || code === 0xff1a) tokens.push(new Token(folded, i, i + 1));
  }
  return { tokens, anchors };
}

function isWordCode(code: number, scripts: Uint8Array | null, index: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code > 127 && scripts?.[index] !== Script.Other);
}
