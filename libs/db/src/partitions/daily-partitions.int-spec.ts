import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@gatehouse/testing';
import { Prisma } from '../generated/prisma/client';
import { DEFAULT_MIGRATIONS_DIR, migrateDatabase } from '../migrations/migrator';
import { createPrismaClient, type DbClient } from '../prisma-client';
import { CallLogRepository } from '../repositories/call-log.repository';
import { type UsageEventInput, UsageIngestionRepository } from '../repositories/usage-ingestion.repository';
import { UsageMaintenanceRepository } from '../repositories/usage-maintenance.repository';
import { DailyPartitions, partitionName } from './daily-partitions';

const DAY_MS = 86_400_000;
const PARTITIONING_MIGRATION = '20261211000000_usage_events_partitioned';

function event(tenantId: string, occurredAt: string, overrides: Partial<UsageEventInput> = {}): UsageEventInput {
  return {
    requestId: randomUUID(),
    occurredAt: new Date(occurredAt),
    tenantId,
    apiKeyId: randomUUID(),
    subscriptionId: null,
    productId: randomUUID(),
    model: 'demo-chat',
    providerId: null,
    upstreamModel: 'mock-chat',
    endpoint: 'chat.completions',
    statusCode: 200,
    errorCode: null,
    latencyMs: 10,
    timeToFirstByteMs: 5,
    timeToFirstTokenMs: null,
    inputTokens: 100,
    outputTokens: 50,
    cachedTokens: 0,
    usageSource: 'upstream',
    streamed: false,
    cacheHit: false,
    policyActions: [],
    ...overrides,
  };
}

/** Where each of `requestIds`' rows is stored, by request id. */
async function partitionsOf(db: DbClient, requestIds: string[]): Promise<Record<string, string>> {
  const rows = await db.$queryRaw<{ request_id: string; partition: string }[]>(Prisma.sql`
    SELECT request_id, tableoid::regclass::text AS partition FROM usage_events WHERE request_id = ANY(${requestIds})
  `);
  return Object.fromEntries(rows.map((row) => [row.request_id, row.partition]));
}

describe('daily partitions of usage_events (real Postgres)', () => {
  let database: TestDatabase;
  let db: DbClient;
  let partitions: DailyPartitions;
  let ingestion: UsageIngestionRepository;

  beforeAll(async () => {
    database = await createTestDatabase('daily_partitions');
    db = createPrismaClient({ url: database.url, maxConnections: 4 });
    partitions = new DailyPartitions(db);
    ingestion = new UsageIngestionRepository(db);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  it('is created by the migration with partitions for today and the coming week, and a default one', async () => {
    const [status] = await partitions.status();
    const today = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
    const expected = Array.from({ length: 8 }, (_, offset) =>
      partitionName('usage_events', new Date(today.getTime() + offset * DAY_MS)),
    );
    expect(status?.partitions.map((partition) => partition.name)).toEqual(expect.arrayContaining(expected));
    expect(status?.defaultRows).toBe(0);
    const [kind] = await db.$queryRaw<{ relkind: string }[]>`
      SELECT relkind::text FROM pg_class WHERE oid = 'usage_events'::regclass`;
    expect(kind?.relkind).toBe('p');
  });

  it('puts the last millisecond of a day and the first of the next in their own partitions, counted once', async () => {
    await partitions.ensureAhead(new Date('2031-03-14T12:00:00.000Z'), 1);
    const tenantId = randomUUID();
    const apiKeyId = randomUUID();
    const productId = randomUUID();
    const batch = [
      event(tenantId, '2031-03-14T23:59:59.999Z', { apiKeyId, productId }),
      event(tenantId, '2031-03-15T00:00:00.000Z', { apiKeyId, productId }),
    ];
    expect(await ingestion.ingest(batch)).toEqual({ inserted: 2 });
    expect(
      await partitionsOf(
        db,
        batch.map((e) => e.requestId),
      ),
    ).toEqual({
      [batch[0]?.requestId ?? '']: 'usage_events_p20310314',
      [batch[1]?.requestId ?? '']: 'usage_events_p20310315',
    });

    // A redelivered batch, and a batch holding the same request twice, count once.
    expect(await ingestion.ingest(batch)).toEqual({ inserted: 0 });
    expect(await ingestion.ingest([...batch, ...batch])).toEqual({ inserted: 0 });
    expect(await db.usageEvent.count({ where: { tenantId } })).toBe(2);

    const reconciliation = await new UsageMaintenanceRepository(db).reconcile({
      from: new Date('2031-03-14T00:00:00.000Z'),
      to: new Date('2031-03-16T00:00:00.000Z'),
      minuteFrom: new Date('2031-03-14T00:00:00.000Z'),
    });
    expect(reconciliation.differenceCount).toBe(0);
    // Two minute, two hour and two day buckets, one on each side of midnight.
    expect(reconciliation.buckets).toBe(6);
    const days = await db.usageRollup.findMany({
      where: { tenantId, granularity: 'DAY' },
      orderBy: { bucketStart: 'asc' },
    });
    expect(days.map((rollup) => [rollup.bucketStart.toISOString(), rollup.requests])).toEqual([
      ['2031-03-14T00:00:00.000Z', 1],
      ['2031-03-15T00:00:00.000Z', 1],
    ]);
  });

  it('keeps rows with no partition in the default one, and moves them into their partition when it is created', async () => {
    const tenantId = randomUUID();
    const late = event(tenantId, '2032-01-10T08:00:00.000Z');
    const other = event(tenantId, '2032-01-20T08:00:00.000Z');
    await ingestion.ingest([late, other]);
    expect(await partitionsOf(db, [late.requestId, other.requestId])).toEqual({
      [late.requestId]: 'usage_events_default',
      [other.requestId]: 'usage_events_default',
    });
    const before = await db.usageEvent.findFirstOrThrow({ where: { requestId: late.requestId } });

    const created = await partitions.ensureAhead(new Date('2032-01-09T00:00:00.000Z'), 2);
    // Every daily-partitioned table gets its days: the events' and the call bodies'.
    const days = ['20320109', '20320110', '20320111'];
    expect(created).toEqual([
      ...days.map((day) => `usage_events_p${day}`),
      ...days.map((day) => `call_log_bodies_p${day}`),
    ]);
    expect(await partitionsOf(db, [late.requestId, other.requestId])).toEqual({
      [late.requestId]: 'usage_events_p20320110',
      [other.requestId]: 'usage_events_default',
    });
    // Moved whole, the inserting transaction's id included, and still deduplicated.
    expect(await db.usageEvent.findFirstOrThrow({ where: { requestId: late.requestId } })).toEqual(before);
    expect(await ingestion.ingest([late])).toEqual({ inserted: 0 });

    expect(await partitions.ensureAhead(new Date('2032-01-09T00:00:00.000Z'), 2)).toEqual([]);
  });

  it('lets two replicas ensure the same days at once: each partition is created once, neither fails', async () => {
    const now = new Date('2034-07-01T06:00:00.000Z');
    const [first, second] = await Promise.all([partitions.ensureAhead(now, 3), partitions.ensureAhead(now, 3)]);
    const days = ['20340701', '20340702', '20340703', '20340704'];
    expect([...(first ?? []), ...(second ?? [])].sort()).toEqual(
      ['call_log_bodies', 'usage_events'].flatMap((table) => days.map((day) => `${table}_p${day}`)),
    );
  });

  it('drops the partitions wholly before the cutoff, deletes older default rows, and keeps the rollups', async () => {
    await partitions.ensureAhead(new Date('2020-05-01T00:00:00.000Z'), 3);
    const tenantId = randomUUID();
    const events = [
      event(tenantId, '2019-12-31T10:00:00.000Z'),
      event(tenantId, '2020-05-01T10:00:00.000Z'),
      event(tenantId, '2020-05-02T23:59:59.999Z'),
      event(tenantId, '2020-05-03T00:00:00.000Z'),
      event(tenantId, '2020-05-04T10:00:00.000Z'),
    ];
    await ingestion.ingest(events);
    const rollups = await db.usageRollup.count({ where: { tenantId } });

    expect(await partitions.dropBefore('usage_events', new Date('2020-05-03T00:00:00.000Z'))).toEqual({
      dropped: ['usage_events_p20200501', 'usage_events_p20200502'],
      defaultRowsDeleted: 1,
    });
    const left = await db.usageEvent.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' } });
    expect(left.map((row) => row.createdAt.toISOString())).toEqual([
      '2020-05-03T00:00:00.000Z',
      '2020-05-04T10:00:00.000Z',
    ]);
    expect(await db.usageRollup.count({ where: { tenantId } })).toBe(rollups);
    const names = (await partitions.status())[0]?.partitions.map((partition) => partition.name);
    expect(names).toEqual(expect.arrayContaining(['usage_events_p20200503', 'usage_events_p20200504']));
    expect(names).not.toContain('usage_events_p20200502');

    expect(await partitions.dropBefore('usage_events', new Date('2020-05-03T00:00:00.000Z'))).toEqual({
      dropped: [],
      defaultRowsDeleted: 0,
    });
    await expect(partitions.dropBefore('usage_events', new Date('2020-05-03T12:00:00.000Z'))).rejects.toThrow(
      /UTC day start/,
    );
  });

  it('finds a call by request id in whichever partition holds it', async () => {
    const tenantId = randomUUID();
    const inPartition = event(tenantId, '2031-03-14T09:00:00.000Z');
    const inDefault = event(tenantId, '2040-02-02T09:00:00.000Z');
    await ingestion.ingest([inPartition, inDefault]);
    const calls = new CallLogRepository(db);
    expect((await calls.findForPlatform(inPartition.requestId))?.createdAt.toISOString()).toBe(
      '2031-03-14T09:00:00.000Z',
    );
    expect((await calls.findForPlatform(inDefault.requestId))?.createdAt.toISOString()).toBe(
      '2040-02-02T09:00:00.000Z',
    );
  });
});

describe(`migration ${PARTITIONING_MIGRATION}`, () => {
  let database: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase('partitioning_migration', { migrate: false });
    dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-migrations-'));
  });

  afterAll(async () => {
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps every existing row, each in the partition of its day or the default one', async () => {
    // The migrations before this one, applied to a database that then gets usage rows.
    const names = (await readdir(DEFAULT_MIGRATIONS_DIR)).filter((name) => name < PARTITIONING_MIGRATION);
    for (const name of names)
      await cp(path.join(DEFAULT_MIGRATIONS_DIR, name), path.join(dir, name), { recursive: true });
    await migrateDatabase(database.url, { migrationsDir: dir });

    const db = createPrismaClient({ url: database.url, maxConnections: 1 });
    try {
      const now = Date.now();
      const instants = {
        yesterday: new Date(now - DAY_MS),
        lastMonth: new Date(now - 30 * DAY_MS),
        twoYearsAgo: new Date(now - 730 * DAY_MS),
        nextYear: new Date(now + 365 * DAY_MS),
      };
      const tenantId = randomUUID();
      for (const [requestId, at] of Object.entries(instants)) {
        await db.$executeRaw`
          INSERT INTO usage_events (request_id, tenant_id, status_code, latency_ms, input_tokens, cost_usd,
            usage_source, created_at)
          VALUES (${requestId}, ${tenantId}::uuid, 200, 7, 42, 0.000123456, 'upstream', ${at})`;
      }
      const before = await db.$queryRaw<{ id: string; request_id: string }[]>`
        SELECT id::text, request_id FROM usage_events ORDER BY request_id`;

      await migrateDatabase(database.url);

      const after = await db.$queryRaw<
        { id: string; request_id: string; created_at: Date; cost_usd: Prisma.Decimal; partition: string }[]
      >`SELECT id::text, request_id, created_at, cost_usd, tableoid::regclass::text AS partition
          FROM usage_events ORDER BY request_id`;
      expect(after.map((row) => ({ id: row.id, request_id: row.request_id }))).toEqual(before);
      const byRequest = Object.fromEntries(after.map((row) => [row.request_id, row]));
      for (const [requestId, at] of Object.entries(instants)) {
        expect(byRequest[requestId]?.created_at).toEqual(at);
        expect(byRequest[requestId]?.cost_usd.toString()).toBe('0.000123456');
      }
      expect(byRequest.yesterday?.partition).toBe(partitionName('usage_events', instants.yesterday));
      expect(byRequest.lastMonth?.partition).toBe(partitionName('usage_events', instants.lastMonth));
      expect(byRequest.twoYearsAgo?.partition).toBe('usage_events_default');
      expect(byRequest.nextYear?.partition).toBe('usage_events_default');
    } finally {
      await db.$disconnect();
    }
  });
});
