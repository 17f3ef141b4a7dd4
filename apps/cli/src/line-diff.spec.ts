import { splitLines, unifiedDiff } from './line-diff';

const labels = { before: 'a', after: 'b' };

/** Applies a unified diff to `before`, as `patch` would, checking every context and removed line on the way. */
function applyPatch(before: string, patch: string): string {
  const source = splitLines(before);
  const result: { text: string; newline: boolean }[] = [];
  const lines = patch.split('\n').slice(2, -1);
  let position = 0;
  for (let i = 0; i < lines.length; i += 1) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(lines[i] as string);
    if (!header) throw new Error(`not a hunk header: ${lines[i]}`);
    const count = header[2] === undefined ? 1 : Number(header[2]);
    const start = count === 0 ? Number(header[1]) : Number(header[1]) - 1;
    while (position < start) result.push(source[position++] as { text: string; newline: boolean });
    while (i + 1 < lines.length && !(lines[i + 1] as string).startsWith('@@')) {
      const line = lines[++i] as string;
      const newline = lines[i + 1] !== '\\ No newline at end of file';
      if (!newline) i += 1;
      const text = line.slice(1);
      if (line[0] !== '+') {
        expect(source[position]).toEqual({ text, newline });
        position += 1;
      }
      if (line[0] !== '-') result.push({ text, newline });
    }
  }
  while (position < source.length) result.push(source[position++] as { text: string; newline: boolean });
  return result.map((line) => `${line.text}${line.newline ? '\n' : ''}`).join('');
}

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', labels)).toBe('');
    expect(unifiedDiff('', '', labels)).toBe('');
  });

  it('writes hunks as diff -u does, with three lines of context', () => {
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
    expect(unifiedDiff('x\n', 'x', labels)).toBe('--- a\n+++ b\n@@ -1 +1 @@\n-x\n+x\n\\ No newline at end of file\n');
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
