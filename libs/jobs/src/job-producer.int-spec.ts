import { createTestRedis, type TestRedis } from '@gatehouse/testing';
import { randomUUID } from 'node:crypto';
import { InvalidJobPayloadError, JobProducer } from './job-producer';
import { JobName, QueueName } from './queues';
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
    endpoint: '/v1/chat/completions',
    statusCode: 200,
    errorCode: null,
    latencyMs: 12,
    inputTokens: 10,
    outputTokens: 20,
    cachedTokens: 0,
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
    producer = new JobProducer(testRedis.redis, testRedis.prefix);
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
    const keys = await testRedis.redis.keys(`${testRedis.prefix}:usage:*`);
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
});
