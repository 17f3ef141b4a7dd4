import { describe, expect, it } from '@jest/globals';
import { diffLines, diffStats, type DiffLine } from './line-diff';

/** The diff as `diff -u` would print its body: ' ', '-' or '+' and the text. */
const unified = (lines: DiffLine[]) =>
  lines.map((line) => `${line.kind === 'same' ? ' ' : line.kind === 'added' ? '+' : '-'}${line.text}`);

describe('diffLines', () => {
  it('finds no change between equal texts, whatever their final newline', () => {
    const lines = diffLines('a\nb\n', 'a\nb');
    expect(unified(lines)).toEqual([' a', ' b']);
    expect(diffStats(lines)).toEqual({ added: 0, removed: 0 });
  });

  it('shows a changed line as removed then added, with the old and new line numbers', () => {
    const lines = diffLines('mode: enforce\nspec:\n  access: {}\n', 'mode: monitor\nspec:\n  access: {}\n');
    expect(unified(lines)).toEqual(['-mode: enforce', '+mode: monitor', ' spec:', '   access: {}']);
    expect(lines[0]).toEqual({ kind: 'removed', text: 'mode: enforce', oldLine: 1 });
    expect(lines[1]).toEqual({ kind: 'added', text: 'mode: monitor', newLine: 1 });
    expect(lines[3]).toEqual({ kind: 'same', text: '  access: {}', oldLine: 3, newLine: 3 });
  });

  it('keeps the longest run of common lines between insertions and removals', () => {
    const before = ['a', 'b', 'c', 'd', 'e'].join('\n');
    const after = ['a', 'x', 'c', 'd', 'y', 'e', 'f'].join('\n');
    const lines = diffLines(before, after);
    expect(unified(lines)).toEqual([' a', '-b', '+x', ' c', ' d', '+y', ' e', '+f']);
    expect(diffStats(lines)).toEqual({ added: 3, removed: 1 });
    // Numbers follow each side: the 'e' is line 5 before and line 6 after.
    expect(lines.find((line) => line.text === 'e')).toEqual({ kind: 'same', text: 'e', oldLine: 5, newLine: 6 });
  });

  it('diffs against an empty text', () => {
    expect(unified(diffLines('', 'a\nb'))).toEqual(['+a', '+b']);
    expect(unified(diffLines('a\nb', ''))).toEqual(['-a', '-b']);
  });

  it('rebuilds both texts from its lines', () => {
    const before = 'one\ntwo\nthree\nfour\nfive\nsix\n';
    const after = 'zero\none\nthree\nfour\n4.5\nsix\nseven\n';
    const lines = diffLines(before, after);
    const old = lines.filter((line) => line.kind !== 'added').map((line) => line.text);
    const next = lines.filter((line) => line.kind !== 'removed').map((line) => line.text);
    expect(old.join('\n') + '\n').toBe(before);
    expect(next.join('\n') + '\n').toBe(after);
  });
});
