import { type OpenAiErrorBody } from '@gatehouse/contracts';
import { GatewayHarness, NO_LIMITS } from '../../../test/gateway-harness';
import { type RunningMock, startMockProvider } from '../../../test/mock-upstream';

const messages = [{ role: 'user', content: 'Say hello to the gateway.' }];
const chat = { model: 'demo-chat', messages };

type Endpoint = '/v1/chat/completions' | '/v1/completions' | '/v1/embeddings' | '/v1/messages';

/** Each path's name in usage events. */
const ENDPOINT_NAMES: Record<Endpoint, string> = {
  '/v1/chat/completions': 'chat.completions',
  '/v1/completions': 'completions',
  '/v1/embeddings': 'embeddings',
  '/v1/messages': 'messages',
};

/**
 * Parameter validation end to end: a request with an invalid parameter is answered 400 with `param` naming it (in
 * Anthropic's shape on /v1/messages), never reaches the upstream, and is recorded with its error code.
 */
describe('gateway parameter validation', () => {
  let gateway: GatewayHarness;
  let mock: RunningMock;
  let apiKey: string;

  beforeAll(async () => {
    [gateway, mock] = await Promise.all([GatewayHarness.start('gateway-validation'), startMockProvider()]);
    await gateway.useMockProvider(mock.url);
    gateway.watchUsage();
    const tenantId = await gateway.tenant();
    await gateway.subscribeToDemo(tenantId, { limitOverrides: NO_LIMITS });
    apiKey = (await gateway.key(tenantId)).key;
  });

  afterAll(async () => {
    await gateway?.close();
    await mock?.close();
  });

  /** The answer to `body` on `path`, and how many requests the upstream received meanwhile. */
  async function post(path: Endpoint, body: unknown, key = apiKey) {
    const before = mock.responses.length;
    const response = await fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    return { response, json, upstreamCalls: mock.responses.length - before };
  }

  /** 400 naming `param` in OpenAI's shape, nothing sent upstream, and the usage event records the refusal. */
  async function expectRefused(path: Endpoint, body: unknown, param: string, key = apiKey): Promise<string> {
    const { response, json, upstreamCalls } = await post(path, body, key);
    expect({ path, param, status: response.status, upstreamCalls }).toEqual({
      path,
      param,
      status: 400,
      upstreamCalls: 0,
    });
    const { error } = json as unknown as OpenAiErrorBody;
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request_error', param });
    expect(error.message.startsWith(param === 'model' ? "The model '" : `${param}: `)).toBe(true);
    const event = await gateway.usageEventOf(response.headers.get('x-request-id'));
    expect(event).toMatchObject({
      endpoint: ENDPOINT_NAMES[path],
      statusCode: 400,
      errorCode: 'invalid_request_error',
      inputTokens: 0,
    });
    return error.message;
  }

  it("refuses the issue's examples with 400 naming the parameter, and forwards none of them", async () => {
    await expectRefused('/v1/chat/completions', { ...chat, temperature: 'hot' }, 'temperature');
    await expectRefused('/v1/chat/completions', { ...chat, top_p: 3 }, 'top_p');
    expect(await expectRefused('/v1/chat/completions', { ...chat, n: 2 }, 'n')).toMatch(/one choice per request/);
    await expectRefused('/v1/chat/completions', { ...chat, max_tokens: -5 }, 'max_tokens');
    await expectRefused('/v1/chat/completions', { ...chat, max_tokens: 1e12 }, 'max_tokens');
    expect(await expectRefused('/v1/chat/completions', { model: 'demo-embed', messages }, 'model')).toBe(
      "The model 'demo-embed' does not support this endpoint: it is an embedding model, for /v1/embeddings only.",
    );
  });

  it('forwards valid edge values unchanged', async () => {
    const body = { ...chat, temperature: 2, top_p: 1, n: 1, max_tokens: 1, presence_penalty: -2, stop: ['a', 'b'] };
    const { response, upstreamCalls } = await post('/v1/chat/completions', body);
    expect(response.status).toBe(200);
    expect(upstreamCalls).toBe(1);
    const embedding = await post('/v1/embeddings', {
      model: 'demo-embed',
      input: ['a', 'b'],
      encoding_format: 'base64',
    });
    expect(embedding.response.status).toBe(200);
    const completion = await post('/v1/completions', {
      model: 'demo-chat',
      prompt: [1, 2, 3],
      best_of: 2,
      max_tokens: 5,
    });
    expect(completion.response.status).toBe(200);
  });

  it('checks chat messages, tools, tool_choice and response_format', async () => {
    await expectRefused(
      '/v1/chat/completions',
      { ...chat, messages: [{ role: 'robot', content: 'hi' }] },
      'messages.0.role',
    );
    await expectRefused(
      '/v1/chat/completions',
      { ...chat, messages: [{ role: 'user', content: [{ type: 'video', video: {} }] }] },
      'messages.0.content.0.type',
    );
    await expectRefused(
      '/v1/chat/completions',
      { ...chat, messages: [...messages, { role: 'tool', tool_call_id: 'call_1', content: '18C' }] },
      'messages.1.role',
    );
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    await expectRefused(
      '/v1/chat/completions',
      { ...chat, tools: [{ type: 'function', function: { name: 'get weather' } }] },
      'tools.0.function.name',
    );
    await expectRefused(
      '/v1/chat/completions',
      { ...chat, tools, tool_choice: { type: 'function', function: { name: 'other' } } },
      'tool_choice.function.name',
    );
    await expectRefused(
      '/v1/chat/completions',
      { ...chat, response_format: { type: 'json_schema', json_schema: { name: 'answer' } } },
      'response_format.json_schema.schema',
    );
    await expectRefused('/v1/chat/completions', { ...chat, logprobs: 'yes' }, 'logprobs');
    await expectRefused('/v1/chat/completions', { ...chat, top_logprobs: 30, logprobs: true }, 'top_logprobs');
    await expectRefused('/v1/chat/completions', { ...chat, stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop');
    await expectRefused('/v1/chat/completions', { ...chat, seed: 1.5 }, 'seed');
    await expectRefused('/v1/chat/completions', { ...chat, frequency_penalty: 3 }, 'frequency_penalty');
  });

  it('checks legacy completions and embeddings, and the kind of model each serves', async () => {
    const completion = { model: 'demo-chat', prompt: 'Once upon a time' };
    await expectRefused('/v1/completions', { ...completion, best_of: 21 }, 'best_of');
    await expectRefused('/v1/completions', { ...completion, logprobs: 6 }, 'logprobs');
    await expectRefused('/v1/completions', { ...completion, prompt: [] }, 'prompt');
    await expectRefused('/v1/completions', { ...completion, model: 'demo-embed' }, 'model');

    const embedding = { model: 'demo-embed', input: 'hello' };
    await expectRefused('/v1/embeddings', { ...embedding, input: '' }, 'input');
    await expectRefused('/v1/embeddings', { ...embedding, dimensions: 0 }, 'dimensions');
    await expectRefused('/v1/embeddings', { ...embedding, encoding_format: 'hex' }, 'encoding_format');
    expect(await expectRefused('/v1/embeddings', { ...embedding, model: 'demo-chat' }, 'model')).toBe(
      "The model 'demo-chat' does not support this endpoint: it is a chat model, for /v1/chat/completions, /v1/completions, /v1/messages and /v1/responses only.",
    );
  });

  it("checks /v1/messages, answering in Anthropic's shape", async () => {
    const request = { model: 'demo-chat', max_tokens: 64, messages };
    const refusals: [unknown, string][] = [
      [{ ...request, temperature: 1.5 }, 'temperature: must be a number between 0 and 1'],
      [{ ...request, max_tokens: 0 }, 'max_tokens: must be an integer between 1 and 1000000'],
      [{ ...request, top_k: -1 }, 'top_k: '],
      [{ ...request, messages: [{ role: 'system', content: 'x' }] }, 'messages.0.role: '],
      [
        { ...request, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1' }] }] },
        'messages.0.content.0.tool_use_id: ',
      ],
      [{ ...request, tools: [{ name: 'get_weather' }] }, 'tools.0.input_schema: '],
      [{ ...request, tool_choice: { type: 'any' } }, 'tool_choice: '],
      [
        { ...request, model: 'demo-embed' },
        "The model 'demo-embed' does not support this endpoint: it is an embedding",
      ],
    ];
    for (const [body, message] of refusals) {
      const { response, json, upstreamCalls } = await post('/v1/messages', body);
      expect({ message, status: response.status, upstreamCalls }).toEqual({ message, status: 400, upstreamCalls: 0 });
      expect(json).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.any(String) } });
      expect((json as { error: { message: string } }).error.message.startsWith(message)).toBe(true);
      expect(await gateway.usageEventOf(response.headers.get('x-request-id'))).toMatchObject({
        endpoint: 'messages',
        statusCode: 400,
        errorCode: 'invalid_request_error',
      });
    }
  });

  it('refuses an output cap larger than the plan can ever admit with 400 max_tokens, not 429', async () => {
    const tenantId = await gateway.tenant();
    await gateway.subscribeToDemo(tenantId, { limitOverrides: { ...NO_LIMITS, tpm: 1_000, tpmBurst: 1_000 } });
    const key = (await gateway.key(tenantId)).key;
    expect(await expectRefused('/v1/chat/completions', { ...chat, max_tokens: 5_000 }, 'max_tokens', key)).toMatch(
      /tokens per minute of your subscription \(1000\)/,
    );
    await expectRefused(
      '/v1/chat/completions',
      { ...chat, max_completion_tokens: 5_000 },
      'max_completion_tokens',
      key,
    );
    // Within the plan, the same request is served.
    const { response, upstreamCalls } = await post('/v1/chat/completions', { ...chat, max_tokens: 100 }, key);
    expect(response.status).toBe(200);
    expect(upstreamCalls).toBe(1);
  });

  it('passes fields the references do not define through to the upstream', async () => {
    const { response, upstreamCalls } = await post('/v1/chat/completions', { ...chat, vendor_option: { beam: 2 } });
    expect(response.status).toBe(200);
    expect(upstreamCalls).toBe(1);
  });
});
