import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generatePiiCorpus } from './corpus/generate-pii-corpus';
import { parsePiiCorpus, scorePiiCorpus, type PiiEntityScore } from './pii-accuracy';
import type { PiiEntity } from './pii-entity';

const corpusText = readFileSync(path.join(__dirname, 'corpus', 'pii-corpus.jsonl'), 'utf8');
const samples = parsePiiCorpus(corpusText);

/** The targets: checksum-backed entities higher, the others a little lower. */
const TARGETS: Record<PiiEntity, { recall: number; precision: number }> = {
  CREDIT_CARD: { recall: 0.98, precision: 0.95 },
  IBAN: { recall: 0.98, precision: 0.95 },
  EMAIL: { recall: 0.95, precision: 0.9 },
  PHONE: { recall: 0.95, precision: 0.9 },
  IP_ADDRESS: { recall: 0.95, precision: 0.9 },
  US_SSN: { recall: 0.95, precision: 0.9 },
  SECRET: { recall: 0.95, precision: 0.9 },
};

describe('PII corpus', () => {
  it('is the generator’s output, so that it can be regenerated and reviewed as code', () => {
    expect(corpusText).toBe(generatePiiCorpus());
  });

  it('has at least 500 samples, a good share of hard negatives, and every entity many times', () => {
    expect(samples.length).toBeGreaterThanOrEqual(500);
    expect(new Set(samples.map((sample) => sample.id)).size).toBe(samples.length);
    const negatives = samples.filter((sample) => sample.tags.includes('hard-negative'));
    expect(negatives.length / samples.length).toBeGreaterThanOrEqual(0.25);
    for (const entity of Object.keys(TARGETS)) {
      const count = samples.flatMap((sample) => sample.findings).filter((finding) => finding.entity === entity).length;
      expect(count).toBeGreaterThanOrEqual(60);
    }
  });

  describe('scored with every detector at once, span-exact', () => {
    const score = scorePiiCorpus(samples);
    it.each(score.entities.map((entity): [PiiEntity, PiiEntityScore] => [entity.entity, entity]))(
      '%s meets its precision and recall targets',
      (entity, result) => {
        const target = TARGETS[entity];
        const mistakes = score.errors.filter((error) => error.entity === entity);
        expect({
          entity,
          recall: result.recall >= target.recall,
          precision: result.precision >= target.precision,
          mistakes,
        }).toEqual({
          entity,
          recall: true,
          precision: true,
          mistakes: expect.any(Array),
        });
      },
    );
  });

  it('refuses a corpus line whose span does not cut out its labelled text', () => {
    const line = JSON.stringify({
      id: 'x',
      text: 'mail a@b.io',
      findings: [{ entity: 'EMAIL', start: 0, end: 4, text: 'a@b.io' }],
      tags: [],
    });
    expect(() => parsePiiCorpus(line)).toThrow(/does not match/);
  });
});
