import { ConservativeTokenEstimator, IMAGE_TOKEN_ALLOWANCE, outputAllowance, utf8Length } from './token-estimate';

describe('ConservativeTokenEstimator', () => {
  const estimator = new ConservativeTokenEstimator();

  it('over-estimates ordinary chat input (about twice the real count)', () => {
    // "The quick brown fox jumps over the lazy dog." is 10 tokens in cl100k/o200k, plus ~7 of chat framing.
    const text = 'The quick brown fox jumps over the lazy dog.';
    const estimate = estimator.estimateInputTokens('chat.completions', {
      messages: [{ role: 'user', content: text }],
    });
    expect(estimate).toBeGreaterThanOrEqual(17);
    expect(estimate).toBeLessThan(60);
  });

  it('grows with the text and counts multi-byte characters by their bytes', () => {
    const ascii = estimator.estimateInputTokens('chat.completions', {
      messages: [{ role: 'user', content: 'a'.repeat(1000) }],
    });
    const cjk = estimator.estimateInputTokens('chat.completions', {
      messages: [{ role: 'user', content: '字'.repeat(1000) }],
    });
    expect(ascii).toBeGreaterThanOrEqual(500);
    // 3 bytes each → 1.5 tokens a character, above the ≤ 1 token a common CJK character takes.
    expect(cjk).toBeGreaterThanOrEqual(1500);
  });

  it('counts an image a fixed allowance whatever its size', () => {
    const image = (url: string) => ({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url } },
            { type: 'text', text: 'what is it?' },
          ],
        },
      ],
    });
    const small = estimator.estimateInputTokens('chat.completions', image('data:image/png;base64,AAAA'));
    const large = estimator.estimateInputTokens(
      'chat.completions',
      image(`data:image/png;base64,${'A'.repeat(1_000_000)}`),
    );
    expect(small).toBe(large);
    expect(small).toBeGreaterThan(IMAGE_TOKEN_ALLOWANCE);
    expect(small).toBeLessThan(IMAGE_TOKEN_ALLOWANCE + 50);
  });

  it('reads Anthropic bodies: system, messages, images inside tool results, tools', () => {
    const base = { messages: [{ role: 'user', content: 'hi' }] };
    const withSystem = { ...base, system: 'You are terse.'.repeat(10) };
    expect(estimator.estimateInputTokens('messages', withSystem)).toBeGreaterThan(
      estimator.estimateInputTokens('messages', base),
    );
    const toolResult = {
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't1',
              content: [{ type: 'image', source: { type: 'base64', data: 'B'.repeat(100_000) } }],
            },
          ],
        },
      ],
    };
    expect(estimator.estimateInputTokens('messages', toolResult)).toBeLessThan(IMAGE_TOKEN_ALLOWANCE + 100);
    const tools = {
      ...base,
      tools: [{ name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }],
    };
    expect(estimator.estimateInputTokens('messages', tools)).toBeGreaterThan(
      estimator.estimateInputTokens('messages', base),
    );
  });

  it('counts token arrays exactly and strings by bytes, for completions and embeddings', () => {
    expect(estimator.estimateInputTokens('embeddings', { input: [1, 2, 3, 4] })).toBe(4);
    expect(estimator.estimateInputTokens('embeddings', { input: [[1, 2], [3]] })).toBe(3);
    expect(estimator.estimateInputTokens('embeddings', { input: ['abcd', 'ef'] })).toBe(3);
    expect(estimator.estimateInputTokens('completions', { prompt: 'abcd' })).toBe(2 + 3);
  });

  it('counts a Responses call, read as its chat translation, exactly as chat', () => {
    const body = {
      messages: [
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'The quick brown fox jumps over the lazy dog.' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      response_format: { type: 'json_object' },
    };
    expect(estimator.estimateInputTokens('responses', body)).toBe(
      estimator.estimateInputTokens('chat.completions', body),
    );
  });

  it('never fails on odd bodies', () => {
    expect(estimator.estimateInputTokens('chat.completions', {})).toBe(3);
    expect(estimator.estimateInputTokens('chat.completions', { messages: 'nope' })).toBeGreaterThan(3);
    expect(estimator.estimateInputTokens('embeddings', { input: null })).toBe(0);
  });
});

describe('outputAllowance', () => {
  it("uses the client's cap, preferring max_completion_tokens", () => {
    expect(outputAllowance('chat.completions', { max_tokens: 100 }, 4096)).toEqual({
      maxOutputTokens: 100,
      capToSend: null,
    });
    expect(outputAllowance('chat.completions', { max_tokens: 100, max_completion_tokens: 50 }, 4096)).toEqual({
      maxOutputTokens: 50,
      capToSend: null,
    });
    expect(outputAllowance('messages', { max_tokens: 300 }, 4096)).toEqual({ maxOutputTokens: 300, capToSend: null });
  });

  it('falls back to the default cap, which the gateway must then send', () => {
    expect(outputAllowance('chat.completions', {}, 4096)).toEqual({ maxOutputTokens: 4096, capToSend: 4096 });
    expect(outputAllowance('chat.completions', { max_tokens: 0 }, 512)).toEqual({
      maxOutputTokens: 512,
      capToSend: 512,
    });
  });

  it('multiplies by the number of choices', () => {
    expect(outputAllowance('chat.completions', { max_tokens: 100, n: 3 }, 4096).maxOutputTokens).toBe(300);
    expect(outputAllowance('completions', { max_tokens: 10, n: 2, best_of: 5 }, 4096).maxOutputTokens).toBe(50);
    expect(outputAllowance('messages', { max_tokens: 10, n: 3 }, 4096).maxOutputTokens).toBe(10);
  });

  it("reads a Responses call's max_output_tokens from its translation, one answer", () => {
    expect(outputAllowance('responses', { max_completion_tokens: 64 }, 4096)).toEqual({
      maxOutputTokens: 64,
      capToSend: null,
    });
    expect(outputAllowance('responses', {}, 4096)).toEqual({ maxOutputTokens: 4096, capToSend: 4096 });
  });

  it('gives embeddings no output', () => {
    expect(outputAllowance('embeddings', { input: 'x' }, 4096)).toEqual({ maxOutputTokens: 0, capToSend: null });
  });
});

describe('utf8Length', () => {
  it.each(['', 'abc', 'é', '字', '😀', 'a😀é字', '\ud800'])('%p matches Buffer.byteLength', (text) => {
    expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'));
  });
});
