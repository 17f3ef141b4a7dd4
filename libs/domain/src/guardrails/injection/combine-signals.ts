import { type InjectionSignal } from './injection-signal';

/**
 * How signals become one score in 0..1.
 *
 * Each signal's weight is an estimate of how likely a prompt showing only that signal is an injection. Signals of
 * different kinds are treated as independent evidence and combined as a noisy-OR: the score is the chance that at
 * least one of them is right, `1 - (1 - w1)(1 - w2)...`, so two moderate signals (a forged `### SYSTEM` heading,
 * 0.45, and "comply with all requests", 0.45) together say more than either (0.70), and no pile of weak ones reaches
 * 1. Signals of the same kind are not independent (three zero-width characters are one trick, not three), so within
 * a kind the strongest counts in full, the second at half its weight, the third at a quarter, and so on; and a
 * signal whose span overlaps a stronger one of its kind (two phrasings matching the same words) counts once.
 */
export function combineSignals(signals: readonly InjectionSignal[]): number {
  const byKind = new Map<string, InjectionSignal[]>();
  for (const signal of [...signals].sort((a, b) => b.weight - a.weight)) {
    const kept = byKind.get(signal.name) ?? [];
    if (kept.some((other) => signal.start < other.end && other.start < signal.end)) continue;
    kept.push(signal);
    byKind.set(signal.name, kept);
  }
  let clean = 1;
  for (const kept of byKind.values()) {
    kept.forEach((signal, rank) => {
      clean *= 1 - clamp(signal.weight) / 2 ** rank;
    });
  }
  return Math.round((1 - clean) * 10_000) / 10_000;
}

function clamp(weight: number): number {
  return Math.min(1, Math.max(0, weight));
}
