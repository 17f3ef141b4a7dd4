import diffSequences from '@jest/diff-sequences';

/** A line and whether a newline ends it (the last line of a text may have none). */
interface Line {
  text: string;
  newline: boolean;
}

interface Edit {
  kind: ' ' | '-' | '+';
  line: Line;
}

/**
 * A unified diff (`diff -u`, `git diff`) of two texts, line by line, with `context` unchanged lines around each
 * change; empty when the texts are equal. The edit script is Jest's Myers implementation (`@jest/diff-sequences`,
 * already in the lock file); only the hunks are written here.
 */
export function unifiedDiff(before: string, after: string, labels: { before: string; after: string }, context = 3) {
  const a = splitLines(before);
  const b = splitLines(after);
  const edits = editScript(a, b);
  if (edits.every((edit) => edit.kind === ' ')) return '';
  const output = [`--- ${labels.before}`, `+++ ${labels.after}`];
  for (const [start, end] of hunkRanges(edits, context)) {
    let aBefore = 0;
    let bBefore = 0;
    for (const edit of edits.slice(0, start)) {
      if (edit.kind !== '+') aBefore += 1;
      if (edit.kind !== '-') bBefore += 1;
    }
    const hunk = edits.slice(start, end);
    const aCount = hunk.filter((edit) => edit.kind !== '+').length;
    const bCount = hunk.filter((edit) => edit.kind !== '-').length;
    output.push(`@@ -${range(aBefore, aCount)} +${range(bBefore, bCount)} @@`);
    for (const edit of hunk) {
      output.push(`${edit.kind}${edit.line.text}`);
      if (!edit.line.newline) output.push('\\ No newline at end of file');
    }
  }
  return `${output.join('\n')}\n`;
}

export function splitLines(text: string): Line[] {
  if (text === '') return [];
  const parts = text.split('\n');
  const last = parts.pop() as string;
  const lines = parts.map((part) => ({ text: part, newline: true }));
  if (last !== '') lines.push({ text: last, newline: false });
  return lines;
}

function editScript(a: readonly Line[], b: readonly Line[]): Edit[] {
  const edits: Edit[] = [];
  let aIndex = 0;
  let bIndex = 0;
  const changesUpTo = (aEnd: number, bEnd: number) => {
    for (; aIndex < aEnd; aIndex += 1) edits.push({ kind: '-', line: a[aIndex] as Line });
    for (; bIndex < bEnd; bIndex += 1) edits.push({ kind: '+', line: b[bIndex] as Line });
  };
  diffSequences(
    a.length,
    b.length,
    (i, j) => {
      const x = a[i] as Line;
      const y = b[j] as Line;
      return x.text === y.text && x.newline === y.newline;
    },
    (count, aCommon, bCommon) => {
      changesUpTo(aCommon, bCommon);
      for (let k = 0; k < count; k += 1) edits.push({ kind: ' ', line: a[aIndex + k] as Line });
      aIndex += count;
      bIndex += count;
    },
  );
  changesUpTo(a.length, b.length);
  return edits;
}

/** [start, end) of each hunk over the edit script: the changes with their context, merged where they touch. */
function hunkRanges(edits: readonly Edit[], context: number): [number, number][] {
  const ranges: [number, number][] = [];
  edits.forEach((edit, index) => {
    if (edit.kind === ' ') return;
    const start = Math.max(0, index - context);
    const end = Math.min(edits.length, index + 1 + context);
    const last = ranges.at(-1);
    if (last && start <= last[1]) last[1] = end;
    else ranges.push([start, end]);
  });
  return ranges;
}

/** `start,count` of a hunk's side; an empty side names the line before it, as `diff -u` does. */
function range(linesBefore: number, count: number): string {
  const start = count === 0 ? linesBefore : linesBefore + 1;
  return count === 1 ? `${start}` : `${start},${count}`;
}
