/**
 * Prints the PII detectors' precision and recall per entity on the labelled corpus, span-exact, every detector run
 * at once as the gateway runs them (the table in docs/guardrails.md). The spec
 * `libs/domain/src/guardrails/pii/pii-accuracy.spec.ts` asserts the issue's targets on the same numbers.
 *
 *   npx tsx bench/pii-accuracy.ts             # the table
 *   npx tsx bench/pii-accuracy.ts --errors    # and every mismatch, by sample id and span (never the text)
 */
import { parsePiiCorpus, scorePiiCorpus, type PiiCorpusScore } from '@gatehouse/domain';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { textTable } from './support/results-report';

export const PII_CORPUS_PATH = path.join(__dirname, '../libs/domain/src/guardrails/pii/corpus/pii-corpus.jsonl');

export function scoreCorpus(): PiiCorpusScore & { hardNegatives: number } {
  const samples = parsePiiCorpus(readFileSync(PII_CORPUS_PATH, 'utf8'));
  const hardNegatives = samples.filter((sample) => sample.tags.includes('hard-negative')).length;
  return { ...scorePiiCorpus(samples), hardNegatives };
}

const TARGETS: Record<string, string> = {
  CREDIT_CARD: '≥ 0.95 / ≥ 0.98',
  IBAN: '≥ 0.95 / ≥ 0.98',
};

export function accuracyTable(score: PiiCorpusScore): string {
  const fixed = (value: number) => value.toFixed(3);
  return textTable(
    [
      'entity',
      'labelled',
      'true positives',
      'false positives',
      'false negatives',
      'precision',
      'recall',
      'target P / R',
    ],
    score.entities.map((entity) => [
      entity.entity,
      String(entity.expected),
      String(entity.truePositives),
      String(entity.falsePositives),
      String(entity.falseNegatives),
      fixed(entity.precision),
      fixed(entity.recall),
      TARGETS[entity.entity] ?? '≥ 0.90 / ≥ 0.95',
    ]),
  );
}

if (require.main === module) {
  const score = scoreCorpus();
  console.log(`${score.samples} samples (${score.hardNegatives} hard negatives), span-exact, all detectors at once\n`);
  console.log(accuracyTable(score));
  if (process.argv.includes('--errors')) {
    for (const error of score.errors) {
      console.log(`${error.kind} ${error.entity} ${error.sampleId} [${error.start}, ${error.end})`);
    }
  }
}
