import { seedFrom, seededRandom } from './seeded-random';

/** Dimensions when the request does not set `dimensions`: OpenAI's for its known models, 1536 otherwise. */
export function defaultDimensions(model: string): number {
  return model === 'text-embedding-3-large' ? 3072 : 1536;
}

/**
 * A deterministic unit-length vector for one input: components drawn uniformly from [-1, 1) by a PRNG seeded
 * from model + input, then normalised. The first d components are the same for any `dimensions` >= d before
 * normalisation, so shorter vectors are truncations of longer ones, as with OpenAI's v3 models.
 */
export function generateEmbedding(model: string, input: string, dimensions: number): Float32Array {
  const random = seededRandom(seedFrom('embedding', model, input));
  const values = new Float64Array(dimensions);
  let sumOfSquares = 0;
  for (let index = 0; index < dimensions; index++) {
    const value = random() * 2 - 1;
    values[index] = value;
    sumOfSquares += value * value;
  }
  const norm = Math.sqrt(sumOfSquares) || 1;
  const vector = new Float32Array(dimensions);
  for (let index = 0; index < dimensions; index++) vector[index] = (values[index] ?? 0) / norm;
  return vector;
}

/** OpenAI's `encoding_format: base64`: the little-endian float32 bytes, base64-encoded. */
export function encodeEmbeddingBase64(vector: Float32Array): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let index = 0; index < vector.length; index++) bytes.writeFloatLE(vector[index] ?? 0, index * 4);
  return bytes.toString('base64');
}
