import { request as httpRequest, type IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_REDIS_URL } from '@gatehouse/config';
import {
  JobName,
  JobProducer,
  QueueName,
  queuedUsageEvents,
  type UsageBatchV1,
  type UsageRecordedV1,
} from '@gatehouse/jobs';
import { createTestRedis, eventually, TcpProxy } from '@gatehouse/testing';
import { Queue } from 'bullmq';
import OpenAI from 'openai';
import { GatewayHarness, NO_LIMITS } from '../../test/gateway-harness';
import { type RunningMock, startMockProvider } from '../../test/mock-upstream';
import { DEFAULT_USAGE_RECORDER_OPTIONS, UsageRecorder } from './usage-recorder';
import { UsageSpool } from './usage-spool';

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

  /** Every usage event in the suite's queue, by request id. */
  async function events(): Promise<Map<string, UsageRecordedV1>> {
    return new Map((await queuedUsageEvents(queue)).map(({ event }) => [event.requestId, event]));
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
    // A whole answer has no first token of its own: it comes with the response.
    expect(event.timeToFirstTokenMs).toBeNull();
    expect(Date.parse(event.occurredAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('sends every event inside a usage.batch job, never one job per request', async () => {
    const requestIds = ['usage-batched-1', 'usage-batched-2', 'usage-batched-3'];
    await Promise.all(
      requestIds.map((requestId) =>
        client().chat.completions.create({ model: 'demo-chat', messages }, { headers: { 'x-request-id': requestId } }),
      ),
    );
    for (const requestId of requestIds) await eventOf(requestId);
    const queued = await queuedUsageEvents(queue);
    expect(new Set(queued.map((entry) => entry.jobName))).toEqual(new Set([JobName.UsageBatch]));
    // The job id is the batch's, made by the gateway, not a request id.
    for (const entry of queued) expect(entry.jobId).toMatch(/^[0-9a-f-]{36}$/);
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
    // The first token comes with or after the headers, and before the end (the metrics test delays it).
    expect(event.timeToFirstTokenMs).toEqual(expect.any(Number));
    expect(event.timeToFirstTokenMs).toBeGreaterThanOrEqual(event.timeToFirstByteMs ?? Infinity);
    expect(event.timeToFirstTokenMs).toBeLessThanOrEqual(event.latencyMs);
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
      const event = (await queuedUsageEvents(queue)).find((queued) => queued.event.requestId === 'shutdown-1');
      expect(event?.event).toMatchObject({
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
    /** The request ids of the waiting events, a request twice if it was queued twice. */
    const queued = async () => (await queuedUsageEvents(queue, ['waiting'])).map((queued) => queued.event.requestId);
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
      const warm = (await queuedUsageEvents(queue)).find((queued) => queued.event.requestId === 'spool-warm');
      if (warm === undefined) throw new Error('no usage event for spool-warm');

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
      // Replayed as the batches they were spooled in, under the ids the gateway gave them at the flush.
      const outageJobs = (await queuedUsageEvents(queue, ['waiting'])).filter((queued) =>
        outage.includes(queued.event.requestId),
      );
      for (const queued of outageJobs) expect(queued.jobId).toMatch(/^[0-9a-f-]{36}$/);
      expect(readdirSync(spoolDir).filter((name) => name.endsWith('.jsonl'))).toEqual([]);

      // Down again, and the gateway stops before Redis returns: the events wait on disk for the next start.
      redisProxy.cut();
      const second = Array.from({ length: 5 }, (_, index) => `spool-restart-${index}`);
      for (const id of second) expect((await chat(id)).status).toBe(200);
      expect(await eventually(() => recorder.spooled === second.length, 5_000)).toBe(true);
      await gateway.stop();
      expect(readdirSync(spoolDir).some((name) => name.endsWith('.jsonl'))).toBe(true);

      // And a gateway of the previous version left a segment of single events (one per line) in the same spool.
      const previous = Array.from({ length: 3 }, (_, index) => ({
        ...warm.event,
        requestId: `spool-previous-${index}`,
      }));
      writeFileSync(
        path.join(spoolDir, 'usage-1-0.jsonl'),
        previous.map((entry) => `${JSON.stringify(entry)}\n`).join(''),
      );

      redisProxy.restore();
      gateway = await gateway.restart();
      const expected = [...previous.map((entry) => entry.requestId), ...second];
      const allQueued = async () => {
        const ids = new Set(await queued());
        return expected.every((id) => ids.has(id));
      };
      expect(await eventually(allQueued, 10_000)).toBe(true);
      expect(readdirSync(spoolDir).filter((name) => name.endsWith('.jsonl'))).toEqual([]);
    } finally {
      await queue.close();
      await gateway.close();
      await mock.close();
      await redisProxy.close();
    }
  }, 60_000);
});

describe('a spooled batch that had reached Redis after all (its answer came too late)', () => {
  it('is the same job when replayed, so it is queued once', async () => {
    const redis = await createTestRedis('gateway-usage-replay');
    const producer = new JobProducer(redis.redis, redis.queuePrefix);
    const directory = mkdtempSync(path.join(tmpdir(), 'gatehouse-spool-'));
    try {
      const event = (requestId: string): UsageRecordedV1 => ({
        version: 1,
        requestId,
        occurredAt: new Date().toISOString(),
        tenantId: randomUUID(),
        apiKeyId: randomUUID(),
        subscriptionId: null,
        productId: null,
        model: null,
        providerId: null,
        upstreamModel: null,
        endpoint: 'models.list',
        statusCode: 200,
        errorCode: null,
        latencyMs: 1,
        timeToFirstByteMs: null,
        inputTokens: 0,
        outputTokens: 0,
        cachedTokens: 0,
        usageSource: 'none',
        streamed: false,
        cacheHit: false,
        policyActions: [],
      });
      const batch: UsageBatchV1 = { version: 1, batchId: randomUUID(), events: [event('late-1'), event('late-2')] };
      await producer.enqueueBulk(JobName.UsageBatch, [batch], (sent) => sent.batchId);
      const spool = await UsageSpool.open(directory);
      await spool.append([batch]);

      const recorder = new UsageRecorder(producer, spool, { ...DEFAULT_USAGE_RECORDER_OPTIONS, replayIntervalMs: 50 });
      expect(await eventually(() => recorder.spooled === 0, 5_000)).toBe(true);
      await recorder.close();
      const queue = producer.queue(QueueName.Usage);
      expect(await queue.getWaitingCount()).toBe(1);
      expect((await queuedUsageEvents(queue)).map((queued) => [queued.jobId, queued.event.requestId])).toEqual([
        [batch.batchId, 'late-1'],
        [batch.batchId, 'late-2'],
      ]);
    } finally {
      await producer.close();
      await redis.cleanup();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
