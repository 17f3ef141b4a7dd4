import type Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsBase } from '@anthropic-ai/sdk/resources/messages';
import type OpenAI from 'openai';
import type { ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import { anthropicRequestToOpenAiChat } from './anthropic-to-openai-request';
import { openAiChatResponseToAnthropic } from './openai-to-anthropic-response';
import { createOpenAiToAnthropicStreamTranslator } from './openai-to-anthropic-stream';
import { TranslationError, UpstreamTranslationError } from './translation-error';

function translate(body: Omit<MessageCreateParamsBase, 'model'>) {
  const request: MessageCreateParamsBase = { model: 'demo-chat', ...body };
  const translated: ChatCompletionCreateParamsBase = anthropicRequestToOpenAiChat(request, {
    upstreamModel: 'gpt-4o-mini',
  });
  return translated;
}

describe('anthropicRequestToOpenAiChat', () => {
  it('maps system, sampling, stop sequences, stream (always asking for usage) and user', () => {
    expect(
      translate({
        max_tokens: 256,
        system: [{ type: 'text', text: 'Be brief.' }],
        messages: [{ role: 'user', content: 'Hi' }],
        stop_sequences: ['END'],
        temperature: 0.4,
        top_p: 0.9,
        top_k: 5,
        stream: true,
        metadata: { user_id: 'u1' },
      }),
    ).toEqual({
      model: 'gpt-4o-mini',
      max_completion_tokens: 256,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      stop: ['END'],
      temperature: 0.4,
      top_p: 0.9,
      stream: true,
      stream_options: { include_usage: true },
      user: 'u1',
    });
  });

  it('uses max_tokens for providers that want it', () => {
    const translated = anthropicRequestToOpenAiChat(
      { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] },
      { upstreamModel: 'local', maxTokensField: 'max_tokens' },
    );
    expect(translated.max_tokens).toBe(10);
    expect(translated).not.toHaveProperty('max_completion_tokens');
  });

  it('round-trips tools: tool_use → tool_calls, tool_result → tool messages before the user text', () => {
    const translated = translate({
      max_tokens: 100,
      tools: [
        { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: {} } } },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hm', signature: 's' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '18°C' }] },
            { type: 'text', text: 'And tomorrow?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_2', content: 'boom', is_error: true }] },
      ],
    });
    expect(translated.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather',
          parameters: { type: 'object', properties: { city: {} } },
        },
      },
    ]);
    expect(translated.tool_choice).toBe('required');
    expect(translated.parallel_tool_calls).toBe(false);
    expect(translated.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'And tomorrow?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_2', content: 'Error: boom' },
    ]);
  });

  it.each([
    [{ type: 'auto' }, 'auto'],
    [{ type: 'none' }, 'none'],
    [
      { type: 'tool', name: 'f' },
      { type: 'function', function: { name: 'f' } },
    ],
  ] as const)('maps tool_choice %j', (choice, expected) => {
    const translated = translate({
      max_tokens: 1,
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ name: 'f', input_schema: { type: 'object' } }],
      tool_choice: choice,
    });
    expect(translated.tool_choice).toEqual(expected);
    expect(translated).not.toHaveProperty('parallel_tool_calls');
  });

  it('refuses documents and server tools with a param', () => {
    const document = () =>
      translate({
        max_tokens: 1,
        messages: [
          {
            role: 'user',
            content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } }],
          },
        ],
      });
    expect(document).toThrow(TranslationError);
    expect(document).toThrow(expect.objectContaining({ param: 'messages[0].content[0].type' }));
    const serverTool = () =>
      translate({
        max_tokens: 1,
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      });
    expect(serverTool).toThrow(expect.objectContaining({ param: 'tools[0].type' }));
  });
});

const completion: OpenAI.ChatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: 'Checking.',
        refusal: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    },
  ],
  usage: { prompt_tokens: 50, completion_tokens: 9, total_tokens: 59, prompt_tokens_details: { cached_tokens: 30 } },
};

describe('openAiChatResponseToAnthropic', () => {
  it('translates content, tool calls, finish reason and usage (input excludes cached tokens)', () => {
    const message: Anthropic.Message = openAiChatResponseToAnthropic(completion as never, {
      model: 'demo-chat',
      requestId: 'req_1',
    });
    expect(message).toEqual({
      id: 'req_1',
      type: 'message',
      role: 'assistant',
      model: 'demo-chat',
      content: [
        { type: 'text', text: 'Checking.', citations: null },
        { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 20,
        output_tokens: 9,
        cache_read_input_tokens: 30,
        cache_creation_input_tokens: 0,
        cache_creation: null,
        server_tool_use: null,
        service_tier: null,
      },
    });
  });

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['content_filter', 'refusal'],
  ] as const)('maps finish_reason %s to %s', (finishReason, stopReason) => {
    const choice = {
      ...completion.choices[0],
      finish_reason: finishReason,
      message: { role: 'assistant', content: 'x' },
    };
    const message = openAiChatResponseToAnthropic({ ...completion, choices: [choice] } as never, {
      model: 'm',
      requestId: 'r',
    });
    expect(message.stop_reason).toBe(stopReason);
  });

  it('refuses tool arguments that are not JSON as an upstream failure', () => {
    const choice = {
      ...completion.choices[0],
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{' } }],
      },
    };
    expect(() =>
      openAiChatResponseToAnthropic({ ...completion, choices: [choice] } as never, { model: 'm', requestId: 'r' }),
    ).toThrow(UpstreamTranslationError);
  });
});

describe('createOpenAiToAnthropicStreamTranslator', () => {
  const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini' } as const;
  const chunks: OpenAI.ChatCompletionChunk[] = [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }], usage: null },
    { ...base, choices: [{ index: 0, delta: { content: 'Checking' }, finish_reason: null }], usage: null },
    { ...base, choices: [{ index: 0, delta: { content: '.' }, finish_reason: null }], usage: null },
    {
      ...base,
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } },
            ],
          },
          finish_reason: null,
        },
      ],
      usage: null,
    },
    {
      ...base,
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }] },
          finish_reason: null,
        },
      ],
      usage: null,
    },
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }], usage: null },
    { ...base, choices: [], usage: completion.usage },
  ];

  it('emits Anthropic’s exact event sequence with final usage in message_delta', () => {
    const translator = createOpenAiToAnthropicStreamTranslator({ model: 'demo-chat', id: 'req_1' });
    const events = [...chunks.flatMap((chunk) => translator.push(chunk)), ...translator.finish()];
    const usage = openAiChatResponseToAnthropic(completion as never, { model: 'demo-chat', requestId: 'req_1' }).usage;
    expect(events.map((event) => event.data)).toEqual([
      {
        type: 'message_start',
        message: {
          id: 'req_1',
          type: 'message',
          role: 'assistant',
          model: 'demo-chat',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...usage, input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0 },
        },
      },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'ping' },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Checking' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: '.' } },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'call_1', name: 'get_weather', input: {} },
      },
      {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: '{"city":"Paris"}' },
      },
      { type: 'content_block_stop', index: 1 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        // The same totals as the non-streamed translation of the same answer.
        usage: {
          input_tokens: usage.input_tokens,
          output_tokens: usage.output_tokens,
          cache_read_input_tokens: usage.cache_read_input_tokens,
          cache_creation_input_tokens: usage.cache_creation_input_tokens,
          server_tool_use: null,
        },
      },
      { type: 'message_stop' },
    ]);
    for (const event of events) expect(event.event).toBe((event.data as { type: string }).type);
  });

  it('turns an in-stream error into a typed error and a cut stream into an incomplete one', () => {
    const translator = createOpenAiToAnthropicStreamTranslator({ model: 'm', id: 'r' });
    translator.push(chunks[1]);
    expect(() => translator.finish()).toThrow(expect.objectContaining({ failure: 'incomplete' }));
    let caught: unknown;
    try {
      translator.push({ error: { message: 'boom', type: 'server_error', param: null, code: null } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UpstreamTranslationError);
    expect((caught as UpstreamTranslationError).failure).toBe('error_event');
    expect((caught as UpstreamTranslationError).anthropicError).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'boom' },
    });
  });
});
