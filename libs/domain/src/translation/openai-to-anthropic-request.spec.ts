import type { MessageCreateParamsBase } from '@anthropic-ai/sdk/resources/messages';
import type OpenAI from 'openai';
import { openAiChatToAnthropicRequest } from './openai-to-anthropic-request';
import { TranslationError } from './translation-error';

const options = { upstreamModel: 'claude-sonnet-4-5', defaultMaxTokens: 4096 };

function translate(
  body: Partial<OpenAI.ChatCompletionCreateParams> & Pick<OpenAI.ChatCompletionCreateParams, 'messages'>,
) {
  // The SDK's own request type goes in, the SDK's own request type comes out: the shapes are compatible both ways.
  const request: OpenAI.ChatCompletionCreateParams = { model: 'demo-chat', ...body };
  const translated: MessageCreateParamsBase = openAiChatToAnthropicRequest(request, options);
  return translated;
}

function translationError(run: () => unknown): TranslationError {
  try {
    run();
  } catch (error) {
    if (error instanceof TranslationError) return error;
    throw error;
  }
  throw new Error('expected a TranslationError');
}

describe('openAiChatToAnthropicRequest', () => {
  it('maps a plain conversation with the upstream model and the default max_tokens', () => {
    expect(translate({ messages: [{ role: 'user', content: 'Hello' }] })).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: 'Hello' }],
    });
  });

  it('prefers max_completion_tokens over max_tokens', () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hi' }];
    expect(translate({ messages, max_tokens: 100 }).max_tokens).toBe(100);
    expect(translate({ messages, max_tokens: 100, max_completion_tokens: 50 }).max_tokens).toBe(50);
    expect(translate({ messages, max_tokens: null }).max_tokens).toBe(4096);
  });

  it('joins system and developer messages, wherever they are, into the system prompt', () => {
    const translated = translate({
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'developer',
          content: [
            { type: 'text', text: 'Answer in ' },
            { type: 'text', text: 'French.' },
          ],
        },
        { role: 'user', content: 'Hello' },
        { role: 'system', content: 'Never apologise.' },
        { role: 'system', content: '' },
      ],
    });
    expect(translated.system).toBe('Be brief.\n\nAnswer in French.\n\nNever apologise.');
    expect(translated.messages).toEqual([{ role: 'user', content: 'Hello' }]);
  });

  it('omits system when there is none and refuses a conversation of system messages only', () => {
    expect(translate({ messages: [{ role: 'user', content: 'x' }] })).not.toHaveProperty('system');
    const error = translationError(() => translate({ messages: [{ role: 'system', content: 'alone' }] }));
    expect(error.param).toBe('messages');
  });

  it('maps stop, top_p, stream and user', () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hi' }];
    expect(translate({ messages, stop: 'END', top_p: 0.9, stream: true, user: 'user-42' })).toMatchObject({
      stop_sequences: ['END'],
      top_p: 0.9,
      stream: true,
      metadata: { user_id: 'user-42' },
    });
    expect(translate({ messages, stop: ['a', 'b'] }).stop_sequences).toEqual(['a', 'b']);
    expect(translate({ messages, safety_identifier: 'hashed' }).metadata).toEqual({ user_id: 'hashed' });
    const bare = translate({ messages, stop: null, stream: false, user: '' });
    expect(bare).not.toHaveProperty('stop_sequences');
    expect(bare).not.toHaveProperty('stream');
    expect(bare).not.toHaveProperty('metadata');
  });

  it('clamps temperature into Anthropic 0–1 and keeps values already in range exact', () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hi' }];
    expect(translate({ messages, temperature: 0 }).temperature).toBe(0);
    expect(translate({ messages, temperature: 0.7 }).temperature).toBe(0.7);
    expect(translate({ messages, temperature: 1 }).temperature).toBe(1);
    expect(translate({ messages, temperature: 1.8 }).temperature).toBe(1);
    expect(translate({ messages })).not.toHaveProperty('temperature');
  });

  it('maps text and image parts of user messages', () => {
    const translated = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } },
          ],
        },
      ],
    });
    expect(translated.messages[0]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'What is this?' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      ],
    });
  });

  it.each([
    [
      'an audio part',
      { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } } as const,
      'messages[0].content[1].type',
    ],
    ['a file part', { type: 'file', file: { file_id: 'file-1' } } as const, 'messages[0].content[1].type'],
    [
      'an unsupported image type',
      { type: 'image_url', image_url: { url: 'data:image/tiff;base64,AAAA' } } as const,
      'messages[0].content[1].image_url.url',
    ],
    [
      'a plain-http image',
      { type: 'image_url', image_url: { url: 'http://example.com/a.png' } } as const,
      'messages[0].content[1].image_url.url',
    ],
  ])('refuses %s with a TranslationError naming the param', (_name, part, param) => {
    const error = translationError(() =>
      translate({ messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, part] }] }),
    );
    expect(error).toBeInstanceOf(TranslationError);
    expect(error.param).toBe(param);
    expect(error.message).not.toBe('');
  });

  it.each([
    ['n > 1', { n: 2 }, 'n'],
    ['logprobs', { logprobs: true }, 'logprobs'],
    ['a JSON response format', { response_format: { type: 'json_object' } }, 'response_format'],
    ['audio output', { modalities: ['text', 'audio'] }, 'modalities'],
    ['a custom tool', { tools: [{ type: 'custom', custom: { name: 'grammar' } }] }, 'tools[0].type'],
    [
      'an allowed_tools choice',
      { tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } } },
      'tool_choice',
    ],
  ] as [string, Partial<OpenAI.ChatCompletionCreateParams>, string][])('refuses %s', (_name, fields, param) => {
    const error = translationError(() => translate({ messages: [{ role: 'user', content: 'x' }], ...fields }));
    expect(error.param).toBe(param);
  });

  it('accepts n = 1 and a text response format', () => {
    expect(() =>
      translate({ messages: [{ role: 'user', content: 'x' }], n: 1, response_format: { type: 'text' } }),
    ).not.toThrow();
  });

  it('maps tools and every tool_choice', () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather?' }];
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Current weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
      { type: 'function', function: { name: 'now' } },
    ];
    const translated = translate({ messages, tools });
    expect(translated.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Current weather',
        input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
      { name: 'now', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(translated).not.toHaveProperty('tool_choice');
    expect(translate({ messages, tools, tool_choice: 'auto' }).tool_choice).toEqual({ type: 'auto' });
    expect(translate({ messages, tools, tool_choice: 'none' }).tool_choice).toEqual({ type: 'none' });
    expect(translate({ messages, tools, tool_choice: 'required' }).tool_choice).toEqual({ type: 'any' });
    expect(
      translate({ messages, tools, tool_choice: { type: 'function', function: { name: 'now' } } }).tool_choice,
    ).toEqual({ type: 'tool', name: 'now' });
    expect(translate({ messages, tools, parallel_tool_calls: false }).tool_choice).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    expect(translate({ messages, tools, tool_choice: 'required', parallel_tool_calls: false }).tool_choice).toEqual({
      type: 'any',
      disable_parallel_tool_use: true,
    });
    // Without tools a tool_choice other than none means nothing to Anthropic (which would reject it).
    expect(translate({ messages, tool_choice: 'auto' })).not.toHaveProperty('tool_choice');
  });

  it('round-trips a multi-turn tool conversation, merging tool results with the next user turn', () => {
    const translated = translate({
      messages: [
        { role: 'system', content: 'You are a weather bot.' },
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '24°C' }] },
        { role: 'user', content: 'Which is warmer?' },
        { role: 'assistant', content: 'Rome.' },
        { role: 'user', content: 'Thanks' },
        { role: 'user', content: [{ type: 'text', text: 'Bye' }] },
      ],
    });
    expect(translated.system).toBe('You are a weather bot.');
    expect(translated.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18°C' },
          { type: 'tool_result', tool_use_id: 'call_2', content: '24°C' },
          { type: 'text', text: 'Which is warmer?' },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'Rome.' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Thanks' },
          { type: 'text', text: 'Bye' },
        ],
      },
    ]);
  });

  it('keeps assistant text beside tool calls and drops empty assistant turns', () => {
    const translated = translate({
      messages: [
        { role: 'user', content: 'a' },
        {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '' } }],
        },
        { role: 'tool', tool_call_id: 'c', content: 'ok' },
        { role: 'assistant', content: '' },
      ],
    });
    expect(translated.messages).toEqual([
      { role: 'user', content: 'a' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'c', name: 'f', input: {} },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'c', content: 'ok' }] },
    ]);
  });

  it('refuses tool call arguments that are not a JSON object, and the function role', () => {
    const call = (args: string): OpenAI.ChatCompletionMessageParam[] => [
      { role: 'user', content: 'a' },
      { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }] },
    ];
    expect(translationError(() => translate({ messages: call('{oops') })).param).toBe(
      'messages[1].tool_calls[0].function.arguments',
    );
    expect(translationError(() => translate({ messages: call('[1]') })).param).toBe(
      'messages[1].tool_calls[0].function.arguments',
    );
    expect(
      translationError(() =>
        translate({
          messages: [
            { role: 'user', content: 'a' },
            { role: 'function', name: 'f', content: 'x' },
          ],
        }),
      ).param,
    ).toBe('messages[1].role');
    expect(
      translationError(() =>
        translate({
          messages: [
            { role: 'user', content: 'a' },
            { role: 'assistant', tool_calls: [{ id: 'c', type: 'custom', custom: { name: 'g', input: 'x' } }] },
          ],
        }),
      ).param,
    ).toBe('messages[1].tool_calls[0].type');
  });

  it('refuses a refusal part in assistant content, which Anthropic cannot replay', () => {
    const error = translationError(() =>
      translate({
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: [{ type: 'refusal', refusal: 'no' }] },
        ],
      }),
    );
    expect(error.param).toBe('messages[1].content[0].type');
  });
});
