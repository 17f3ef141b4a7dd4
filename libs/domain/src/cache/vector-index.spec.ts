import { cosineSimilarity, FlatVectorIndex, unitVector } from './vector-index';

/** A deterministic pseudo-random vector (a linear congruential sequence), so failures reproduce. */
function vectorFrom(seed: number, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  let state = seed >>> 0;
  for (let index = 0; index < dimensions; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    vector[index] = state / 2 ** 32 - 0.5;
  }
  return vector;
}

describe('cosineSimilarity', () => {
  it('is 1 for the same direction, -1 for the opposite, 0 for orthogonal or zero vectors', () => {
    expect(cosineSimilarity([1, 2], [2, 4])).toBeCloseTo(1, 10);
    expect(cosineSimilarity([1, 0], [-3, 0])).toBeCloseTo(-1, 10);
    expect(cosineSimilarity([1, 0], [0, 5])).toBe(0);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
  });

  it('refuses vectors of different lengths', () => {
    expect(() => cosineSimilarity([1], [1, 2])).toThrow(RangeError);
  });
});

describe('unitVector', () => {
  it('normalises, and refuses the wrong dimensions', () => {
    expect(Array.from(unitVector([3, 4], 2))).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
    expect(() => unitVector([1, 2, 3], 2)).toThrow('a vector of 3 dimensions in an index of 2');
  });
});

describe('FlatVectorIndex', () => {
  const dimensions = 32;

  it('finds the exact nearest entries, most similar first, by cosine', () => {
    const index = new FlatVectorIndex(dimensions, 2);
    const vectors = Array.from({ length: 200 }, (_, seed) => vectorFrom(seed + 1, dimensions));
    vectors.forEach((vector, seed) => index.add(`entry-${seed}`, vector));
    expect(index.size).toBe(200);
    const query = vectorFrom(9999, dimensions);
    const expected = vectors
      .map((vector, seed) => ({ id: `entry-${seed}`, similarity: cosineSimilarity(query, vector) }))
      .sort((left, right) => right.similarity - left.similarity)
      .slice(0, 5);
    const found = index.nearest(query, 5);
    expect(found.map((match) => match.id)).toEqual(expected.map((match) => match.id));
    found.forEach((match, rank) => expect(match.similarity).toBeCloseTo(expected[rank]?.similarity ?? 0, 5));
  });

  it('finds an entry by a scaled copy of its vector with similarity 1', () => {
    const index = new FlatVectorIndex(dimensions);
    for (let seed = 1; seed <= 50; seed++) index.add(`entry-${seed}`, vectorFrom(seed, dimensions));
    const scaled = vectorFrom(17, dimensions).map((value) => value * 7);
    expect(index.nearest(scaled)).toEqual([{ id: 'entry-17', similarity: expect.closeTo(1, 5) }]);
  });

  it('replaces the vector of an id added twice, and removes entries', () => {
    const index = new FlatVectorIndex(2);
    index.add('a', [1, 0]);
    index.add('b', [0, 1]);
    index.add('c', [-1, 0]);
    index.add('a', [0, -1]);
    expect(index.size).toBe(3);
    expect(index.nearest([0, -1])[0]).toEqual({ id: 'a', similarity: expect.closeTo(1, 6) });
    expect(index.remove('a')).toBe(true);
    expect(index.remove('a')).toBe(false);
    expect(index.size).toBe(2);
    expect(index.nearest([0, -1], 3).map((match) => match.id)).toEqual(['c', 'b']);
    expect(index.nearest([-1, 0])[0]?.id).toBe('c');
  });

  it('answers nothing when empty or asked for no entries, and refuses vectors of the wrong size', () => {
    const index = new FlatVectorIndex(3);
    expect(index.nearest([1, 0, 0])).toEqual([]);
    index.add('a', [1, 0, 0]);
    expect(index.nearest([1, 0, 0], 0)).toEqual([]);
    expect(() => index.add('b', [1, 0])).toThrow(RangeError);
    expect(() => index.nearest([1, 0])).toThrow(RangeError);
    expect(() => new FlatVectorIndex(0)).toThrow(RangeError);
  });
});
