import { applyPatch } from 'diff';
import { unifiedDiff } from './line-diff';

const labels = { before: 'a', after: 'b' };

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', labels)).toBe('');
    expect(unifiedDiff('', '', labels)).toBe('');
  });

  it('writes hunks as diff -u does, with three lines of context (counts always written)', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'].join('\n') + '\n';
    const after = before.replace('2\n', 'two\n').replace('11\n', '');
    expect(unifiedDiff(before, after, labels)).toBe(
      [
        '--- a',
        '+++ b',
        '@@ -1,5 +1,5 @@',
        ' 1',
        '-2',
        '+two',
        ' 3',
        ' 4',
        ' 5',
        '@@ -8,5 +8,4 @@',
        ' 8',
        ' 9',
        ' 10',
        '-11',
        ' 12',
        '',
      ].join('\n'),
    );
  });

  it('merges changes whose context touches into one hunk', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const after = 'a\nB\nc\nd\ne\nf\nG\nh\n';
    const patch = unifiedDiff(before, after, labels);
    expect(patch.match(/^@@/gm)).toHaveLength(1);
    expect(patch).toContain('@@ -1,8 +1,8 @@');
  });

  it('shows a new document against nothing, and a missing newline at the end', () => {
    expect(unifiedDiff('', 'x\ny', labels)).toBe(
      '--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n\\ No newline at end of file\n',
    );
    expect(unifiedDiff('x\n', 'x', labels)).toBe(
      '--- a\n+++ b\n@@ -1,1 +1,1 @@\n-x\n+x\n\\ No newline at end of file\n',
    );
  });

  it('gives a patch that turns the first text into the second (random edits)', () => {
    let seed = 42;
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % below;
    };
    for (let round = 0; round < 300; round += 1) {
      const before = Array.from({ length: random(30) }, () => `line ${random(8)}`);
      const after = [...before];
      for (let edit = random(6); edit > 0; edit -= 1) {
        const at = random(after.length + 1);
        if (random(2) === 0) after.splice(at, 1);
        else after.splice(at, 0, `new ${random(5)}`);
      }
      const a = before.join('\n') + (random(3) === 0 ? '' : '\n');
      const b = after.join('\n') + (random(3) === 0 ? '' : '\n');
      const patch = unifiedDiff(a, b, labels);
      if (a === b) expect(patch).toBe('');
      else expect(applyPatch(a, patch)).toBe(b);
    }
  });
});
