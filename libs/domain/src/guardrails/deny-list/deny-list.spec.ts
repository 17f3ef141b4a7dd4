import { checkDenyListPatterns, compileDenyList, DenyListError, MAX_DENY_LIST_PATTERNS } from './deny-list';

describe('checkDenyListPatterns', () => {
  it('accepts valid RE2 patterns', () => {
    expect(checkDenyListPatterns(['(?i)project\\s+falcon', '\\b\\d{3}-\\d{2}-\\d{4}\\b', '\\p{Greek}+'])).toEqual([]);
  });

  it('reports each refused pattern with its index and the reason', () => {
    const problems = checkDenyListPatterns(['ok', '(a', '(?=secret)', '(a)\\1', 'x*', '\\b', '', 'a{1001}', 42]);
    expect(problems.map((problem) => problem.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(problems[0]?.reason).toBe('is not a valid RE2 expression: missing closing ): `(a`');
    expect(problems[1]?.reason).toContain('lookaround and backreferences are not supported');
    expect(problems[2]?.reason).toContain('lookaround and backreferences are not supported');
    expect(problems[3]?.reason).toBe('matches the empty string, so it would fire on every text');
    expect(problems[4]?.reason).toBe('matches the empty string, so it would fire on every text');
    expect(problems[5]?.reason).toBe('is empty');
    expect(problems[6]?.reason).toContain('invalid repeat count');
    expect(problems[7]?.reason).toBe('must be a string');
  });

  it('refuses overlong patterns and overlong lists', () => {
    expect(checkDenyListPatterns(['a'.repeat(1_001)])[0]?.reason).toBe('is longer than 1000 characters');
    const many = Array.from({ length: MAX_DENY_LIST_PATTERNS + 1 }, (_, index) => `word${index}`);
    expect(checkDenyListPatterns(many)).toEqual([
      { index: MAX_DENY_LIST_PATTERNS, reason: `a deny list holds at most ${MAX_DENY_LIST_PATTERNS} patterns` },
    ]);
  });
});

describe('compileDenyList', () => {
  const list = compileDenyList(['(?i)secret', 'project falcon', 'falcon \\d+']);
  const text = 'My SECRET is project falcon 7, not a secret.';

  it('throws a DenyListError listing every problem', () => {
    expect(() => compileDenyList(['ok', '(a', 'x*'])).toThrow(DenyListError);
    try {
      compileDenyList(['ok', '(a', 'x*']);
    } catch (error) {
      expect((error as DenyListError).problems.map((problem) => problem.index)).toEqual([1, 2]);
    }
  });

  it('finds every match of every pattern with its pattern index and UTF-16 offsets', () => {
    expect(list.find(text)).toEqual([
      { patternIndex: 0, start: 3, end: 9 },
      { patternIndex: 1, start: 13, end: 27 },
      { patternIndex: 2, start: 21, end: 29 },
      { patternIndex: 0, start: 37, end: 43 },
    ]);
    const emoji = '😀 secret';
    const [match] = list.find(emoji);
    expect(emoji.slice(match?.start, match?.end)).toBe('secret');
  });

  it('tests, finds and redacts nothing when nothing matches', () => {
    expect(list.test('all clear')).toBe(false);
    expect(list.find('all clear')).toEqual([]);
    expect(list.redact('all clear', '[X]')).toBe('all clear');
    const empty = compileDenyList([]);
    expect(empty.test('anything')).toBe(false);
    expect(empty.find('anything')).toEqual([]);
  });

  it('redacts matched spans, merging overlaps, with the replacement taken literally', () => {
    expect(list.redact(text, '[DENIED]')).toBe('My [DENIED] is [DENIED], not a [DENIED].');
    expect(list.redact('secret', '$& $1 $$')).toBe('$& $1 $$');
  });

  it('keeps each pattern’s own flags when the list is tested as one', () => {
    const mixed = compileDenyList(['(?i)alpha', 'Beta']);
    expect(mixed.test('ALPHA')).toBe(true);
    expect(mixed.test('beta')).toBe(false);
    expect(mixed.test('Beta')).toBe(true);
  });

  it('caps the number of matches it returns', () => {
    expect(compileDenyList(['a']).find('a'.repeat(5_000), 10)).toHaveLength(10);
  });

  describe('runs catastrophic-backtracking patterns in linear time', () => {
    // On JavaScript's own engine, `(a+)+$` against 30 a's and a "!" takes seconds, and doubles with each extra a.
    const attacks = ['(a+)+$', '(a|aa)+$', '(a*)*b', '(\\w+\\s?)+$'];
    const long = 'a'.repeat(100_000);

    it.each(attacks)('%s on 100 KB that does not match', (pattern) => {
      const denyList = compileDenyList([pattern]);
      const started = Date.now();
      expect(denyList.find(`${long}!`)).toEqual([]);
      // Generous on purpose (a shared machine); it takes a few milliseconds here, a backtracking engine never ends.
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('(a+)+$ on 100 KB that does match, found and redacted', () => {
      const denyList = compileDenyList(['(a+)+$']);
      const started = Date.now();
      expect(denyList.find(long)).toEqual([{ patternIndex: 0, start: 0, end: 100_000 }]);
      expect(denyList.redact(`x${long}`, '[X]')).toBe('x[X]');
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });
});
