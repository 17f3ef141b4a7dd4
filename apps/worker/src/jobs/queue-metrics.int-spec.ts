import { JobProducer, QueueName } from '@gatehouse/jobs';
import { createTestRedis, type TestRedis } from '@gatehouse/testing';
import { register } from 'prom-client';
import { QueueMetrics } from './queue-metrics';

describe('the queue metrics', () => {
  let redis: TestRedis;
  let producer: JobProducer;
  let metrics: QueueMetrics;
  const now = Date.UTC(2026, 0, 1, 12);

  beforeAll(async () => {
    redis = await createTestRedis('worker-queue-metrics');
    producer = new JobProducer(redis.redis, redis.queuePrefix);
    metrics = new QueueMetrics(producer, () => now);
  });

  afterAll(async () => {
    metrics.onModuleDestroy();
    await producer.close();
    await redis.cleanup();
  });

  async function sample(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
    const metric = register.getSingleMetric(name);
    if (metric === undefined) throw new Error(`no metric ${name}`);
    const { values } = await metric.get();
    return values.find((value) => Object.entries(labels).every(([label, v]) => value.labels[label] === v))?.value;
  }

  it('shows no backlog and no lag on empty queues', async () => {
    expect(await sample('gatehouse_queue_jobs', { queue: 'usage', state: 'waiting' })).toBe(0);
    expect(await sample('gatehouse_usage_ingestion_lag_seconds')).toBe(0);
  });

  it("counts waiting and delayed jobs, and the oldest waiting usage job's age as the lag", async () => {
    const usage = producer.queue(QueueName.Usage);
    await usage.add('probe', {}, { timestamp: now - 30_000 });
    await usage.add('probe', {}, { timestamp: now - 5_000 });
    await usage.add('probe', {}, { delay: 60_000 });
    expect(await sample('gatehouse_queue_jobs', { queue: 'usage', state: 'waiting' })).toBe(2);
    expect(await sample('gatehouse_queue_jobs', { queue: 'usage', state: 'delayed' })).toBe(1);
    expect(await sample('gatehouse_queue_jobs', { queue: 'alerts', state: 'waiting' })).toBe(0);
    expect(await sample('gatehouse_usage_ingestion_lag_seconds')).toBe(30);
  });
});
