import { randomUUID } from 'node:crypto';
import { type INestApplication } from '@nestjs/common';
import { type DbClient } from '@gatehouse/db';
import { costMicros, microsToUsd } from '@gatehouse/domain';
import { JobName, JobProducer, QueueName, type UsageBatchV1, type UsageRecordedV1 } from '@gatehouse/jobs';
import { createTestRedis, eventually, type TestRedis } from '@gatehouse/testing';
import {
  createSeededDatabase,
  DEMO_CHAT_PRICE,
  type SeededDatabase,
  startWorkerApp,
  usageRecorded,
} from '../../test/worker-fixtures';

const DEMO_CHAT = DEMO_CHAT_PRICE;
const usd = (micros: bigint) => microsToUsd(micros);

describe('usage ingestion (worker, real Postgres, Redis and BullMQ)', () => {
  let seeded: SeededDatabase;
  let redis: TestRedis;
  let db: DbClient;
  let app: INestApplication;
  let producer: JobProducer;
  let productId: string;
  let completed = 0;

  beforeAll(async () => {
    [seeded, redis] = await Promise.all([createSeededDatabase('worker_usage'), createTestRedis('worker-usage')]);
    ({ db, productId } = seeded);
    app = await startWorkerApp(seeded.database, redis, {
      // Ingestion only: the events here happened in June 2026, and the maintenance queue's retention (which runs
      // as soon as it is scheduled) would delete them while a test reads them.
      WORKER_QUEUES: 'usage',
      WORKER_USAGE_BATCH_SIZE: '4',
      WORKER_USAGE_FLUSH_MS: '50',
    });
    producer = new JobProducer(redis.redis, redis.queuePrefix);
  });

  afterAll(async () => {
    await producer?.close();
    await app?.close();
    await redis?.cleanup();
    await seeded?.close();
  });

  const event = (tenantId: string, overrides: Partial<UsageRecordedV1> = {}): UsageRecordedV1 =>
    usageRecorded({ tenantId, productId, cachedTokens: 200, ...overrides });

  /** Waits until `jobs` more jobs have completed, and none failed. */
  async function completes(jobs: number): Promise<void> {
    const queue = producer.queue(QueueName.Usage);
    completed += jobs;
    expect(await eventually(async () => (await queue.getCompletedCount()) === completed, 10_000)).toBe(true);
    expect(await queue.getFailedCount()).toBe(0);
  }

  /**
   * Enqueues the events as the gateway does, in `usage.batch` jobs of `perJob` events under fresh batch ids (as a
   * redelivery would), and waits until all are done.
   */
  async function ingest(events: UsageRecordedV1[], perJob = 3): Promise<void> {
    const batches: UsageBatchV1[] = [];
    for (let start = 0; start < events.length; start += perJob) {
      batches.push({ version: 1, batchId: randomUUID(), events: events.slice(start, start + perJob) });
    }
    await producer.enqueueBulk(JobName.UsageBatch, batches, (batch) => batch.batchId);
    await completes(batches.length);
  }

  const rollups = (tenantId: string) =>
    db.usageRollup.findMany({ where: { tenantId }, orderBy: [{ granularity: 'asc' }, { bucketStart: 'asc' }] });

  it('writes each event priced to the micro-dollar, and minute/hour/day rollups with exact sums', async () => {
    const tenantId = randomUUID();
    const events = [
      event(tenantId),
      event(tenantId, { occurredAt: '2026-06-01T10:16:05.000Z', inputTokens: 7, outputTokens: 1, cachedTokens: 0 }),
      event(tenantId, {
        statusCode: 502,
        errorCode: 'upstream_error',
        inputTokens: 0,
        outputTokens: 0,
        cachedTokens: 0,
      }),
      event(tenantId, { usageSource: 'unknown', inputTokens: 0, outputTokens: 0, cachedTokens: 0 }),
      event(tenantId, { productId: null, model: null, statusCode: 403 }),
    ];
    await ingest(events);

    const costs = events.map((e) =>
      costMicros(DEMO_CHAT, {
        inputTokens: e.inputTokens,
        outputTokens: e.outputTokens,
        cachedInputTokens: e.cachedTokens,
      }),
    );
    expect(usd(costs[0] ?? 0n)).toBe('0.00095'); // 800 × 0.5 + 200 × 0.25 + 333 × 1.5 = 949.5 µUSD, rounded up
    const rows = await db.usageEvent.findMany({ where: { tenantId } });
    expect(rows).toHaveLength(5);
    const byId = new Map(rows.map((row) => [row.requestId, row]));
    events.forEach((e, index) => {
      const row = byId.get(e.requestId);
      const expected = e.productId === null ? 0n : (costs[index] ?? 0n);
      expect(row?.costUsd.toFixed(9)).toBe(toFixed9(expected));
      expect(row?.usageSource).toBe(e.usageSource);
      expect(row?.createdAt.toISOString()).toBe(e.occurredAt);
    });
    expect(byId.get(events[3]?.requestId ?? '')?.usageSource).toBe('unknown');

    const rolledCost = toFixed9((costs[0] ?? 0n) + (costs[1] ?? 0n));
    const all = await rollups(tenantId);
    expect(all.map((r) => [r.granularity, r.bucketStart.toISOString(), r.requests, r.errors])).toEqual([
      ['MINUTE', '2026-06-01T10:15:00.000Z', 3, 1],
      ['MINUTE', '2026-06-01T10:16:00.000Z', 1, 0],
      ['HOUR', '2026-06-01T10:00:00.000Z', 4, 1],
      ['DAY', '2026-06-01T00:00:00.000Z', 4, 1],
    ]);
    const day = all.find((r) => r.granularity === 'DAY');
    expect(day).toMatchObject({ model: 'demo-chat', inputTokens: 1_007n, outputTokens: 334n, cachedTokens: 200n });
    expect(day?.costUsd.toFixed(9)).toBe(rolledCost);
  });

  it('counts a redelivered batch once, and only the new events of a batch with a duplicate', async () => {
    const tenantId = randomUUID();
    const first = [event(tenantId), event(tenantId)];
    await ingest(first);
    const snapshot = async () => ({
      events: (await db.usageEvent.findMany({ where: { tenantId }, orderBy: { requestId: 'asc' } })).map((e) => ({
        ...e,
        costUsd: e.costUsd.toFixed(9),
      })),
      rollups: (await rollups(tenantId)).map(({ updatedAt: _updatedAt, ...r }) => ({
        ...r,
        costUsd: r.costUsd.toFixed(9),
      })),
    });
    const before = await snapshot();

    await ingest(first);
    expect(await snapshot()).toEqual(before);

    const fresh = [event(tenantId), event(tenantId, { inputTokens: 10, outputTokens: 10, cachedTokens: 0 })];
    const [replayed, repeated] = [first[0], fresh[0]];
    if (!replayed || !repeated) throw new Error('unreachable');
    await ingest([replayed, ...fresh, repeated]);
    const day = (await rollups(tenantId)).find((r) => r.granularity === 'DAY');
    expect(day?.requests).toBe(4);
    expect(day?.inputTokens).toBe(3_010n);
    const perEvent = (e: UsageRecordedV1) =>
      costMicros(DEMO_CHAT, {
        inputTokens: e.inputTokens,
        outputTokens: e.outputTokens,
        cachedInputTokens: e.cachedTokens,
      });
    expect(day?.costUsd.toFixed(9)).toBe(toFixed9([...first, ...fresh].reduce((sum, e) => sum + perEvent(e), 0n)));
    expect(await db.usageEvent.count({ where: { tenantId } })).toBe(4);
  });

  it('prices an event by the price in force when it happened', async () => {
    const tenantId = randomUUID();
    const changeAt = new Date('2030-01-01T00:00:00.000Z');
    const route = await db.modelRoute.findUniqueOrThrow({ where: { alias: 'demo-chat' } });
    await db.modelPrice.updateMany({
      where: { modelRouteId: route.id, effectiveTo: null },
      data: { effectiveTo: changeAt },
    });
    await db.modelPrice.create({
      data: {
        modelRouteId: route.id,
        inputPer1M: '1',
        outputPer1M: '3',
        cachedInputPer1M: null,
        effectiveFrom: changeAt,
      },
    });
    const before = event(tenantId, { occurredAt: '2029-12-31T23:59:59.999Z' });
    const after = event(tenantId, { occurredAt: '2030-01-01T00:00:00.000Z' });
    await ingest([before, after]);

    const cost = async (e: UsageRecordedV1) =>
      (await db.usageEvent.findFirstOrThrow({ where: { requestId: e.requestId } })).costUsd.toFixed(9);
    const tokens = { inputTokens: 1_000, outputTokens: 333, cachedInputTokens: 200 };
    expect(await cost(before)).toBe(toFixed9(costMicros(DEMO_CHAT, tokens)));
    expect(await cost(after)).toBe(toFixed9(costMicros({ inputPer1M: '1', outputPer1M: '3' }, tokens)));
    expect(await cost(after)).toBe('0.001999000');
  });

  it('still ingests the single-event jobs of gateways of the previous version, alongside batches', async () => {
    const tenantId = randomUUID();
    const single = event(tenantId);
    const batched = [event(tenantId), event(tenantId)];
    await producer.enqueue(JobName.UsageRecorded, single, { jobId: single.requestId });
    await completes(1);
    await ingest([...batched, single]);
    const rows = await db.usageEvent.findMany({ where: { tenantId } });
    expect(new Set(rows.map((row) => row.requestId))).toEqual(new Set([single, ...batched].map((e) => e.requestId)));
    const day = (await rollups(tenantId)).find((r) => r.granularity === 'DAY');
    expect(day?.requests).toBe(3);
  });

  it('ingests the well-formed events of a batch with a malformed one, and fails the job once, naming it', async () => {
    const queue = producer.queue(QueueName.Usage);
    const tenantId = randomUUID();
    const good = [event(tenantId), event(tenantId)];
    const batchId = randomUUID();
    // Past the producer, which checks only the envelope: as a buggy or foreign producer could.
    await queue.add(
      JobName.UsageBatch,
      { version: 1, batchId, events: [good[0], { ...event(tenantId), inputTokens: -5 }, good[1]] },
      { jobId: batchId, attempts: 5 },
    );
    expect(await eventually(async () => (await queue.getFailedCount()) === 1, 10_000)).toBe(true);
    const failed = await queue.getJob(batchId);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/^1 of 3 usage events are malformed.*events\[1\]: inputTokens/);
    const rows = await db.usageEvent.findMany({ where: { tenantId } });
    expect(new Set(rows.map((row) => row.requestId))).toEqual(new Set(good.map((e) => e.requestId)));

    // A retry (after a fix, say) counts the ingested events once.
    const firstFailure = failed?.finishedOn;
    await failed?.retry();
    const failedAgain = async () => {
      const job = await queue.getJob(batchId);
      return (await job?.getState()) === 'failed' && job?.finishedOn !== firstFailure;
    };
    expect(await eventually(failedAgain, 10_000)).toBe(true);
    expect(await db.usageEvent.count({ where: { tenantId } })).toBe(2);
    expect((await rollups(tenantId)).find((r) => r.granularity === 'DAY')?.requests).toBe(2);
    await queue.clean(0, 10, 'failed');
  });
});

/** Micro-USD as the 9-decimal string Postgres's numeric(18,9) holds. */
function toFixed9(micros: bigint): string {
  return `${micros / 1_000_000n}.${(micros % 1_000_000n).toString().padStart(6, '0')}000`;
}
