import { SEMANTIC_FIXTURE, type SemanticPairKind } from './semantic-fixture';

describe('the semantic cache fixture', () => {
  it('has at least 200 pairs, and at least 30 of every kind', () => {
    expect(SEMANTIC_FIXTURE.length).toBeGreaterThanOrEqual(200);
    const kinds: SemanticPairKind[] = [
      'paraphrase',
      'different_question',
      'negation',
      'different_number',
      'different_entity',
    ];
    for (const kind of kinds) {
      expect(SEMANTIC_FIXTURE.filter((pair) => pair.kind === kind).length).toBeGreaterThanOrEqual(30);
    }
  });

  it('has no pair twice and no pair of one text with itself', () => {
    const keys = SEMANTIC_FIXTURE.map((pair) => `${pair.query}\n${pair.cached}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(SEMANTIC_FIXTURE.filter((pair) => pair.query === pair.cached)).toEqual([]);
  });
});
