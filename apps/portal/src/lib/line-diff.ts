/**
 * A line diff of two texts, for comparing policy versions. Policy documents are a few dozen lines, so the textbook
 * longest-common-subsequence table is quick enough; the `diff` package is not a dependency of this repository, and
 * forty lines here are cheaper than one more package in the portal's bundle.
 */

export type DiffLine =
  | { kind: 'same'; text: string; oldLine: number; newLine: number }
  | { kind: 'removed'; text: string; oldLine: number }
  | { kind: 'added'; text: string; newLine: number };

// Above this many table cells (two texts of about 1,400 changed lines each) the table would take tens of megabytes;
// such texts are shown as "all old lines removed, all new lines added", which is still a true diff.
const MAX_CELLS = 2_000_000;

export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);

  // Common head and tail first: most edits touch a few lines, and this keeps the table to the changed middle.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head += 1;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) {
    tail += 1;
  }

  const lines: DiffLine[] = [];
  for (let index = 0; index < head; index += 1) {
    lines.push({ kind: 'same', text: a[index] ?? '', oldLine: index + 1, newLine: index + 1 });
  }
  lines.push(...diffMiddle(a.slice(head, a.length - tail), b.slice(head, b.length - tail), head));
  for (let index = tail; index > 0; index -= 1) {
    const oldIndex = a.length - index;
    const newIndex = b.length - index;
    lines.push({ kind: 'same', text: a[oldIndex] ?? '', oldLine: oldIndex + 1, newLine: newIndex + 1 });
  }
  return lines;
}

function diffMiddle(a: string[], b: string[], offset: number): DiffLine[] {
  const removedAll = a.map((text, index): DiffLine => ({ kind: 'removed', text, oldLine: offset + index + 1 }));
  const addedAll = b.map((text, index): DiffLine => ({ kind: 'added', text, newLine: offset + index + 1 }));
  if (a.length === 0 || b.length === 0 || a.length * b.length > MAX_CELLS) return [...removedAll, ...addedAll];

  // lcs[i][j]: the length of the longest common subsequence of a[i..] and b[j..], in one flat array.
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
    }
  }

  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      lines.push({ kind: 'same', text: a[i] ?? '', oldLine: offset + i + 1, newLine: offset + j + 1 });
      i += 1;
      j += 1;
    } else if ((lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0)) {
      // Removals before additions, as `diff -u` shows a changed line.
      lines.push({ kind: 'removed', text: a[i] ?? '', oldLine: offset + i + 1 });
      i += 1;
    } else {
      lines.push({ kind: 'added', text: b[j] ?? '', newLine: offset + j + 1 });
      j += 1;
    }
  }
  for (; i < a.length; i += 1) lines.push({ kind: 'removed', text: a[i] ?? '', oldLine: offset + i + 1 });
  for (; j < b.length; j += 1) lines.push({ kind: 'added', text: b[j] ?? '', newLine: offset + j + 1 });
  return lines;
}

/** Lines without their ends; a final newline does not make an empty last line. */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** How many lines were added and removed. */
export function diffStats(lines: DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of lines) {
    if (line.kind === 'added') added += 1;
    else if (line.kind === 'removed') removed += 1;
  }
  return { added, removed };
}
