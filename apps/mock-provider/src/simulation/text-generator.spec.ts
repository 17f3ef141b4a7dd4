import { generateText, MAX_NATURAL_TOKENS, MIN_NATURAL_TOKENS, splitIntoChunks } from './text-generator';
import { seedFrom } from './seeded-random';
import { WORDS } from './word-list';

describe('generateText', () => {
  it('is a pure function of the seed', () => {
    const seed = seedFrom('chat', 'gpt-4o', 'hello');
    expect(generateText({ seed })).toEqual(generateText({ seed }));
  });

  it('gives different seeds different answers', () => {
    const texts = new Set(
      Array.from({ length: 20 }, (_, index) => generateText({ seed: seedFrom(String(index)) }).text),
    );
    expect(texts.size).toBe(20);
  });

  it('answers with 16 to 64 word tokens from the word list, capitalised and ending with a full stop', () => {
    for (let index = 0; index < 200; index++) {
      const answer = generateText({ seed: seedFrom('length', String(index)) });
      expect(answer.tokens.length).toBeGreaterThanOrEqual(MIN_NATURAL_TOKENS);
      expect(answer.tokens.length).toBeLessThanOrEqual(MAX_NATURAL_TOKENS);
      expect(answer.text).toBe(answer.tokens.join(''));
      expect(answer.text).toMatch(/^[A-Z][a-z]*( [a-z]+)*\.$/);
      for (const word of answer.text.slice(0, -1).toLowerCase().split(' ')) expect(WORDS).toContain(word);
      expect(answer.cause).toBe('natural');
    }
  });

  it('caps the answer at maxTokens, as a prefix of the natural answer', () => {
    const seed = seedFrom('cap');
    const natural = generateText({ seed });
    const capped = generateText({ seed, maxTokens: 5 });
    expect(capped.tokens).toEqual(natural.tokens.slice(0, 5));
    expect(capped.cause).toBe('length');
    expect(generateText({ seed, maxTokens: natural.tokens.length }).cause).toBe('natural');
    expect(generateText({ seed, maxTokens: 1000 })).toEqual(natural);
  });

  it('lengthens the answer to minTokens (so long streams have a token per chunk)', () => {
    const answer = generateText({ seed: seedFrom('long'), minTokens: 500 });
    expect(answer.tokens).toHaveLength(500);
    expect(answer.text.endsWith('.')).toBe(true);
  });

  it('cuts the answer before the earliest stop sequence and counts a cut token as one', () => {
    const seed = seedFrom('stop');
    const natural = generateText({ seed });
    const third = natural.tokens[2] ?? '';
    const sequence = third.slice(0, 3); // starts with a space and the word's first two letters
    const cutAt = natural.text.indexOf(sequence);
    const answer = generateText({ seed, stop: ['zzz-never', sequence] });
    expect(answer.text).toBe(natural.text.slice(0, cutAt));
    expect(answer.tokens.join('')).toBe(answer.text);
    expect(answer.cause).toBe('stop_sequence');
    expect(answer.stopSequence).toBe(sequence);
    const partial = generateText({ seed, stop: [third.slice(2)] }); // inside the third token
    expect(partial.tokens).toHaveLength(3);
  });

  it('ignores stop sequences that do not occur, or are empty', () => {
    const seed = seedFrom('no-stop');
    expect(generateText({ seed, stop: ['', 'qqq'] })).toEqual(generateText({ seed }));
  });
});

describe('splitIntoChunks', () => {
  const tokens = ['A', ' b', ' c', ' d', ' e', ' f', ' g.'];

  it('splits into the requested number of chunks that concatenate to the text', () => {
    const chunks = splitIntoChunks(tokens, 3);
    expect(chunks).toHaveLength(3);
    expect(chunks.join('')).toBe(tokens.join(''));
    expect(chunks.every((chunk) => chunk.length > 0)).toBe(true);
  });

  it('never makes more chunks than tokens, and always at least one', () => {
    expect(splitIntoChunks(tokens, 100)).toEqual(tokens);
    expect(splitIntoChunks([], 8)).toEqual(['']);
  });
});
