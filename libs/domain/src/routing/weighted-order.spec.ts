import { orderByPriorityAndWeight } from './weighted-order';

/** A deterministic PRNG (mulberry32), so the distribution test never flakes. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('orderByPriorityAndWeight', () => {
  it('picks first within the lowest priority in proportion to the weights', () => {
    const targets = [
      { id: 'a', weight: 1, priority: 0 },
      { id: 'b', weight: 3, priority: 0 },
      { id: 'c', weight: 100, priority: 1 },
    ];
    const random = seeded(42);
    const firsts = { a: 0, b: 0, c: 0 };
    const runs = 20_000;
    for (let i = 0; i < runs; i++) {
      const first = orderByPriorityAndWeight(targets, random)[0];
      if (first) firsts[first.id as 'a' | 'b' | 'c']++;
    }
    expect(firsts.c).toBe(0);
    expect(firsts.a / runs).toBeGreaterThan(0.23);
    expect(firsts.a / runs).toBeLessThan(0.27);
    expect(firsts.b / runs).toBeGreaterThan(0.73);
  });

  it('tries every tier in ascending priority, each target once, and never a weight-0 target', () => {
    const targets = [
      { id: 'fallback', weight: 1, priority: 5 },
      { id: 'drained', weight: 0, priority: 0 },
      { id: 'x', weight: 2, priority: 0 },
      { id: 'y', weight: 1, priority: 0 },
      { id: 'nan', weight: Number.NaN, priority: 0 },
    ];
    const order = orderByPriorityAndWeight(targets, seeded(1)).map((t) => t.id);
    expect(order).toHaveLength(3);
    expect(order.slice(0, 2).sort()).toEqual(['x', 'y']);
    expect(order[2]).toBe('fallback');
  });

  it('keeps the weighting when the random source returns 0', () => {
    const order = orderByPriorityAndWeight(
      [
        { id: 'light', weight: 1, priority: 0 },
        { id: 'heavy', weight: 9, priority: 0 },
      ],
      () => 0,
    );
    expect(order.map((t) => t.id)).toHaveLength(2);
  });

  it('returns an empty order for no targets', () => {
    expect(orderByPriorityAndWeight([])).toEqual([]);
  });
});
