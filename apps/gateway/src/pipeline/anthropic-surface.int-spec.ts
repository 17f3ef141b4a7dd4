import Anthropic from '@anthropic-ai/sdk';
import { ConservativeTokenEstimator } from '@gatehouse/domain';
import { GatewayHarness, NO_LIMITS } from '../../test/gateway-harness';
import { TOKEN_COUNT_ENDPOINT } from './request-pipeline';

/**
 * The Anthropic endpoints the gateway answers itself: `POST /v1/messages/count_tokens` and `GET /v1/models` in
 * Anthropic's shape, through the official SDK where it has a method, and raw where the test needs the wire.
 */
const countRequest = {
  model: 'demo-chat',
  system: 'Answer briefly.',
  messages: [{ role: 'user' as const, content: 'How many tokens is this prompt?' }],
  tools: [
    {
      name: 'get_weather',
      input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
    },
  ],
};

describe('gateway Anthropic count_tokens and models', () => {
  let gateway: GatewayHarness;

  const client = (key: string) => new Anthropic({ baseURL: gateway.url, apiKey: key, maxRetries: 0 });

  /** A key of a new tenant subscribed to the demo product with these limit overrides. */
  async function subscribedKey(limitOverrides: object = NO_LIMITS): Promise<string> {
    const tenantId = await gateway.tenant();
    await gateway.subscribeToDemo(tenantId, { limitOverrides });
    return (await gateway.key(tenantId)).key;
  }

  function countTokens(key: string, body: unknown, headers: Record<string, string> = {}) {
    return fetch(`${gateway.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': key, ...headers },
      body: JSON.stringify(body),
    });
  }

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gateway-anthropic-surface');
    gateway.watchUsage();
  });

  afterAll(async () => {
    await gateway?.close();
  });

  describe('POST /v1/messages/count_tokens', () => {
    it("answers the limits' input estimate through the SDK, and records a usage event without tokens", async () => {
      const key = await subscribedKey();
      const { data, response } = await client(key).messages.countTokens(countRequest).withResponse();
      const expected = new ConservativeTokenEstimator().estimateInputTokens('messages', countRequest);
      expect(data).toEqual({ input_tokens: expected });
      expect(expected).toBeGreaterThan(0);

      const event = await gateway.usageEventOf(response.headers.get('x-request-id'));
      expect(event).toMatchObject({
        endpoint: TOKEN_COUNT_ENDPOINT,
        model: 'demo-chat',
        statusCode: 200,
        errorCode: null,
        providerId: null,
        inputTokens: 0,
        outputTokens: 0,
        usageSource: 'none',
      });
    });

    it('reads the body as /v1/messages does, without max_tokens, and refuses a bad one with a 400', async () => {
      const key = await subscribedKey();
      const noMessages = await countTokens(key, { model: 'demo-chat' });
      expect(noMessages.status).toBe(400);
      expect(await noMessages.json()).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.stringContaining('messages') },
      });
      const unpaired = await countTokens(key, {
        model: 'demo-chat',
        messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'x' }] }],
      });
      expect(unpaired.status).toBe(400);
      const notJson = await fetch(`${gateway.url}/v1/messages/count_tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: '{',
      });
      expect(notJson.status).toBe(400);
      expect(await notJson.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    });

    it('authenticates the key and checks the model as a call would, in Anthropic error shape', async () => {
      const anonymous = await countTokens('gh_live_not_a_key', countRequest);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });

      const unsubscribed = (await gateway.key(await gateway.tenant())).key;
      const forbidden = await countTokens(unsubscribed, countRequest);
      expect(forbidden.status).toBe(403);
      expect(await forbidden.json()).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
      const key = await subscribedKey();
      const missing = await countTokens(key, { ...countRequest, model: 'no-such-model' });
      expect(missing.status).toBe(404);
      const embedding = await countTokens(key, { ...countRequest, model: 'demo-embed' });
      expect(embedding.status).toBe(400);
    });

    it("counts against the key's request rate but reserves no tokens", async () => {
      // Two requests of burst, and a token rate no prompt fits in: only the request rate can refuse.
      const key = await subscribedKey({ ...NO_LIMITS, rpm: 60, rpmBurst: 2, tpm: 1, tpmBurst: 1 });
      const statuses: number[] = [];
      let limited: Response | undefined;
      for (let index = 0; index < 3; index++) {
        const response = await countTokens(key, countRequest);
        statuses.push(response.status);
        if (response.status === 429) limited = response;
        else await response.arrayBuffer();
      }
      expect(statuses).toEqual([200, 200, 429]);
      expect(limited?.headers.get('x-ratelimit-limit-requests')).toBe('60');
      expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await limited?.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    });
  });

  describe('GET /v1/models with anthropic-version', () => {
    it("lists the key's models in Anthropic's shape through the SDK, paged by after_id", async () => {
      const anthropic = client(await subscribedKey());
      const page = await anthropic.models.list();
      expect(page.data).toEqual([
        { type: 'model', id: 'demo-chat', display_name: 'demo-chat', created_at: expect.any(String) },
        { type: 'model', id: 'demo-embed', display_name: 'demo-embed', created_at: expect.any(String) },
      ]);
      expect(new Date(page.data[0]?.created_at ?? '').toISOString()).toBe(page.data[0]?.created_at);
      expect(page.has_more).toBe(false);
      expect([page.first_id, page.last_id]).toEqual(['demo-chat', 'demo-embed']);

      const first = await anthropic.models.list({ limit: 1 });
      expect(first.data.map((model) => model.id)).toEqual(['demo-chat']);
      expect(first.has_more).toBe(true);
      const second = await first.getNextPage();
      expect(second.data.map((model) => model.id)).toEqual(['demo-embed']);
      expect(second.has_more).toBe(false);
      const ids: string[] = [];
      for await (const model of anthropic.models.list({ limit: 1 })) ids.push(model.id);
      expect(ids).toEqual(['demo-chat', 'demo-embed']);
      const before = await anthropic.models.list({ before_id: 'demo-embed' });
      expect(before.data.map((model) => model.id)).toEqual(['demo-chat']);

      expect(await anthropic.models.retrieve('demo-chat')).toEqual(page.data[0]);
    });

    it('answers errors in Anthropic shape, and OpenAI shape without the header', async () => {
      const key = await subscribedKey();
      const headers = { 'x-api-key': key, 'anthropic-version': '2023-06-01' };
      const missing = await gateway.request('GET', '/v1/models/no-such-model', headers);
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
      const badLimit = await gateway.request('GET', '/v1/models?limit=0', headers);
      expect(badLimit.status).toBe(400);
      expect(badLimit.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
      const staleCursor = await gateway.request('GET', '/v1/models?after_id=gone', headers);
      expect(staleCursor.status).toBe(400);

      const openAi = await gateway.get('/v1/models', key);
      expect(openAi.body).toMatchObject({ object: 'list', data: [{ id: 'demo-chat', object: 'model' }, {}] });
    });
  });
});
