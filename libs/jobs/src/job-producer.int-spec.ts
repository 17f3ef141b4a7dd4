import { createTestRedis, type TestRedis } from '@gatehouse/testing';
import { randomUUID } from 'node:crypto';
import { InvalidJobPayloadError, JobProducer } from './job-producer';
import { JobName, QueueName } from './queues';
import { queuedUsageEvents } from './usage/queued-usage-events';
import { type UsageBatchV1 } from './usage/usage-batch.job';
import { type UsageRecordedV1 } from './usage/usage-recorded.job';

function usageEvent(overrides: Partial<UsageRecordedV1> = {}): UsageRecordedV1 {
  return {
    version: 1,
    requestId: randomUUID(),
    occurredAt: new Date().toISOString(),
    tenantId: randomUUID(),
    apiKeyId: randomUUID(),
    subscriptionId: randomUUID(),
    productId: randomUUID(),
    model: 'demo-chat',
    providerId: randomUUID(),
    upstreamModel: 'mock-chat',
    endpoint: 'chat.completions',
    statusCode: 200,
    errorCode: null,
    latencyMs: 12,
    timeToFirstByteMs: 9,
    inputTokens: 10,
    outputTokens: 20,
    cachedTokens: 0,
    usageSource: 'upstream',
    streamed: false,
    cacheHit: false,
    policyActions: [],
    ...overrides,
  };
}

describe('JobProducer (real Redis and BullMQ)', () => {
  let testRedis: TestRedis;
  let producer: JobProducer;

  beforeAll(async () => {
    testRedis = await createTestRedis('jobs');
    producer = new JobProducer(testRedis.redis, testRedis.queuePrefix);
  });

  afterAll(async () => {
    await producer.close();
    await testRedis.cleanup();
  });

  it('enqueues a valid usage event under the suite prefix, once per requestId', async () => {
    const event = usageEvent();
    const id = await producer.enqueue(JobName.UsageRecorded, event, { jobId: event.requestId });
    const again = await producer.enqueue(JobName.UsageRecorded, event, { jobId: event.requestId });
    expect(again).toBe(id);

    const queue = producer.queue(QueueName.Usage);
    expect(await queue.getWaitingCount()).toBe(1);
    const job = await queue.getJob(id);
    expect(job?.name).toBe(JobName.UsageRecorded);
    expect(job?.data).toEqual(event);
    const keys = await testRedis.redis.keys(`${testRedis.queuePrefix}:usage:*`);
    expect(keys.length).toBeGreaterThan(0);
  });

  it('refuses a malformed payload before it reaches Redis, naming the bad fields', async () => {
    const queue = producer.queue(QueueName.Usage);
    const before = await queue.getWaitingCount();
    const bad = usageEvent({ inputTokens: -1, tenantId: 'not-a-uuid' });
    await expect(producer.enqueue(JobName.UsageRecorded, bad)).rejects.toThrow(InvalidJobPayloadError);
    await expect(producer.enqueue(JobName.UsageRecorded, bad)).rejects.toThrow(
      /tenantId.*inputTokens|inputTokens.*tenantId/,
    );
    expect(await queue.getWaitingCount()).toBe(before);
  });

  it('enqueues a batch in one call, and a replayed batch adds nothing', async () => {
    const queue = producer.queue(QueueName.Usage);
    const before = await queue.getWaitingCount();
    const events = [usageEvent(), usageEvent(), usageEvent()];
    await producer.enqueueBulk(JobName.UsageRecorded, events, (event) => event.requestId);
    await producer.enqueueBulk(JobName.UsageRecorded, events, (event) => event.requestId);
    expect(await queue.getWaitingCount()).toBe(before + 3);
    const stored = await Promise.all(events.map((event) => queue.getJob(event.requestId)));
    expect(stored.map((job) => job?.data)).toEqual(events);
  });

  it('refuses a batch with one malformed payload, sending none of it', async () => {
    const queue = producer.queue(QueueName.Usage);
    const before = await queue.getWaitingCount();
    const batch = [usageEvent(), usageEvent({ latencyMs: -5 })];
    await expect(producer.enqueueBulk(JobName.UsageRecorded, batch, (event) => event.requestId)).rejects.toThrow(
      /latencyMs/,
    );
    expect(await queue.getWaitingCount()).toBe(before);
  });

  it('enqueues a usage batch as one job whose id is the batch id; a replayed batch adds nothing', async () => {
    const queue = producer.queue(QueueName.Usage);
    const before = await queue.getWaitingCount();
    const batch: UsageBatchV1 = { version: 1, batchId: randomUUID(), events: [usageEvent(), usageEvent()] };
    await producer.enqueueBulk(JobName.UsageBatch, [batch], (payload) => payload.batchId);
    await producer.enqueueBulk(JobName.UsageBatch, [batch], (payload) => payload.batchId);
    expect(await queue.getWaitingCount()).toBe(before + 1);
    const job = await queue.getJob(batch.batchId);
    expect(job?.name).toBe(JobName.UsageBatch);
    expect(job?.data).toEqual(batch);
    // A completed batch holds its events in Redis: fewer are kept than BullMQ's default.
    expect(job?.opts.removeOnComplete).toBe(100);
    const events = (await queuedUsageEvents(queue)).filter((queued) => queued.jobId === batch.batchId);
    expect(events.map((queued) => queued.event)).toEqual(batch.events);
  });

  it("checks a usage batch's envelope and leaves its events to the worker", async () => {
    const queue = producer.queue(QueueName.Usage);
    const before = await queue.getWaitingCount();
    const empty: UsageBatchV1 = { version: 1, batchId: 'has:colon', events: [] };
    await expect(producer.enqueue(JobName.UsageBatch, empty)).rejects.toThrow(/batchId.*events|events.*batchId/);
    expect(await queue.getWaitingCount()).toBe(before);

    // Not checked here, by design: the worker ingests the well-formed event and keeps the malformed one.
    const unchecked = { version: 1, batchId: randomUUID(), events: [usageEvent(), usageEvent({ inputTokens: -1 })] };
    await producer.enqueue(JobName.UsageBatch, unchecked as UsageBatchV1, { jobId: unchecked.batchId });
    expect((await queue.getJob(unchecked.batchId))?.data).toEqual(unchecked);
  });
});
