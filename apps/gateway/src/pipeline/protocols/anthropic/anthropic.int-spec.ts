import { request as httpRequest, type IncomingMessage } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import { IMAGE_TOKEN_ALLOWANCE } from '@gatehouse/domain';
import { type GatewayHarness, NO_LIMITS } from '../../../../test/gateway-harness';
import { type RunningMock, startMockProvider } from '../../../../test/mock-upstream';
import { failureOf, TranslationHarness } from '../../../../test/translation-harness';
import { DEFAULT_REQUEST_LIMITS_OPTIONS } from '../../../limits/limits.options';
import { UpstreamProvidersService } from '../../../upstream';

const messages = [{ role: 'user' as const, content: 'Say hello to the gateway.' }];
const request = { max_tokens: 256, messages };
/** A 1×1 transparent PNG, base64. */
const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('gateway POST /v1/messages (Anthropic)', () => {
  let harness: TranslationHarness;
  let gateway: GatewayHarness;
  let mock: RunningMock;
  let rejecting: RunningMock;
  let tenantId: string;
  let apiKey: string;

  const client = (key: string = apiKey) => new Anthropic({ baseURL: gateway.url, apiKey: key, maxRetries: 0 });
  /** The usage event the request with this id was recorded as, once its response (and stream) is over. */
  const meterOf = (requestId: string | null) => gateway.usageEventOf(requestId);

  beforeAll(async () => {
    harness = await TranslationHarness.start('gateway-messages', async (upstreams) => {
      await upstreams.gateway.anthropicModel('demo-claude-down', upstreams.failing.url);
      await upstreams.gateway.routeModel('demo-chat-rejecting', [
        { type: 'OPENAI_COMPATIBLE', baseUrl: upstreams.rejecting.url },
      ]);
      await upstreams.gateway.routeModel('demo-fallback', [
        { type: 'OPENAI_COMPATIBLE', baseUrl: upstreams.failing.url, priority: 0 },
        { type: 'ANTHROPIC', baseUrl: upstreams.mock.url, priority: 1 },
      ]);
    });
    ({ gateway, mock, rejecting, tenantId, apiKey } = harness);
  });

  afterAll(() => harness?.close());

  describe('to an Anthropic-format upstream', () => {
    it("answers a message under the public alias, the upstream's own answer and usage otherwise", async () => {
      const { data, response } = await client()
        .messages.create({ model: 'demo-claude', ...request })
        .withResponse();
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toMatch(/^req_/);
      expect(data.model).toBe('demo-claude');

      const direct = await new Anthropic({ baseURL: mock.url, apiKey: 'unused', maxRetries: 0 }).messages.create({
        model: 'claude-mock',
        ...request,
      });
      expect(data.content).toEqual(direct.content);
      expect(data.usage).toEqual(direct.usage);
      expect(data.stop_reason).toBe('end_turn');

      expect(await meterOf(response.headers.get('x-request-id'))).toMatchObject({
        endpoint: 'messages',
        model: 'demo-claude',
        upstreamModel: 'claude-mock',
        streamed: false,
        errorCode: null,
        inputTokens: direct.usage.input_tokens,
        outputTokens: direct.usage.output_tokens,
        usageSource: 'upstream',
      });
    });

    it('streams the same message, usage included, through the SDK helper and raw events', async () => {
      const whole = await client().messages.create({ model: 'demo-claude', ...request });

      const stream = client().messages.stream({ model: 'demo-claude', ...request });
      const final = await stream.finalMessage();
      expect(final.model).toBe('demo-claude');
      expect(final.content).toEqual(whole.content);
      expect(final.usage).toMatchObject({
        input_tokens: whole.usage.input_tokens,
        output_tokens: whole.usage.output_tokens,
      });

      const { data: events, response } = await client()
        .messages.create({ model: 'demo-claude', ...request, stream: true })
        .withResponse();
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const types: string[] = [];
      let text = '';
      for await (const event of events) {
        types.push(event.type);
        if (event.type === 'message_start') expect(event.message.model).toBe('demo-claude');
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      }
      expect(types[0]).toBe('message_start');
      expect(types.at(-1)).toBe('message_stop');
      expect(text).toBe(textOf(whole.content));
      expect(await meterOf(response.headers.get('x-request-id'))).toMatchObject({
        endpoint: 'messages',
        streamed: true,
        errorCode: null,
        inputTokens: whole.usage.input_tokens,
        outputTokens: whole.usage.output_tokens,
        usageSource: 'upstream',
      });
    });

    it("relays the upstream's 4xx about the request as it came, and a failing upstream as a 502 api_error", async () => {
      const rejected = await failureOf(client().messages.create({ model: 'demo-claude-rejecting', ...request }));
      expect(rejected).toBeInstanceOf(Anthropic.BadRequestError);
      const direct = await fetch(`${rejecting.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'claude-mock', ...request }),
      });
      expect((rejected as InstanceType<typeof Anthropic.BadRequestError>).error).toEqual(await direct.json());

      const failed = await failureOf(client().messages.create({ model: 'demo-claude-down', ...request }));
      expect(failed).toBeInstanceOf(Anthropic.InternalServerError);
      expect((failed as InstanceType<typeof Anthropic.InternalServerError>).status).toBe(502);
      expect((failed as InstanceType<typeof Anthropic.InternalServerError>).error).toEqual({
        type: 'error',
        error: { type: 'api_error', message: expect.any(String) },
      });
    });

    it("passes the upstream's mid-stream error event through to the client", async () => {
      await harness.withBreakingModel('demo-claude-breaking', 'ANTHROPIC', async (key) => {
        const stream = client(key).messages.stream({ model: 'demo-claude-breaking', ...request });
        const failure = await failureOf(stream.finalMessage());
        expect(failure).toBeInstanceOf(Anthropic.APIError);
        expect((failure as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
          type: 'error',
          error: { type: 'overloaded_error' },
        });
      });
    });
  });

  it('cancels the upstream stream when the client goes away', async () => {
    const slow = await startMockProvider({ MOCK_CHUNKS: '1000', MOCK_CHUNK_DELAY_MS: '20' });
    try {
      await gateway.anthropicModel('demo-claude-slow', slow.url);
      const key = (await gateway.key(tenantId)).key;
      // A plain socket of its own (no keep-alive pool), destroyed after the first bytes: a client going away.
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        const outgoing = httpRequest(`${gateway.url}/v1/messages`, {
          method: 'POST',
          agent: false,
          headers: { 'x-api-key': key, 'content-type': 'application/json' },
        });
        outgoing.on('response', resolve).on('error', reject);
        outgoing.end(JSON.stringify({ model: 'demo-claude-slow', ...request, max_tokens: 4096, stream: true }));
      });
      expect(response.statusCode).toBe(200);
      await new Promise((resolve) => response.once('data', resolve));
      response.destroy();
      const upstream = slow.responses.at(-1);
      const started = Date.now();
      while (!upstream?.destroyed && Date.now() - started < 2000) await new Promise((r) => setTimeout(r, 20));
      expect(upstream?.destroyed).toBe(true);
      expect(upstream?.writableFinished).toBe(false);
      expect(await meterOf(String(response.headers['x-request-id']))).toMatchObject({ errorCode: 'client_aborted' });
    } finally {
      // Without its provider the gateway closes its pool to the mock: undici may hold a fresh socket open there.
      await gateway.db.provider.updateMany({ where: { baseUrl: slow.url }, data: { enabled: false } });
      await gateway.app.get(UpstreamProvidersService).reload();
      await slow.close();
    }
  });

  describe('to an OpenAI-format upstream (translated)', () => {
    it('answers a message and streams the same one, with usage', async () => {
      const { data, response } = await client()
        .messages.create({ model: 'demo-chat', ...request })
        .withResponse();
      expect(data).toMatchObject({ type: 'message', role: 'assistant', model: 'demo-chat', stop_reason: 'end_turn' });
      expect(data.content).toEqual([{ type: 'text', text: expect.any(String), citations: null }]);
      expect(data.usage.input_tokens).toBeGreaterThan(0);
      expect(data.usage.output_tokens).toBeGreaterThan(0);
      expect(await meterOf(response.headers.get('x-request-id'))).toMatchObject({
        endpoint: 'messages',
        model: 'demo-chat',
        upstreamModel: 'mock-chat',
        inputTokens: data.usage.input_tokens,
        outputTokens: data.usage.output_tokens,
        usageSource: 'upstream',
      });

      const stream = client().messages.stream({ model: 'demo-chat', ...request });
      const final = await stream.finalMessage();
      expect(final.model).toBe('demo-chat');
      expect(final.content).toEqual([expect.objectContaining({ type: 'text', text: textOf(data.content) })]);
      expect(final.stop_reason).toBe('end_turn');
      expect(final.usage).toMatchObject({
        input_tokens: data.usage.input_tokens,
        output_tokens: data.usage.output_tokens,
      });
    });

    it("ends a stream the upstream broke with an error event in Anthropic's format", async () => {
      await harness.withBreakingModel('demo-chat-breaking', 'OPENAI_COMPATIBLE', async (key) => {
        const { data: events, response } = await client(key)
          .messages.create({ model: 'demo-chat-breaking', ...request, stream: true })
          .withResponse();
        const seen: string[] = [];
        const failure = await failureOf(
          (async () => {
            for await (const event of events) seen.push(event.type);
          })(),
        );
        expect(seen).toEqual(expect.arrayContaining(['message_start', 'content_block_delta']));
        expect(seen).not.toContain('message_stop');
        expect((failure as InstanceType<typeof Anthropic.APIError>).error).toEqual({
          type: 'error',
          error: { type: 'api_error', message: expect.any(String) },
        });
        expect(await meterOf(response.headers.get('x-request-id'))).toMatchObject({
          streamed: true,
          errorCode: 'upstream_stream_error',
          usageSource: 'estimate',
        });
      });
    });

    it("rewrites the upstream's 4xx in Anthropic's shape", async () => {
      const rejected = await failureOf(client().messages.create({ model: 'demo-chat-rejecting', ...request }));
      expect(rejected).toBeInstanceOf(Anthropic.BadRequestError);
      expect((rejected as InstanceType<typeof Anthropic.BadRequestError>).error).toEqual({
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.stringMatching(/./) },
      });
    });

    it('refuses what the translation cannot express, naming the field', async () => {
      const response = await fetch(`${gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'demo-chat',
          ...request,
          messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', data: 'x' } }] }],
        }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.stringContaining('document') },
      });
    });

    describe('images', () => {
      // The mock echoes the text it was sent (images add none): the answer is this text, whole.
      const question = { type: 'text' as const, text: 'echo:What is in these pictures?' };
      const httpsImage = 'https://images.example.com/cat.jpg';
      /** The OpenAI body the upstream was sent: only what the test reads of it. */
      type ForwardedBody = { messages: { content: { type: string; image_url?: { url: string } }[] }[] };

      it('sends image blocks as image_url parts: a url source as its URL, a base64 one as a data URL', async () => {
        const sent = mock.received.length;
        const { data, response } = await client()
          .messages.create({
            model: 'demo-chat',
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
          })
          .withResponse();
        expect(mock.received.slice(sent)).toEqual([
          expect.objectContaining({
            model: 'mock-chat',
            messages: [
              {
                role: 'user',
                content: [
                  question,
                  { type: 'image_url', image_url: { url: httpsImage } },
                  { type: 'image_url', image_url: { url: `data:image/png;base64,${PIXEL_PNG}` } },
                ],
              },
            ],
          }),
        ]);
        expect(data).toMatchObject({ stop_reason: 'end_turn', content: [{ type: 'text', text: question.text }] });
        expect(await meterOf(response.headers.get('x-request-id'))).toMatchObject({
          endpoint: 'messages',
          statusCode: 200,
          inputTokens: data.usage.input_tokens,
          outputTokens: data.usage.output_tokens,
          usageSource: 'upstream',
        });
      });

      it('refuses an image source OpenAI cannot take (a file id) with 400 naming it, and forwards nothing', async () => {
        const sent = mock.received.length;
        const response = await fetch(`${gateway.url}/v1/messages`, {
          method: 'POST',
          headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'demo-chat',
            max_tokens: 16,
            messages: [
              { role: 'user', content: [question, { type: 'image', source: { type: 'file', file_id: 'file_011' } }] },
            ],
          }),
        });
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({
          type: 'error',
          error: {
            type: 'invalid_request_error',
            message: 'messages[0].content[1].source.type: Image sources must be base64 or url.',
          },
        });
        expect(await meterOf(response.headers.get('x-request-id'))).toMatchObject({
          statusCode: 400,
          errorCode: 'unsupported_parameter',
          inputTokens: 0,
        });
        expect(mock.received.length).toBe(sent);
      });

      it('reserves an image at a flat allowance, not its base64 as text, and counts it so', async () => {
        const tpm = 100_000;
        const imageTenant = await gateway.tenant();
        await gateway.subscribeToDemo(imageTenant, { limitOverrides: { ...NO_LIMITS, tpm } });
        const key = (await gateway.key(imageTenant)).key;
        const base64 = 'A'.repeat(1_000_000);
        const body = {
          model: 'demo-chat',
          max_tokens: 16,
          messages: [
            {
              role: 'user' as const,
              content: [
                question,
                {
                  type: 'image' as const,
                  source: { type: 'base64' as const, media_type: 'image/png' as const, data: base64 },
                },
              ],
            },
          ],
        };
        // Read as text, the base64 alone would be estimated at 500,000 tokens: five minutes of this plan.
        const estimate = DEFAULT_REQUEST_LIMITS_OPTIONS.estimator.estimateInputTokens('messages', body);
        expect(estimate).toBeGreaterThanOrEqual(IMAGE_TOKEN_ALLOWANCE);
        expect(estimate).toBeLessThan(IMAGE_TOKEN_ALLOWANCE + 50);
        expect(
          (await client(key).messages.countTokens({ model: body.model, messages: body.messages })).input_tokens,
        ).toBe(estimate);

        const { data, response } = await client(key).messages.create(body).withResponse();
        // A full bucket less the reservation (the estimate and the output cap): the reservation is that estimate.
        expect(response.headers.get('x-ratelimit-limit-tokens')).toBe(String(tpm));
        expect(Number(response.headers.get('x-ratelimit-remaining-tokens'))).toBe(tpm - estimate - body.max_tokens);
        const forwarded = (mock.received.at(-1) as ForwardedBody).messages[0]?.content[1]?.image_url?.url;
        expect(forwarded === `data:image/png;base64,${base64}`).toBe(true);
        expect(await meterOf(response.headers.get('x-request-id'))).toMatchObject({
          statusCode: 200,
          inputTokens: data.usage.input_tokens,
          usageSource: 'upstream',
        });
      });
    });

    it('falls back from a failing OpenAI-format target to an Anthropic-format one', async () => {
      const { data, response } = await client()
        .messages.create({ model: 'demo-fallback', ...request })
        .withResponse();
      expect(data.model).toBe('demo-fallback');
      expect(await meterOf(response.headers.get('x-request-id'))).toMatchObject({
        upstreamModel: 'claude-mock',
        errorCode: null,
      });
    });
  });

  describe("errors in Anthropic's shape", () => {
    const errorBody = (type: string) => ({ type: 'error', error: { type, message: expect.any(String) } });

    it('401 authentication_error for a bad key, 403 permission_error, 404 not_found_error', async () => {
      const badKey = await failureOf(
        client('gh_live_not-a-real-key').messages.create({ model: 'demo-claude', ...request }),
      );
      expect(badKey).toBeInstanceOf(Anthropic.AuthenticationError);
      expect((badKey as InstanceType<typeof Anthropic.AuthenticationError>).error).toEqual(
        errorBody('authentication_error'),
      );

      const stranger = (await gateway.key(await gateway.tenant())).key;
      const forbidden = await failureOf(client(stranger).messages.create({ model: 'demo-claude', ...request }));
      expect(forbidden).toBeInstanceOf(Anthropic.PermissionDeniedError);
      expect((forbidden as InstanceType<typeof Anthropic.PermissionDeniedError>).error).toEqual(
        errorBody('permission_error'),
      );

      const missing = await failureOf(client().messages.create({ model: 'no-such-model', ...request }));
      expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
      expect((missing as InstanceType<typeof Anthropic.NotFoundError>).error).toEqual(errorBody('not_found_error'));
    });

    it('400 invalid_request_error for a malformed body or JSON, 404 for an unserved path under /v1/messages', async () => {
      const post = (path: string, body: string) =>
        fetch(`${gateway.url}${path}`, {
          method: 'POST',
          headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
          body,
        });
      const noMaxTokens = await post('/v1/messages', JSON.stringify({ model: 'demo-claude', messages }));
      expect(noMaxTokens.status).toBe(400);
      expect(await noMaxTokens.json()).toEqual({
        type: 'error',
        error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
      });

      const notJson = await post('/v1/messages', '{"model":');
      expect(notJson.status).toBe(400);
      expect(await notJson.json()).toEqual(errorBody('invalid_request_error'));

      const batches = await post('/v1/messages/batches', JSON.stringify({ requests: [] }));
      expect(batches.status).toBe(404);
      expect(await batches.json()).toEqual(errorBody('not_found_error'));
    });

    it('meters a refused request as failed, with its code', async () => {
      const response = await fetch(`${gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'no-such-model', ...request }),
      });
      expect(response.status).toBe(404);
      expect(await meterOf(response.headers.get('x-request-id'))).toMatchObject({
        endpoint: 'messages',
        errorCode: 'model_not_found',
      });
    });
  });
});

function textOf(content: Anthropic.ContentBlock[]): string {
  return content.map((block) => (block.type === 'text' ? block.text : '')).join('');
}
