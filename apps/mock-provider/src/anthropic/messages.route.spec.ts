import type { FastifyInstance } from 'fastify';
import { buildTestApp, parseSse } from '../../test/mock-provider-testing';
import { MESSAGE_OVERHEAD_TOKENS, REPLY_PRIMING_TOKENS } from '../simulation/token-counter';

interface Message {
  id: string;
  type: string;
  role: string;
  model: string;
  content: { type: string; text: string }[];
  stop_reason: string;
  stop_sequence: string | null;
  usage: { input_tokens: number; output_tokens: number };
}

const request = {
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  system: 'Answer in words.', // 16 chars -> 4
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Tell me a story' }] }], // 15 chars -> 4
};

describe('POST /v1/messages', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = buildTestApp();
    await app.ready();
  });
  afterAll(() => app.close());

  const post = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/v1/messages',
      payload,
      headers: { 'anthropic-version': '2023-06-01', 'x-api-key': 'anything', ...headers },
    });

  const message = async (payload: Record<string, unknown>) => {
    const response = await post(payload);
    expect(response.statusCode).toBe(200);
    return response.json<Message>();
  };

  it('answers a message deterministically, system prompt counted as a message', async () => {
    const first = await message(request);
    const second = await message(request);
    expect(first).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      stop_reason: 'end_turn',
    });
    expect(first.id).toMatch(/^msg_/);
    expect(first.stop_sequence).toBeNull();
    expect(second.content).toEqual(first.content);
    expect(first.usage).toEqual({
      input_tokens: REPLY_PRIMING_TOKENS + 2 * MESSAGE_OVERHEAD_TOKENS + 4 + 4,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: first.content[0]?.text.split(' ').length,
    });
    const other = await message({ ...request, system: 'Answer in other words.' });
    expect(other.content[0]?.text).not.toBe(first.content[0]?.text);
  });

  it('stops at max_tokens with stop_reason max_tokens, and at a stop sequence', async () => {
    const full = await message(request);
    const capped = await message({ ...request, max_tokens: 3 });
    expect(capped.stop_reason).toBe('max_tokens');
    expect(capped.usage.output_tokens).toBe(3);
    expect(full.content[0]?.text.startsWith(capped.content[0]?.text ?? '-')).toBe(true);
    const sequence = ` ${full.content[0]?.text.split(' ')[2]}`;
    const stopped = await message({ ...request, stop_sequences: [sequence] });
    expect(stopped).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: sequence });
  });

  it('streams the full event sequence with the same text and usage', async () => {
    const whole = await message(request);
    const response = await post({ ...request, stream: true }, { 'x-mock-chunks': '5' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const events = parseSse(response.body);
    const names = events.map((event) => event.event);
    expect(names).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      ...Array<string>(5).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const payloads = events.map((event) => JSON.parse(event.data) as Record<string, unknown>);
    payloads.forEach((payload, index) => expect(payload['type']).toBe(names[index]));
    const start = payloads[0] as { message: Message };
    expect(start.message).toMatchObject({ role: 'assistant', content: [], stop_reason: null });
    expect(start.message.usage.input_tokens).toBe(whole.usage.input_tokens);
    const text = payloads
      .filter((payload) => payload['type'] === 'content_block_delta')
      .map((payload) => (payload['delta'] as { type: string; text: string }).text)
      .join('');
    expect(text).toBe(whole.content[0]?.text);
    expect(payloads.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: whole.usage.output_tokens },
    });
  });

  it('sends an Anthropic error event mid-stream in error mode', async () => {
    const response = await post(
      { ...request, stream: true },
      { 'x-mock-fail-after-chunks': '1', 'x-mock-fail-mode': 'error' },
    );
    const events = parseSse(response.body);
    expect(events.map((event) => event.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'error',
    ]);
    expect(JSON.parse(events[4]?.data ?? '')).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });

  it.each([
    ['a missing max_tokens', { model: 'c', messages: request.messages }, 'max_tokens: Field required'],
    ['a missing model', { max_tokens: 5, messages: request.messages }, 'model: Field required'],
    ['messages not an array', { model: 'c', max_tokens: 5, messages: {} }, undefined],
    [
      'a system role in messages',
      { model: 'c', max_tokens: 5, messages: [{ role: 'system', content: 'x' }] },
      undefined,
    ],
  ])('answers %s with an Anthropic-shaped 400', async (_, payload, message) => {
    const response = await post(payload);
    expect(response.statusCode).toBe(400);
    const body = response.json<{ type: string; error: { type: string; message: string } }>();
    expect(body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    if (message !== undefined) expect(body.error.message).toBe(message);
  });

  it.each([
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [529, 'overloaded_error'],
    [401, 'authentication_error'],
  ])('answers x-mock-status %d with Anthropic error type %s', async (status, type) => {
    const response = await post(request, { 'x-mock-status': String(status) });
    expect(response.statusCode).toBe(status);
    expect(response.json()).toEqual({ type: 'error', error: { type, message: expect.any(String) as string } });
    expect(response.headers['retry-after']).toBe(status === 429 ? '1' : undefined);
  });

  describe('scripted answers', () => {
    function streamedText(body: string) {
      const events = parseSse(body).map((event) => JSON.parse(event.data) as Record<string, unknown>);
      const deltas = events
        .filter((event) => event['type'] === 'content_block_delta')
        .map((event) => (event['delta'] as { type: string; text: string }).text);
      return { deltas, messageDelta: events.find((event) => event['type'] === 'message_delta') };
    }

    it('echo: answers the system prompt and every message as received, whole despite max_tokens', async () => {
      const payload = {
        ...request,
        max_tokens: 1,
        stop_sequences: ['story'],
        system: [{ type: 'text', text: 'Answer in words.' }],
        messages: [
          ...request.messages,
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: {} }] },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'once upon' }] },
              { type: 'text', text: 'echo:' },
            ],
          },
        ],
      };
      const echoed = 'Answer in words.\nTell me a story\n\nonce uponecho:';
      const whole = await message(payload);
      expect(whole).toMatchObject({ content: [{ type: 'text', text: echoed }], stop_reason: 'end_turn' });
      expect(whole.stop_sequence).toBeNull();
      expect(whole.usage.output_tokens).toBe(echoed.split(/\s+/).length);
      const response = await post({ ...payload, stream: true }, { 'x-mock-chunks': '2' });
      const { deltas, messageDelta } = streamedText(response.body);
      expect(deltas).toHaveLength(2);
      expect(deltas.join('')).toBe(echoed);
      expect(messageDelta).toEqual({
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: whole.usage.output_tokens },
      });
    });

    it('say: answers the text after the prefix, streamed in text_deltas of 3 characters by default', async () => {
      const payload = { ...request, messages: [{ role: 'user', content: 'say:mail a@b.com now' }] };
      const whole = await message(payload);
      expect(whole.content).toEqual([{ type: 'text', text: 'mail a@b.com now' }]);
      expect(whole.usage.output_tokens).toBe(3);
      const { deltas, messageDelta } = streamedText((await post({ ...payload, stream: true })).body);
      expect(deltas).toEqual(['mai', 'l a', '@b.', 'com', ' no', 'w']);
      expect(messageDelta).toMatchObject({ delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } });
      const wider = streamedText((await post({ ...payload, stream: true }, { 'x-mock-say-chunk': '8' })).body);
      expect(wider.deltas).toEqual(['mail a@b', '.com now']);
    });
  });

  it('counts tokens at /v1/messages/count_tokens exactly as usage does', async () => {
    const whole = await message(request);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/messages/count_tokens',
      payload: { model: request.model, system: request.system, messages: request.messages },
    });
    expect(response.json()).toEqual({ input_tokens: whole.usage.input_tokens });
  });
});
