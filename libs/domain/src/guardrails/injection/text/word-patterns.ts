import { registerAnchorWords, type ScannedText } from './scanned-text';

/**
 * Phrase patterns over words instead of regular expressions: a backtracking regex over free text is one careless edit
 * away from exponential time, and an alternation of hundreds of phrases is hard to read. A pattern is a sequence of
 * elements separated by spaces:
 *
 * - `ignore|disregard|@OVERRIDE_VERB`: one word from the alternatives (`@NAME` includes a named word set);
 * - `[all|the|@FILLER]{0,3}` or `[please]?`: between m and n words, each from the alternatives;
 * - `*{0,2}`: up to n words of any kind.
 *
 * The first element must be a plain alternation: patterns are indexed by their first words, so a word that starts no
 * pattern costs one map lookup. Matching simulates all ways through a pattern at once (a set of positions, never
 * larger than the pattern's longest span), so the work is linear in the number of words times the pattern length.
 */
export interface WordMatch<K extends string> {
  key: K;
  /** Index of the first word and one past the last word of the match. */
  first: number;
  end: number;
}

interface Element {
  /** Allowed words; null allows any word except a colon. */
  words: ReadonlySet<string> | null;
  min: number;
  max: number;
}

interface CompiledPattern<K extends string> {
  key: K;
  elements: Element[];
  /** Where this pattern's last match ended, valid while `generation` is the current `find` call's. */
  busyUntil: number;
  generation: number;
}

/** Positions one step of a match can be at: never more than a pattern's longest span, which compiling checks. */
const MAX_POSITIONS = 64;
const positionsA = new Int32Array(MAX_POSITIONS);
const positionsB = new Int32Array(MAX_POSITIONS);

export type WordSets = Record<string, string>;

export class WordPatterns<K extends string> {
  private readonly byFirstWord = new Map<string, CompiledPattern<K>[]>();
  private readonly count: number;
  private generation = 0;

  /** `patterns` maps a key to one or more pattern sources; `sets` names word lists (space-separated) for `@NAME`. */
  constructor(patterns: Record<K, string | readonly string[]>, sets: WordSets = {}) {
    let count = 0;
    for (const key of Object.keys(patterns) as K[]) {
      const sources = patterns[key];
      for (const source of typeof sources === 'string' ? [sources] : sources) {
        const elements = parsePattern(source, sets);
        const first = elements[0];
        if (!first || first.words === null || first.min !== 1 || first.max !== 1) {
          throw new Error(`pattern "${source}" must start with a plain alternation`);
        }
        const span = elements.reduce((total, element) => total + element.max, 0);
        if (span >= MAX_POSITIONS) throw new Error(`pattern "${source}" may span more than ${MAX_POSITIONS - 1} words`);
        const compiled = { key, elements, busyUntil: 0, generation: 0 };
        count += 1;
        registerAnchorWords(first.words);
        for (const word of first.words) {
          const list = this.byFirstWord.get(word) ?? [];
          list.push(compiled);
          this.byFirstWord.set(word, list);
        }
      }
    }
    this.count = count;
  }

  get size(): number {
    return this.count;
  }

  /** Non-overlapping matches of each pattern (the shortest at each start), in order of their first word. */
  find(scanned: Pick<ScannedText, 'tokens' | 'anchors'>, limit = 64): WordMatch<K>[] {
    const { tokens, anchors } = scanned;
    const matches: WordMatch<K>[] = [];
    // Synchronous, so a call number is enough to tell this call's bookkeeping from a previous call's.
    const generation = (this.generation += 1);
    for (let a = 0; a < anchors.length && matches.length < limit; a += 1) {
      const i = anchors[a] ?? 0;
      const candidates = this.byFirstWord.get(tokens[i]?.text ?? '');
      if (candidates === undefined) continue;
      for (const pattern of candidates) {
        if (pattern.generation === generation && pattern.busyUntil > i) continue;
        const end = matchAt(pattern.elements, tokens, i);
        if (end < 0) continue;
        pattern.generation = generation;
        pattern.busyUntil = end;
        matches.push({ key: pattern.key, first: i, end });
      }
    }
    return matches;
  }
}

/** The end of the shortest match of `elements` starting at word `start`, or -1. */
function matchAt(elements: readonly Element[], tokens: ScannedText['tokens'], start: number): number {
  // The first element is the word the pattern was found by; the rest is simulated from the word after it.
  let current = positionsA;
  let next = positionsB;
  current[0] = start + 1;
  let count = 1;
  for (let index = 1; index < elements.length; index += 1) {
    const element = elements[index] as Element;
    let nextCount = 0;
    for (let p = 0; p < count; p += 1) {
      const position = current[p] ?? 0;
      for (let taken = 0; taken <= element.max; taken += 1) {
        if (taken >= element.min && !includes(next, nextCount, position + taken)) next[nextCount++] = position + taken;
        if (taken === element.max) break;
        const token = tokens[position + taken];
        if (token === undefined || !fits(element, token.text)) break;
      }
    }
    if (nextCount === 0) return -1;
    [current, next] = [next, current];
    count = nextCount;
  }
  let shortest = current[0] ?? -1;
  for (let p = 1; p < count; p += 1) shortest = Math.min(shortest, current[p] ?? shortest);
  return shortest;
}

function includes(positions: Int32Array, count: number, value: number): boolean {
  for (let p = 0; p < count; p += 1) if (positions[p] === value) return true;
  return false;
}

function fits(element: Element, word: string): boolean {
  return element.words === null ? word !== ':' : element.words.has(word);
}

const QUANTIFIED = /^\[([^\]]+)\](\?|\{(\d+),(\d+)\})$/;
const ANY = /^\*\{(\d+),(\d+)\}$/;

function parsePattern(source: string, sets: WordSets): Element[] {
  return source
    .trim()
    .split(/\s+/)
    .map((part) => {
      const any = ANY.exec(part);
      if (any) return { words: null, min: Number(any[1]), max: Number(any[2]) };
      const quantified = QUANTIFIED.exec(part);
      if (quantified) {
        const optional = quantified[2] === '?';
        return {
          words: alternatives(quantified[1] ?? '', sets, source),
          min: optional ? 0 : Number(quantified[3]),
          max: optional ? 1 : Number(quantified[4]),
        };
      }
      return { words: alternatives(part, sets, source), min: 1, max: 1 };
    });
}

function alternatives(text: string, sets: WordSets, source: string): ReadonlySet<string> {
  const words = new Set<string>();
  for (const alternative of text.split('|')) {
    if (alternative.startsWith('@')) {
      const set = sets[alternative.slice(1)];
      if (set === undefined) throw new Error(`pattern "${source}" names an unknown word set ${alternative}`);
      for (const word of set.trim().split(/\s+/)) words.add(word);
    } else if (alternative !== '') {
      words.add(alternative);
    }
  }
  if (words.size === 0) throw new Error(`pattern "${source}" has an empty alternation`);
  return words;
}
