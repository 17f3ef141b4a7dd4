import Ajv from 'ajv';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, openAiChunks } from '../../test/mock-provider-testing';

interface ToolCallMessage {
  id: string;
  type: string;
  function: { name: string; arguments: string };
}

interface ToolCallDelta {
  index: number;
  id?: string;
  type?: string;
  function: { name?: string; arguments: string };
}

interface ChatChunk {
  choices: {
    index: number;
    delta: { role?: string; content?: string | null; tool_calls?: ToolCallDelta[] };
    finish_reason: string | null;
  }[];
  usage?: { completion_tokens: number } | null;
}

const weatherSchema = {
  type: 'object',
  properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
  required: ['city', 'unit'],
  additionalProperties: false,
};
const timeSchema = {
  type: 'object',
  properties: { zone: { type: 'string', minLength: 3 }, at: { type: 'string', format: 'date-time' } },
  required: ['zone'],
};
const tools = [
  { type: 'function', function: { name: 'get_weather', parameters: weatherSchema } },
  { type: 'function', function: { name: 'get_time', parameters: timeSchema } },
];
const validators = new Map(
  [
    ['get_weather', weatherSchema],
    ['get_time', timeSchema],
  ].map(([name, schema]) => [name, new Ajv({ format: 'full' }).compile(schema as object)] as const),
);

function expectValidArguments(name: string, json: string): void {
  const validate = validators.get(name);
  expect(validate?.(JSON.parse(json))).toBe(true);
}

describe('POST /v1/chat/completions with tools', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = buildTestApp();
    await app.ready();
  });
  afterAll(() => app.close());

  const post = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/v1/chat/completions', payload, headers });

  async function completion(payload: Record<string, unknown>) {
    const response = await post(payload);
    expect(response.statusCode).toBe(200);
    return response.json<{
      choices: { message: { content: string | null; tool_calls?: ToolCallMessage[] }; finish_reason: string }[];
      usage: { completion_tokens: number };
    }>();
  }

  async function stream(payload: Record<string, unknown>, headers: Record<string, string> = {}) {
    const response = await post({ ...payload, stream: true, stream_options: { include_usage: true } }, headers);
    expect(response.statusCode).toBe(200);
    return openAiChunks<ChatChunk>(response.body);
  }

  /** The calls a stream carries, assembled as the SDKs do: by index, the arguments' deltas concatenated. */
  function assemble(chunks: ChatChunk[]) {
    const calls: { id: string; name: string; arguments: string; deltas: number }[] = [];
    for (const chunk of chunks) {
      for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
        if (delta.id !== undefined)
          calls[delta.index] = { id: delta.id, name: delta.function.name ?? '', arguments: '', deltas: 0 };
        const call = calls[delta.index] as (typeof calls)[number];
        call.arguments += delta.function.arguments;
        if (delta.function.arguments !== '') call.deltas++;
      }
    }
    return calls;
  }

  const ask = (text: string) => [{ role: 'user', content: text }];

  it('answers `call:<name>` with one call, arguments valid for its schema, finish_reason tool_calls', async () => {
    const body = await completion({ model: 'gpt-4o', messages: ask('call:get_weather'), tools });
    const [choice] = body.choices;
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_/),
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"mock city","unit":"celsius"}' },
      },
    ]);
    expectValidArguments('get_weather', choice?.message.tool_calls?.[0]?.function.arguments ?? '');
    // ceil(("get_weather" + arguments).length / 4) = ceil(48 / 4)
    expect(body.usage.completion_tokens).toBe(12);
  });

  it('answers two names with two parallel calls of distinct ids, one with parallel_tool_calls false', async () => {
    const body = await completion({ model: 'gpt-4o', messages: ask('call:get_weather,get_time'), tools });
    const calls = body.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((call) => call.function.name)).toEqual(['get_weather', 'get_time']);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
    for (const call of calls) expectValidArguments(call.function.name, call.function.arguments);

    const single = await completion({
      model: 'gpt-4o',
      messages: ask('call:get_weather,get_time'),
      tools,
      parallel_tool_calls: false,
    });
    expect(single.choices[0]?.message.tool_calls?.map((call) => call.function.name)).toEqual(['get_weather']);
  });

  it('calls the tool a tool_choice forces, whatever the prompt, and the first tool for `required`', async () => {
    const forced = await completion({
      model: 'gpt-4o',
      messages: ask('What time is it in Lisbon?'),
      tools,
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    });
    expect(forced.choices[0]?.message.tool_calls?.map((call) => call.function.name)).toEqual(['get_time']);
    const required = await completion({ model: 'gpt-4o', messages: ask('Anything'), tools, tool_choice: 'required' });
    expect(required.choices[0]?.message.tool_calls?.map((call) => call.function.name)).toEqual(['get_weather']);
  });

  it('answers in text without tools, with tool_choice none, or for a plain prompt with tool_choice auto', async () => {
    for (const payload of [
      { messages: ask('call:get_weather') },
      { messages: ask('call:get_weather'), tools, tool_choice: 'none' },
      { messages: ask('What is the weather?'), tools, tool_choice: 'auto' },
    ]) {
      const body = await completion({ model: 'gpt-4o', ...payload });
      expect(body.choices[0]?.finish_reason).toBe('stop');
      expect(body.choices[0]?.message.tool_calls).toBeUndefined();
    }
  });

  it('refuses a `call:` of a tool the request does not offer with a 400', async () => {
    const response = await post({ model: 'gpt-4o', messages: ask('call:get_stock'), tools });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'tools' } });
    expect(response.json<{ error: { message: string } }>().error.message).toContain("'get_stock'");
  });

  it('streams each call as a named opening delta, then its arguments split across x-mock-chunks deltas', async () => {
    const chunks = await stream(
      { model: 'gpt-4o', messages: ask('call:get_weather,get_time'), tools },
      { 'x-mock-chunks': '5' },
    );
    const calls = assemble(chunks);
    expect(calls.map((call) => call.name)).toEqual(['get_weather', 'get_time']);
    for (const call of calls) {
      expect(call.id).toMatch(/^call_/);
      expect(call.deltas).toBe(5);
      expectValidArguments(call.name, call.arguments);
    }
    expect(chunks[0]?.choices[0]?.delta).toMatchObject({ role: 'assistant', content: null });
    const finishing = chunks.filter((chunk) => chunk.choices[0]?.finish_reason != null);
    expect(finishing).toHaveLength(1);
    expect(finishing[0]?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'tool_calls' });
    // Opening deltas, 2 x 5 argument deltas, the finishing delta, then the usage chunk.
    expect(chunks).toHaveLength(2 + 10 + 1 + 1);

    const whole = await completion({ model: 'gpt-4o', messages: ask('call:get_weather,get_time'), tools });
    expect(calls.map((call) => call.arguments)).toEqual(
      whole.choices[0]?.message.tool_calls?.map((call) => call.function.arguments),
    );
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(whole.usage.completion_tokens);
  });

  it('takes tool results back and answers with their text, streamed or not', async () => {
    const first = await completion({ model: 'gpt-4o', messages: ask('call:get_weather,get_time'), tools });
    const calls = first.choices[0]?.message.tool_calls ?? [];
    const messages = [
      ...ask('call:get_weather,get_time'),
      { role: 'assistant', content: null, tool_calls: calls },
      { role: 'tool', tool_call_id: calls[0]?.id, content: '{"temp":21}' },
      { role: 'tool', tool_call_id: calls[1]?.id, content: [{ type: 'text', text: '12:00 in Lisbon' }] },
    ];
    const answer = await completion({ model: 'gpt-4o', messages, tools });
    expect(answer.choices[0]).toMatchObject({
      message: { content: '{"temp":21}\n12:00 in Lisbon' },
      finish_reason: 'stop',
    });
    const chunks = await stream({ model: 'gpt-4o', messages, tools });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('{"temp":21}\n12:00 in Lisbon');
  });
});
