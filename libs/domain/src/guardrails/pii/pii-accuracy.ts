import { findPii } from './find-pii';
import { isPiiEntity, PII_ENTITIES, type PiiEntity, type PiiFinding } from './pii-entity';

/** One labelled sample of the PII corpus (a line of `corpus/pii-corpus.jsonl`). */
export interface PiiCorpusSample {
  id: string;
  text: string;
  /** Every finding a detector should report, with its exact span; an empty list for a pure negative. */
  findings: { entity: PiiEntity; start: number; end: number; text: string }[];
  /** What the sample exercises (`hard-negative`, `phone:FR`, `lang:de`, …), for reading the errors. */
  tags: string[];
}

export interface PiiEntityScore {
  entity: PiiEntity;
  /** Labelled findings of this entity in the corpus. */
  expected: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

/** A mismatch, by sample id and span: enough to find it in the corpus without printing what was found. */
export interface PiiScoringError {
  sampleId: string;
  kind: 'missed' | 'spurious';
  entity: PiiEntity;
  start: number;
  end: number;
}

export interface PiiCorpusScore {
  samples: number;
  entities: PiiEntityScore[];
  errors: PiiScoringError[];
}

/** Parses the JSON Lines corpus, refusing a line whose spans do not cut out the labelled text. */
export function parsePiiCorpus(jsonLines: string): PiiCorpusSample[] {
  return jsonLines
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const sample = JSON.parse(line) as PiiCorpusSample;
      for (const finding of sample.findings) {
        if (!isPiiEntity(finding.entity) || sample.text.slice(finding.start, finding.end) !== finding.text) {
          throw new Error(`corpus line ${index + 1} (${sample.id}): a finding's span does not match its text`);
        }
      }
      return sample;
    });
}

/**
 * Per-entity precision and recall over a labelled corpus, a finding counting as right only when its entity and
 * its span are exactly the labelled ones. `detect` is every detector at once by default, as the gateway runs them.
 */
export function scorePiiCorpus(
  samples: readonly PiiCorpusSample[],
  detect: (text: string) => PiiFinding[] = (text) => findPii(text, PII_ENTITIES),
): PiiCorpusScore {
  const counts = new Map(PII_ENTITIES.map((entity) => [entity, { expected: 0, tp: 0, fp: 0, fn: 0 }]));
  const errors: PiiScoringError[] = [];
  for (const sample of samples) {
    const key = (f: { entity: PiiEntity; start: number; end: number }) => `${f.entity}:${f.start}:${f.end}`;
    const expected = new Set(sample.findings.map(key));
    const actual = detect(sample.text);
    const actualKeys = new Set(actual.map(key));
    for (const finding of sample.findings) {
      const count = counts.get(finding.entity);
      if (!count) continue;
      count.expected++;
      if (actualKeys.has(key(finding))) count.tp++;
      else {
        count.fn++;
        errors.push({
          sampleId: sample.id,
          kind: 'missed',
          entity: finding.entity,
          start: finding.start,
          end: finding.end,
        });
      }
    }
    for (const finding of actual) {
      if (expected.has(key(finding))) continue;
      const count = counts.get(finding.entity);
      if (count) count.fp++;
      errors.push({
        sampleId: sample.id,
        kind: 'spurious',
        entity: finding.entity,
        start: finding.start,
        end: finding.end,
      });
    }
  }
  const entities = PII_ENTITIES.map((entity): PiiEntityScore => {
    const { expected, tp, fp, fn } = counts.get(entity) ?? { expected: 0, tp: 0, fp: 0, fn: 0 };
    return {
      entity,
      expected,
      truePositives: tp,
      falsePositives: fp,
      falseNegatives: fn,
      // No prediction is no wrong prediction, and nothing to find is nothing missed.
      precision: tp + fp === 0 ? 1 : tp / (tp + fp),
      recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    };
  });
  return { samples: samples.length, entities, errors };
}
