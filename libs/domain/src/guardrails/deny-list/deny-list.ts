import { RE2JS } from 're2js';

/**
 * Deny lists: regular expressions written by tenants and platform admins, run on every request and answer. A
 * backtracking engine (JavaScript's RegExp) can take exponential time on a pattern like `(a+)+$`, so one careless
 * rule could hang every gateway; these run on RE2 (re2js, pure JavaScript), whose time is linear in the text for
 * every pattern. The price is RE2's syntax: no lookaround and no backreferences, which are reported as problems.
 * Patterns are case-sensitive unless they say `(?i)`.
 */
export interface DenyListProblem {
  /** Index of the pattern in the list as given (the list itself when it is too long: the first index past the limit). */
  index: number;
  reason: string;
}

export interface DenyListMatch {
  patternIndex: number;
  /** UTF-16 offsets into the text, end exclusive. */
  start: number;
  end: number;
}

export interface DenyList {
  readonly patterns: readonly string[];
  /** Whether any pattern matches: one pass over the text, the cheap check for `block` and `log`. */
  test(text: string): boolean;
  /** Every match of every pattern, by start (at most `limit`). */
  find(text: string, limit?: number): DenyListMatch[];
  /** The text with each matched span (overlapping spans merged) replaced by `replacement`, taken literally. */
  redact(text: string, replacement: string): string;
}

/** What replaces each match of a deny list whose action is `redact`, in prompts and answers alike. */
export const DENY_LIST_REDACTION = '[REDACTED]';

export const MAX_DENY_LIST_PATTERNS = 200;
export const MAX_DENY_LIST_PATTERN_LENGTH = 1_000;
/** RE2 program size (roughly its instruction count): bounds the memory and per-character work of one pattern. */
const MAX_PROGRAM_SIZE = 10_000;
const DEFAULT_MATCH_LIMIT = 1_000;

/** A list that cannot be compiled; `problems` says which patterns and why. */
export class DenyListError extends Error {
  constructor(readonly problems: DenyListProblem[]) {
    super(problems.map((problem) => `pattern ${problem.index}: ${problem.reason}`).join('; '));
    this.name = 'DenyListError';
  }
}

/**
 * What is wrong with each pattern, for policy validation (an empty array when the list compiles). Checks that each
 * is a non-empty string within the length limit, valid RE2 syntax, of bounded size, and unable to match the empty
 * string (which would fire on every text).
 */
export function checkDenyListPatterns(patterns: readonly unknown[]): DenyListProblem[] {
  const problems: DenyListProblem[] = [];
  if (patterns.length > MAX_DENY_LIST_PATTERNS) {
    problems.push({
      index: MAX_DENY_LIST_PATTERNS,
      reason: `a deny list holds at most ${MAX_DENY_LIST_PATTERNS} patterns`,
    });
  }
  patterns.slice(0, MAX_DENY_LIST_PATTERNS).forEach((pattern, index) => {
    const reason = patternProblem(pattern);
    if (reason !== null) problems.push({ index, reason });
  });
  return problems;
}

/** Compiles a deny list; throws `DenyListError` listing every problem when any pattern is refused. */
export function compileDenyList(patterns: readonly string[]): DenyList {
  const problems = checkDenyListPatterns(patterns);
  if (problems.length > 0) throw new DenyListError(problems);
  return new Re2DenyList(patterns);
}

function patternProblem(pattern: unknown): string | null {
  if (typeof pattern !== 'string') return 'must be a string';
  if (pattern.length === 0) return 'is empty';
  if (pattern.length > MAX_DENY_LIST_PATTERN_LENGTH) {
    return `is longer than ${MAX_DENY_LIST_PATTERN_LENGTH} characters`;
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    return syntaxReason(pattern, error);
  }
  if (compiled.programSize() > MAX_PROGRAM_SIZE) return 'is too complex (expand fewer repetitions)';
  if (matchesEmpty(compiled)) return 'matches the empty string, so it would fire on every text';
  return null;
}

/** RE2's message without its prefix ("missing closing ): `(a`"), with a hint where JavaScript syntax was meant. */
function syntaxReason(pattern: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const reason = `is not a valid RE2 expression: ${message.replace(/^error parsing regexp: /, '')}`;
  if (/\(\?<?[=!]/.test(pattern) || /\\[1-9]/.test(pattern)) {
    return `${reason} (lookaround and backreferences are not supported: deny lists run on RE2, in linear time)`;
  }
  return reason;
}

/** Matches the whole empty text, or an empty string at the first place it matches in a small probe text. */
function matchesEmpty(compiled: RE2JS): boolean {
  if (compiled.testExact('')) return true;
  const matcher = compiled.matcher('probe text_1\n2');
  return matcher.find() && matcher.start() === matcher.end();
}

class Re2DenyList implements DenyList {
  private readonly compiled: RE2JS[];
  /** All patterns as one alternation: one linear pass answers "does anything match?" for the whole list. */
  private readonly any: RE2JS;

  constructor(readonly patterns: readonly string[]) {
    this.compiled = patterns.map((pattern) => RE2JS.compile(pattern));
    // Flags such as (?i) inside a group apply to that group only, so each pattern keeps its own.
    this.any = RE2JS.compile(
      patterns.length === 0 ? '[^\\x00-\\x{10FFFF}]' : patterns.map((p) => `(?:${p})`).join('|'),
    );
  }

  test(text: string): boolean {
    return this.any.test(text);
  }

  find(text: string, limit = DEFAULT_MATCH_LIMIT): DenyListMatch[] {
    if (!this.any.test(text)) return [];
    const matches: DenyListMatch[] = [];
    this.compiled.forEach((pattern, patternIndex) => {
      if (matches.length >= limit || !pattern.test(text)) return;
      const matcher = pattern.matcher(text);
      while (matches.length < limit && matcher.find()) {
        // Compilation refuses patterns that match the empty string; one that still does somewhere adds nothing.
        if (matcher.end() > matcher.start()) matches.push({ patternIndex, start: matcher.start(), end: matcher.end() });
      }
    });
    return matches.sort((a, b) => a.start - b.start || b.end - a.end);
  }

  redact(text: string, replacement: string): string {
    const matches = this.find(text, Number.POSITIVE_INFINITY);
    if (matches.length === 0) return text;
    const parts: string[] = [];
    let copied = 0;
    let spanStart = -1;
    let spanEnd = -1;
    const flush = () => {
      parts.push(text.slice(copied, spanStart), replacement);
      copied = spanEnd;
    };
    for (const match of matches) {
      if (spanStart >= 0 && match.start <= spanEnd) {
        spanEnd = Math.max(spanEnd, match.end);
        continue;
      }
      if (spanStart >= 0) flush();
      spanStart = match.start;
      spanEnd = match.end;
    }
    flush();
    parts.push(text.slice(copied));
    return parts.join('');
  }
}
