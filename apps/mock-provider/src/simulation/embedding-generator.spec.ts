import { defaultDimensions, encodeEmbeddingBase64, generateEmbedding } from './embedding-generator';

function norm(vector: Float32Array): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

describe('generateEmbedding', () => {
  it('is deterministic, unit length and of the requested size', () => {
    const vector = generateEmbedding('text-embedding-3-small', 'hello', 1536);
    expect(vector).toHaveLength(1536);
    expect(norm(vector)).toBeCloseTo(1, 5);
    expect(generateEmbedding('text-embedding-3-small', 'hello', 1536)).toEqual(vector);
  });

  it('differs by input and by model', () => {
    const vector = generateEmbedding('m', 'hello', 8);
    expect(generateEmbedding('m', 'hello!', 8)).not.toEqual(vector);
    expect(generateEmbedding('n', 'hello', 8)).not.toEqual(vector);
  });

  it('makes shorter vectors proportional to the start of longer ones', () => {
    const long = generateEmbedding('m', 'x', 64);
    const short = generateEmbedding('m', 'x', 8);
    const ratio = (short[0] ?? 0) / (long[0] ?? 1);
    for (let index = 0; index < 8; index++) expect(short[index]).toBeCloseTo((long[index] ?? 0) * ratio, 5);
  });

  it('knows the default dimensions of OpenAI models', () => {
    expect(defaultDimensions('text-embedding-3-large')).toBe(3072);
    expect(defaultDimensions('text-embedding-3-small')).toBe(1536);
    expect(defaultDimensions('demo-embed')).toBe(1536);
  });

  it('encodes base64 as little-endian float32, as the OpenAI SDK decodes it', () => {
    const vector = generateEmbedding('m', 'x', 16);
    const bytes = Buffer.from(encodeEmbeddingBase64(vector), 'base64');
    const decoded = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    expect(Array.from(decoded)).toEqual(Array.from(vector));
  });
});
