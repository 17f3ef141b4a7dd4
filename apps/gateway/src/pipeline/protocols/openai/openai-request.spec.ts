import { type z } from 'zod';
import { type GatewayError } from '../../../common/gateway-error';
import { MAX_OUTPUT_TOKENS, parseRequestBody } from '../parameter-checks';
import { chatCompletionRequestSchema, completionRequestSchema, embeddingRequestSchema } from './openai-request';

type Body = Record<string, unknown>;

/** The refusal of `body`, or null when the schema admits it. */
function refusalOf(schema: z.ZodType<Body>, body: Body): GatewayError | null {
  try {
    parseRequestBody(schema, body);
    return null;
  } catch (error) {
    return error as GatewayError;
  }
}

function expectRefused(schema: z.ZodType<Body>, body: Body, param: string): void {
  const refusal = refusalOf(schema, body);
  expect(refusal).toMatchObject({ status: 400, code: 'invalid_request_error', type: 'invalid_request_error', param });
  expect(refusal?.message.startsWith(`${param}: `)).toBe(true);
}

const user = { role: 'user', content: 'Hello.' };
const chat = { model: 'demo-chat', messages: [user] };
const weather = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};
const call = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };
const schema = { type: 'object', properties: { answer: { type: 'string' } } };

describe('chat completions parameters', () => {
  const admitted: [string, Body][] = [
    ['the minimal body', {}],
    ['temperature 0, 2 and null', { temperature: 0 }],
    ['temperature 2', { temperature: 2 }],
    ['temperature null', { temperature: null }],
    ['top_p 0 and 1', { top_p: 0 }],
    ['top_p 1', { top_p: 1 }],
    ['penalties at -2 and 2', { presence_penalty: -2, frequency_penalty: 2 }],
    ['n 1', { n: 1 }],
    ['max_tokens 1', { max_tokens: 1 }],
    ['max_tokens at the bound', { max_tokens: MAX_OUTPUT_TOKENS }],
    ['max_completion_tokens at the bound', { max_completion_tokens: MAX_OUTPUT_TOKENS }],
    ['logprobs with top_logprobs 0', { logprobs: true, top_logprobs: 0 }],
    ['logprobs with top_logprobs 20', { logprobs: true, top_logprobs: 20 }],
    ['logprobs false', { logprobs: false }],
    ['stop as a string', { stop: 'END' }],
    ['stop as 4 strings', { stop: ['a', 'b', 'c', 'd'] }],
    ['stop as no strings', { stop: [] }],
    ['a seed of 0, negative or large', { seed: -9_007_199_254_740_991 }],
    ['logit_bias from -100 to 100', { logit_bias: { '50256': -100, '11': 100 } }],
    ['stream with stream_options', { stream: true, stream_options: { include_usage: true } }],
    ['metadata of 16 pairs', { metadata: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v'])) }],
    [
      'a function tool and tool_choice naming it',
      { tools: [weather], tool_choice: { type: 'function', function: { name: 'get_weather' } } },
    ],
    ['a function without parameters', { tools: [{ type: 'function', function: { name: 'now' } }] }],
    ['a custom tool', { tools: [{ type: 'custom', custom: { name: 'sql' } }], tool_choice: 'required' }],
    ['tool_choice none or auto without tools', { tool_choice: 'auto' }],
    ['response_format text', { response_format: { type: 'text' } }],
    ['response_format json_object', { response_format: { type: 'json_object' } }],
    [
      'response_format json_schema',
      { response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } } },
    ],
    [
      'parallel_tool_calls, user, store, reasoning_effort',
      { parallel_tool_calls: false, user: 'u1', store: false, reasoning_effort: 'low' },
    ],
    ['a field the reference does not define (passed through)', { provider_extension: { anything: 1 } }],
    [
      'every role and content part',
      {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
          {
            role: 'user',
            name: 'ada',
            content: [
              { type: 'text', text: 'What is in these?' },
              { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
              { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
              { type: 'file', file: { file_id: 'file-1' } },
            ],
          },
          { role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] },
          { role: 'user', content: 'Please.' },
        ],
      },
    ],
    [
      'a tool call answered by tool messages',
      {
        tools: [weather],
        messages: [
          user,
          { role: 'assistant', content: null, tool_calls: [call] },
          { role: 'tool', tool_call_id: 'call_1', content: '18C' },
          user,
        ],
      },
    ],
    ['a tool call not answered yet at the end', { messages: [user, { role: 'assistant', tool_calls: [call] }] }],
    ['the deprecated function role', { messages: [user, { role: 'function', name: 'get_weather', content: '18C' }] }],
  ];

  it.each(admitted)('admits %s', (_, patch) => {
    expect(refusalOf(chatCompletionRequestSchema, { ...chat, ...patch })).toBeNull();
  });

  const refused: [string, Body, string][] = [
    ['a missing model', { model: undefined }, 'model'],
    ['missing messages', { messages: undefined }, 'messages'],
    ['empty messages', { messages: [] }, 'messages'],
    ['temperature "hot"', { temperature: 'hot' }, 'temperature'],
    ['temperature above 2', { temperature: 2.01 }, 'temperature'],
    ['temperature below 0', { temperature: -0.1 }, 'temperature'],
    ['top_p 3', { top_p: 3 }, 'top_p'],
    ['top_p below 0', { top_p: -0.5 }, 'top_p'],
    ['presence_penalty 2.5', { presence_penalty: 2.5 }, 'presence_penalty'],
    ['frequency_penalty -3', { frequency_penalty: -3 }, 'frequency_penalty'],
    ['n 2 (one choice per request)', { n: 2 }, 'n'],
    ['n 0', { n: 0 }, 'n'],
    ['n 1.5', { n: 1.5 }, 'n'],
    ['max_tokens -5', { max_tokens: -5 }, 'max_tokens'],
    ['max_tokens 0', { max_tokens: 0 }, 'max_tokens'],
    ['max_tokens 1.5', { max_tokens: 1.5 }, 'max_tokens'],
    ['max_tokens 1e12', { max_tokens: 1e12 }, 'max_tokens'],
    ['max_tokens as a string', { max_tokens: '100' }, 'max_tokens'],
    [
      'max_completion_tokens above the bound',
      { max_completion_tokens: MAX_OUTPUT_TOKENS + 1 },
      'max_completion_tokens',
    ],
    ['logprobs "yes"', { logprobs: 'yes' }, 'logprobs'],
    ['top_logprobs 21', { logprobs: true, top_logprobs: 21 }, 'top_logprobs'],
    ['top_logprobs without logprobs', { top_logprobs: 5 }, 'top_logprobs'],
    ['stop of 5 strings', { stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    ['stop as a number', { stop: 3 }, 'stop'],
    ['stop with a number in it', { stop: ['a', 1] }, 'stop.1'],
    ['seed 1.5', { seed: 1.5 }, 'seed'],
    ['seed as a string', { seed: '42' }, 'seed'],
    ['logit_bias of 200', { logit_bias: { '11': 200 } }, 'logit_bias.11'],
    ['stream "yes"', { stream: 'yes' }, 'stream'],
    ['stream_options without stream', { stream_options: { include_usage: true } }, 'stream_options'],
    [
      'metadata of 17 pairs',
      { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) },
      'metadata',
    ],
    ['a metadata value that is not a string', { metadata: { k: 1 } }, 'metadata.k'],
    ['an unknown role', { messages: [{ role: 'robot', content: 'hi' }] }, 'messages.0.role'],
    ['a message that is not an object', { messages: ['hi'] }, 'messages.0'],
    ['a message without content', { messages: [{ role: 'user' }] }, 'messages.0.content'],
    ['content as a number', { messages: [{ role: 'user', content: 3 }] }, 'messages.0.content'],
    ['content as an empty array', { messages: [{ role: 'user', content: [] }] }, 'messages.0.content'],
    [
      'an unknown content part',
      { messages: [{ role: 'user', content: [{ type: 'video', video: {} }] }] },
      'messages.0.content.0.type',
    ],
    [
      'a text part without text',
      { messages: [{ role: 'user', content: [{ type: 'text', text: 3 }] }] },
      'messages.0.content.0.text',
    ],
    [
      'an image in a system message',
      { messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x' } }] }, user] },
      'messages.0.content.0.type',
    ],
    [
      'an image without a url',
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] },
      'messages.0.content.0.image_url.url',
    ],
    [
      'an image detail that does not exist',
      {
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x', detail: 'max' } }] }],
      },
      'messages.0.content.0.image_url.detail',
    ],
    [
      'audio in a format the API does not take',
      { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AA', format: 'ogg' } }] }] },
      'messages.0.content.0.input_audio.format',
    ],
    [
      'an assistant message with neither content nor tool calls',
      { messages: [user, { role: 'assistant' }] },
      'messages.1.content',
    ],
    [
      'a tool message without tool_call_id',
      { messages: [user, { role: 'assistant', tool_calls: [call] }, { role: 'tool', content: 'x' }] },
      'messages.2.tool_call_id',
    ],
    [
      'a tool message after no tool call',
      { messages: [user, { role: 'tool', tool_call_id: 'call_1', content: 'x' }] },
      'messages.1.role',
    ],
    [
      'a tool message answering another call',
      {
        messages: [
          user,
          { role: 'assistant', tool_calls: [call] },
          { role: 'tool', tool_call_id: 'call_9', content: 'x' },
        ],
      },
      'messages.2.tool_call_id',
    ],
    [
      'tool calls left unanswered',
      { messages: [user, { role: 'assistant', tool_calls: [call] }, user] },
      'messages.1.tool_calls',
    ],
    [
      'a tool call of an unknown type',
      { messages: [user, { role: 'assistant', tool_calls: [{ id: 'c', type: 'magic' }] }] },
      'messages.1.tool_calls.0.type',
    ],
    ['tools that are not an array', { tools: 'weather' }, 'tools'],
    [
      'a tool name with a space',
      { tools: [{ type: 'function', function: { name: 'get weather' } }] },
      'tools.0.function.name',
    ],
    [
      'a tool name of 65 characters',
      { tools: [{ type: 'function', function: { name: 'x'.repeat(65) } }] },
      'tools.0.function.name',
    ],
    [
      'parameters that are not an object',
      { tools: [{ type: 'function', function: { name: 'f', parameters: 'x' } }] },
      'tools.0.function.parameters',
    ],
    [
      'parameters of a type other than object',
      { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'string' } } }] },
      'tools.0.function.parameters.type',
    ],
    ['a tool of an unknown type', { tools: [{ type: 'retrieval' }] }, 'tools.0.type'],
    [
      '129 tools',
      { tools: Array.from({ length: 129 }, (_, i) => ({ type: 'function', function: { name: `f${i}` } })) },
      'tools',
    ],
    ['tool_choice "sometimes"', { tools: [weather], tool_choice: 'sometimes' }, 'tool_choice'],
    ['tool_choice required without tools', { tool_choice: 'required' }, 'tool_choice'],
    [
      'tool_choice naming a tool not offered',
      { tools: [weather], tool_choice: { type: 'function', function: { name: 'other' } } },
      'tool_choice.function.name',
    ],
    ['response_format xml', { response_format: { type: 'xml' } }, 'response_format.type'],
    [
      'a json_schema without a name',
      { response_format: { type: 'json_schema', json_schema: { schema } } },
      'response_format.json_schema.name',
    ],
    [
      'a json_schema without a schema',
      { response_format: { type: 'json_schema', json_schema: { name: 'a' } } },
      'response_format.json_schema.schema',
    ],
    [
      'a json_schema schema that is not an object',
      { response_format: { type: 'json_schema', json_schema: { name: 'a', schema: 'x' } } },
      'response_format.json_schema.schema',
    ],
  ];

  it.each(refused)('refuses %s, naming the parameter', (_, patch, param) => {
    expectRefused(chatCompletionRequestSchema, { ...chat, ...patch }, param);
  });

  it('says what is wrong in words a client can act on', () => {
    expect(refusalOf(chatCompletionRequestSchema, { ...chat, temperature: 'hot' })?.message).toBe(
      'temperature: must be a number between 0 and 2',
    );
    expect(refusalOf(chatCompletionRequestSchema, { ...chat, n: 2 })?.message).toMatch(
      /^n: the gateway serves one choice/,
    );
    expect(refusalOf(chatCompletionRequestSchema, { model: 'demo-chat' })?.message).toBe(
      'messages: messages must be an array',
    );
  });

  it('refuses a body that is not a JSON object', () => {
    for (const body of [null, [], 'text', 3]) {
      expect(() => parseRequestBody(chatCompletionRequestSchema, body)).toThrow(
        'The request body must be a JSON object.',
      );
    }
  });
});

describe('legacy completions parameters', () => {
  const completion = { model: 'demo-chat', prompt: 'Once upon a time' };

  const admitted: [string, Body][] = [
    ['an empty prompt', { prompt: '' }],
    ['a prompt of strings', { prompt: ['a', 'b'] }],
    ['a prompt of token ids', { prompt: [1, 2, 3] }],
    ['a prompt of token id arrays', { prompt: [[1], [2, 3]] }],
    ['best_of 20 with n 1', { best_of: 20, n: 1 }],
    ['logprobs 0 and 5, echo, suffix', { logprobs: 5, echo: true, suffix: ' The end.' }],
    [
      'temperature 2, top_p 1, penalties, stop, seed',
      { temperature: 2, top_p: 1, presence_penalty: -2, stop: '\n', seed: 7 },
    ],
    ['stream with stream_options', { stream: true, stream_options: { include_usage: true } }],
  ];

  it.each(admitted)('admits %s', (_, patch) => {
    expect(refusalOf(completionRequestSchema, { ...completion, ...patch })).toBeNull();
  });

  const refused: [string, Body, string][] = [
    ['a missing prompt', { prompt: undefined }, 'prompt'],
    ['an empty prompt array', { prompt: [] }, 'prompt'],
    ['a prompt that is a number', { prompt: 3 }, 'prompt'],
    ['temperature 3', { temperature: 3 }, 'temperature'],
    ['top_p 1.5', { top_p: 1.5 }, 'top_p'],
    ['n 2', { n: 2 }, 'n'],
    ['max_tokens 0', { max_tokens: 0 }, 'max_tokens'],
    ['max_tokens 1e12', { max_tokens: 1e12 }, 'max_tokens'],
    ['best_of 21', { best_of: 21 }, 'best_of'],
    ['best_of with stream', { best_of: 2, stream: true }, 'best_of'],
    ['logprobs 6', { logprobs: 6 }, 'logprobs'],
    ['logprobs true (an integer here)', { logprobs: true }, 'logprobs'],
    ['echo "yes"', { echo: 'yes' }, 'echo'],
    ['stop of 5 strings', { stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    ['stream_options without stream', { stream_options: { include_usage: true } }, 'stream_options'],
  ];

  it.each(refused)('refuses %s, naming the parameter', (_, patch, param) => {
    expectRefused(completionRequestSchema, { ...completion, ...patch }, param);
  });

  it('asks for a missing prompt', () => {
    expect(refusalOf(completionRequestSchema, { model: 'demo-chat' })?.message).toBe(
      'prompt: you must provide a prompt',
    );
  });
});

describe('embeddings parameters', () => {
  const embedding = { model: 'demo-embed', input: 'hello' };

  const admitted: [string, Body][] = [
    ['strings', { input: ['a', 'b'] }],
    ['token ids', { input: [1, 2] }],
    ['token id arrays', { input: [[1, 2], [3]] }],
    ['2048 strings', { input: Array.from({ length: 2048 }, () => 'x') }],
    ['dimensions 1 and encoding_format float', { dimensions: 1, encoding_format: 'float' }],
    ['encoding_format base64 and a user', { encoding_format: 'base64', user: 'u1' }],
  ];

  it.each(admitted)('admits %s', (_, patch) => {
    expect(refusalOf(embeddingRequestSchema, { ...embedding, ...patch })).toBeNull();
  });

  const refused: [string, Body, string][] = [
    ['a missing input', { input: undefined }, 'input'],
    ['an empty string', { input: '' }, 'input'],
    ['an empty array', { input: [] }, 'input'],
    ['2049 strings', { input: Array.from({ length: 2049 }, () => 'x') }, 'input'],
    ['a negative token id', { input: [-1] }, 'input.0'],
    ['an object', { input: { text: 'x' } }, 'input'],
    ['dimensions 0', { dimensions: 0 }, 'dimensions'],
    ['dimensions 1.5', { dimensions: 1.5 }, 'dimensions'],
    ['encoding_format hex', { encoding_format: 'hex' }, 'encoding_format'],
    ['a user that is not a string', { user: 1 }, 'user'],
  ];

  it.each(refused)('refuses %s, naming the parameter', (_, patch, param) => {
    expectRefused(embeddingRequestSchema, { ...embedding, ...patch }, param);
  });
});
