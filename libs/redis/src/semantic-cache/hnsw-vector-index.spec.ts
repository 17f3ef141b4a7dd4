import { FlatVectorIndex } from '@gatehouse/domain';
import { HnswVectorIndex } from './hnsw-vector-index';

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

describe('HnswVectorIndex', () => {
  const dimensions = 64;

  it.each(['f32', 'f16'] as const)(
    'finds what the exact scan finds, nearly always, on 2,000 uniform random entries (%s)',
    (quantization) => {
      const hnsw = new HnswVectorIndex(dimensions, { quantization });
      const flat = new FlatVectorIndex(dimensions);
      for (let seed = 1; seed <= 2000; seed++) {
        const vector = vectorFrom(seed, dimensions);
        hnsw.add(`entry-${seed}`, vector);
        flat.add(`entry-${seed}`, vector);
      }
      expect(hnsw.size).toBe(2000);
      let agreed = 0;
      for (let seed = 5000; seed < 5100; seed++) {
        const query = vectorFrom(seed, dimensions);
        const [found] = hnsw.nearest(query);
        const [truth] = flat.nearest(query);
        if (found?.id !== truth?.id) continue;
        agreed += 1;
        expect(found?.similarity).toBeCloseTo(truth?.similarity ?? 0, 2);
      }
      // Uniform random vectors are HNSW's hardest case (every neighbour is about as far as the next); real
      // embeddings cluster, and the bench measures recall on those.
      expect(agreed).toBeGreaterThanOrEqual(90);
    },
  );

  it('finds a stored entry by a scaled copy of its vector, with similarity about 1', () => {
    const index = new HnswVectorIndex(dimensions, { quantization: 'f32' });
    for (let seed = 1; seed <= 300; seed++) index.add(`entry-${seed}`, vectorFrom(seed, dimensions));
    const [found] = index.nearest(vectorFrom(123, dimensions).map((value) => value * 3));
    expect(found).toEqual({ id: 'entry-123', similarity: expect.closeTo(1, 4) });
  });

  it('replaces the vector of an id added twice, removes entries, and returns at most size matches', () => {
    const index = new HnswVectorIndex(2, { quantization: 'f32' });
    index.add('a', [1, 0]);
    index.add('b', [0, 1]);
    index.add('a', [-1, 0]);
    expect(index.size).toBe(2);
    expect(index.nearest([-1, 0])[0]).toEqual({ id: 'a', similarity: expect.closeTo(1, 5) });
    expect(index.nearest([1, 0], 10).map((match) => match.id)).toEqual(['b', 'a']);
    expect(index.remove('a')).toBe(true);
    expect(index.remove('a')).toBe(false);
    expect(index.nearest([-1, 0], 5).map((match) => match.id)).toEqual(['b']);
  });

  it('answers nothing when empty or asked for no entries, and refuses the wrong dimensions', () => {
    const index = new HnswVectorIndex(3);
    expect(index.nearest([1, 0, 0])).toEqual([]);
    index.add('a', [1, 0, 0]);
    expect(index.nearest([1, 0, 0], 0)).toEqual([]);
    expect(() => index.add('b', [1, 0])).toThrow(RangeError);
    expect(() => new HnswVectorIndex(0)).toThrow(RangeError);
  });
});
