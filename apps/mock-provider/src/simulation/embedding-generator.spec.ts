import { cosineSimilarity } from '@gatehouse/domain';
import { defaultDimensions, encodeEmbeddingBase64, generateEmbedding, textFeatures } from './embedding-generator';

function norm(vector: Float32Array): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

const similarity = (left: string, right: string, model = 'text-embedding-3-small') =>
  cosineSimilarity(generateEmbedding(model, left, 1536), generateEmbedding(model, right, 1536));

describe('generateEmbedding', () => {
  it('is deterministic, unit length and of the requested size', () => {
    const vector = generateEmbedding('text-embedding-3-small', 'hello', 1536);
    expect(vector).toHaveLength(1536);
    expect(norm(vector)).toBeCloseTo(1, 5);
    expect(generateEmbedding('text-embedding-3-small', 'hello', 1536)).toEqual(vector);
  });

  it('differs by words and by model, but not by case, punctuation or spacing', () => {
    const vector = generateEmbedding('m', 'hello world', 8);
    expect(generateEmbedding('m', 'hello there', 8)).not.toEqual(vector);
    expect(generateEmbedding('n', 'hello world', 8)).not.toEqual(vector);
    expect(generateEmbedding('m', '  Hello,   WORLD! ', 8)).toEqual(vector);
  });

  it('places paraphrases close together and different questions far apart', () => {
    expect(similarity('How do I delete a branch in git?', 'How can I remove a git branch?')).toBeGreaterThan(0.99);
    expect(similarity('Why does my bread not rise?', "Why doesn't my bread rise?")).toBeGreaterThan(0.99);
    expect(
      similarity('What are the benefits of unit testing?', 'what are the advantages of unit tests'),
    ).toBeGreaterThan(0.99);
    expect(similarity('How do I delete a branch in git?', 'How do I bake sourdough bread?')).toBeLessThan(0.2);
    expect(similarity('How do I install Docker on Ubuntu?', 'How do I uninstall Docker on Ubuntu?')).toBeLessThan(0.95);
  });

  it('gives a text of stop words only, an empty text and punctuation vectors of their own', () => {
    const vectors = ['the', 'it is', '', '?!'].map((input) => generateEmbedding('m', input, 16));
    for (const vector of vectors) expect(norm(vector)).toBeCloseTo(1, 5);
    expect(new Set(vectors.map((vector) => Array.from(vector).join(','))).size).toBe(4);
  });

  it('makes shorter vectors proportional to the start of longer ones', () => {
    const long = generateEmbedding('m', 'the quick brown fox', 64);
    const short = generateEmbedding('m', 'the quick brown fox', 8);
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

describe('textFeatures', () => {
  it('keeps content words, stemmed and mapped to synonyms, and weighs question words less', () => {
    const features = textFeatures("Why isn't the automobile starting? Please tell me.");
    const words = [...features.keys()].filter((feature) => feature.startsWith('w:')).sort();
    expect(words).toEqual(['w:car', 'w:not', 'w:start', 'w:why']);
    expect(features.get('w:why')).toBe(0.5);
    expect(features.get('w:car')).toBe(1);
  });

  it('adds character trigrams weighing together 0.3 of the words', () => {
    const features = textFeatures('libraries');
    expect(features.get('w:library')).toBe(1);
    const trigrams = [...features].filter(([feature]) => feature.startsWith('c:'));
    expect(trigrams.map(([feature]) => feature)).toContain('c:^li');
    expect(Math.sqrt(trigrams.reduce((sum, [, weight]) => sum + weight * weight, 0))).toBeCloseTo(0.3, 10);
  });
});
