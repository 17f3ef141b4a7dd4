import Anthropic from '@anthropic-ai/sdk';
import { type OpenAiErrorBody } from '@gatehouse/contracts';
import { IMAGE_TOKEN_ALLOWANCE } from '@gatehouse/domain';
import OpenAI from 'openai';
import { type GatewayHarness, NO_LIMITS } from '../../../../test/gateway-harness';
import { type RunningMock } from '../../../../test/mock-upstream';
import { failureOf, TranslationHarness } from '../../../../test/translation-harness';
import { DEFAULT_REQUEST_LIMITS_OPTIONS } from '../../../limits/limits.options';

const messages = [{ role: 'user' as const, content: 'Say hello to the gateway.' }];
/** A 1×1 transparent PNG, base64. */
const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

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

  describe('images', () => {
    // The mock echoes the text it was sent (images add none): the answer is this text, whole.
    const question = { type: 'text' as const, text: 'echo:What is in these pictures?' };
    const httpsImage = 'https://images.example.com/cat.jpg';
    /** The Anthropic body the upstream was sent: only what the test reads of it. */
    type ForwardedBody = { messages: { content: { type: string; source?: Record<string, unknown> }[] }[] };

    it('sends image_url parts as Anthropic image blocks: an https URL as a url source, a data URL as base64', async () => {
      const sent = mock.received.length;
      const { data, response } = await client()
        .chat.completions.create({
          model: 'demo-claude',
          max_tokens: 16,
          messages: [
            {
              role: 'user',
              content: [
                question,
                { type: 'image_url', image_url: { url: httpsImage } },
                { type: 'image_url', image_url: { url: `data:image/png;base64,${PIXEL_PNG}`, detail: 'high' } },
              ],
            },
          ],
        })
        .withResponse();
      expect(mock.received.slice(sent)).toEqual([
        {
          model: 'claude-mock',
          max_tokens: 16,
          messages: [
            {
              role: 'user',
              content: [
                question,
                { type: 'image', source: { type: 'url', url: httpsImage } },
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PIXEL_PNG } },
              ],
            },
          ],
        },
      ]);
      expect(data.choices[0]).toMatchObject({ message: { content: question.text }, finish_reason: 'stop' });
      expect(await meterOf(response.headers.get('x-request-id'))).toMatchObject({
        endpoint: 'chat.completions',
        statusCode: 200,
        inputTokens: data.usage?.prompt_tokens,
        outputTokens: data.usage?.completion_tokens,
        usageSource: 'upstream',
      });
    });

    it('refuses a part Anthropic cannot take with 400 naming it, and forwards nothing', async () => {
      const sent = mock.received.length;
      const refusals = [
        [
          { type: 'input_audio', input_audio: { data: 'UklGRgAAAABXQVZF', format: 'wav' } },
          'messages[0].content[1].type',
          'Content part type input_audio is not supported for this model.',
        ],
        [
          { type: 'image_url', image_url: { url: 'data:image/tiff;base64,SUkqAAgAAAA=' } },
          'messages[0].content[1].image_url.url',
          'Image type image/tiff is not supported; use JPEG, PNG, GIF or WebP.',
        ],
        [
          { type: 'image_url', image_url: { url: 'http://images.example.com/cat.jpg' } },
          'messages[0].content[1].image_url.url',
          'Images must be base64 data URLs (data:image/png;base64,...) or https URLs.',
        ],
      ] as const;
      for (const [part, param, message] of refusals) {
        const response = await post('/v1/chat/completions', {
          model: 'demo-claude',
          messages: [{ role: 'user', content: [question, part] }],
        });
        expect({ param, status: response.status }).toEqual({ param, status: 400 });
        expect(((await response.json()) as OpenAiErrorBody).error).toEqual({
          message: `${param}: ${message}`,
          type: 'invalid_request_error',
          param,
          code: 'unsupported_parameter',
        });
        expect(await meterOf(response.headers.get('x-request-id'))).toMatchObject({
          statusCode: 400,
          errorCode: 'unsupported_parameter',
          inputTokens: 0,
          outputTokens: 0,
        });
      }
      expect(mock.received.length).toBe(sent);
    });

    it('reserves an image at a flat allowance, not its base64 as text: 1 MB of image fits 100,000 tokens a minute', async () => {
      const tpm = 100_000;
      const tenantId = await gateway.tenant();
      await gateway.subscribeToDemo(tenantId, { limitOverrides: { ...NO_LIMITS, tpm } });
      const key = (await gateway.key(tenantId)).key;
      const base64 = 'A'.repeat(1_000_000);
      const body = {
        model: 'demo-claude',
        max_tokens: 16,
        messages: [
          {
            role: 'user' as const,
            content: [question, { type: 'image_url' as const, image_url: { url: `data:image/png;base64,${base64}` } }],
          },
        ],
      };
      // Read as text, the base64 alone would be estimated at 500,000 tokens: five minutes of this plan.
      const estimate = DEFAULT_REQUEST_LIMITS_OPTIONS.estimator.estimateInputTokens('chat.completions', body);
      expect(estimate).toBeGreaterThanOrEqual(IMAGE_TOKEN_ALLOWANCE);
      expect(estimate).toBeLessThan(IMAGE_TOKEN_ALLOWANCE + 50);

      const { data, response } = await client(key).chat.completions.create(body).withResponse();
      expect(response.status).toBe(200);
      // A full bucket less the reservation (the estimate and the output cap): the reservation is that estimate.
      expect(response.headers.get('x-ratelimit-limit-tokens')).toBe(String(tpm));
      expect(Number(response.headers.get('x-ratelimit-remaining-tokens'))).toBe(tpm - estimate - body.max_tokens);
      const source = (mock.received.at(-1) as ForwardedBody).messages[0]?.content[1]?.source;
      expect(source).toMatchObject({ type: 'base64', media_type: 'image/png' });
      expect(source?.['data'] === base64).toBe(true);
      expect(await meterOf(response.headers.get('x-request-id'))).toMatchObject({
        statusCode: 200,
        inputTokens: data.usage?.prompt_tokens,
        usageSource: 'upstream',
      });
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
