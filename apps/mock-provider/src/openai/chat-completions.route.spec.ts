import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, openAiChunks } from '../../test/mock-provider-testing';
import { MESSAGE_OVERHEAD_TOKENS, REPLY_PRIMING_TOKENS } from '../simulation/token-counter';

interface ChatCompletion {
  id: string;
  object: string;
  model: string;
  choices: { index: number; message: { role: string; content: string }; finish_reason: string }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

interface ChatChunk {
  id: string;
  object: string;
  created: number;
  model: string;
  choices: { index: number; delta: { role?: string; content?: string }; finish_reason: string | null }[];
  usage?: ChatCompletion['usage'] | null;
}

const messages = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Say something deterministic.' },
];

describe('POST /v1/chat/completions', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = buildTestApp();
    await app.ready();
  });
  afterAll(() => app.close());

  async function complete(body: Record<string, unknown>, headers: Record<string, string> = {}) {
    return app.inject({ method: 'POST', url: '/v1/chat/completions', payload: body, headers });
  }

  async function completion(body: Record<string, unknown>, headers: Record<string, string> = {}) {
    const response = await complete(body, headers);
    expect(response.statusCode).toBe(200);
    return response.json<ChatCompletion>();
  }

  describe('non-streaming', () => {
    it('answers in the shape of a chat.completion', async () => {
      const body = await completion({ model: 'gpt-4o', messages });
      expect(body).toMatchObject({
        object: 'chat.completion',
        model: 'gpt-4o',
        choices: [{ index: 0, message: { role: 'assistant' }, finish_reason: 'stop' }],
      });
      expect(body.id).toMatch(/^chatcmpl-/);
      expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    });

    it('gives the same request the same answer and usage', async () => {
      const first = await completion({ model: 'gpt-4o', messages });
      const second = await completion({ model: 'gpt-4o', messages, temperature: 1.5, user: 'someone' });
      expect(second.choices).toEqual(first.choices);
      expect(second.usage).toEqual(first.usage);
      expect(second.id).not.toBe(first.id);
    });

    it('gives different messages or models different answers', async () => {
      const base = await completion({ model: 'gpt-4o', messages });
      const otherMessage = await completion({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Other.' }] });
      const otherModel = await completion({ model: 'gpt-4o-mini', messages });
      expect(otherMessage.choices[0]?.message.content).not.toBe(base.choices[0]?.message.content);
      expect(otherModel.choices[0]?.message.content).not.toBe(base.choices[0]?.message.content);
    });

    it('counts prompt tokens as ceil(chars / 4) per message plus overhead, completion tokens as words', async () => {
      const body = await completion({ model: 'gpt-4o', messages });
      const expected = REPLY_PRIMING_TOKENS + 2 * MESSAGE_OVERHEAD_TOKENS + Math.ceil(14 / 4) + Math.ceil(28 / 4);
      expect(body.usage.prompt_tokens).toBe(expected);
      const content = body.choices[0]?.message.content ?? '';
      expect(body.usage.completion_tokens).toBe(content.split(' ').length);
      expect(body.usage.completion_tokens).toBeGreaterThanOrEqual(16);
      expect(body.usage.completion_tokens).toBeLessThanOrEqual(64);
    });

    it('caps the answer at max_tokens (or max_completion_tokens) with finish_reason length', async () => {
      const full = await completion({ model: 'gpt-4o', messages });
      const capped = await completion({ model: 'gpt-4o', messages, max_tokens: 4 });
      const cappedToo = await completion({ model: 'gpt-4o', messages, max_completion_tokens: 4, max_tokens: 100 });
      expect(capped.usage.completion_tokens).toBe(4);
      expect(capped.choices[0]?.finish_reason).toBe('length');
      expect(full.choices[0]?.message.content.startsWith(capped.choices[0]?.message.content ?? '-')).toBe(true);
      expect(cappedToo.choices).toEqual(capped.choices);
    });

    it('honours stop sequences', async () => {
      const full = await completion({ model: 'gpt-4o', messages });
      const words = (full.choices[0]?.message.content ?? '').split(' ');
      const stop = ` ${words[3]}`;
      const stopped = await completion({ model: 'gpt-4o', messages, stop });
      const text = stopped.choices[0]?.message.content ?? '';
      expect(text).toBe(full.choices[0]?.message.content.slice(0, full.choices[0]?.message.content.indexOf(stop)));
      expect(stopped.choices[0]?.finish_reason).toBe('stop');
      expect(stopped.usage.completion_tokens).toBe(text.split(' ').length);
    });

    it('answers n choices, each different, usage summed', async () => {
      const body = await completion({ model: 'gpt-4o', messages, n: 3 });
      expect(body.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
      expect(new Set(body.choices.map((choice) => choice.message.content)).size).toBe(3);
      const words = body.choices.reduce((total, choice) => total + choice.message.content.split(' ').length, 0);
      expect(body.usage.completion_tokens).toBe(words);
      const single = await completion({ model: 'gpt-4o', messages });
      expect(body.choices[0]?.message.content).toBe(single.choices[0]?.message.content);
    });

    it('makes the answer at least x-mock-chunks tokens long, so streams and non-streams agree', async () => {
      const body = await completion({ model: 'gpt-4o', messages }, { 'x-mock-chunks': '300' });
      expect(body.usage.completion_tokens).toBe(300);
    });
  });

  describe('streaming', () => {
    async function stream(body: Record<string, unknown>, headers: Record<string, string> = {}) {
      const response = await complete({ ...body, stream: true }, headers);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      return openAiChunks<ChatChunk>(response.body);
    }

    it('frames chat.completion.chunk events: role first, finish_reason last, then usage and [DONE]', async () => {
      const chunks = await stream({ model: 'gpt-4o', messages, stream_options: { include_usage: true } });
      const usageChunk = chunks.pop();
      expect(usageChunk).toMatchObject({ object: 'chat.completion.chunk', choices: [] });
      expect(usageChunk?.usage?.completion_tokens).toBeGreaterThan(0);
      expect(chunks).toHaveLength(8); // MOCK_CHUNKS default
      const ids = new Set([usageChunk?.id, ...chunks.map((chunk) => chunk.id)]);
      expect(ids.size).toBe(1);
      for (const [position, chunk] of chunks.entries()) {
        expect(chunk.object).toBe('chat.completion.chunk');
        expect(chunk.usage).toBeNull();
        expect(chunk.choices).toHaveLength(1);
        expect(chunk.choices[0]?.delta.role).toBe(position === 0 ? 'assistant' : undefined);
        expect(chunk.choices[0]?.finish_reason).toBe(position === chunks.length - 1 ? 'stop' : null);
      }
    });

    it('streams exactly the text and usage of the non-streamed answer', async () => {
      for (const extra of [{}, { max_tokens: 5 }, { n: 2 }]) {
        const whole = await completion({ model: 'gpt-4o', messages, ...extra });
        const chunks = await stream({ model: 'gpt-4o', messages, ...extra, stream_options: { include_usage: true } });
        const usage = chunks.pop()?.usage;
        expect(usage).toEqual(whole.usage);
        for (const choice of whole.choices) {
          const mine = chunks.filter((chunk) => chunk.choices[0]?.index === choice.index);
          expect(mine.map((chunk) => chunk.choices[0]?.delta.content).join('')).toBe(choice.message.content);
          expect(mine.at(-1)?.choices[0]?.finish_reason).toBe(choice.finish_reason);
        }
      }
    });

    it('sends no usage at all unless include_usage is set', async () => {
      const chunks = await stream({ model: 'gpt-4o', messages });
      expect(chunks).toHaveLength(8);
      for (const chunk of chunks) expect(chunk).not.toHaveProperty('usage');
    });

    it('streams x-mock-chunks content chunks', async () => {
      const chunks = await stream({ model: 'gpt-4o', messages }, { 'x-mock-chunks': '2000' });
      expect(chunks).toHaveLength(2000);
      expect(chunks.every((chunk) => (chunk.choices[0]?.delta.content ?? '').length > 0)).toBe(true);
    });

    it('never streams more chunks than tokens', async () => {
      const chunks = await stream({ model: 'gpt-4o', messages, max_tokens: 3 }, { 'x-mock-chunks': '10' });
      expect(chunks).toHaveLength(3);
      expect(chunks[2]?.choices[0]?.finish_reason).toBe('length');
    });

    it('pauses x-mock-chunk-delay-ms between chunks', async () => {
      const started = Date.now();
      await stream({ model: 'gpt-4o', messages }, { 'x-mock-chunks': '4', 'x-mock-chunk-delay-ms': '40' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 40 - 5);
    });

    it('sends an error event after x-mock-fail-after-chunks in error mode', async () => {
      const response = await complete(
        { model: 'gpt-4o', messages, stream: true, stream_options: { include_usage: true } },
        { 'x-mock-fail-after-chunks': '3', 'x-mock-fail-mode': 'error' },
      );
      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain('[DONE]');
      const events = response.body.trimEnd().split('\n\n');
      expect(events).toHaveLength(4);
      expect(JSON.parse(events[3]?.slice('data: '.length) ?? '')).toMatchObject({ error: { type: 'server_error' } });
    });
  });

  describe('mid-stream abort over a real socket', () => {
    let server: FastifyInstance;
    let baseUrl: string;

    beforeAll(async () => {
      server = buildTestApp();
      await server.listen({ host: '127.0.0.1', port: 0 });
      baseUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    });
    afterAll(() => server.close());

    async function readUntilFailure(headers: Record<string, string>) {
      const response = await fetch(`${baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ model: 'gpt-4o', messages, stream: true }),
      });
      expect(response.status).toBe(200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let received = '';
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return { received, error: undefined };
          received += decoder.decode(value, { stream: true });
        }
      } catch (error) {
        return { received, error };
      }
    }

    it('cuts the connection after x-mock-fail-after-chunks chunks', async () => {
      const { received, error } = await readUntilFailure({ 'x-mock-fail-after-chunks': '2', 'x-mock-chunks': '6' });
      expect(String(error)).toMatch(/terminated/); // undici's word for a body cut short
      expect(received.split('\n\n').filter((event) => event.startsWith('data: '))).toHaveLength(2);
      expect(received).not.toContain('[DONE]');
    });

    it('cuts the connection after the headers when told to fail after 0 chunks', async () => {
      const { received, error } = await readUntilFailure({ 'x-mock-fail-after-chunks': '0' });
      expect(String(error)).toMatch(/terminated/); // undici's word for a body cut short
      expect(received).toBe('');
    });

    it('sends the headers at once and the first content after x-mock-first-chunk-delay-ms', async () => {
      const started = performance.now();
      const response = await fetch(`${baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mock-first-chunk-delay-ms': '300' },
        body: JSON.stringify({ model: 'gpt-4o', messages, stream: true }),
      });
      const headersAt = performance.now() - started;
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let received = '';
      while (!received.includes('"content"')) {
        const { done, value } = await reader.read();
        if (done) break;
        received += decoder.decode(value, { stream: true });
      }
      const contentAt = performance.now() - started;
      await reader.cancel();
      expect(headersAt).toBeLessThan(250);
      expect(contentAt).toBeGreaterThanOrEqual(295);
    });

    it('completes a stream normally on the same server', async () => {
      const { received, error } = await readUntilFailure({});
      expect(error).toBeUndefined();
      expect(received.endsWith('data: [DONE]\n\n')).toBe(true);
    });
  });

  describe('scripted answers', () => {
    async function stream(body: Record<string, unknown>, headers: Record<string, string> = {}) {
      const response = await complete({ ...body, stream: true, stream_options: { include_usage: true } }, headers);
      expect(response.statusCode).toBe(200);
      const chunks = openAiChunks<ChatChunk>(response.body);
      const usage = chunks.pop()?.usage;
      return { chunks, usage, deltas: chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '') };
    }

    const echoMessages = [
      { role: 'system', content: 'You are terse.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Mail ' },
          { type: 'text', text: '[EMAIL_1]' },
        ],
      },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function' }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'sent' },
      { role: 'user', content: 'echo: what did you get?' },
    ];
    const echoed = 'You are terse.\nMail [EMAIL_1]\n\nsent\necho: what did you get?';

    it('echo: answers every message as received, whole despite max_tokens and stop', async () => {
      const body = await completion({ model: 'gpt-4o', messages: echoMessages, max_tokens: 2, stop: ['Mail'] });
      expect(body.choices).toEqual([
        {
          index: 0,
          message: { role: 'assistant', content: echoed, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ]);
      expect(body.usage.completion_tokens).toBe(echoed.split(/\s+/).length);
    });

    it('echo: streams the same text and usage, split into x-mock-chunks pieces', async () => {
      const whole = await completion({ model: 'gpt-4o', messages: echoMessages });
      const { chunks, usage, deltas } = await stream(
        { model: 'gpt-4o', messages: echoMessages },
        { 'x-mock-chunks': '3' },
      );
      expect(deltas).toHaveLength(3);
      expect(deltas.join('')).toBe(echoed);
      expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
      expect(usage).toEqual(whole.usage);
    });

    it('say: answers exactly the text after the prefix', async () => {
      const body = await completion({ model: 'gpt-4o', messages: [{ role: 'user', content: 'say:hello' }] });
      expect(body.choices[0]?.message.content).toBe('hello');
      expect(body.choices[0]?.finish_reason).toBe('stop');
      expect(body.usage.completion_tokens).toBe(1);
    });

    it('say: streams MOCK_SAY_CHUNK (3) characters per delta, the last one shorter', async () => {
      const text = ' my card is 4111 1111 1111 1111';
      const payload = { model: 'gpt-4o', messages: [{ role: 'user', content: `say:${text}` }], max_tokens: 1 };
      const whole = await completion(payload);
      expect(whole.choices[0]?.message.content).toBe(text);
      const { chunks, usage, deltas } = await stream(payload);
      expect(deltas.join('')).toBe(text);
      expect(deltas.slice(0, -1).every((delta) => delta.length === 3)).toBe(true);
      expect(deltas.at(-1)).toBe('1');
      expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
      expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason)).toEqual([
        ...Array<null>(deltas.length - 1).fill(null),
        'stop',
      ]);
      expect(usage).toEqual(whole.usage);
      expect(usage?.completion_tokens).toBe(7);
    });

    it('say: takes the piece size from x-mock-say-chunk, or from MOCK_SAY_CHUNK, counting code points', async () => {
      const payload = { model: 'gpt-4o', messages: [{ role: 'user', content: 'say:a😀b😀c' }] };
      expect((await stream(payload, { 'x-mock-say-chunk': '2' })).deltas).toEqual(['a😀', 'b😀', 'c']);
      const configured = buildTestApp({ MOCK_SAY_CHUNK: '1' });
      try {
        const response = await configured.inject({
          method: 'POST',
          url: '/v1/chat/completions',
          payload: { ...payload, stream: true },
        });
        const deltas = openAiChunks<ChatChunk>(response.body).map((chunk) => chunk.choices[0]?.delta.content);
        expect(deltas).toEqual(['a', '😀', 'b', '😀', 'c']);
      } finally {
        await configured.close();
      }
    });

    it('gives every one of n choices the same scripted text, usage summed', async () => {
      const payload = { model: 'gpt-4o', messages: [{ role: 'user', content: 'say:two words' }], n: 3 };
      const body = await completion(payload);
      expect(body.choices.map((choice) => choice.message.content)).toEqual(['two words', 'two words', 'two words']);
      expect(body.usage.completion_tokens).toBe(6);
      const { chunks, usage } = await stream(payload, { 'x-mock-say-chunk': '5' });
      for (const index of [0, 1, 2]) {
        const mine = chunks.filter((chunk) => chunk.choices[0]?.index === index);
        expect(mine.map((chunk) => chunk.choices[0]?.delta.content)).toEqual(['two w', 'ords']);
      }
      expect(usage).toEqual(body.usage);
    });

    it('rejects an invalid x-mock-say-chunk with a 400 naming it', async () => {
      const response = await complete(
        { model: 'gpt-4o', messages: [{ role: 'user', content: 'say:x' }] },
        { 'x-mock-say-chunk': '0' },
      );
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { param: 'x-mock-say-chunk' } });
    });
  });

  describe('validation', () => {
    it.each([
      ['a missing model', { messages }, 'model', "Missing required parameter: 'model'."],
      ['missing messages', { model: 'gpt-4o' }, 'messages', "Missing required parameter: 'messages'."],
      ['messages that are not an array', { model: 'gpt-4o', messages: 'hi' }, 'messages', undefined],
      ['empty messages', { model: 'gpt-4o', messages: [] }, 'messages', undefined],
      [
        'an unknown role',
        { model: 'gpt-4o', messages: [{ role: 'robot', content: 'x' }] },
        'messages.0.role',
        undefined,
      ],
      ['max_tokens of 0', { model: 'gpt-4o', messages, max_tokens: 0 }, 'max_tokens', undefined],
      ['n of 0', { model: 'gpt-4o', messages, n: 0 }, 'n', undefined],
      ['stream not a boolean', { model: 'gpt-4o', messages, stream: 'yes' }, 'stream', undefined],
      ['five stop sequences', { model: 'gpt-4o', messages, stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop', undefined],
    ])('answers %s with an OpenAI-shaped 400', async (_, body, param, message) => {
      const response = await complete(body);
      expect(response.statusCode).toBe(400);
      const error = response.json<{ error: Record<string, unknown> }>().error;
      expect(error).toMatchObject({ type: 'invalid_request_error', param });
      expect(typeof error['message']).toBe('string');
      expect(error).toHaveProperty('code');
      if (message !== undefined) expect(error['message']).toBe(message);
    });

    it('answers malformed JSON and a non-object body with a 400, never a 500', async () => {
      const malformed = await app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: { 'content-type': 'application/json' },
        payload: '{"model":',
      });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json()).toMatchObject({ error: { type: 'invalid_request_error', param: null, code: null } });
      const array = await complete([1, 2] as unknown as Record<string, unknown>);
      expect(array.statusCode).toBe(400);
      expect(array.json()).toMatchObject({ error: { message: 'The request body must be a JSON object.' } });
    });
  });

  describe('fault injection', () => {
    it('fails with x-mock-status in OpenAI shape, before looking at the body', async () => {
      const response = await complete({}, { 'x-mock-status': '500' });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({
        error: {
          message: 'Mock provider: injected 500 Internal Server Error.',
          type: 'server_error',
          param: null,
          code: null,
        },
      });
    });

    it('sends retry-after with a 429, settable by x-mock-retry-after', async () => {
      const defaultRetry = await complete({ model: 'gpt-4o', messages }, { 'x-mock-status': '429' });
      expect(defaultRetry.statusCode).toBe(429);
      expect(defaultRetry.headers['retry-after']).toBe('1');
      expect(defaultRetry.json()).toMatchObject({ error: { type: 'requests', code: 'rate_limit_exceeded' } });
      const custom = await complete(
        { model: 'gpt-4o', messages },
        { 'x-mock-status': '429', 'x-mock-retry-after': '12' },
      );
      expect(custom.headers['retry-after']).toBe('12');
    });

    it('fails a streaming request before the stream starts', async () => {
      const response = await complete({ model: 'gpt-4o', messages, stream: true }, { 'x-mock-status': '503' });
      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toContain('application/json');
    });

    it('waits x-mock-delay-ms before answering', async () => {
      const started = Date.now();
      const response = await complete({ model: 'gpt-4o', messages }, { 'x-mock-delay-ms': '120' });
      expect(response.statusCode).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(115);
    });

    it('rejects an invalid fault header with a 400 naming it', async () => {
      const response = await complete({ model: 'gpt-4o', messages }, { 'x-mock-delay-ms': 'later' });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { param: 'x-mock-delay-ms' } });
    });

    it('applies MOCK_STATUS from the environment unless x-mock-status overrides it', async () => {
      const failing = buildTestApp({ MOCK_STATUS: '502' });
      try {
        expect((await failing.inject({ method: 'POST', url: '/v1/chat/completions', payload: {} })).statusCode).toBe(
          502,
        );
        const healthy = await failing.inject({
          method: 'POST',
          url: '/v1/chat/completions',
          payload: { model: 'gpt-4o', messages },
          headers: { 'x-mock-status': '200' },
        });
        expect(healthy.statusCode).toBe(200);
        expect((await failing.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      } finally {
        await failing.close();
      }
    });
  });
});
