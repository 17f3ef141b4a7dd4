import { diffArrays } from 'diff';

/**
 * A line diff of two texts, for comparing policy versions: the `diff` package's Myers diff over their lines (the
 * same package the command-line tool writes its patches with), numbered for display.
 */

export type DiffLine =
  | { kind: 'same'; text: string; oldLine: number; newLine: number }
  | { kind: 'removed'; text: string; oldLine: number }
  | { kind: 'added'; text: string; newLine: number };

export function diffLines(before: string, after: string): DiffLine[] {
  const lines: DiffLine[] = [];
  let oldLine = 0;
  let newLine = 0;
  for (const change of diffArrays(splitLines(before), splitLines(after))) {
    for (const text of change.value) {
      if (change.removed) lines.push({ kind: 'removed', text, oldLine: ++oldLine });
      else if (change.added) lines.push({ kind: 'added', text, newLine: ++newLine });
      else lines.push({ kind: 'same', text, oldLine: ++oldLine, newLine: ++newLine });
    }
  }
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
