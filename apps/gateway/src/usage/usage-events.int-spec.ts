import { request as httpRequest, type IncomingMessage } from 'node:http';
import { readdirSync } from 'node:fs';
import { DEFAULT_REDIS_URL } from '@gatehouse/config';
import { JobName, QueueName, type UsageRecordedV1 } from '@gatehouse/jobs';
import { eventually, TcpProxy } from '@gatehouse/testing';
import { Queue } from 'bullmq';
import OpenAI from 'openai';
import { GatewayHarness, NO_LIMITS } from '../../test/gateway-harness';
import { type RunningMock, startMockProvider } from '../../test/mock-upstream';
import { UsageRecorder } from './usage-recorder';

const messages = [{ role: 'user' as const, content: 'Count the tokens of this call.' }];
const FAST_RECORDER = { flushIntervalMs: 5, replayIntervalMs: 100, enqueueTimeoutMs: 500 };

describe('usage events (gateway → BullMQ, with the disk spool)', () => {
  let gateway: GatewayHarness;
  let mock: RunningMock;
  let queue: Queue;
  let apiKey: string;
  let keyId: string;
  let tenantId: string;
  let subscriptionId: string;

  const client = (key: string = apiKey) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });

  /** Every usage job in the suite's queue, by request id. */
  async function events(): Promise<Map<string, UsageRecordedV1>> {
    const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    return new Map(
      jobs
        .filter((job) => job.name === JobName.UsageRecorded)
        .map((job) => [job.id ?? '', job.data as UsageRecordedV1]),
    );
  }

  async function eventOf(requestId: string, timeoutMs = 3_000): Promise<UsageRecordedV1> {
    let found: UsageRecordedV1 | undefined;
    await eventually(async () => {
      found = (await events()).get(requestId);
      return found !== undefined;
    }, timeoutMs);
    if (found === undefined) throw new Error(`no usage event for ${requestId}`);
    return found;
  }

  beforeAll(async () => {
    [gateway, mock] = await Promise.all([
      GatewayHarness.start('gateway-usage', { usageRecorder: FAST_RECORDER }),
      startMockProvider(),
    ]);
    await gateway.useMockProvider(mock.url);
    queue = new Queue(QueueName.Usage, { connection: gateway.redis.redis, prefix: gateway.redis.queuePrefix });
    tenantId = await gateway.tenant();
    subscriptionId = await gateway.subscribeToDemo(tenantId);
    const key = await gateway.key(tenantId);
    apiKey = key.key;
    keyId = key.id;
  });

  afterAll(async () => {
    await queue?.close();
    await gateway?.close();
    await mock?.close();
  });

  it('records a chat completion with the tokens the upstream reported', async () => {
    const { data, response } = await client()
      .chat.completions.create({ model: 'demo-chat', messages }, { headers: { 'x-request-id': 'usage-chat-1' } })
      .withResponse();
    expect(response.headers.get('x-request-id')).toBe('usage-chat-1');

    const event = await eventOf('usage-chat-1');
    expect(event).toMatchObject({
      version: 1,
      requestId: 'usage-chat-1',
      tenantId,
      apiKeyId: keyId,
      subscriptionId,
      model: 'demo-chat',
      upstreamModel: 'mock-chat',
      endpoint: 'chat.completions',
      statusCode: 200,
      errorCode: null,
      inputTokens: data.usage?.prompt_tokens,
      outputTokens: data.usage?.completion_tokens,
      usageSource: 'upstream',
      streamed: false,
    });
    expect(event.providerId).toEqual(expect.any(String));
    expect(event.productId).toEqual(expect.any(String));
    expect(event.timeToFirstByteMs).not.toBeNull();
    expect(event.timeToFirstByteMs).toBeLessThanOrEqual(event.latencyMs);
    expect(Date.parse(event.occurredAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("records a stream's usage even when the client did not ask for the usage chunk", async () => {
    const whole = await client().chat.completions.create({ model: 'demo-chat', messages });
    const stream = await client().chat.completions.create(
      { model: 'demo-chat', messages, stream: true },
      { headers: { 'x-request-id': 'usage-stream-1' } },
    );
    for await (const chunk of stream) expect(chunk.usage ?? null).toBeNull();

    const event = await eventOf('usage-stream-1');
    expect(event).toMatchObject({
      streamed: true,
      statusCode: 200,
      errorCode: null,
      usageSource: 'upstream',
      inputTokens: whole.usage?.prompt_tokens,
      outputTokens: whole.usage?.completion_tokens,
    });
  });

  it('records an embedding, and a refused call with its error code and no tokens', async () => {
    await client().embeddings.create(
      { model: 'demo-embed', input: 'tokens' },
      { headers: { 'x-request-id': 'usage-embed-1' } },
    );
    expect(await eventOf('usage-embed-1')).toMatchObject({ endpoint: 'embeddings', inputTokens: expect.any(Number) });
    expect((await eventOf('usage-embed-1')).inputTokens).toBeGreaterThan(0);

    const refused = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        'x-request-id': 'usage-refused-1',
      },
      body: JSON.stringify({ model: 'demo-chat' }),
    });
    expect(refused.status).toBe(400);
    expect(await eventOf('usage-refused-1')).toMatchObject({
      statusCode: 400,
      errorCode: 'invalid_request_error',
      inputTokens: 0,
      outputTokens: 0,
      usageSource: 'none',
      providerId: null,
    });
  });

  it('records nothing for a request without a valid key', async () => {
    const response = await gateway.request('GET', '/v1/models', {
      authorization: 'Bearer gh_live_not-a-key',
      'x-request-id': 'usage-unauthenticated-1',
    });
    expect(response.status).toBe(401);
    // A later request of the same client is recorded; the unauthenticated one before it never is.
    await client().models.list({ headers: { 'x-request-id': 'usage-after-401' } });
    await eventOf('usage-after-401');
    expect((await events()).has('usage-unauthenticated-1')).toBe(false);
  });

  it('records the tokens streamed before a client hung up', async () => {
    const slow = await startMockProvider({ MOCK_CHUNKS: '200', MOCK_CHUNK_DELAY_MS: '20' });
    await gateway.useMockProvider(slow.url);
    try {
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        const request = httpRequest(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          agent: false,
          headers: {
            authorization: `Bearer ${apiKey}`,
            'content-type': 'application/json',
            'x-request-id': 'usage-cut-1',
          },
        });
        request.on('response', resolve).on('error', reject);
        request.end(JSON.stringify({ model: 'demo-chat', messages, stream: true }));
      });
      let received = '';
      await new Promise<void>((resolve) => {
        response.on('data', (chunk: Buffer) => {
          received += chunk.toString('utf8');
          if ((received.match(/"content"/g) ?? []).length >= 5) resolve();
        });
      });
      response.destroy();

      const event = await eventOf('usage-cut-1');
      expect(event).toMatchObject({
        streamed: true,
        statusCode: 200,
        errorCode: 'client_aborted',
        usageSource: 'estimate',
      });
      expect(event.outputTokens).toBeGreaterThanOrEqual(5);
      // Far less than the 200 chunks the upstream would have sent: the upstream was cancelled.
      expect(event.outputTokens).toBeLessThan(150);
    } finally {
      await gateway.useMockProvider(mock.url);
      await slow.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes the streams in flight, refuses new requests, and records every finished call', async () => {
    const slow = await startMockProvider({ MOCK_CHUNKS: '30', MOCK_CHUNK_DELAY_MS: '20' });
    const gateway = await GatewayHarness.start('gateway-shutdown', { usageRecorder: FAST_RECORDER });
    const queue = new Queue(QueueName.Usage, { connection: gateway.redis.redis, prefix: gateway.redis.queuePrefix });
    try {
      await gateway.useMockProvider(slow.url);
      const tenantId = await gateway.tenant();
      await gateway.subscribeToDemo(tenantId);
      const { key } = await gateway.key(tenantId);
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-request-id': 'shutdown-1' },
        body: JSON.stringify({ model: 'demo-chat', messages, stream: true }),
      });
      expect(response.status).toBe(200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = decoder.decode((await reader.read()).value);

      const stopping = gateway.stop();
      for (let part = await reader.read(); !part.done; part = await reader.read()) text += decoder.decode(part.value);
      await stopping;

      expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      expect(text.match(/"content"/g)?.length).toBe(30);
      const job = await queue.getJob('shutdown-1');
      expect(job?.data).toMatchObject({
        requestId: 'shutdown-1',
        streamed: true,
        errorCode: null,
        usageSource: 'upstream',
      });
      await expect(
        fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } }),
      ).rejects.toThrow();
    } finally {
      await queue.close();
      await gateway.close();
      await slow.close();
    }
  }, 30_000);
});

describe('usage events while Redis refuses them', () => {
  it('spools them to disk and replays every one, once, when Redis is back; a restart replays what is left', async () => {
    const redisProxy = await TcpProxy.start('127.0.0.1', Number(new URL(DEFAULT_REDIS_URL).port || 6379));
    const mock = await startMockProvider();
    let gateway = await GatewayHarness.start('gateway-usage-spool', {
      env: { REDIS_URL: redisProxy.url(DEFAULT_REDIS_URL) },
      usageRecorder: FAST_RECORDER,
    });
    const spoolDir = gateway.config.usage.spoolDir;
    const queue = new Queue(QueueName.Usage, { connection: gateway.redis.redis, prefix: gateway.redis.queuePrefix });
    const queued = async () => (await queue.getJobs(['waiting'])).map((job) => job.id ?? '');
    try {
      await gateway.useMockProvider(mock.url);
      const tenantId = await gateway.tenant();
      await gateway.subscribeToDemo(tenantId, { limitOverrides: NO_LIMITS });
      const { key } = await gateway.key(tenantId);
      const chat = (requestId: string) =>
        fetch(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-request-id': requestId },
          body: JSON.stringify({ model: 'demo-chat', messages }),
        });
      // Warm: the key is now in the gateway's memory, so it keeps working without Redis.
      expect((await chat('spool-warm')).status).toBe(200);
      expect(await eventually(async () => (await queued()).includes('spool-warm'))).toBe(true);

      redisProxy.cut();
      const outage = Array.from({ length: 25 }, (_, index) => `spool-outage-${index}`);
      const statuses = await Promise.all(outage.map(async (id) => (await chat(id)).status));
      expect(statuses.every((status) => status === 200)).toBe(true);
      const recorder = gateway.app.get(UsageRecorder);
      expect(await eventually(() => recorder.spooled === outage.length, 5_000)).toBe(true);
      expect(readdirSync(spoolDir).some((name) => name.endsWith('.jsonl'))).toBe(true);

      redisProxy.restore();
      expect(await eventually(() => recorder.spooled === 0, 10_000)).toBe(true);
      const afterReplay = await queued();
      for (const id of outage) expect(afterReplay.filter((queuedId) => queuedId === id)).toHaveLength(1);
      expect(readdirSync(spoolDir).filter((name) => name.endsWith('.jsonl'))).toEqual([]);

      // Down again, and the gateway stops before Redis returns: the events wait on disk for the next start.
      redisProxy.cut();
      const second = Array.from({ length: 5 }, (_, index) => `spool-restart-${index}`);
      for (const id of second) expect((await chat(id)).status).toBe(200);
      expect(await eventually(() => recorder.spooled === second.length, 5_000)).toBe(true);
      await gateway.stop();
      expect(readdirSync(spoolDir).some((name) => name.endsWith('.jsonl'))).toBe(true);

      redisProxy.restore();
      gateway = await gateway.restart();
      const allQueued = async () => {
        const ids = new Set(await queued());
        return second.every((id) => ids.has(id));
      };
      expect(await eventually(allQueued, 10_000)).toBe(true);
    } finally {
      await queue.close();
      await gateway.close();
      await mock.close();
      await redisProxy.close();
    }
  }, 60_000);
});
