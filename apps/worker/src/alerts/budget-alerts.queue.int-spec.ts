import { type INestApplication } from '@nestjs/common';
import { UsageIngestionRepository } from '@gatehouse/db';
import { JobName, JobProducer, QueueName } from '@gatehouse/jobs';
import { createTestRedis, eventually, type TestRedis } from '@gatehouse/testing';
import { randomUUID } from 'node:crypto';
import { createSeededDatabase, type SeededDatabase, startWorkerApp, usageEventInput } from '../../test/worker-fixtures';

/** The handlers' wiring: an `alerts.budget-check` job through BullMQ reaches BudgetAlerts in the running worker. */
describe('budget alerts through the queue (worker, real Postgres, Redis and BullMQ)', () => {
  let seeded: SeededDatabase;
  let redis: TestRedis;
  let app: INestApplication;
  let producer: JobProducer;

  beforeAll(async () => {
    [seeded, redis] = await Promise.all([createSeededDatabase('worker_alerts_queue'), createTestRedis('alerts-queue')]);
    app = await startWorkerApp(seeded.database, redis, { WORKER_QUEUES: 'alerts' });
    producer = new JobProducer(redis.redis, redis.queuePrefix);
  });

  afterAll(async () => {
    await producer?.close();
    await app?.close();
    await redis?.cleanup();
    await seeded?.close();
  });

  it('checks the tenant named by the job and records its firing once, however often the job runs', async () => {
    const { db, productId } = seeded;
    const tenant = await db.tenant.create({ data: { name: 'alerts-queue', monthlyBudgetUsd: '1' } });
    // $0.60 of a $1 budget at $0.50 per 1M input tokens.
    await new UsageIngestionRepository(db).ingest([
      usageEventInput({
        tenantId: tenant.id,
        productId,
        occurredAt: new Date(),
        inputTokens: 1_200_000,
        outputTokens: 0,
      }),
    ]);

    for (let i = 0; i < 3; i++) {
      await producer.enqueue(JobName.BudgetCheck, { version: 1, tenantId: tenant.id }, { jobId: randomUUID() });
    }
    const queue = producer.queue(QueueName.Alerts);
    expect(await eventually(async () => (await queue.getCompletedCount()) >= 3, 10_000)).toBe(true);
    expect(await queue.getFailedCount()).toBe(0);
    expect(await db.alertFiring.findMany({ where: { tenantId: tenant.id } })).toEqual([
      expect.objectContaining({ threshold: 50, subject: 'tenant', metric: 'monthlyBudgetUsd' }),
    ]);
    expect(await db.notification.count({ where: { tenantId: tenant.id, kind: 'budget.threshold' } })).toBe(1);
  });
});
