import { createTwoFilesPatch } from 'diff';

/**
 * A unified diff (`diff -u`, `git diff`) of two texts, with `context` unchanged lines around each change; empty when
 * the texts are equal. Written by the `diff` package (the portal's version comparison uses it too).
 */
export function unifiedDiff(before: string, after: string, labels: { before: string; after: string }, context = 3) {
  if (before === after) return '';
  const patch = createTwoFilesPatch(labels.before, labels.after, before, after, undefined, undefined, { context });
  // The package leads with a line of '=' that `diff -u` does not print.
  return patch.replace(/^=+\n/, '');
}
