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
  const fold =
    segments.length === 1 && !NON_ASCII.test(text)
      ? { folded: text.toLowerCase(), offsets: null, styledLetters: 0, styledSpan: null }
      : foldUnicode(text, segments);
  let { folded } = fold;
  const tokenized = tokenize(folded);
  let { tokens, anchors } = tokenized;
  const { mixedWords } = tokenized;
  const mixedScriptWords: TextSegment[] = [];
  if (mixedWords.length > 0) {
    // Rare: words mixing Latin with lookalikes are rewritten to their skeleton (one unit for one), and read again.
    const chars = folded.split('');
    for (const word of mixedWords) {
      if (foldSkeleton(chars, word)) mixedScriptWords.push(spanOf(fold.offsets, text, word.start, word.end));
    }
    folded = chars.join('');
    ({ tokens, anchors } = tokenize(folded));
  }
  return { original: text, segments, ...fold, folded, tokens, anchors, mixedScriptWords };
}

/** The original span of folded characters `[start, end)`. */
export function originalSpan(scanned: ScannedText, start: number, end: number): TextSegment {
  return spanOf(scanned.offsets, scanned.original, start, end);
}

function spanOf(offsets: Int32Array | null, original: string, start: number, end: number): TextSegment {
  if (offsets === null) return { start, end };
  const from = offsets[start] ?? original.length;
  const last = offsets[Math.max(start, end - 1)] ?? from;
  // The last folded character may come from a character outside the BMP (mathematical bold), two code units long.
  const width = (original.codePointAt(last) ?? 0) > 0xffff ? 2 : 1;
  return { start: from, end: Math.max(from, last + width) };
}

const NON_ASCII = /[\u0080-\uffff]/;

interface Fold {
  folded: string;
  offsets: Int32Array | null;
  styledLetters: number;
  styledSpan: TextSegment | null;
}

/**
 * Folds a text with non-ASCII characters (or read as head and tail). Characters whose fold is just their lower case,
 * one unit for one (ASCII, and most letters of most scripts), are copied in runs and lower-cased a run at a time; a
 * table says which characters those are, so only the others are folded one by one. The offset map is made only when
 * the folded text stops lining up with the original (a character dropped, or folded to a different length).
 */
function foldUnicode(text: string, segments: readonly TextSegment[]): Fold {
  const builder = new FoldBuilder(text.length);
  let styledLetters = 0;
  let styledStart = -1;
  let styledEnd = -1;
  for (const [index, segment] of segments.entries()) {
    // A line break between head and tail, so no phrase is matched across the gap.
    if (index > 0) builder.mapped('\n', segment.start, 0);
    let runStart = segment.start;
    let at = segment.start;
    while (at < segment.end) {
      const code = text.charCodeAt(at);
      if (code < 128 || foldKindOf(code) === FoldKind.Simple) {
        at += 1;
        continue;
      }
      if (at > runStart) builder.run(text, runStart, at);
      const point = text.codePointAt(at) ?? 0;
      const width = point > 0xffff ? 2 : 1;
      if (isInvisibleCodePoint(point) || isCombiningMark(point)) {
        builder.dropped();
      } else {
        const fold = foldCodePoint(point);
        if (fold.styled) {
          styledLetters += 1;
          if (styledStart < 0) styledStart = at;
          styledEnd = at + width;
        }
        builder.mapped(fold.text, at, width);
      }
      at += width;
      runStart = at;
    }
    if (at > runStart) builder.run(text, runStart, at);
  }
  return {
    folded: builder.text(),
    offsets: builder.offsetMap(),
    styledLetters,
    styledSpan: styledStart < 0 ? null : { start: styledStart, end: styledEnd },
  };
}

const enum FoldKind {
  Unknown,
  /** Folds to its own lower case, one unit: copied as part of a run. */
  Simple,
  /** Anything else: dropped, decomposed, mapped, or half of a surrogate pair. */
  Complex,
}

/** Which BMP code units fold simply, worked out the first time each is met. */
const foldKinds = new Uint8Array(0x10000);

function foldKindOf(code: number): FoldKind {
  const known = foldKinds[code] ?? FoldKind.Unknown;
  if (known !== FoldKind.Unknown) return known;
  let kind = FoldKind.Complex;
  if ((code < 0xd800 || code > 0xdfff) && !isInvisibleCodePoint(code) && !isCombiningMark(code)) {
    const lower = String.fromCharCode(code).toLowerCase();
    const fold = foldCodePoint(code);
    if (!fold.styled && lower.length === 1 && fold.text === lower) kind = FoldKind.Simple;
  }
  foldKinds[code] = kind;
  return kind;
}

/** The folded text in pieces, and its offset map once one is needed. */
class FoldBuilder {
  private readonly pieces: string[] = [];
  private length = 0;
  private offsets: Int32Array | null = null;

  constructor(private readonly capacityHint: number) {}

  /** Characters that fold to their own lower case, one unit each. */
  run(text: string, from: number, to: number): void {
    this.pieces.push(text.slice(from, to).toLowerCase());
    const offsets = this.offsets === null ? null : this.reserve(to - from);
    if (offsets !== null) for (let at = from; at < to; at += 1) offsets[this.length + at - from] = at;
    this.length += to - from;
  }

  /** `piece` stands for the `width` code units at `at` (a separator stands for none). */
  mapped(piece: string, at: number, width: number): void {
    if (this.offsets === null && piece.length !== width) this.startOffsets();
    this.pieces.push(piece);
    const offsets = this.offsets === null ? null : this.reserve(piece.length);
    if (offsets !== null) for (let unit = 0; unit < piece.length; unit += 1) offsets[this.length + unit] = at;
    this.length += piece.length;
  }

  dropped(): void {
    if (this.offsets === null) this.startOffsets();
  }

  text(): string {
    return this.pieces.join('');
  }

  offsetMap(): Int32Array | null {
    return this.offsets === null ? null : this.offsets.subarray(0, this.length);
  }

  /** Up to now folded and original lined up, so the map so far is the identity. */
  private startOffsets(): void {
    this.offsets = new Int32Array(Math.max(this.capacityHint, this.length) + 16);
    for (let at = 0; at < this.length; at += 1) this.offsets[at] = at;
  }

  private reserve(extra: number): Int32Array {
    let offsets = this.offsets ?? new Int32Array(0);
    if (this.length + extra > offsets.length) {
      const grown = new Int32Array((this.length + extra) * 2);
      grown.set(offsets);
      offsets = grown;
      this.offsets = grown;
    }
    return offsets;
  }
}

const enum Script {
  Unknown,
  Other,
  Latin,
  /** Cyrillic, Greek, Armenian, Cherokee: the scripts whose letters pass for Latin ones. */
  Lookalike,
  /** Any other letter (CJK, Arabic, Devanagari, ...). */
  OtherLetter,
}

/** The script of each BMP code unit of folded text, worked out the first time it is met. */
const scriptTable = new Uint8Array(0x10000);

function scriptOfUnit(code: number): Script {
  const known = scriptTable[code] ?? Script.Unknown;
  if (known !== Script.Unknown) return known;
  const script =
    (code >= 97 && code <= 122) || (code >= 65 && code <= 90)
      ? Script.Latin
      : code < 128 || (code >= 0xd800 && code <= 0xdfff)
        ? Script.Other
        : scriptOf(code);
  scriptTable[code] = script;
  return script;
}

interface FoldedCodePoint {
  text: string;
  styled: boolean;
}

const foldCache = new Map<number, FoldedCodePoint>();

/**
 * One non-ASCII code point, folded: compatibility decomposition (fullwidth and mathematical letters, ligatures,
 * superscripts), accents dropped where that leaves ASCII, lower-cased; Latin-script letters that only look like
 * ASCII ones (small capitals) through the confusables map. Cached: a prompt uses few distinct non-ASCII characters.
 */
function foldCodePoint(point: number): FoldedCodePoint {
  const cached = foldCache.get(point);
  if (cached) return cached;
  const char = String.fromCodePoint(point);
  // Accents are dropped only where that leaves ASCII (é → e); elsewhere a mark is part of the letter (й is not и).
  const stripped = char.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  let text = /^[\x20-\x7e]+$/.test(stripped) ? stripped : char.normalize('NFKC').toLowerCase();
  if (text === '' || (text.length === 1 && text.charCodeAt(0) > 127 && isLatinExtension(point))) {
    const skeleton = confusablesMap.get(char);
    text = skeleton !== undefined && /^[a-z]$/i.test(skeleton) ? skeleton.toLowerCase() : char.toLowerCase();
  }
  // Typographic quotes fold to ASCII ones, so contractions (you’re) and quoted spans read the same either way.
  if (point === 0x2018 || point === 0x2019 || point === 0x02bc) text = "'";
  if (point === 0x201c || point === 0x201d || point === 0x00ab || point === 0x00bb) text = '"';
  const folded = { text, styled: isStyledAlphabet(point) };
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
 * Rewrites a mixed-script word to its Latin skeleton, each lookalike letter through the confusables map, one unit
 * for one so offsets stay valid. True when a letter was rewritten: a Greek letter that looks like no Latin one (μ in
 * `μm`) is a symbol, not a disguise.
 */
function foldSkeleton(chars: string[], word: TextSegment): boolean {
  let disguised = false;
  for (let at = word.start; at < word.end; at += 1) {
    const char = chars[at] ?? '';
    if (scriptOfUnit(char.charCodeAt(0)) !== Script.Lookalike) continue;
    const skeleton = confusablesMap.get(char) ?? confusablesMap.get(char.toUpperCase());
    if (skeleton !== undefined && skeleton.length === 1 && /[a-z]/i.test(skeleton)) {
      chars[at] = skeleton.toLowerCase();
      disguised = true;
    }
  }
  return disguised;
}

/**
 * Words and colons of the folded text, in one pass. A word is a run of letters and digits with inner apostrophes
 * (`don't`); `_`, `-` and everything else separate words. Words of three or more letters that mix Latin with
 * Cyrillic, Greek, Armenian or Cherokee letters are reported for folding; words in one script are left alone.
 */
function tokenize(folded: string): { tokens: Token[]; anchors: number[]; mixedWords: TextSegment[] } {
  const tokens: Token[] = [];
  const anchors: number[] = [];
  const mixedWords: TextSegment[] = [];
  let start = -1;
  let hash = 0;
  let latin = false;
  let lookalike = false;
  for (let at = 0; at <= folded.length; at += 1) {
    const code = at < folded.length ? folded.charCodeAt(at) : 32;
    let wordChar: boolean;
    if (code < 128) {
      const letter = code >= 97 && code <= 122;
      wordChar =
        letter ||
        (code >= 48 && code <= 57) ||
        (code === 39 && start >= 0 && at + 1 < folded.length && isWordCode(folded.charCodeAt(at + 1)));
      latin ||= letter;
    } else {
      const script = scriptOfUnit(code);
      wordChar = script >= Script.Latin;
      lookalike ||= script === Script.Lookalike;
    }
    if (wordChar) {
      if (start < 0) {
        start = at;
        hash = 0;
      }
      hash = nextHash(hash, code);
      continue;
    }
    if (start >= 0) {
      const token = new Token(folded, start, at);
      if (mayBeAnchor(hash) && ANCHOR_WORDS.has(token.text)) anchors.push(tokens.length);
      if (latin && lookalike && at - start >= 3) mixedWords.push({ start, end: at });
      tokens.push(token);
      start = -1;
    }
    latin = false;
    lookalike = false;
    if (code === 58 || code === 0xff1a) tokens.push(new Token(folded, at, at + 1));
  }
  return { tokens, anchors, mixedWords };
}

function isWordCode(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 128 && scriptOfUnit(code) >= Script.Latin)
  );
}
