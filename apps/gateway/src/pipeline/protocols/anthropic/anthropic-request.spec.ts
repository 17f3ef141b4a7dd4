import { type GatewayError } from '../../../common/gateway-error';
import { MAX_OUTPUT_TOKENS, parseRequestBody } from '../parameter-checks';
import { messagesRequestSchema } from './anthropic-request';

type Body = Record<string, unknown>;

function refusalOf(body: Body): GatewayError | null {
  try {
    parseRequestBody(messagesRequestSchema, body);
    return null;
  } catch (error) {
    return error as GatewayError;
  }
}

const user = { role: 'user', content: 'Hello.' };
const request = { model: 'demo-claude', max_tokens: 256, messages: [user] };
const weather = {
  name: 'get_weather',
  description: 'The weather now',
  input_schema: { type: 'object', properties: { city: { type: 'string' } } },
};
const use = { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } };
const result = { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' };

describe('messages parameters (Anthropic)', () => {
  const admitted: [string, Body][] = [
    ['the minimal body', {}],
    ['max_tokens 1 and at the bound', { max_tokens: MAX_OUTPUT_TOKENS }],
    ['temperature 0 and 1', { temperature: 1 }],
    ['top_p 0 and 1, top_k 0', { top_p: 0, top_k: 0 }],
    ['stop_sequences', { stop_sequences: ['\n\nHuman:'] }],
    ['system as a string', { system: 'Be brief.' }],
    ['system as text blocks', { system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }] }],
    ['a tool and tool_choice naming it', { tools: [weather], tool_choice: { type: 'tool', name: 'get_weather' } }],
    ['tool_choice any with tools, auto and none without', { tools: [weather], tool_choice: { type: 'any' } }],
    ['tool_choice auto without tools', { tool_choice: { type: 'auto', disable_parallel_tool_use: true } }],
    ['a server tool with its own type', { tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }] }],
    ['thinking with a budget of 1024', { thinking: { type: 'enabled', budget_tokens: 1024 } }],
    ['thinking disabled', { thinking: { type: 'disabled' } }],
    ['metadata with a user id', { metadata: { user_id: 'u1' } }],
    ['stream true', { stream: true }],
    ['a field the reference does not define (passed through)', { provider_extension: 1 }],
    ['consecutive user messages (one turn)', { messages: [user, user] }],
    ['a conversation that starts with the assistant', { messages: [{ role: 'assistant', content: 'Hi.' }, user] }],
    ['an empty final assistant message (a prefill)', { messages: [user, { role: 'assistant', content: '' }] }],
    [
      'a tool use answered by its result',
      {
        tools: [weather],
        messages: [
          user,
          { role: 'assistant', content: [{ type: 'text', text: 'Let me look.' }, use] },
          { role: 'user', content: [result, { type: 'text', text: 'Thanks.' }] },
        ],
      },
    ],
    ['a tool use not answered yet at the end', { messages: [user, { role: 'assistant', content: [use] }] }],
    [
      'images and documents',
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } },
              { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
              { type: 'document', source: { type: 'text', data: 'x' } },
              { type: 'text', text: 'What are these?' },
            ],
          },
        ],
      },
    ],
    [
      'a block type the reference adds later',
      { messages: [{ role: 'user', content: [{ type: 'search_result', x: 1 }] }] },
    ],
    [
      'block and source types named like inherited properties (never looked up on a prototype)',
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'toString' },
              { type: 'constructor' },
              { type: '__proto__' },
              { type: 'image', source: { type: 'hasOwnProperty' } },
            ],
          },
        ],
      },
    ],
  ];

  it.each(admitted)('admits %s', (_, patch) => {
    expect(refusalOf({ ...request, ...patch })).toBeNull();
  });

  const refused: [string, Body, string][] = [
    ['a missing model', { model: undefined }, 'model'],
    ['a missing max_tokens', { max_tokens: undefined }, 'max_tokens'],
    ['max_tokens 0', { max_tokens: 0 }, 'max_tokens'],
    ['max_tokens -5', { max_tokens: -5 }, 'max_tokens'],
    ['max_tokens 1e12', { max_tokens: 1e12 }, 'max_tokens'],
    ['max_tokens as a string', { max_tokens: '256' }, 'max_tokens'],
    ['temperature 1.5 (Anthropic goes to 1)', { temperature: 1.5 }, 'temperature'],
    ['temperature "hot"', { temperature: 'hot' }, 'temperature'],
    ['top_p 3', { top_p: 3 }, 'top_p'],
    ['top_k -1', { top_k: -1 }, 'top_k'],
    ['top_k 1.5', { top_k: 1.5 }, 'top_k'],
    ['stop_sequences as a string', { stop_sequences: 'END' }, 'stop_sequences'],
    ['stop_sequences with a number', { stop_sequences: ['a', 1] }, 'stop_sequences.1'],
    ['stream "yes"', { stream: 'yes' }, 'stream'],
    ['system as a number', { system: 3 }, 'system'],
    ['an image in system', { system: [{ type: 'image', source: {} }] }, 'system.0.type'],
    ['missing messages', { messages: undefined }, 'messages'],
    ['empty messages', { messages: [] }, 'messages'],
    ['a system role message', { messages: [{ role: 'system', content: 'x' }] }, 'messages.0.role'],
    ['content as a number', { messages: [{ role: 'user', content: 3 }] }, 'messages.0.content'],
    ['an empty user message', { messages: [{ role: 'user', content: '' }] }, 'messages.0.content'],
    [
      'an empty assistant message before the end',
      { messages: [{ role: 'assistant', content: [] }, user] },
      'messages.0.content',
    ],
    [
      'an empty text block',
      { messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] },
      'messages.0.content.0.text',
    ],
    ['a block without a type', { messages: [{ role: 'user', content: [{ text: 'x' }] }] }, 'messages.0.content.0.type'],
    [
      'an image of a media type Anthropic does not take',
      {
        messages: [
          {
            role: 'user',
            content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'x' } }],
          },
        ],
      },
      'messages.0.content.0.source.media_type',
    ],
    ['a tool use from the user', { messages: [{ role: 'user', content: [use] }] }, 'messages.0.content.0.type'],
    [
      'a tool result from the assistant',
      { messages: [user, { role: 'assistant', content: [result] }] },
      'messages.1.content.0.type',
    ],
    [
      'a tool result answering no tool use',
      { messages: [{ role: 'user', content: [result] }] },
      'messages.0.content.0.tool_use_id',
    ],
    [
      'a tool use without its result after it',
      { messages: [user, { role: 'assistant', content: [use] }, user] },
      'messages.2',
    ],
    [
      'a tool use whose input is not an object',
      { messages: [user, { role: 'assistant', content: [{ ...use, input: 'x' }] }] },
      'messages.1.content.0.input',
    ],
    ['a tool name with a space', { tools: [{ ...weather, name: 'get weather' }] }, 'tools.0.name'],
    ['a tool without input_schema', { tools: [{ name: 'get_weather' }] }, 'tools.0.input_schema'],
    [
      'an input_schema of a type other than object',
      { tools: [{ ...weather, input_schema: { type: 'string' } }] },
      'tools.0.input_schema.type',
    ],
    [
      'an input_schema without a type',
      { tools: [{ ...weather, input_schema: { properties: {} } }] },
      'tools.0.input_schema.type',
    ],
    ['tool_choice of an unknown type', { tools: [weather], tool_choice: { type: 'maybe' } }, 'tool_choice.type'],
    [
      'tool_choice naming a tool not offered',
      { tools: [weather], tool_choice: { type: 'tool', name: 'other' } },
      'tool_choice.name',
    ],
    ['tool_choice any without tools', { tool_choice: { type: 'any' } }, 'tool_choice'],
    ['a thinking budget below 1024', { thinking: { type: 'enabled', budget_tokens: 100 } }, 'thinking.budget_tokens'],
    ['a user id of 257 characters', { metadata: { user_id: 'u'.repeat(257) } }, 'metadata.user_id'],
  ];

  it.each(refused)('refuses %s, naming the parameter', (_, patch, param) => {
    const refusal = refusalOf({ ...request, ...patch });
    expect(refusal).toMatchObject({ status: 400, type: 'invalid_request_error', param });
    expect(refusal?.message.startsWith(`${param}: `)).toBe(true);
  });

  it("says a missing field the way Anthropic's API does", () => {
    expect(refusalOf({ ...request, max_tokens: undefined })?.message).toBe('max_tokens: Field required');
    expect(refusalOf({ ...request, temperature: 1.5 })?.message).toBe('temperature: must be a number between 0 and 1');
  });
});
