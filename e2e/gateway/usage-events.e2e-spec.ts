import { loadConfig, stackConfigSchema } from '@gatehouse/config';
import { JobName, QueueName, queuedUsageEvents, type UsageRecordedV1, usageRecordedV1Schema } from '@gatehouse/jobs';
import { Queue } from 'bullmq';
import { queuePrefix } from '@gatehouse/redis';
import { Redis } from 'ioredis';
import { uniqueSuffix } from '../support/admin-api-client';
import { createProvider, createPublishedLlmProduct } from '../support/catalog-admin';
import { adminSession, chatRequest, eventually, gatewayClient, subscribedKey } from '../support/gateway';
import { E2E_REDIS_PREFIX } from '../support/stack';
import { startTestUpstream, type TestUpstream, type UpstreamHandler } from '../support/test-upstream';

/** Content chunks the held stream sends before it stalls; each is 4 characters, i.e. one token by any count. */
const SENT_CHUNKS = 5;
const CHUNK_TEXT = 'abcd';

/**
 * An OpenAI-format upstream whose stream sends SENT_CHUNKS content chunks and then holds the connection open,
 * as a slow model would, so that the client leaves mid-stream. Non-streamed requests get a plain answer.
 */
const heldStream: UpstreamHandler = (_request, body, response) => {
  const { model, stream } = JSON.parse(body) as { model: string; stream?: boolean };
  const envelope = { id: 'chatcmpl-e2e-held', object: 'chat.completion.chunk', created: 1_700_000_000, model };
  if (!stream) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        ...envelope,
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: CHUNK_TEXT }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 7, completion_tokens: 1, total_tokens: 8 },
      }),
    );
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (delta: Record<string, string>) =>
    response.write(`data: ${JSON.stringify({ ...envelope, choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`);
  send({ role: 'assistant', content: '' });
  for (let chunk = 0; chunk < SENT_CHUNKS; chunk++) send({ content: CHUNK_TEXT });
  // No finish chunk, no usage, no [DONE]: the stream stalls until someone hangs up.
};

/**
 * One usage event per gateway request on the BullMQ `usage` queue (inside a `usage.batch` job, each event a
 * `usageRecordedV1Schema`), including a stream the client cut short, which counts the tokens that were actually
 * sent. The test reads the job itself (BullMQ keeps the last 100 completed batches), so it checks what the gateway
 * sent, whether or not the worker has ingested it yet; e2e/usage checks the reports.
 */
describe('usage events of gateway requests', () => {
  let redis: Redis;
  let queue: Queue;
  let upstream: TestUpstream;

  beforeAll(() => {
    redis = new Redis(loadConfig('e2e', stackConfigSchema).redis.url, { maxRetriesPerRequest: null });
    queue = new Queue(QueueName.Usage, { connection: redis, prefix: queuePrefix(E2E_REDIS_PREFIX) });
  });

  afterAll(async () => {
    await upstream?.close();
    await queue?.close();
    redis?.disconnect();
  });

  /** The usage event of `requestId`, in whatever state its batch job is (the worker may have ingested it). */
  function usageEventOf(requestId: string): Promise<UsageRecordedV1> {
    return eventually(
      async () => {
        const queued = await queuedUsageEvents(queue);
        const found = queued.find((candidate) => candidate.event.requestId === requestId);
        if (!found) throw new Error(`no usage event for request ${requestId} among the ${queued.length} of the queue`);
        expect(found.jobName).toBe(JobName.UsageBatch);
        return usageRecordedV1Schema.parse(found.event);
      },
      { timeoutMs: 5_000, intervalMs: 100 },
    );
  }

  it('records a completed chat completion with the usage the client was told', async () => {
    const subscribed = await subscribedKey('usage-completed');
    const requestId = `e2e-usage-${uniqueSuffix()}`;
    const completion = await gatewayClient(subscribed.apiKey).chat.completions.create(chatRequest('demo-chat'), {
      headers: { 'x-request-id': requestId },
    });

    const event = await usageEventOf(requestId);
    expect(event).toMatchObject({
      requestId,
      tenantId: subscribed.tenant.tenantId,
      apiKeyId: subscribed.keyId,
      subscriptionId: subscribed.subscription.id,
      productId: subscribed.subscription.productId,
      model: 'demo-chat',
      endpoint: 'chat.completions',
      statusCode: 200,
      errorCode: null,
      streamed: false,
      usageSource: 'upstream',
      inputTokens: completion.usage?.prompt_tokens,
      outputTokens: completion.usage?.completion_tokens,
    });
  });

  it('records a stream the client disconnected from, with the tokens streamed before it left', async () => {
    upstream = await startTestUpstream(heldStream);
    const adminToken = await adminSession();
    const provider = await createProvider(adminToken, 'held-stream', upstream.url);
    const model = `e2e-held-stream-${uniqueSuffix()}`;
    const { product, plan } = await createPublishedLlmProduct(adminToken, {
      label: 'usage',
      models: [{ name: model, targets: [{ providerId: provider.id, upstreamModel: 'held' }] }],
    });
    const subscribed = await subscribedKey('usage-disconnect', { product: product.slug, plan: plan.name });
    const openai = gatewayClient(subscribed.apiKey);
    // The new provider and product reach the gateway by invalidation: wait until the route answers.
    await eventually(() => openai.chat.completions.create(chatRequest(model)), { timeoutMs: 3_000 });
    const hitsBefore = upstream.hits;

    const requestId = `e2e-usage-cut-${uniqueSuffix()}`;
    const stream = await openai.chat.completions.create(
      { ...chatRequest(model), stream: true, stream_options: { include_usage: true } },
      { headers: { 'x-request-id': requestId } },
    );
    let received = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) received += 1;
      // Leaving the loop aborts the SDK's request: the client hangs up mid-stream.
      if (received === SENT_CHUNKS) break;
    }
    expect(received).toBe(SENT_CHUNKS);

    // The gateway cancels the upstream request when its client leaves…
    await eventually(
      async () => {
        expect(upstream.hits).toBe(hitsBefore + 1);
        expect(upstream.cancelled).toBe(1);
      },
      { timeoutMs: 3_000 },
    );

    // …and still records the request, counting what it streamed.
    const event = await usageEventOf(requestId);
    expect(event).toMatchObject({
      requestId,
      tenantId: subscribed.tenant.tenantId,
      apiKeyId: subscribed.keyId,
      subscriptionId: subscribed.subscription.id,
      productId: product.id,
      model,
      providerId: provider.id,
      upstreamModel: 'held',
      endpoint: 'chat.completions',
      streamed: true,
      // Counted by the gateway from what it relayed: the upstream never sent its usage chunk.
      usageSource: 'estimate',
      outputTokens: SENT_CHUNKS,
    });
    expect(event.latencyMs).toBeGreaterThanOrEqual(0);
  });
});
