import { request as httpRequest, type IncomingMessage } from 'node:http';
import { type OpenAiErrorBody } from '@gatehouse/contracts';
import OpenAI from 'openai';
import { GatewayHarness } from '../../../../test/gateway-harness';
import { GATEWAY_MAX_BODY_BYTES } from '../../../common/configure-gateway';
import { type RunningMock, startMockProvider as startMock } from '../../../../test/mock-upstream';

const messages = [{ role: 'user' as const, content: 'Say hello to the gateway.' }];

describe('gateway OpenAI endpoints (chat, completions, embeddings)', () => {
  let gateway: GatewayHarness;
  let mock: RunningMock;
  let failing: RunningMock;
  let apiKey: string;

  const client = (key: string = apiKey) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });

  beforeAll(async () => {
    [gateway, mock, failing] = await Promise.all([
      GatewayHarness.start('gateway-completions'),
      startMock(),
      startMock({ MOCK_STATUS: '500' }),
    ]);
    await gateway.useMockProvider(mock.url);
    const tenantId = await gateway.tenant();
    await gateway.subscribeToDemo(tenantId);
    apiKey = (await gateway.key(tenantId)).key;
  });

  afterAll(async () => {
    await gateway?.close();
    await mock?.close();
    await failing?.close();
  });

  it('answers a chat completion under the public model alias', async () => {
    const { data, response } = await client().chat.completions.create({ model: 'demo-chat', messages }).withResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(data.model).toBe('demo-chat');
    expect(data.choices[0]?.message.content).toEqual(expect.any(String));
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('streams the same text, with usage last only when the client asks for it', async () => {
    const whole = await client().chat.completions.create({ model: 'demo-chat', messages });
    const text = whole.choices[0]?.message.content;

    const withUsage = await client().chat.completions.create({
      model: 'demo-chat',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of withUsage) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(text);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual(whole.usage);

    const withoutUsage = await client().chat.completions.create({ model: 'demo-chat', messages, stream: true });
    const plain: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of withoutUsage) plain.push(chunk);
    expect(plain.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(text);
    expect(plain.some((chunk) => chunk.choices.length === 0 || (chunk.usage ?? null) !== null)).toBe(false);
  });

  it('answers a legacy completion and an embedding', async () => {
    const completion = await client().completions.create({ model: 'demo-chat', prompt: 'Once upon a time' });
    expect(completion.model).toBe('demo-chat');
    expect(completion.choices[0]?.text).toEqual(expect.any(String));

    const embedding = await client().embeddings.create({ model: 'demo-embed', input: 'hello' });
    expect(embedding.model).toBe('demo-embed');
    expect(embedding.data[0]?.embedding.length).toBeGreaterThan(0);
  });

  it('refuses a model the key may not call (403), an unknown model (404) and a malformed body (400)', async () => {
    const stranger = (await gateway.key(await gateway.tenant())).key;
    const forbidden = await client(stranger)
      .chat.completions.create({ model: 'demo-chat', messages })
      .catch((error: unknown) => error);
    expect(forbidden).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((forbidden as InstanceType<typeof OpenAI.PermissionDeniedError>).code).toBe('model_not_allowed');

    const missing = await client()
      .chat.completions.create({ model: 'no-such-model', messages })
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');

    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo-chat' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as OpenAiErrorBody).error).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_request_error',
      param: 'messages',
    });
  });

  it('refuses an oversized body with 413 and a NUL byte in a JSON string with 400, in OpenAI error shape', async () => {
    const post = (body: string) =>
      fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body,
      });
    const oversized = await post(
      JSON.stringify({ model: 'demo-chat', messages: [{ role: 'user', content: 'x'.repeat(GATEWAY_MAX_BODY_BYTES) }] }),
    );
    expect(oversized.status).toBe(413);
    expect(((await oversized.json()) as OpenAiErrorBody).error.type).toBe('invalid_request_error');

    const withNul = await post(JSON.stringify({ model: 'demo\u0000chat', messages }));
    expect(withNul.status).toBeGreaterThanOrEqual(400);
    expect(withNul.status).toBeLessThan(500);
    expect(((await withNul.json()) as OpenAiErrorBody).error.type).toBe('invalid_request_error');
  });

  it('answers 502 upstream_error when every target fails', async () => {
    await gateway.useMockProvider(failing.url);
    try {
      const failed = await client()
        .chat.completions.create({ model: 'demo-chat', messages })
        .catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
      expect((failed as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(502);
      expect((failed as InstanceType<typeof OpenAI.InternalServerError>).code).toBe('upstream_error');
    } finally {
      await gateway.useMockProvider(mock.url);
    }
  });

  it("relays an upstream 4xx about the request with the upstream's status and body", async () => {
    const rejecting = await startMock({ MOCK_STATUS: '400' });
    await gateway.useMockProvider(rejecting.url);
    try {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'demo-chat', messages }),
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('x-request-id')).toMatch(/^req_/);
      const direct = await fetch(`${rejecting.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mock-chat', messages }),
      });
      expect(await response.json()).toEqual(await direct.json());
    } finally {
      await gateway.useMockProvider(mock.url);
      await rejecting.close();
    }
  });

  it('cancels the upstream stream when the client goes away', async () => {
    const slow = await startMock({ MOCK_CHUNKS: '1000', MOCK_CHUNK_DELAY_MS: '20' });
    await gateway.useMockProvider(slow.url);
    try {
      // A plain socket of its own (no keep-alive pool), destroyed after the first bytes: a client going away.
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        const request = httpRequest(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          agent: false,
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        });
        request.on('response', resolve).on('error', reject);
        request.end(JSON.stringify({ model: 'demo-chat', messages, stream: true }));
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(response.headers['x-request-id']).toMatch(/^req_/);
      await new Promise((resolve) => response.once('data', resolve));
      response.destroy();
      const upstream = slow.responses.at(-1);
      expect(upstream).toBeDefined();
      const started = Date.now();
      while (!upstream?.destroyed && Date.now() - started < 2000) await new Promise((r) => setTimeout(r, 20));
      expect(upstream?.destroyed).toBe(true);
      expect(upstream?.writableFinished).toBe(false);
    } finally {
      await gateway.useMockProvider(mock.url);
      await slow.close();
    }
  });
});
