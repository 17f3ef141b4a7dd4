import { type GatewayError } from '../../../common/gateway-error';
import { MAX_OUTPUT_TOKENS, parseRequestBody } from '../parameter-checks';
import { responsesRequestSchema } from './responses-request';

type Body = Record<string, unknown>;

/** The refusal of `body`, or null when the schema admits it. */
function refusalOf(body: Body): GatewayError | null {
  try {
    parseRequestBody(responsesRequestSchema, body, 'brackets');
    return null;
  } catch (error) {
    return error as GatewayError;
  }
}

const request = { model: 'demo-chat', input: 'Hello.' };
const weather = {
  type: 'function',
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } } },
  strict: false,
};
const user = { role: 'user', content: 'What is the weather in Paris?' };
const call = { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' };
const output = { type: 'function_call_output', call_id: 'call_1', output: '18C' };
const schema = { type: 'object', properties: { answer: { type: 'string' } } };

describe('Responses parameters', () => {
  const admitted: [string, Body][] = [
    ['a string input', {}],
    ['input items of every supported type', { input: [user, { ...call, id: 'fc_1', status: 'completed' }, output] }],
    [
      'messages in both forms and every role',
      {
        input: [
          { role: 'developer', content: 'Be brief.' },
          { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Be kind.' }] },
          {
            type: 'message',
            role: 'user',
            content: [
              { type: 'input_text', text: 'What is this?' },
              { type: 'input_image', image_url: 'https://example.com/cat.png', detail: 'low' },
            ],
          },
          {
            type: 'message',
            id: 'msg_1',
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text: 'A cat.', annotations: [] }],
          },
          { role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] },
        ],
      },
    ],
    ['a reasoning item from an earlier answer', { input: [user, { type: 'reasoning', id: 'rs_1', summary: [] }] }],
    [
      'a function call output as parts',
      { input: [user, call, { ...output, output: [{ type: 'input_text', text: 'x' }] }] },
    ],
    ['instructions', { instructions: 'Answer in French.' }],
    ['function tools with every tool choice', { tools: [weather], tool_choice: 'required' }],
    ['a named tool choice', { tools: [weather], tool_choice: { type: 'function', name: 'get_weather' } }],
    ['a function tool without parameters', { tools: [{ type: 'function', name: 'now' }] }],
    ['a json_schema text format', { text: { format: { type: 'json_schema', name: 'answer', schema, strict: true } } }],
    ['a json_object text format and verbosity', { text: { format: { type: 'json_object' }, verbosity: 'low' } }],
    ['the sampling parameters at their bounds', { temperature: 2, top_p: 0, max_output_tokens: MAX_OUTPUT_TOKENS }],
    ['stream with its options', { stream: true, stream_options: { include_obfuscation: false } }],
    ['store and parallel_tool_calls', { store: false, parallel_tool_calls: false }],
    ['previous_response_id without input', { input: undefined, previous_response_id: 'resp_1' }],
    ['16 metadata pairs', { metadata: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v'])) }],
    ['background false', { background: false }],
    ['a user, truncation and reasoning', { user: 'u1', truncation: 'auto', reasoning: { effort: 'low' } }],
    ['a field the reference does not define', { x_vendor: 1 }],
  ];

  it.each(admitted)('admits %s', (_, patch) => {
    expect(refusalOf({ ...request, ...patch })).toBeNull();
  });

  const refused: [string, Body, string, RegExp?][] = [
    ['a missing model', { model: undefined }, 'model'],
    ['a missing input', { input: undefined }, 'input', /you must provide an input/],
    ['input as a number', { input: 3 }, 'input'],
    ['input as an empty array', { input: [] }, 'input'],
    ['an item that is not an object', { input: ['hi'] }, 'input[0]'],
    ['an unknown role', { input: [{ role: 'robot', content: 'hi' }] }, 'input[0].role'],
    ['a message without content', { input: [{ role: 'user' }] }, 'input[0].content'],
    ['content as an empty array', { input: [{ role: 'user', content: [] }] }, 'input[0].content'],
    [
      'an unknown content part',
      { input: [user, user, { role: 'user', content: [{ type: 'input_video', video: {} }] }] },
      'input[2].content[0].type',
    ],
    [
      'a text part without text',
      { input: [{ role: 'user', content: [{ type: 'input_text', text: 3 }] }] },
      'input[0].content[0].text',
    ],
    [
      'an image without a url or file',
      { input: [{ role: 'user', content: [{ type: 'input_image' }] }] },
      'input[0].content[0].image_url',
    ],
    [
      'an image detail that does not exist',
      { input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'https://x', detail: 'max' }] }] },
      'input[0].content[0].detail',
    ],
    [
      'an image in a developer message',
      { input: [{ role: 'developer', content: [{ type: 'input_image', image_url: 'https://x' }] }] },
      'input[0].content[0].type',
    ],
    [
      'an item reference',
      { input: [user, { type: 'item_reference', id: 'msg_1' }] },
      'input[1].type',
      /'item_reference' items are not supported by this gateway/,
    ],
    ['a web search call item', { input: [{ type: 'web_search_call', id: 'ws_1' }] }, 'input[0].type'],
    ['a function call without call_id', { input: [user, { ...call, call_id: undefined }] }, 'input[1].call_id'],
    ['a function call without arguments', { input: [user, { ...call, arguments: undefined }] }, 'input[1].arguments'],
    [
      'a function call output without output',
      { input: [user, call, { ...output, output: undefined }] },
      'input[2].output',
    ],
    ['instructions as a number', { instructions: 3 }, 'instructions'],
    ['tools that are not an array', { tools: 'weather' }, 'tools'],
    [
      'a web search tool',
      { tools: [{ type: 'web_search' }] },
      'tools[0].type',
      /'web_search' tools are not supported by this gateway/,
    ],
    ['a file search tool after a function', { tools: [weather, { type: 'file_search' }] }, 'tools[1].type'],
    ['an MCP tool', { tools: [{ type: 'mcp', server_label: 'x' }] }, 'tools[0].type'],
    ['a tool without a type', { tools: [{ name: 'get_weather' }] }, 'tools[0].type'],
    ['a tool name with a space', { tools: [{ ...weather, name: 'get weather' }] }, 'tools[0].name'],
    ['parameters that are not an object', { tools: [{ ...weather, parameters: 'x' }] }, 'tools[0].parameters'],
    [
      'parameters of a type other than object',
      { tools: [{ ...weather, parameters: { type: 'string' } }] },
      'tools[0].parameters.type',
    ],
    ['129 tools', { tools: Array.from({ length: 129 }, (_, i) => ({ type: 'function', name: `f${i}` })) }, 'tools'],
    ['tool_choice "sometimes"', { tools: [weather], tool_choice: 'sometimes' }, 'tool_choice'],
    ['tool_choice required without tools', { tool_choice: 'required' }, 'tool_choice'],
    [
      'tool_choice naming a tool not offered',
      { tools: [weather], tool_choice: { type: 'function', name: 'other' } },
      'tool_choice.name',
    ],
    ['a hosted tool choice', { tools: [weather], tool_choice: { type: 'web_search_preview' } }, 'tool_choice.type'],
    ['a text format of xml', { text: { format: { type: 'xml' } } }, 'text.format.type'],
    ['a json_schema without a name', { text: { format: { type: 'json_schema', schema } } }, 'text.format.name'],
    ['a json_schema without a schema', { text: { format: { type: 'json_schema', name: 'a' } } }, 'text.format.schema'],
    [
      'a json_schema schema of another type than object',
      { text: { format: { type: 'json_schema', name: 'a', schema: { type: 'array' } } } },
      'text.format.schema.type',
    ],
    ['temperature above 2', { temperature: 2.01 }, 'temperature'],
    ['temperature "hot"', { temperature: 'hot' }, 'temperature'],
    ['top_p above 1', { top_p: 1.5 }, 'top_p'],
    ['max_output_tokens 0', { max_output_tokens: 0 }, 'max_output_tokens'],
    ['max_output_tokens above the bound', { max_output_tokens: MAX_OUTPUT_TOKENS + 1 }, 'max_output_tokens'],
    ['parallel_tool_calls "yes"', { parallel_tool_calls: 'yes' }, 'parallel_tool_calls'],
    ['store "no"', { store: 'no' }, 'store'],
    ['stream "yes"', { stream: 'yes' }, 'stream'],
    ['stream_options without stream', { stream_options: { include_obfuscation: false } }, 'stream_options'],
    ['an empty previous_response_id', { previous_response_id: '' }, 'previous_response_id'],
    [
      'metadata of 17 pairs',
      { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) },
      'metadata',
    ],
    ['a metadata value that is not a string', { metadata: { k: 1 } }, 'metadata.k'],
    ['user as a number', { user: 7 }, 'user'],
    ['background true', { background: true }, 'background', /not supported by this gateway/],
    ['a conversation', { conversation: 'conv_1' }, 'conversation', /not supported by this gateway/],
    ['a stored prompt', { prompt: { id: 'pmpt_1' } }, 'prompt', /not supported by this gateway/],
    ['truncation "sometimes"', { truncation: 'sometimes' }, 'truncation'],
  ];

  // The message is a rest parameter: jest reads a test function's arity to tell a `done` callback apart.
  it.each(refused)('refuses %s, naming the parameter', (_, patch, param, ...[message]) => {
    const refusal = refusalOf({ ...request, ...patch });
    expect(refusal).toMatchObject({ status: 400, code: 'invalid_request_error', type: 'invalid_request_error', param });
    expect(refusal?.message.startsWith(`${param}: `)).toBe(true);
    if (message !== undefined) expect(refusal?.message).toMatch(message);
  });
});
