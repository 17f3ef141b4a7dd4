import { randomUUID } from 'node:crypto';
import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { parseConfig, workerConfigSchema } from '@gatehouse/config';
import { createPrismaClient, type DbClient, type UsageEventInput } from '@gatehouse/db';
import { type UsageRecordedV1 } from '@gatehouse/jobs';
import { createTestDatabase, type TestDatabase, type TestRedis } from '@gatehouse/testing';
import { seedDatabase } from '../../../prisma/seed/seed-database';
import { WorkerModule } from '../src/worker.module';

/** demo-chat's seeded price (USD per 1M tokens), for tests that compute expected costs. */
export const DEMO_CHAT_PRICE = { inputPer1M: '0.5', outputPer1M: '1.5', cachedInputPer1M: '0.25' };

/** A key id that exists nowhere: rollups and events need one, and nothing checks it against api_keys. */
export const SOME_KEY_ID = '00000000-0000-4000-8000-000000000001';

export interface SeededDatabase {
  database: TestDatabase;
  db: DbClient;
  /** The product that serves the seeded `demo-chat` alias. */
  productId: string;
  close(): Promise<void>;
}

/** A database of the suite's own, migrated and seeded like `npm start` does. */
export async function createSeededDatabase(name: string, maxConnections = 2): Promise<SeededDatabase> {
  const database = await createTestDatabase(name);
  const db = createPrismaClient({ url: database.url, maxConnections });
  await seedDatabase(db, {
    adminEmail: 'admin@gatehouse.local',
    adminPassword: 'gatehouse-admin',
    mockProviderUrl: 'http://127.0.0.1:8090',
  });
  const productId = (await db.modelRoute.findUniqueOrThrow({ where: { alias: 'demo-chat' } })).productId;
  return {
    database,
    db,
    productId,
    async close() {
      await db.$disconnect();
      await database.drop();
    },
  };
}

/** The worker app in this process, on the suite's database and Redis prefix, with `env` on top. */
export async function startWorkerApp(
  database: Pick<TestDatabase, 'url'>,
  redis: Pick<TestRedis, 'url' | 'prefix'>,
  env: Record<string, string> = {},
): Promise<INestApplication> {
  const config = parseConfig('worker', workerConfigSchema, {
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.prefix,
    ...env,
  });
  const app = await NestFactory.create(WorkerModule.forRoot(config), { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

/** A `usage.recorded` payload: a successful demo-chat call of 1,000 input and 333 output tokens. */
export function usageRecorded(
  fields: Pick<UsageRecordedV1, 'tenantId' | 'productId'> & Partial<UsageRecordedV1>,
): UsageRecordedV1 {
  return {
    version: 1,
    requestId: randomUUID(),
    occurredAt: '2026-06-01T10:15:30.000Z',
    apiKeyId: SOME_KEY_ID,
    subscriptionId: null,
    model: 'demo-chat',
    providerId: null,
    upstreamModel: 'mock-chat',
    endpoint: 'chat.completions',
    statusCode: 200,
    errorCode: null,
    latencyMs: 12,
    timeToFirstByteMs: 9,
    timeToFirstTokenMs: null,
    inputTokens: 1_000,
    outputTokens: 333,
    cachedTokens: 0,
    usageSource: 'upstream',
    streamed: false,
    cacheHit: false,
    policyActions: [],
    ...fields,
  };
}

/** The same call as the repository takes it (`occurredAt` parsed). */
export function usageEventInput(
  fields: Pick<UsageEventInput, 'tenantId' | 'productId'> & Partial<UsageEventInput>,
): UsageEventInput {
  const {
    version: _version,
    occurredAt,
    ...payload
  } = usageRecorded({
    tenantId: fields.tenantId,
    productId: fields.productId,
  });
  return { ...payload, occurredAt: new Date(occurredAt), ...fields };
}
