/** What the router needs to know about a target to order it: its weight and its priority tier. */
export interface WeightedCandidate {
  weight: number;
  priority: number;
}

/** A source of uniform numbers in [0, 1); injected so tests can pin the order. */
export type RandomSource = () => number;

/**
 * The order in which to try a route's targets: ascending priority (the next tier is the fallback), and within a
 * tier a weighted random order without replacement (Efraimidis–Spirakis: key = u^(1/weight), highest first), so
 * the first pick follows the weights exactly and the fallbacks inside the tier do too. A target with weight
 * <= 0 (or not finite) is never tried: weight 0 is how an admin drains a target without deleting it.
 */
export function orderByPriorityAndWeight<T extends WeightedCandidate>(
  candidates: readonly T[],
  random: RandomSource = Math.random,
): T[] {
  const keyed = candidates
    .filter((candidate) => Number.isFinite(candidate.weight) && candidate.weight > 0)
    .map((candidate) => ({ candidate, key: Math.pow(nonZero(random()), 1 / candidate.weight) }));
  keyed.sort((a, b) => a.candidate.priority - b.candidate.priority || b.key - a.key);
  return keyed.map((entry) => entry.candidate);
}

/** u = 0 would give every weight the key 0 and lose the weighting; the smallest positive double keeps it. */
function nonZero(u: number): number {
  return u > 0 ? u : Number.MIN_VALUE;
}
