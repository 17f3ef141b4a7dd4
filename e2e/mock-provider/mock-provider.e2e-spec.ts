import { Anthropic, BadRequestError as AnthropicBadRequestError } from '@anthropic-ai/sdk';
import { BadRequestError, OpenAI } from 'openai';
import { stackUrls } from '../support/stack';

// The official SDKs, unchanged, against the running mock-provider: the acceptance test of its wire format.
// Retries are off so an injected error reaches the test at once.
const baseUrl = stackUrls.mockProvider;
const openai = new OpenAI({ apiKey: 'mock-key-not-checked', baseURL: `${baseUrl}/v1`, maxRetries: 0 });
const anthropic = new Anthropic({ apiKey: 'mock-key-not-checked', baseURL: baseUrl, maxRetries: 0 });

const chatRequest = {
  model: 'mock-chat',
  messages: [
    { role: 'system' as const, content: 'You are a deterministic mock.' },
    { role: 'user' as const, content: 'Tell me about gateways.' },
  ],
};

describe('mock-provider through the official SDKs', () => {
  describe('openai', () => {
    it('gets a chat completion', async () => {
      const completion = await openai.chat.completions.create(chatRequest);
      expect(completion.object).toBe('chat.completion');
      expect(completion.choices).toHaveLength(1);
      expect(completion.choices[0]?.message.role).toBe('assistant');
      expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
      expect(completion.usage?.total_tokens).toBe(
        (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
      );
    });

    it('streams a chat completion whose chunks add up to the non-streamed text, usage last', async () => {
      const whole = await openai.chat.completions.create(chatRequest);
      const stream = await openai.chat.completions.create({
        ...chatRequest,
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);

      const last = chunks.at(-1);
      expect(last?.choices).toEqual([]);
      expect(last?.usage).toEqual(whole.usage);
      const content = chunks.slice(0, -1);
      expect(content[0]?.choices[0]?.delta.role).toBe('assistant');
      expect(content.at(-1)?.choices[0]?.finish_reason).toBe('stop');
      expect(content.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(
        whole.choices[0]?.message.content,
      );
    });

    it('gets an embedding (the SDK asks for base64 and decodes it)', async () => {
      const response = await openai.embeddings.create({
        model: 'text-embedding-3-small',
        input: 'hello',
        dimensions: 64,
      });
      const vector = response.data[0]?.embedding ?? [];
      expect(vector).toHaveLength(64);
      expect(Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0))).toBeCloseTo(1, 5);
      const floats = await openai.embeddings.create({
        model: 'text-embedding-3-small',
        input: 'hello',
        dimensions: 64,
        encoding_format: 'float',
      });
      expect(floats.data[0]?.embedding).toEqual(vector);
      expect(response.usage.prompt_tokens).toBe(2);
    });

    it('surfaces an injected provider error as the typed error with its status', async () => {
      const failing = openai.chat.completions.create(chatRequest, { headers: { 'x-mock-status': '400' } });
      await expect(failing).rejects.toBeInstanceOf(BadRequestError);
      await expect(failing).rejects.toMatchObject({ status: 400, type: 'invalid_request_error' });
    });
  });

  describe('anthropic', () => {
    const messageRequest = {
      model: 'claude-sonnet-4-5',
      max_tokens: 256,
      system: 'You are a deterministic mock.',
      messages: [{ role: 'user' as const, content: 'Tell me about gateways.' }],
    };

    it('gets a message', async () => {
      const message = await anthropic.messages.create(messageRequest);
      expect(message.type).toBe('message');
      expect(message.role).toBe('assistant');
      expect(message.stop_reason).toBe('end_turn');
      expect(message.content[0]?.type).toBe('text');
      expect(message.usage.input_tokens).toBeGreaterThan(0);
      expect(message.usage.output_tokens).toBeGreaterThan(0);
    });

    it('streams a message whose final message matches the non-streamed one', async () => {
      const whole = await anthropic.messages.create(messageRequest);
      const stream = anthropic.messages.stream(messageRequest, { headers: { 'x-mock-chunks': '6' } });
      const deltas: string[] = [];
      stream.on('text', (text) => deltas.push(text));
      const final = await stream.finalMessage();

      expect(deltas).toHaveLength(6);
      expect(final.content).toEqual(whole.content);
      expect(deltas.join('')).toBe(whole.content[0]?.type === 'text' ? whole.content[0].text : undefined);
      expect(final.stop_reason).toBe('end_turn');
      expect(final.usage.input_tokens).toBe(whole.usage.input_tokens);
      expect(final.usage.output_tokens).toBe(whole.usage.output_tokens);
    });

    it('surfaces an injected provider error as the typed error with its status', async () => {
      const failing = new Anthropic({
        apiKey: 'mock-key-not-checked',
        baseURL: baseUrl,
        maxRetries: 0,
        defaultHeaders: { 'x-mock-status': '400' },
      }).messages.create(messageRequest);
      await expect(failing).rejects.toBeInstanceOf(AnthropicBadRequestError);
      await expect(failing).rejects.toMatchObject({
        status: 400,
        error: { type: 'error', error: { type: 'invalid_request_error' } },
      });
    });
  });
});
