import type { PiiFinding } from './pii-entity';

/**
 * The findings without overlaps, in text order: where findings overlap, the longest is kept, then by `rank` (lower
 * first). Findings are swept in start order and only those that overlap each other are compared, so a text with
 * thousands of findings costs a sort, not thousands squared.
 */
export function withoutOverlaps(findings: PiiFinding[], rank: (finding: PiiFinding) => number = () => 0): PiiFinding[] {
  if (findings.length < 2) return findings;
  const byStart = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: PiiFinding[] = [];
  let group: PiiFinding[] = [];
  let groupEnd = -1;
  for (const finding of byStart) {
    if (finding.start >= groupEnd) {
      keepPreferred(group, rank, kept);
      group = [];
    }
    group.push(finding);
    groupEnd = Math.max(groupEnd, finding.end);
  }
  keepPreferred(group, rank, kept);
  return kept;
}

/** Within one cluster of overlapping findings (a handful: each detector's own findings never overlap). */
function keepPreferred(group: PiiFinding[], rank: (finding: PiiFinding) => number, kept: PiiFinding[]): void {
  if (group.length < 2) {
    kept.push(...group);
    return;
  }
  const preferred = [...group].sort((a, b) => b.end - b.start - (a.end - a.start) || rank(a) - rank(b));
  const chosen: PiiFinding[] = [];
  for (const finding of preferred) {
    if (!chosen.some((other) => finding.start < other.end && other.start < finding.end)) chosen.push(finding);
  }
  kept.push(...chosen.sort((a, b) => a.start - b.start));
}
