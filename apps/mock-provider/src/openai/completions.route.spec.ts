import type { FastifyInstance } from 'fastify';
import { buildTestApp, openAiChunks } from '../../test/mock-provider-testing';

interface TextCompletion {
  id: string;
  object: string;
  choices: { index: number; text: string; finish_reason: string | null }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
}

describe('POST /v1/completions', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = buildTestApp();
    await app.ready();
  });
  afterAll(() => app.close());

  const post = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/v1/completions', payload, headers });

  it('answers a text_completion deterministically, prompt tokens = ceil(chars / 4)', async () => {
    const request = { model: 'gpt-3.5-turbo-instruct', prompt: 'Once upon a time' };
    const first = (await post(request)).json<TextCompletion>();
    const second = (await post(request)).json<TextCompletion>();
    expect(first).toMatchObject({ object: 'text_completion', choices: [{ index: 0, finish_reason: 'stop' }] });
    expect(first.id).toMatch(/^cmpl-/);
    expect(second.choices).toEqual(first.choices);
    expect(first.usage?.prompt_tokens).toBe(4);
    expect(first.usage?.completion_tokens).toBe(first.choices[0]?.text.split(' ').length);
  });

  it('answers each prompt of a batch, n choices per prompt, and counts token-id prompts by length', async () => {
    const body = (await post({ model: 'm', prompt: ['first', 'second'], n: 2 })).json<TextCompletion>();
    expect(body.choices.map((choice) => choice.index)).toEqual([0, 1, 2, 3]);
    expect(body.usage?.prompt_tokens).toBe(2 + 2);
    const tokens = (await post({ model: 'm', prompt: [1, 2, 3, 4, 5] })).json<TextCompletion>();
    expect(tokens.usage?.prompt_tokens).toBe(5);
  });

  it('streams the same text and usage as the non-streamed answer', async () => {
    const request = { model: 'm', prompt: 'Stream me', max_tokens: 10 };
    const whole = (await post(request)).json<TextCompletion>();
    const response = await post(
      { ...request, stream: true, stream_options: { include_usage: true } },
      { 'x-mock-chunks': '4' },
    );
    const chunks = openAiChunks<TextCompletion>(response.body);
    const usageChunk = chunks.pop();
    expect(usageChunk?.choices).toEqual([]);
    expect(usageChunk?.usage).toEqual(whole.usage);
    expect(chunks).toHaveLength(4);
    expect(chunks.map((chunk) => chunk.choices[0]?.text).join('')).toBe(whole.choices[0]?.text);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason)).toEqual([null, null, null, 'length']);
    expect(chunks.every((chunk) => chunk.object === 'text_completion' && chunk.usage === null)).toBe(true);
  });

  it('answers a missing prompt with an OpenAI-shaped 400', async () => {
    const response = await post({ model: 'm' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'prompt' } });
  });
});
