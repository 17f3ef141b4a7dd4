import Anthropic from '@anthropic-ai/sdk';
import { type OpenAiErrorBody } from '@gatehouse/contracts';
import OpenAI from 'openai';
import { type GatewayHarness } from '../../../../test/gateway-harness';
import { type RunningMock } from '../../../../test/mock-upstream';
import { failureOf, TranslationHarness } from '../../../../test/translation-harness';

const messages = [{ role: 'user' as const, content: 'Say hello to the gateway.' }];

describe('gateway OpenAI endpoints to Anthropic-format upstreams', () => {
  let harness: TranslationHarness;
  let gateway: GatewayHarness;
  let mock: RunningMock;
  let apiKey: string;
  /** What Anthropic's API answers the translated request with: the mock, asked directly. */
  let direct: Anthropic.Message;

  const client = (key: string = apiKey) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });
  /** The usage event the request with this id was recorded as, once its response (and stream) is over. */
  const meterOf = (requestId: string | null) => gateway.usageEventOf(requestId);
  const post = (path: string, body: object) =>
    fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    harness = await TranslationHarness.start('gateway-anthropic-target', async (upstreams) => {
      await upstreams.gateway.routeModel('demo-anthropic-first', [
        { type: 'ANTHROPIC', baseUrl: upstreams.failing.url, priority: 0 },
        { type: 'OPENAI_COMPATIBLE', baseUrl: upstreams.mock.url, priority: 1 },
      ]);
      await upstreams.gateway.routeModel('demo-openai-first', [
        { type: 'OPENAI_COMPATIBLE', baseUrl: upstreams.failing.url, priority: 0 },
        { type: 'ANTHROPIC', baseUrl: upstreams.mock.url, priority: 1 },
      ]);
      await upstreams.gateway.routeModel('demo-mixed', [
        { type: 'ANTHROPIC', baseUrl: upstreams.mock.url, priority: 0 },
        { type: 'OPENAI_COMPATIBLE', baseUrl: upstreams.mock.url, priority: 1 },
      ]);
    });
    ({ gateway, mock, apiKey } = harness);
    direct = await new Anthropic({ baseURL: mock.url, apiKey: 'unused', maxRetries: 0 }).messages.create({
      model: 'claude-mock',
      // The gateway's default cap (GATEWAY_DEFAULT_MAX_TOKENS), sent when the client set none.
      max_tokens: 4096,
      messages,
    });
  });

  afterAll(() => harness?.close());

  const directText = () => direct.content.map((block) => (block.type === 'text' ? block.text : '')).join('');

  it("answers a chat completion with the Anthropic upstream's answer, translated, under the public alias", async () => {
    const { data, response } = await client()
      .chat.completions.create({ model: 'demo-claude', messages })
      .withResponse();
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ object: 'chat.completion', model: 'demo-claude' });
    expect(data.id).toBe(response.headers.get('x-request-id'));
    expect(data.choices).toEqual([
      expect.objectContaining({
        index: 0,
        message: expect.objectContaining({ role: 'assistant', content: directText() }),
        finish_reason: 'stop',
      }),
    ]);
    expect(data.usage).toMatchObject({
      prompt_tokens: direct.usage.input_tokens,
      completion_tokens: direct.usage.output_tokens,
      total_tokens: direct.usage.input_tokens + direct.usage.output_tokens,
    });
    expect(await meterOf(response.headers.get('x-request-id'))).toMatchObject({
      endpoint: 'chat.completions',
      model: 'demo-claude',
      upstreamModel: 'claude-mock',
      streamed: false,
      errorCode: null,
      inputTokens: direct.usage.input_tokens,
      outputTokens: direct.usage.output_tokens,
      usageSource: 'upstream',
    });
  });

  it('streams the same text, with the usage chunk only when the client asks, and meters it either way', async () => {
    const usage = {
      inputTokens: direct.usage.input_tokens,
      outputTokens: direct.usage.output_tokens,
      usageSource: 'upstream',
    };

    const { data: withUsage, response: first } = await client()
      .chat.completions.create({
        model: 'demo-claude',
        messages,
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    expect(first.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of withUsage) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(directText());
    expect(chunks.every((chunk) => chunk.model === 'demo-claude')).toBe(true);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({
      prompt_tokens: direct.usage.input_tokens,
      completion_tokens: direct.usage.output_tokens,
    });
    expect(await meterOf(first.headers.get('x-request-id'))).toMatchObject({
      streamed: true,
      errorCode: null,
      ...usage,
    });

    const { data: withoutUsage, response: second } = await client()
      .chat.completions.create({ model: 'demo-claude', messages, stream: true })
      .withResponse();
    const plain: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of withoutUsage) plain.push(chunk);
    expect(plain.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(directText());
    expect(plain.some((chunk) => chunk.choices.length === 0 || (chunk.usage ?? null) !== null)).toBe(false);
    expect(await meterOf(second.headers.get('x-request-id'))).toMatchObject({
      streamed: true,
      errorCode: null,
      ...usage,
    });
  });

  it('falls back from a failing Anthropic-format target to an OpenAI-format one, and the other way round', async () => {
    const { data, response } = await client()
      .chat.completions.create({ model: 'demo-anthropic-first', messages })
      .withResponse();
    expect(data.model).toBe('demo-anthropic-first');
    expect(data.choices[0]?.message.content).toEqual(expect.any(String));
    expect(await meterOf(response.headers.get('x-request-id'))).toMatchObject({ upstreamModel: 'mock-chat' });

    const { data: stream, response: streamed } = await client()
      .chat.completions.create({ model: 'demo-openai-first', messages, stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(directText());
    expect(await meterOf(streamed.headers.get('x-request-id'))).toMatchObject({
      upstreamModel: 'claude-mock',
      errorCode: null,
    });
  });

  it('answers 400 for /v1/completions and /v1/embeddings on an Anthropic-only model', async () => {
    for (const [path, body, message] of [
      [
        '/v1/completions',
        { model: 'demo-claude', prompt: 'Once upon a time' },
        "The model 'demo-claude' does not support this endpoint.",
      ],
      // A chat model on embeddings is refused for its kind before any target is looked at.
      [
        '/v1/embeddings',
        { model: 'demo-claude', input: 'hello' },
        "The model 'demo-claude' does not support this endpoint: it is a chat model, for /v1/chat/completions, /v1/completions, /v1/messages and /v1/responses only.",
      ],
    ] as const) {
      const response = await post(path, body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as OpenAiErrorBody).error).toEqual({
        message,
        type: 'invalid_request_error',
        param: 'model',
        code: 'invalid_request_error',
      });
    }
  });

  it('serves /v1/completions on a model with targets of both formats from its OpenAI-format one', async () => {
    const { data, response } = await client()
      .completions.create({ model: 'demo-mixed', prompt: 'Once upon a time' })
      .withResponse();
    expect(data.model).toBe('demo-mixed');
    expect(data.choices[0]?.text).toEqual(expect.any(String));
    expect(await meterOf(response.headers.get('x-request-id'))).toMatchObject({
      endpoint: 'completions',
      upstreamModel: 'mock-chat',
    });
  });

  it('refuses what Anthropic cannot express with 400 unsupported_parameter naming the field', async () => {
    const response = await post('/v1/chat/completions', { model: 'demo-claude', messages, logprobs: true });
    expect(response.status).toBe(400);
    expect(((await response.json()) as OpenAiErrorBody).error).toMatchObject({
      type: 'invalid_request_error',
      param: 'logprobs',
      code: 'unsupported_parameter',
    });

    const malformed = await post('/v1/chat/completions', { model: 'demo-claude', messages: [{ role: 'user' }] });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as OpenAiErrorBody).error).toMatchObject({
      type: 'invalid_request_error',
      param: 'messages.0.content',
    });
  });

  it("relays the Anthropic upstream's 4xx about the request in OpenAI's shape", async () => {
    const rejected = await failureOf(client().chat.completions.create({ model: 'demo-claude-rejecting', messages }));
    expect(rejected).toBeInstanceOf(OpenAI.BadRequestError);
    expect((rejected as InstanceType<typeof OpenAI.BadRequestError>).error).toEqual({
      message: expect.stringMatching(/./),
      type: 'invalid_request_error',
      param: null,
      code: null,
    });
  });

  it('ends a stream the Anthropic upstream broke with an OpenAI error event, and meters what was sent', async () => {
    await harness.withBreakingModel('demo-claude-breaking', 'ANTHROPIC', async (key) => {
      const { data: stream, response } = await client(key)
        .chat.completions.create({ model: 'demo-claude-breaking', messages, stream: true })
        .withResponse();
      let text = '';
      const failure = await failureOf(
        (async () => {
          for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        })(),
      );
      expect(failure).toBeInstanceOf(OpenAI.APIError);
      expect((failure as InstanceType<typeof OpenAI.APIError>).message).toMatch(/interrupted/);
      expect(text).not.toBe('');
      expect(await meterOf(response.headers.get('x-request-id'))).toMatchObject({
        streamed: true,
        errorCode: 'upstream_stream_error',
        inputTokens: direct.usage.input_tokens,
        usageSource: 'estimate',
      });
    });
  });
});
