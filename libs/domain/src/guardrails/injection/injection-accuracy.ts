/** A prompt of the labelled corpus (corpus/*.jsonl). */
export interface LabelledPrompt {
  text: string;
  label: 'injection' | 'benign';
  category: string;
}

export interface ScoredPrompt {
  score: number;
  label: LabelledPrompt['label'];
}

export interface RocPoint {
  threshold: number;
  truePositiveRate: number;
  falsePositiveRate: number;
  truePositives: number;
  falsePositives: number;
}

/** Parses JSON Lines of `{ text, label, category }`, naming the line of anything malformed. */
export function parseInjectionCorpus(jsonl: string, source = 'corpus'): LabelledPrompt[] {
  return jsonl
    .split('\n')
    .map((line, index) => ({ line, number: index + 1 }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, number }) => {
      const row = JSON.parse(line) as Partial<LabelledPrompt>;
      if (typeof row.text !== 'string' || (row.label !== 'injection' && row.label !== 'benign')) {
        throw new Error(`${source}:${number}: needs a text and a label of injection or benign`);
      }
      return { text: row.text, label: row.label, category: typeof row.category === 'string' ? row.category : '' };
    });
}

/** A prompt is flagged when its score is at or above the threshold. */
export function rocCurve(scored: readonly ScoredPrompt[], thresholds: readonly number[]): RocPoint[] {
  const positives = scored.filter((prompt) => prompt.label === 'injection').length;
  const negatives = scored.length - positives;
  return thresholds.map((threshold) => {
    const flagged = scored.filter((prompt) => prompt.score >= threshold);
    const truePositives = flagged.filter((prompt) => prompt.label === 'injection').length;
    const falsePositives = flagged.length - truePositives;
    return {
      threshold,
      truePositiveRate: positives === 0 ? 0 : truePositives / positives,
      falsePositiveRate: negatives === 0 ? 0 : falsePositives / negatives,
      truePositives,
      falsePositives,
    };
  });
}

/** Thresholds 0.05, 0.10, ..., 0.95. */
export const ROC_THRESHOLDS: readonly number[] = Array.from({ length: 19 }, (_, index) => (index + 1) / 20);

/**
 * The best true-positive rate over every threshold that keeps the false-positive rate at or under `maxFalsePositiveRate`
 * (every distinct score is tried, not just the grid), with the lowest such threshold.
 */
export function truePositiveRateAt(scored: readonly ScoredPrompt[], maxFalsePositiveRate: number): RocPoint {
  const candidates = [...new Set(scored.map((prompt) => prompt.score))].sort((a, b) => a - b);
  const points = rocCurve(scored, [...candidates, Number.POSITIVE_INFINITY]);
  const allowed = points.filter((point) => point.falsePositiveRate <= maxFalsePositiveRate);
  return allowed.reduce((best, point) => (point.truePositiveRate > best.truePositiveRate ? point : best));
}
