import { randomUUID } from 'node:crypto';
import { type DbClient, UsageMaintenanceRepository } from '@gatehouse/db';
import { costMicros } from '@gatehouse/domain';
import { JobName, JobProducer, QueueName, type UsageBatchV1, type UsageRecordedV1 } from '@gatehouse/jobs';
import { type AppProcess, createTestRedis, eventually, startAppProcess, type TestRedis } from '@gatehouse/testing';
import { type Queue } from 'bullmq';
import { createSeededDatabase, DEMO_CHAT_PRICE, type SeededDatabase, usageRecorded } from '../../test/worker-fixtures';

const EVENTS = 5_000;
/** Events per `usage.batch` job: larger than the worker's batch (25), so that each is written alone. */
const PER_BATCH = 50;
/** Of every 500 events, these travel as the previous version's single jobs (`usage.recorded`), the rest in batches. */
const SINGLE_PER_500 = 50;
/** Short, so that the jobs a killed worker held are delivered again within seconds rather than 30 s. */
const LOCK_MS = 1_000;
const EPOCH = Date.parse('2026-06-01T09:58:00.000Z');

/**
 * The acceptance of the usage pipeline: 5,000 events, most in `usage.batch` jobs as the gateway sends them and some
 * in the previous version's single jobs, the worker SIGKILLed twice while it ingests them, and after it restarts
 * exactly 5,000 raw rows whose rollups equal their sums; delivering them all again changes nothing.
 * The worker is a real OS process built from the working tree, so a kill loses whatever it held in memory. After
 * the kills two processes finish the work side by side, as a scaled-out deployment would.
 */
describe('usage ingestion survives SIGKILL (worker process, real Postgres, Redis and BullMQ)', () => {
  let seeded: SeededDatabase;
  let redis: TestRedis;
  let db: DbClient;
  let producer: JobProducer;
  let queue: Queue;
  let worker: AppProcess | undefined;
  /** The processes that finish the work together, after the kills. */
  let finishers: AppProcess[] = [];
  let productId: string;

  beforeAll(async () => {
    [seeded, redis] = await Promise.all([createSeededDatabase('worker_crash'), createTestRedis('worker-crash')]);
    ({ db, productId } = seeded);
    producer = new JobProducer(redis.redis, redis.queuePrefix);
    queue = producer.queue(QueueName.Usage);
  });

  afterAll(async () => {
    const running = [worker, ...finishers].filter((process): process is AppProcess => process !== undefined);
    await Promise.all(running.map((process) => process.kill('SIGKILL')));
    await producer?.close();
    await redis?.cleanup();
    await seeded?.close();
  });

  const startWorker = () =>
    startAppProcess('worker', {
      hostVariable: 'WORKER_HOST',
      portVariable: 'WORKER_PORT',
      env: {
        DATABASE_URL: seeded.database.url,
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: redis.prefix,
        // Only ingestion: the budget checks it enqueues wait in their own queue, untouched.
        WORKER_QUEUES: 'usage',
        WORKER_JOB_LOCK_MS: String(LOCK_MS),
        // Small batches, so that every kill lands with jobs written, in flight and not yet taken (it holds 48).
        WORKER_USAGE_BATCH_SIZE: '25',
        WORKER_USAGE_CONCURRENCY: '2',
        WORKER_USAGE_FLUSH_MS: '20',
      },
    });

  const rawCount = () => db.usageEvent.count();

  /** Waits until the worker has written at least `rows` events, then kills it; resolves with the count then. */
  async function killAfter(rows: number): Promise<number> {
    const running = worker;
    if (!running) throw new Error('no worker');
    expect(await eventually(async () => (await rawCount()) >= rows, 30_000)).toBe(true);
    await running.kill('SIGKILL');
    worker = undefined;
    return rawCount();
  }

  async function drained(): Promise<boolean> {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).every((count) => count === 0);
  }

  const rollupSnapshot = async () =>
    (
      await db.usageRollup.findMany({
        orderBy: [{ granularity: 'asc' }, { bucketStart: 'asc' }, { apiKeyId: 'asc' }, { model: 'asc' }],
      })
    ).map(({ updatedAt: _updatedAt, ...rollup }) => ({ ...rollup, costUsd: rollup.costUsd.toFixed(9) }));

  it('counts 5,000 events exactly once through two SIGKILLs and two processes, and a redelivery changes nothing', async () => {
    const tenants = [randomUUID(), randomUUID(), randomUUID()];
    const keys = Array.from({ length: 12 }, () => randomUUID());
    const events: UsageRecordedV1[] = Array.from({ length: EVENTS }, (_, index) =>
      usageRecorded({
        requestId: `crash-${index}-${randomUUID()}`,
        // About two hours of traffic: many minute buckets, three hours, one day.
        occurredAt: new Date(EPOCH + index * 1_447).toISOString(),
        tenantId: tenants[index % tenants.length] ?? '',
        apiKeyId: keys[index % keys.length] ?? '',
        productId,
        statusCode: index % 50 === 0 ? 502 : 200,
        errorCode: index % 50 === 0 ? 'upstream_error' : null,
        latencyMs: 10 + (index % 7),
        inputTokens: 100 + (index % 97),
        outputTokens: 20 + (index % 31),
        cachedTokens: index % 3 === 0 ? 40 : 0,
        streamed: index % 2 === 0,
      }),
    );
    for (let start = 0; start < EVENTS; start += 500) {
      const batched = events.slice(start, start + 500 - SINGLE_PER_500);
      await producer.enqueueBulk(JobName.UsageBatch, batchesOf(batched, PER_BATCH), (batch) => batch.batchId);
      const single = events.slice(start + 500 - SINGLE_PER_500, start + 500);
      await producer.enqueueBulk(JobName.UsageRecorded, single, (e) => e.requestId);
    }
    expect(await queue.getWaitingCount()).toBe(((500 - SINGLE_PER_500) / PER_BATCH + SINGLE_PER_500) * (EVENTS / 500));

    worker = await startWorker();
    const atFirstKill = await killAfter(1_000);
    worker = await startWorker();
    const atSecondKill = await killAfter(atFirstKill + 1_500);
    // Both kills landed mid-stream, with events still to come.
    expect(atFirstKill).toBeLessThan(EVENTS);
    expect(atSecondKill).toBeLessThan(EVENTS);
    expect(atSecondKill).toBeGreaterThan(atFirstKill);

    finishers = await Promise.all([startWorker(), startWorker()]);
    expect(await eventually(async () => (await rawCount()) === EVENTS && (await drained()), 60_000)).toBe(true);
    expect(await queue.getFailedCount()).toBe(0);

    expect(await rawCount()).toBe(EVENTS);
    const rows = await db.usageEvent.findMany({ select: { requestId: true, costUsd: true } });
    expect(new Set(rows.map((row) => row.requestId))).toEqual(new Set(events.map((e) => e.requestId)));

    // Every rollup bucket equals the sums of its raw rows, in every granularity.
    const maintenance = new UsageMaintenanceRepository(db);
    const window = {
      from: new Date('2026-06-01T00:00:00.000Z'),
      to: new Date('2026-06-02T00:00:00.000Z'),
      minuteFrom: new Date('2026-06-01T00:00:00.000Z'),
    };
    const reconciled = await maintenance.reconcile(window);
    expect(reconciled.differences).toEqual([]);
    expect(reconciled.differenceCount).toBe(0);
    expect(reconciled.buckets).toBeGreaterThan(300);

    // And the totals are the events', priced to the micro-dollar.
    const day = await db.usageRollup.aggregate({
      where: { granularity: 'DAY' },
      _sum: { requests: true, errors: true, inputTokens: true, outputTokens: true, cachedTokens: true, costUsd: true },
    });
    const sum = (pick: (e: UsageRecordedV1) => number) => events.reduce((total, e) => total + pick(e), 0);
    expect(day._sum.requests).toBe(EVENTS);
    expect(day._sum.errors).toBe(events.filter((e) => e.statusCode >= 400).length);
    expect(day._sum.inputTokens).toBe(BigInt(sum((e) => e.inputTokens)));
    expect(day._sum.outputTokens).toBe(BigInt(sum((e) => e.outputTokens)));
    expect(day._sum.cachedTokens).toBe(BigInt(sum((e) => e.cachedTokens)));
    const expectedMicros = events.reduce(
      (total, e) =>
        total +
        costMicros(DEMO_CHAT_PRICE, {
          inputTokens: e.inputTokens,
          outputTokens: e.outputTokens,
          cachedInputTokens: e.cachedTokens,
        }),
      0n,
    );
    expect(day._sum.costUsd?.mul(1_000_000).toFixed(0)).toBe(expectedMicros.toString());

    // Delivering every event again, in new batches (a replayed spool), changes nothing.
    const before = await rollupSnapshot();
    await producer.enqueueBulk(JobName.UsageBatch, batchesOf(events, 200), (batch) => batch.batchId);
    expect(await eventually(drained, 60_000)).toBe(true);
    expect(await queue.getFailedCount()).toBe(0);
    expect(await rawCount()).toBe(EVENTS);
    expect(await rollupSnapshot()).toEqual(before);
    expect((await maintenance.reconcile(window)).differenceCount).toBe(0);

    // The check can fail: one rollup off by one request is reported, with both sides.
    const touched = await db.usageRollup.findFirstOrThrow({ where: { granularity: 'HOUR' } });
    await db.usageRollup.update({ where: { id: touched.id }, data: { requests: { increment: 1 } } });
    const broken = await maintenance.reconcile(window);
    expect(broken.differenceCount).toBe(1);
    expect(broken.differences[0]).toMatchObject({
      granularity: 'HOUR',
      bucketStart: touched.bucketStart,
      raw: { requests: touched.requests },
      rollup: { requests: touched.requests + 1 },
    });
  }, 180_000);
});

function batchesOf(events: UsageRecordedV1[], size: number): UsageBatchV1[] {
  const batches: UsageBatchV1[] = [];
  for (let start = 0; start < events.length; start += size) {
    batches.push({ version: 1, batchId: randomUUID(), events: events.slice(start, start + size) });
  }
  return batches;
}
