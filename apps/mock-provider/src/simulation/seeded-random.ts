import { createHash } from 'node:crypto';

/**
 * A 32-bit seed that is a pure function of the given parts. sha256 is native and fast enough per request;
 * the NUL separator keeps `['ab', 'c']` and `['a', 'bc']` apart.
 */
export function seedFrom(...parts: string[]): number {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest().readUInt32LE(0);
}

/** Derives an independent seed for the n-th choice of a request. */
export function deriveSeed(seed: number, index: number): number {
  return (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
}

/** mulberry32: a tiny, well-mixed PRNG, so the same seed yields the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
