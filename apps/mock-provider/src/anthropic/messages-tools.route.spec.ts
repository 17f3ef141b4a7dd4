import Ajv from 'ajv';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, parseSse } from '../../test/mock-provider-testing';

interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

interface Message {
  content: ({ type: 'text'; text: string } | ToolUseBlock)[];
  stop_reason: string;
  usage: { input_tokens: number; output_tokens: number };
}

const weatherSchema = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    days: { type: 'integer', minimum: 1, maximum: 7 },
    hourly: { type: 'boolean' },
  },
  required: ['city', 'days'],
  additionalProperties: false,
};
const searchSchema = {
  type: 'object',
  properties: { query: { type: 'string', minLength: 20 }, sources: { type: 'array', items: { type: 'string' } } },
  required: ['query'],
};
const tools = [
  { name: 'get_weather', description: 'Weather for a city', input_schema: weatherSchema },
  { name: 'search', input_schema: searchSchema },
];
const ajv = new Ajv();
const validators: Record<string, Ajv.ValidateFunction> = {
  get_weather: ajv.compile(weatherSchema),
  search: ajv.compile(searchSchema),
};

const ask = (text: string) => [{ role: 'user', content: text }];

describe('POST /v1/messages with tools', () => {
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
      payload: { model: 'claude-sonnet-4-5', max_tokens: 256, ...payload },
      headers: { 'anthropic-version': '2023-06-01', ...headers },
    });

  async function message(payload: Record<string, unknown>) {
    const response = await post(payload);
    expect(response.statusCode).toBe(200);
    return response.json<Message>();
  }

  const toolUses = (body: Message) => body.content.filter((block): block is ToolUseBlock => block.type === 'tool_use');

  it('answers `call:<name>` with a tool_use block, input valid for its schema, stop_reason tool_use', async () => {
    const body = await message({ messages: ask('call:get_weather'), tools });
    expect(body.stop_reason).toBe('tool_use');
    expect(body.content).toEqual([
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_/),
        name: 'get_weather',
        input: { city: 'mock city', days: 1, hourly: true },
      },
    ]);
    expect(validators['get_weather']?.(toolUses(body)[0]?.input)).toBe(true);
    // ceil(("get_weather" + '{"city":"mock city","days":1,"hourly":true}').length / 4) = ceil(54 / 4)
    expect(body.usage.output_tokens).toBe(14);
  });

  it('answers two names with two parallel blocks, one with disable_parallel_tool_use', async () => {
    const body = await message({ messages: ask('call:get_weather,search'), tools });
    const calls = toolUses(body);
    expect(calls.map((call) => call.name)).toEqual(['get_weather', 'search']);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
    for (const call of calls) expect(validators[call.name]?.(call.input)).toBe(true);

    const single = await message({
      messages: ask('call:get_weather,search'),
      tools,
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    });
    expect(toolUses(single).map((call) => call.name)).toEqual(['get_weather']);
  });

  it('calls the tool a tool_choice forces, and the first tool for `any`; `none` answers in text', async () => {
    const forced = await message({
      messages: ask('Find me news'),
      tools,
      tool_choice: { type: 'tool', name: 'search' },
    });
    expect(toolUses(forced).map((call) => call.name)).toEqual(['search']);
    const any = await message({ messages: ask('Anything'), tools, tool_choice: { type: 'any' } });
    expect(toolUses(any).map((call) => call.name)).toEqual(['get_weather']);
    const none = await message({ messages: ask('call:search'), tools, tool_choice: { type: 'none' } });
    expect(none.stop_reason).toBe('end_turn');
    expect(toolUses(none)).toEqual([]);
  });

  it('refuses a `call:` of a tool the request does not offer with a 400 in Anthropic shape', async () => {
    const response = await post({ messages: ask('call:get_stock'), tools });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('streams tool_use blocks with their input split across x-mock-chunks input_json_delta events', async () => {
    const response = await post(
      { messages: ask('call:get_weather,search'), tools, stream: true },
      { 'x-mock-chunks': '4' },
    );
    expect(response.statusCode).toBe(200);
    const events = parseSse(response.body).map((event) => ({
      event: event.event,
      data: JSON.parse(event.data) as Record<string, any>, // eslint-disable-line @typescript-eslint/no-explicit-any
    }));
    expect(events.map((event) => event.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      ...new Array<string>(4).fill('content_block_delta'),
      'content_block_stop',
      'content_block_start',
      ...new Array<string>(4).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const event of events) expect(event.data['type']).toBe(event.event);

    const blocks: { name: string; id: string; json: string }[] = [];
    for (const { event, data } of events) {
      if (event === 'content_block_start') {
        expect(data['content_block']).toMatchObject({ type: 'tool_use', input: {} });
        blocks[data['index']] = { name: data['content_block'].name, id: data['content_block'].id, json: '' };
      }
      if (event === 'content_block_delta') {
        expect(data['delta'].type).toBe('input_json_delta');
        (blocks[data['index']] as { json: string }).json += data['delta'].partial_json;
      }
    }
    const whole = await message({ messages: ask('call:get_weather,search'), tools });
    expect(blocks.map((block) => block.name)).toEqual(['get_weather', 'search']);
    expect(blocks.map((block) => JSON.parse(block.json))).toEqual(toolUses(whole).map((call) => call.input));
    expect(events.at(-2)?.data).toMatchObject({
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { output_tokens: whole.usage.output_tokens },
    });
  });

  it('counts fault-plan chunks in input_json_delta events', async () => {
    const response = await post(
      { messages: ask('call:get_weather,search'), tools, stream: true },
      { 'x-mock-chunks': '4', 'x-mock-fail-after-chunks': '5', 'x-mock-fail-mode': 'error' },
    );
    const events = parseSse(response.body).map((event) => event.event);
    expect(events.filter((event) => event === 'content_block_delta')).toHaveLength(5);
    expect(events.at(-1)).toBe('error');
  });

  it('takes tool_result blocks back and answers with their text, streamed or not', async () => {
    const first = await message({ messages: ask('call:get_weather,search'), tools });
    const calls = toolUses(first);
    const messages = [
      ...ask('call:get_weather,search'),
      { role: 'assistant', content: first.content },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: calls[0]?.id, content: 'Sunny, 21 C' },
          { type: 'tool_result', tool_use_id: calls[1]?.id, content: [{ type: 'text', text: 'No news' }] },
        ],
      },
    ];
    const answer = await message({ messages, tools });
    expect(answer).toMatchObject({
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: 'Sunny, 21 C\nNo news' }],
    });
    const streamed = await post({ messages, tools, stream: true });
    const text = parseSse(streamed.body)
      .map((event) => JSON.parse(event.data) as { delta?: { text?: string } })
      .map((data) => data.delta?.text ?? '')
      .join('');
    expect(text).toBe('Sunny, 21 C\nNo news');
  });
});
