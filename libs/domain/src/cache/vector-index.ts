/**
 * The semantic cache's nearest-neighbour search over one tenant's prompt embeddings, behind one interface so that
 * the in-process index can be replaced by another implementation or an external vector store. Similarity is cosine:
 * every implementation normalises what it is given, so callers may pass raw embeddings.
 */
export interface VectorIndex {
  /** Adds an entry, or replaces the vector of an existing id. Throws on a vector of the wrong dimensions. */
  add(id: string, vector: ArrayLike<number>): void;
  /** Removes an entry; false when there was none. */
  remove(id: string): boolean;
  /** Up to k entries, most similar first. An approximate index may miss the true nearest now and then. */
  nearest(vector: ArrayLike<number>, k?: number): VectorMatch[];
  readonly size: number;
  readonly dimensions: number;
}

export interface VectorMatch {
  id: string;
  /** Cosine similarity, in [-1, 1]. */
  similarity: number;
}

/** Cosine similarity of two vectors of the same length (0 when either is all zeros). */
export function cosineSimilarity(left: ArrayLike<number>, right: ArrayLike<number>): number {
  if (left.length !== right.length) throw new RangeError(`vectors of ${left.length} and ${right.length} dimensions`);
  let dot = 0;
  let leftSquares = 0;
  let rightSquares = 0;
  for (let index = 0; index < left.length; index++) {
    const a = left[index] ?? 0;
    const b = right[index] ?? 0;
    dot += a * b;
    leftSquares += a * a;
    rightSquares += b * b;
  }
  const norms = Math.sqrt(leftSquares) * Math.sqrt(rightSquares);
  return norms === 0 ? 0 : dot / norms;
}

/** A unit-length float32 copy of `vector` (all zeros stays all zeros: it is similar to nothing). */
export function unitVector(vector: ArrayLike<number>, dimensions: number): Float32Array {
  if (vector.length !== dimensions) {
    throw new RangeError(`a vector of ${vector.length} dimensions in an index of ${dimensions}`);
  }
  let squares = 0;
  for (let index = 0; index < dimensions; index++) squares += (vector[index] ?? 0) ** 2;
  const norm = Math.sqrt(squares);
  const unit = new Float32Array(dimensions);
  if (norm > 0) for (let index = 0; index < dimensions; index++) unit[index] = (vector[index] ?? 0) / norm;
  return unit;
}

/**
 * Exact search by scanning every vector: all of them in one contiguous Float32Array (removal moves the last entry
 * into the hole), one dot product per entry. The reference that tests and measures an approximate index's recall
 * against; its lookup grows with entries × dimensions (bench/vector-index.bench.ts: about 280 milliseconds at
 * 100,000 × 1,536), far over the gateway's budget for a large cache.
 */
export class FlatVectorIndex implements VectorIndex {
  private vectors: Float32Array;
  private readonly ids: string[] = [];
  private readonly slots = new Map<string, number>();

  constructor(
    readonly dimensions: number,
    initialCapacity = 1024,
  ) {
    if (!Number.isInteger(dimensions) || dimensions < 1) throw new RangeError('dimensions must be a positive integer');
    this.vectors = new Float32Array(dimensions * Math.max(1, initialCapacity));
  }

  get size(): number {
    return this.ids.length;
  }

  add(id: string, vector: ArrayLike<number>): void {
    const unit = unitVector(vector, this.dimensions);
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.ids.length;
      this.ensureCapacity(slot + 1);
      this.ids.push(id);
      this.slots.set(id, slot);
    }
    this.vectors.set(unit, slot * this.dimensions);
  }

  remove(id: string): boolean {
    const slot = this.slots.get(id);
    if (slot === undefined) return false;
    const last = this.ids.length - 1;
    const lastId = this.ids[last] as string;
    if (slot !== last) {
      this.vectors.copyWithin(slot * this.dimensions, last * this.dimensions, (last + 1) * this.dimensions);
      this.ids[slot] = lastId;
      this.slots.set(lastId, slot);
    }
    this.ids.pop();
    this.slots.delete(id);
    return true;
  }

  nearest(vector: ArrayLike<number>, k = 1): VectorMatch[] {
    const query = unitVector(vector, this.dimensions);
    const best: VectorMatch[] = [];
    if (k < 1) return best;
    const dimensions = this.dimensions;
    const vectors = this.vectors;
    for (let slot = 0; slot < this.ids.length; slot++) {
      let dot = 0;
      const offset = slot * dimensions;
      for (let index = 0; index < dimensions; index++)
        dot += (query[index] as number) * (vectors[offset + index] as number);
      if (best.length < k || dot > (best[best.length - 1] as VectorMatch).similarity) {
        insertSorted(best, { id: this.ids[slot] as string, similarity: dot }, k);
      }
    }
    return best;
  }

  private ensureCapacity(entries: number): void {
    if (entries * this.dimensions <= this.vectors.length) return;
    const grown = new Float32Array(Math.max(entries, (this.vectors.length / this.dimensions) * 2) * this.dimensions);
    grown.set(this.vectors);
    this.vectors = grown;
  }
}

/** Inserts into a list sorted by similarity (highest first) and keeps at most k. */
function insertSorted(list: VectorMatch[], match: VectorMatch, k: number): void {
  let index = list.length;
  while (index > 0 && (list[index - 1] as VectorMatch).similarity < match.similarity) index -= 1;
  list.splice(index, 0, match);
  if (list.length > k) list.pop();
}
