import { type SemanticPair, type SemanticPairKind, shouldHit } from './semantic-fixture';
import { type SemanticMatchDecision, semanticMatchAllowed } from './semantic-guards';

/** The policy's default: a cached prompt answers only a query whose embedding is at least this similar (cosine). */
export const DEFAULT_SEMANTIC_THRESHOLD = 0.95;

/** Thresholds the accuracy table is drawn at: 0.80, 0.81 … 0.99. */
export const SEMANTIC_THRESHOLDS: readonly number[] = Array.from({ length: 20 }, (_, index) => (80 + index) / 100);

/** A fixture pair with the cosine similarity of its two prompts' embeddings and the guards' verdict. */
export interface ScoredPair extends SemanticPair {
  similarity: number;
  guard: SemanticMatchDecision;
}

export function scorePair(pair: SemanticPair, similarity: number): ScoredPair {
  return { ...pair, similarity, guard: semanticMatchAllowed(pair.query, pair.cached) };
}

/** The cache's decision: similar enough, and (unless measuring the embedding alone) let through by the guards. */
export function isSemanticHit(pair: ScoredPair, threshold: number, withGuards = true): boolean {
  return pair.similarity >= threshold && (!withGuards || pair.guard.allowed);
}

export interface SemanticAccuracy {
  threshold: number;
  /** Paraphrases answered from the cache, over all paraphrases. */
  paraphraseHitRate: number;
  /** Pairs of every other kind answered from the cache (a wrong answer served), over all such pairs. */
  falseHitRate: number;
  /** The same without the guards: what the embedding's similarity alone would serve. */
  falseHitRateWithoutGuards: number;
  hitsByKind: Record<SemanticPairKind, { pairs: number; hits: number }>;
  falseHits: ScoredPair[];
}

export function semanticAccuracy(scored: readonly ScoredPair[], threshold: number): SemanticAccuracy {
  const hitsByKind = {} as SemanticAccuracy['hitsByKind'];
  for (const pair of scored) {
    const entry = (hitsByKind[pair.kind] ??= { pairs: 0, hits: 0 });
    entry.pairs += 1;
    if (isSemanticHit(pair, threshold)) entry.hits += 1;
  }
  const paraphrases = scored.filter(shouldHit);
  const others = scored.filter((pair) => !shouldHit(pair));
  const falseHits = others.filter((pair) => isSemanticHit(pair, threshold));
  const rate = (count: number, total: number) => (total === 0 ? 0 : count / total);
  return {
    threshold,
    paraphraseHitRate: rate(paraphrases.filter((pair) => isSemanticHit(pair, threshold)).length, paraphrases.length),
    falseHitRate: rate(falseHits.length, others.length),
    falseHitRateWithoutGuards: rate(
      others.filter((pair) => isSemanticHit(pair, threshold, false)).length,
      others.length,
    ),
    hitsByKind,
    falseHits,
  };
}
