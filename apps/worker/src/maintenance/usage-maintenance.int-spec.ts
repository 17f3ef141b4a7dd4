import { randomUUID } from 'node:crypto';
import { type INestApplication } from '@nestjs/common';
import {
  DailyPartitions,
  type DbClient,
  partitionName,
  UsageIngestionRepository,
  type UsageEventInput,
  UsageMaintenanceRepository,
} from '@gatehouse/db';
import { JobName, JobProducer, QueueName } from '@gatehouse/jobs';
import { queuePrefix } from '@gatehouse/redis';
import { createTestRedis, eventually, type TestRedis } from '@gatehouse/testing';
import { register } from 'prom-client';
import {
  createSeededDatabase,
  type SeededDatabase,
  SOME_KEY_ID,
  startWorkerApp,
  usageEventInput,
} from '../../test/worker-fixtures';
import { BudgetCheckTrigger } from '../usage/budget-check.trigger';
import { KeyLastUsedWriter } from '../usage/key-last-used.writer';
import { PartitionsAheadProcessor } from './partitions-ahead.processor';
import { UsageReconciliationProcessor } from './usage-reconciliation.processor';
import { UsageRetentionProcessor } from './usage-retention.processor';

const NOW = new Date('2026-09-15T12:34:56.000Z');
const RETENTION = { usageEventDays: 30, minuteRollupDays: 35 };

describe('usage housekeeping (real Postgres, Redis and BullMQ)', () => {
  let seeded: SeededDatabase;
  let redis: TestRedis;
  let db: DbClient;
  let ingestion: UsageIngestionRepository;
  let maintenance: UsageMaintenanceRepository;
  let partitions: DailyPartitions;
  let productId: string;

  beforeAll(async () => {
    [seeded, redis] = await Promise.all([createSeededDatabase('worker_upkeep'), createTestRedis('worker-upkeep')]);
    ({ db, productId } = seeded);
    ingestion = new UsageIngestionRepository(db);
    maintenance = new UsageMaintenanceRepository(db);
    partitions = new DailyPartitions(db);
  });

  afterAll(async () => {
    await redis?.cleanup();
    await seeded?.close();
  });

  const event = (tenantId: string, occurredAt: string, overrides: Partial<UsageEventInput> = {}): UsageEventInput =>
    usageEventInput({
      tenantId,
      productId,
      occurredAt: new Date(occurredAt),
      inputTokens: 100,
      outputTokens: 50,
      ...overrides,
    });

  const bodies = (expiresAt: string): NonNullable<UsageEventInput['bodies']> => {
    const part = {
      ciphertext: Buffer.from('sealed').toString('base64'),
      iv: 'AAAAAAAAAAAAAAAA',
      tag: 'AAAAAAAAAAAAAAAAAAAAAA==',
    };
    return {
      keyVersion: 1,
      expiresAt,
      request: part,
      response: null,
      requestTruncated: false,
      responseTruncated: false,
    };
  };

  it("stores an event's bodies once, however often it is delivered, and deletes them once they expire", async () => {
    const tenantId = randomUUID();
    const kept = event(tenantId, '2026-09-10T08:00:00.000Z', { bodies: bodies('2026-09-17T08:00:00.000Z') });
    const expired = event(tenantId, '2026-09-01T08:00:00.000Z', { bodies: bodies('2026-09-15T12:34:56.000Z') });
    const plain = event(tenantId, '2026-09-10T09:00:00.000Z');
    expect(await ingestion.ingest([kept, expired, plain, kept])).toEqual({ inserted: 3 });
    expect(await ingestion.ingest([kept, expired])).toEqual({ inserted: 0 });

    const stored = await db.callLogBody.findMany({
      where: { tenantId },
      orderBy: { createdAt: 'asc' },
      omit: { requestCiphertext: false, responseCiphertext: false },
    });
    expect(stored.map((row) => [row.requestId, row.createdAt.toISOString()])).toEqual([
      [expired.requestId, '2026-09-01T08:00:00.000Z'],
      [kept.requestId, '2026-09-10T08:00:00.000Z'],
    ]);
    expect(Buffer.from(stored[0]?.requestCiphertext ?? []).toString()).toBe('sealed');
    expect(stored[0]).toMatchObject({ responseCiphertext: null, keyVersion: 1, requestTruncated: false });

    const retention = new UsageRetentionProcessor(maintenance, partitions, RETENTION, () => NOW);
    expect((await retention.run()).bodiesDeleted).toBe(1);
    const left = await db.callLogBody.findMany({ where: { tenantId } });
    expect(left.map((row) => row.requestId)).toEqual([kept.requestId]);
    // The events stay: their own retention is the usage events'.
    expect(await db.usageEvent.count({ where: { tenantId } })).toBe(3);
  });

  it('drops raw event partitions and deletes minute rollups past retention by UTC day, keeps hour and day rollups', async () => {
    const tenantId = randomUUID();
    // Retention of 30 days from 2026-09-15 keeps raw events from 2026-08-16T00:00Z; minute rollups from 08-11.
    // Partitions from 08-05 on: the event of 07-20 is in the default partition.
    await partitions.ensureAhead(new Date('2026-08-05T00:00:00.000Z'), 45);
    await ingestion.ingest([
      event(tenantId, '2026-07-20T10:00:00.000Z'),
      event(tenantId, '2026-08-05T10:00:00.000Z'),
      event(tenantId, '2026-08-12T23:59:59.999Z'),
      event(tenantId, '2026-08-16T00:00:00.000Z'),
      event(tenantId, '2026-09-15T12:00:00.000Z'),
    ]);
    const retention = new UsageRetentionProcessor(maintenance, partitions, RETENTION, () => NOW);
    const dropped = Array.from({ length: 11 }, (_, day) =>
      partitionName('usage_events', new Date(Date.UTC(2026, 7, 5 + day))),
    );
    expect(await retention.run()).toEqual({
      eventPartitionsDropped: dropped,
      eventsDeleted: 1,
      minuteRollupsDeleted: 2,
      bodiesDeleted: 0,
    });
    expect(dropped.at(-1)).toBe('usage_events_p20260815');

    const left = await db.usageEvent.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' } });
    expect(left.map((e) => e.createdAt.toISOString())).toEqual([
      '2026-08-16T00:00:00.000Z',
      '2026-09-15T12:00:00.000Z',
    ]);
    const rollups = await db.usageRollup.findMany({ where: { tenantId }, orderBy: { bucketStart: 'asc' } });
    const of = (granularity: string) =>
      rollups.filter((r) => r.granularity === granularity).map((r) => r.bucketStart.toISOString());
    expect(of('MINUTE')).toEqual(['2026-08-12T23:59:00.000Z', '2026-08-16T00:00:00.000Z', '2026-09-15T12:00:00.000Z']);
    expect(of('HOUR')).toHaveLength(5);
    expect(of('DAY')).toHaveLength(5);
    expect(await retention.run()).toEqual({
      eventPartitionsDropped: [],
      eventsDeleted: 0,
      minuteRollupsDeleted: 0,
      bodiesDeleted: 0,
    });

    // Reconciliation checks only what retention keeps: no false difference for the deleted days.
    const reconciliation = new UsageReconciliationProcessor(
      maintenance,
      { windowHours: 24 * 60, retention: RETENTION },
      () => NOW,
    );
    const result = await reconciliation.run();
    expect(result.differenceCount).toBe(0);
    expect(result.buckets).toBeGreaterThanOrEqual(6);
    // A window reaching into the deleted days is narrowed the same way.
    expect((await reconciliation.run(new Date('2026-08-01T00:00:00.000Z'), NOW)).differenceCount).toBe(0);
  });

  it('creates the partitions of today and the days ahead once, and reports how far ahead they reach', async () => {
    const sample = async (name: string) =>
      (await register.getSingleMetric(name)?.get())?.values.find((value) => value.labels.table === 'usage_events')
        ?.value;
    const processor = new PartitionsAheadProcessor(
      partitions,
      { aheadDays: 3 },
      () => new Date('2035-03-01T18:00:00Z'),
    );
    const days = ['20350301', '20350302', '20350303', '20350304'];
    expect(await processor.run()).toEqual(
      ['usage_events', 'call_log_bodies'].flatMap((table) => days.map((day) => `${table}_p${day}`)),
    );
    expect(await sample('gatehouse_partitions_days_ahead')).toBe(3);
    expect(await sample('gatehouse_partitions_default_rows')).toBe((await partitions.status())[0]?.defaultRows);
    expect(await processor.run()).toEqual([]);

    // A day with no partition: today's is there, tomorrow's is not.
    const later = new PartitionsAheadProcessor(partitions, { aheadDays: 0 }, () => new Date('2035-03-04T01:00:00Z'));
    expect(await later.run()).toEqual([]);
    expect(await sample('gatehouse_partitions_days_ahead')).toBe(0);
  });

  it('reports a raw row that has no rollup, and a rollup that has no raw rows', async () => {
    const tenantId = randomUUID();
    await ingestion.ingest([event(tenantId, '2026-09-14T08:30:00.000Z')]);
    const reconciliation = new UsageReconciliationProcessor(
      maintenance,
      { windowHours: 48, retention: RETENTION },
      () => NOW,
    );
    expect((await reconciliation.run()).differenceCount).toBe(0);

    await db.usageRollup.deleteMany({ where: { tenantId, granularity: 'MINUTE' } });
    await db.usageRollup.create({
      data: {
        granularity: 'HOUR',
        bucketStart: new Date('2026-09-14T09:00:00.000Z'),
        tenantId,
        apiKeyId: SOME_KEY_ID,
        productId,
        model: 'demo-chat',
        requests: 1,
      },
    });
    const result = await reconciliation.run();
    expect(result.differenceCount).toBe(2);
    expect(result.differences.map((d) => [d.granularity, d.bucketStart.toISOString(), !!d.raw, !!d.rollup])).toEqual([
      ['MINUTE', '2026-09-14T08:30:00.000Z', true, false],
      ['HOUR', '2026-09-14T09:00:00.000Z', false, true],
    ]);
    await db.usageRollup.deleteMany({ where: { tenantId } });
    await db.usageEvent.deleteMany({ where: { tenantId } });
  });

  it("moves keys' lastUsedAt forward only, without touching updatedAt", async () => {
    const tenant = await db.tenant.create({ data: { name: 'Last used' } });
    const apiKey = await db.apiKey.create({
      data: { tenantId: tenant.id, name: 'k', prefix: 'gh_live_abcd', hash: randomUUID(), last4: 'wxyz' },
    });
    const writer = new KeyLastUsedWriter(ingestion, 60_000);
    const used = (occurredAt: string) =>
      writer.afterBatch([{ apiKeyId: apiKey.id, occurredAt } as Parameters<typeof writer.afterBatch>[0][number]]);

    used('2026-09-15T12:00:00.000Z');
    used('2026-09-15T11:00:00.000Z');
    await writer.flush();
    const first = await db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(first.lastUsedAt?.toISOString()).toBe('2026-09-15T12:00:00.000Z');
    expect(first.updatedAt).toEqual(apiKey.updatedAt);

    used('2026-09-15T10:00:00.000Z');
    await writer.flush();
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt?.toISOString()).toBe(
      '2026-09-15T12:00:00.000Z',
    );
  });

  it('asks for one budget check per tenant however many batches it has, delayed by the debounce', async () => {
    const producer = new JobProducer(redis.redis, queuePrefix(`${redis.prefix}-trigger`));
    try {
      const trigger = new BudgetCheckTrigger(producer, 5_000);
      const [a, b] = [randomUUID(), randomUUID()];
      const events = (tenantId: string) => [{ tenantId } as Parameters<typeof trigger.afterBatch>[0][number]];
      await trigger.afterBatch([...events(a), ...events(a), ...events(b)]);
      await trigger.afterBatch(events(a));
      await trigger.afterBatch(events(a));
      const queue = producer.queue(QueueName.Alerts);
      const delayed = await queue.getDelayed();
      expect(delayed.map((job) => [job.name, job.data]).sort()).toEqual(
        [
          [JobName.BudgetCheck, { version: 1, tenantId: a }],
          [JobName.BudgetCheck, { version: 1, tenantId: b }],
        ].sort(),
      );
      expect(delayed.every((job) => job.opts.delay === 5_000)).toBe(true);
    } finally {
      await producer.close();
    }
  });

  describe('scheduled in the worker', () => {
    let app: INestApplication;

    afterAll(async () => {
      await app?.close();
    });

    it('creates partitions ahead at startup, keeps partitions, retention and reconciliation on their schedules, and runs them', async () => {
      const tenantId = randomUUID();
      const old = event(tenantId, new Date(Date.now() - 100 * 86_400_000).toISOString());
      await ingestion.ingest([old, event(tenantId, new Date().toISOString())]);
      app = await startWorkerApp(seeded.database, redis, {
        WORKER_QUEUES: 'maintenance',
        WORKER_RETENTION_INTERVAL_MS: '200',
        WORKER_RECONCILIATION_INTERVAL_MS: '200',
        WORKER_USAGE_RETENTION_DAYS: '90',
        WORKER_PARTITIONS_INTERVAL_MS: '200',
        WORKER_PARTITIONS_AHEAD_DAYS: '12',
      });

      const producer = new JobProducer(redis.redis, redis.queuePrefix);
      try {
        const schedules = async () =>
          (await producer.queue(QueueName.Maintenance).getJobSchedulers()).map((s) => [s.name, s.every]).sort();
        expect(await eventually(async () => (await schedules()).length === 3, 5_000)).toBe(true);
        expect(await schedules()).toEqual([
          [JobName.PartitionsAhead, 200],
          [JobName.UsageReconciliation, 200],
          [JobName.UsageRetention, 200],
        ]);
        // Only the queues this process consumes are scheduled by it.
        expect(await producer.queue(QueueName.Alerts).getJobSchedulers()).toEqual([]);
        expect(
          await eventually(
            async () => (await db.usageEvent.count({ where: { requestId: old.requestId } })) === 0,
            10_000,
          ),
        ).toBe(true);
        expect(await db.usageEvent.count({ where: { tenantId } })).toBe(1);
        const twelveDaysAhead = partitionName('usage_events', new Date(Date.now() + 12 * 86_400_000));
        expect(
          await eventually(
            async () =>
              (await partitions.status())[0]?.partitions.some((partition) => partition.name === twelveDaysAhead) ===
              true,
            10_000,
          ),
        ).toBe(true);
        expect(
          await eventually(async () => (await producer.queue(QueueName.Maintenance).getCompletedCount()) >= 3, 10_000),
        ).toBe(true);
        expect(await producer.queue(QueueName.Maintenance).getFailedCount()).toBe(0);
      } finally {
        await producer.close();
      }
    });
  });
});
