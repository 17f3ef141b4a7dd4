import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type LabelledPrompt,
  parseInjectionCorpus,
  rocCurve,
  ROC_THRESHOLDS,
  truePositiveRateAt,
} from './injection-accuracy';
import { DEFAULT_INJECTION_THRESHOLD, scoreInjection } from './score-injection';

const load = (part: string): LabelledPrompt[] =>
  parseInjectionCorpus(readFileSync(path.join(__dirname, 'corpus', `${part}.jsonl`), 'utf8'), part);

describe('the injection corpus and the detector on it', () => {
  const dev = load('dev');
  const holdout = load('holdout');
  const all = [...dev, ...holdout];
  const score = (prompts: LabelledPrompt[]) =>
    prompts.map((prompt) => ({ label: prompt.label, score: scoreInjection(prompt.text).score }));
  const scoredAll = score(all);
  const scoredHoldout = score(holdout);

  it('has at least 300 prompts, at least 40 % of them benign, each labelled and categorised', () => {
    expect(all.length).toBeGreaterThanOrEqual(300);
    expect(all.filter((prompt) => prompt.label === 'benign').length / all.length).toBeGreaterThanOrEqual(0.4);
    expect(all.every((prompt) => prompt.text.length > 0 && prompt.category.length > 0)).toBe(true);
    expect(new Set(all.map((prompt) => prompt.text)).size).toBe(all.length);
  });

  // Floors a few points under what the detector reaches (docs/guardrails.md), so a change that loses ground fails.
  it('finds at least 88 % of the injections at 2 % false positives or fewer, and 80 % of the held-out ones', () => {
    expect(truePositiveRateAt(scoredAll, 0.02).truePositiveRate).toBeGreaterThanOrEqual(0.88);
    expect(truePositiveRateAt(scoredHoldout, 0.02).truePositiveRate).toBeGreaterThanOrEqual(0.8);
  });

  it('keeps the recommended threshold at or under 2 % false positives', () => {
    const [atDefault] = rocCurve(scoredAll, [DEFAULT_INJECTION_THRESHOLD]);
    expect(atDefault?.falsePositiveRate).toBeLessThanOrEqual(0.02);
    expect(atDefault?.truePositiveRate).toBeGreaterThanOrEqual(0.88);
  });

  it('computes a curve that falls as the threshold rises', () => {
    const curve = rocCurve(scoredAll, ROC_THRESHOLDS);
    expect(curve).toHaveLength(19);
    for (let index = 1; index < curve.length; index += 1) {
      expect(curve[index]?.truePositiveRate).toBeLessThanOrEqual(curve[index - 1]?.truePositiveRate ?? 1);
      expect(curve[index]?.falsePositiveRate).toBeLessThanOrEqual(curve[index - 1]?.falsePositiveRate ?? 1);
    }
  });

  it('names the line of a malformed corpus row', () => {
    expect(() => parseInjectionCorpus('{"text":"a","label":"injection"}\n{"text":"b","label":"maybe"}', 'x')).toThrow(
      'x:2',
    );
  });
});
