import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { AnthropicMessage } from '../translation/anthropic-types';
import type { OpenAiChatCompletion, OpenAiChatCompletionChunk } from '../translation/openai-types';
import {
  type CachedAnswer,
  cachedAnthropicMessage,
  cachedEmbeddings,
  cachedOpenAiChat,
  REPLAY_PIECE_CHARACTERS,
  replayJson,
  replayPieces,
  replayStream,
} from './cached-answer';

const LONG_TEXT =
  'The capital of France is Paris. 🇫🇷 It sits on the Seine, and has been the capital since the tenth century — mostly.';

function completion(
  message: Partial<OpenAiChatCompletion['choices'][number]['message']>,
  finishReason: OpenAiChatCompletion['choices'][number]['finish_reason'],
): OpenAiChatCompletion {
  return {
    id: 'chatcmpl-upstream',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: null, refusal: null, ...message },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage: {
      prompt_tokens: 31,
      completion_tokens: 57,
      total_tokens: 88,
      prompt_tokens_details: { cached_tokens: 8 },
    },
  };
}

const textCompletion = completion({ content: LONG_TEXT }, 'stop');
const toolCompletion = completion(
  {
    tool_calls: [
      {
        id: 'call_weather',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius","days":[1,2,3]}' },
      },
      { id: 'call_time', type: 'function', function: { name: 'get_time', arguments: '{"zone":"Europe/Paris"}' } },
    ],
  },
  'tool_calls',
);
const refusalCompletion = completion(
  { refusal: 'I can’t help with that request, it breaks the usage policy.' },
  'stop',
);
const filteredCompletion = completion({ content: 'The answer was cut' }, 'content_filter');

const anthropicMessage: AnthropicMessage = {
  id: 'msg_upstream',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [
    { type: 'text', text: LONG_TEXT },
    { type: 'tool_use', id: 'toolu_weather', name: 'get_weather', input: { city: 'Paris', days: [1, 2, 3] } },
    { type: 'tool_use', id: 'toolu_time', name: 'get_time', input: { zone: 'Europe/Paris' } },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: {
    input_tokens: 40,
    output_tokens: 71,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 12,
    server_tool_use: null,
    service_tier: 'standard',
  },
};

/** The item at `index` (negative: from the end); fails the test when there is none. */
function at<T>(items: readonly T[], index: number): T {
  const item = items.at(index);
  if (item === undefined) throw new Error(`There is no item at ${index}`);
  return item;
}

const REPLAY = { model: 'demo-chat', requestId: 'req_replay_1', created: 1_800_000_000 };

/** The parsed `data:` payloads of OpenAI frames, `[DONE]` as the string. */
function openAiPayloads(frames: string[]): (OpenAiChatCompletionChunk | '[DONE]')[] {
  return frames.map((frame) => {
    expect(frame).toMatch(/^data: .*\n\n$/s);
    const data = frame.slice('data: '.length, -2);
    return data === '[DONE]' ? '[DONE]' : (JSON.parse(data) as OpenAiChatCompletionChunk);
  });
}

function chunksOf(frames: string[]): OpenAiChatCompletionChunk[] {
  return openAiPayloads(frames).filter((payload): payload is OpenAiChatCompletionChunk => payload !== '[DONE]');
}

describe('replayPieces', () => {
  it('cuts a text into pieces that join back to it, never splitting a character', () => {
    const pieces = replayPieces(LONG_TEXT);
    expect(pieces.join('')).toBe(LONG_TEXT);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) {
      expect(Array.from(piece).length).toBeLessThanOrEqual(REPLAY_PIECE_CHARACTERS);
      expect(piece).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
    }
    expect(replayPieces('')).toEqual([]);
  });
});

describe('replayJson', () => {
  it('answers a chat completion under the request’s id, the alias and the time of the hit', () => {
    expect(replayJson(cachedOpenAiChat(textCompletion), REPLAY)).toEqual({
      ...textCompletion,
      id: 'req_replay_1',
      model: 'demo-chat',
      created: 1_800_000_000,
    });
  });

  it('stamps the current time when none is given', () => {
    const before = Math.floor(Date.now() / 1000);
    const answer = replayJson(cachedOpenAiChat(textCompletion), { model: 'm', requestId: 'r' }) as OpenAiChatCompletion;
    expect(answer.created).toBeGreaterThanOrEqual(before);
    expect(answer.created).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('answers an Anthropic message under the request’s id and the alias', () => {
    expect(replayJson(cachedAnthropicMessage(anthropicMessage), REPLAY)).toEqual({
      ...anthropicMessage,
      id: 'req_replay_1',
      model: 'demo-chat',
    });
  });

  it('answers embeddings with the alias, and has no streamed form for them', () => {
    const response = {
      object: 'list' as const,
      data: [{ object: 'embedding' as const, index: 0, embedding: [0.25, -0.5, 0.125] }],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 5, total_tokens: 5 },
    };
    const stored = cachedEmbeddings(response);
    expect(stored.usage).toEqual({ promptTokens: 5, cachedTokens: 0, cacheCreationTokens: 0, completionTokens: 0 });
    expect(replayJson(stored, REPLAY)).toEqual({ ...response, model: 'demo-chat' });
    expect(() => replayStream(stored, { ...REPLAY, includeUsage: false })).toThrow('no streamed form');
  });

  it('keeps the answer’s token counts for billing the hit', () => {
    expect(cachedOpenAiChat(textCompletion).usage).toEqual({
      promptTokens: 31,
      cachedTokens: 8,
      cacheCreationTokens: 0,
      completionTokens: 57,
    });
    expect(cachedAnthropicMessage(anthropicMessage).usage).toEqual({
      promptTokens: 52,
      cachedTokens: 12,
      cacheCreationTokens: 0,
      completionTokens: 71,
    });
  });
});

describe('replayStream as OpenAI chunks', () => {
  it('streams a text answer: role chunk, content deltas, finish chunk, [DONE]; no usage unless asked', () => {
    const payloads = openAiPayloads(replayStream(cachedOpenAiChat(textCompletion), { ...REPLAY, includeUsage: false }));
    expect(payloads.at(-1)).toBe('[DONE]');
    const chunks = chunksOf(replayStream(cachedOpenAiChat(textCompletion), { ...REPLAY, includeUsage: false }));
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({
        id: 'req_replay_1',
        object: 'chat.completion.chunk',
        created: 1_800_000_000,
        model: 'demo-chat',
      });
      expect(chunk).not.toHaveProperty('usage');
    }
    expect(at(at(chunks, 0).choices, 0).delta).toEqual({ role: 'assistant', content: '', refusal: null });
    const content = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(content).toBe(LONG_TEXT);
    expect(chunks.length).toBe(2 + replayPieces(LONG_TEXT).length);
    expect(at(at(chunks, -1).choices, 0)).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
  });

  it('ends with the usage chunk (no choices) when asked, other chunks saying usage: null', () => {
    const chunks = chunksOf(replayStream(cachedOpenAiChat(textCompletion), { ...REPLAY, includeUsage: true }));
    const last = at(chunks, -1);
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(textCompletion.usage);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.usage).toBeNull();
  });

  it('streams parallel tool calls: each first delta with its id and name, then its arguments', () => {
    const chunks = chunksOf(replayStream(cachedOpenAiChat(toolCompletion), { ...REPLAY, includeUsage: false }));
    const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(deltas.filter((delta) => delta.id !== undefined)).toEqual([
      {
        index: 0,
        id: 'call_weather',
        type: 'function',
        function: { name: 'get_weather', arguments: expect.any(String) },
      },
      { index: 1, id: 'call_time', type: 'function', function: { name: 'get_time', arguments: expect.any(String) } },
    ]);
    const argumentsOf = (index: number) =>
      deltas
        .filter((delta) => delta.index === index)
        .map((delta) => delta.function?.arguments ?? '')
        .join('');
    expect(argumentsOf(0)).toBe(at(at(toolCompletion.choices, 0).message.tool_calls ?? [], 0).function.arguments);
    expect(argumentsOf(1)).toBe(at(at(toolCompletion.choices, 0).message.tool_calls ?? [], 1).function.arguments);
    expect(at(at(chunks, -1).choices, 0).finish_reason).toBe('tool_calls');
  });

  it('streams a refusal as refusal deltas, and a content_filter ending as it was', () => {
    const refusal = chunksOf(replayStream(cachedOpenAiChat(refusalCompletion), { ...REPLAY, includeUsage: false }));
    expect(refusal.map((chunk) => chunk.choices[0]?.delta.refusal ?? '').join('')).toBe(
      at(refusalCompletion.choices, 0).message.refusal,
    );
    expect(refusal.some((chunk) => (chunk.choices[0]?.delta.content ?? '') !== '')).toBe(false);
    const filtered = chunksOf(replayStream(cachedOpenAiChat(filteredCompletion), { ...REPLAY, includeUsage: false }));
    expect(at(at(filtered, -1).choices, 0).finish_reason).toBe('content_filter');
  });
});

describe('replayStream as Anthropic events', () => {
  it('streams message_start … message_stop with text deltas and tool inputs as input_json_delta', () => {
    const frames = replayStream(cachedAnthropicMessage(anthropicMessage), { ...REPLAY, includeUsage: false });
    const events = frames.map((frame) => {
      const match = /^event: (\S+)\ndata: (.*)\n\n$/s.exec(frame);
      if (match === null) throw new Error(`Not an Anthropic frame: ${frame}`);
      const data = JSON.parse(match[2] ?? '') as { type: string; [field: string]: unknown };
      expect(data.type).toBe(match[1]);
      return data;
    });
    expect(events[0]).toMatchObject({
      type: 'message_start',
      message: { id: 'req_replay_1', model: 'demo-chat', content: [] },
    });
    expect(events.at(-2)).toMatchObject({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use' },
      usage: { output_tokens: 71 },
    });
    expect(events.at(-1)).toEqual({ type: 'message_stop' });
    const starts = events.filter((event) => event.type === 'content_block_start');
    expect(starts.map((event) => event['content_block'])).toEqual([
      { type: 'text', text: '' },
      { type: 'tool_use', id: 'toolu_weather', name: 'get_weather', input: {} },
      { type: 'tool_use', id: 'toolu_time', name: 'get_time', input: {} },
    ]);
    const jsonOf = (index: number) =>
      events
        .filter((event) => event.type === 'content_block_delta' && event['index'] === index)
        .map((event) => (event['delta'] as { partial_json: string }).partial_json)
        .join('');
    expect(JSON.parse(jsonOf(1))).toEqual({ city: 'Paris', days: [1, 2, 3] });
    expect(events.filter((event) => event.type === 'content_block_stop')).toHaveLength(3);
  });
});

// --- the official SDKs read the replayed stream --------------------------------------------------------------------

function sseFetch(frames: string[]): typeof fetch {
  return async () => new Response(frames.join(''), { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

function openAiClient(frames: string[]): OpenAI {
  return new OpenAI({ apiKey: 'test', baseURL: 'http://gateway.invalid/v1', maxRetries: 0, fetch: sseFetch(frames) });
}

const OPENAI_CASES: [string, OpenAiChatCompletion][] = [
  ['text', textCompletion],
  ['parallel tool calls', toolCompletion],
  ['a refusal', refusalCompletion],
  ['a content_filter ending', filteredCompletion],
];

describe('the official openai SDK', () => {
  it.each(OPENAI_CASES)(
    'adds the replayed stream of %s up to the stored completion (chat.completions.stream)',
    async (_, stored) => {
      const frames = replayStream(cachedOpenAiChat(stored), { ...REPLAY, includeUsage: true });
      const stream = openAiClient(frames).chat.completions.stream({
        model: 'demo-chat',
        messages: [{ role: 'user', content: 'Hi' }],
        stream_options: { include_usage: true },
      });
      const final = await stream.finalChatCompletion();
      expect(final.id).toBe('req_replay_1');
      expect(final.model).toBe('demo-chat');
      expect(final.usage).toEqual(stored.usage);
      const choice = at(final.choices, 0);
      const expected = at(stored.choices, 0);
      expect(choice.finish_reason).toBe(expected.finish_reason);
      expect(choice.message.content).toBe(expected.message.content);
      expect(choice.message.refusal).toBe(expected.message.refusal);
      const calls = (choice.message.tool_calls ?? []).map((call) => {
        if (call.type !== 'function') throw new Error('a custom tool call');
        return {
          id: call.id,
          type: call.type,
          function: { name: call.function.name, arguments: call.function.arguments },
        };
      });
      expect(calls).toEqual(expected.message.tool_calls ?? []);
      for (const call of expected.message.tool_calls ?? [])
        expect(() => JSON.parse(call.function.arguments)).not.toThrow();
    },
  );

  it('reads the same answer iterating create({ stream: true })', async () => {
    const frames = replayStream(cachedOpenAiChat(toolCompletion), { ...REPLAY, includeUsage: true });
    const stream = await openAiClient(frames).chat.completions.create({
      model: 'demo-chat',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const calls = new Map<number, { id?: string; name?: string; arguments: string }>();
    let finishReason: string | null = null;
    let usage: unknown = null;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      for (const choice of chunk.choices) {
        finishReason = choice.finish_reason ?? finishReason;
        for (const delta of choice.delta.tool_calls ?? []) {
          const call = calls.get(delta.index) ?? { arguments: '' };
          call.id ??= delta.id;
          call.name ??= delta.function?.name;
          call.arguments += delta.function?.arguments ?? '';
          calls.set(delta.index, call);
        }
      }
    }
    expect(finishReason).toBe('tool_calls');
    expect(usage).toEqual(toolCompletion.usage);
    expect([...calls.values()]).toEqual(
      (at(toolCompletion.choices, 0).message.tool_calls ?? []).map((call) => ({
        id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
      })),
    );
  });
});

describe('the official @anthropic-ai/sdk', () => {
  async function finalMessageOf(stored: CachedAnswer): Promise<Anthropic.Message> {
    const frames = replayStream(stored, { ...REPLAY, includeUsage: false });
    const client = new Anthropic({
      apiKey: 'test',
      baseURL: 'http://gateway.invalid',
      maxRetries: 0,
      fetch: sseFetch(frames),
    });
    return client.messages
      .stream({ model: 'demo-chat', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] })
      .finalMessage();
  }

  it('adds the replayed stream up to the stored message: text, tool uses with ids and parsed inputs, stop reason, usage', async () => {
    const final = await finalMessageOf(cachedAnthropicMessage(anthropicMessage));
    expect(final).toEqual({ ...anthropicMessage, id: 'req_replay_1', model: 'demo-chat' });
  });

  it('reads a plain text answer ending at max_tokens', async () => {
    const stored: AnthropicMessage = {
      ...anthropicMessage,
      content: [{ type: 'text', text: 'Cut short because the' }],
      stop_reason: 'max_tokens',
    };
    const final = await finalMessageOf(cachedAnthropicMessage(stored));
    expect(final).toEqual({ ...stored, id: 'req_replay_1', model: 'demo-chat' });
  });

  it('reads a thinking block back with its signature, and a block of another type whole', async () => {
    const stored: AnthropicMessage = {
      ...anthropicMessage,
      // Blocks the translation types leave open (`AnthropicOtherBlock`): the replay passes them on as they are.
      content: [
        {
          type: 'thinking',
          thinking: 'The user asks for the capital of France; that is Paris.',
          signature: 'c2lnbmF0dXJl',
        },
        { type: 'redacted_thinking', data: 'ZW5jcnlwdGVk' },
        { type: 'text', text: 'Paris.' },
      ] as unknown as AnthropicMessage['content'],
      stop_reason: 'end_turn',
    };
    const final = await finalMessageOf(cachedAnthropicMessage(stored));
    expect(final).toEqual({ ...stored, id: 'req_replay_1', model: 'demo-chat' });
  });

  it('answers a streamed Anthropic request from what a non-streamed one stored, and the reverse', async () => {
    const storedFromJson = cachedAnthropicMessage(anthropicMessage);
    const viaStream = await finalMessageOf(storedFromJson);
    const storedFromStream = cachedAnthropicMessage(viaStream as unknown as AnthropicMessage);
    expect(replayJson(storedFromStream, REPLAY)).toEqual(replayJson(storedFromJson, REPLAY));
  });
});
