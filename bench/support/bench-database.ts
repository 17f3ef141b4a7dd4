import { type Limits } from '@gatehouse/contracts';
import { createPrismaClient, dropDatabase } from '@gatehouse/db';
import { generateApiKey } from '@gatehouse/domain';
import { type Redis } from 'ioredis';
import { existsSync, readFileSync } from 'node:fs';
import { npmPath, runTool, toolEnvironment } from './tool-run';

const MIGRATE_TIMEOUT_MS = 120_000;
const SEED_TIMEOUT_MS = 120_000;

/**
 * The plan's limits lifted for the benchmark's subscription, as an admin's overrides would: huge, not null, so
 * that every request still runs the whole limits path (one admit checking the RPM and TPM buckets, a concurrency
 * lease, three quotas and the budget, then one settle), yet is never refused. The benchmark measures what the
 * gateway costs, not the demo plan's 60 requests a minute.
 */
const BENCH_LIMIT_OVERRIDES = {
  rpm: 2_000_000_000,
  tpm: 2_000_000_000,
  concurrency: 1_000_000,
  dailyTokens: 1e15,
  monthlyTokens: 1e15,
  monthlyCalls: 1e15,
  monthlyBudgetUsd: '999999999999',
} satisfies Limits;

export interface BenchKey {
  tenantId: string;
  /** The secret: goes into request headers over IPC only, never printed or logged. */
  key: string;
  hash: string;
}

/**
 * A fresh database for the benchmark: dropped, migrated and seeded through the workspace's own scripts
 * (`npm run db:migrate`, `npm run db:seed`, the mock provider pointing at `mockProviderUrl`).
 */
export async function createBenchDatabase(root: string, databaseUrl: string, mockProviderUrl: string): Promise<void> {
  await dropDatabase(databaseUrl);
  const npm = npmPath();
  await runTool('db:migrate', npm, ['run', '--silent', 'db:migrate'], {
    cwd: root,
    env: toolEnvironment(root, { DATABASE_URL: databaseUrl }),
    timeoutMs: MIGRATE_TIMEOUT_MS,
  });
  await runTool('db:seed', npm, ['run', '--silent', 'db:seed'], {
    cwd: root,
    env: toolEnvironment(root, { DATABASE_URL: databaseUrl, MOCK_PROVIDER_URL: mockProviderUrl }),
    timeoutMs: SEED_TIMEOUT_MS,
  });
}

/**
 * The same subscription with every limit lifted to null (unlimited): the gateway then makes no limit check at all
 * (no admit, no settle in Redis), the baseline that measures what the limits cost on the hot path.
 */
const BENCH_NO_LIMITS = {
  rpm: null,
  rpmBurst: null,
  tpm: null,
  tpmBurst: null,
  concurrency: null,
  dailyTokens: null,
  monthlyTokens: null,
  monthlyCalls: null,
  monthlyBudgetUsd: null,
} satisfies Limits;

/** Which limits a benchmark key's subscription has: huge ones (checked on every request) or none at all. */
export type BenchLimits = 'lifted' | 'none';

/**
 * A tenant with an approved subscription to the seeded `demo` product on `demo-free` (the auto-approved plan, its
 * limits lifted or removed by overrides) and a live key, written directly with Prisma as the gateway's integration
 * harness does.
 */
export async function createBenchKey(databaseUrl: string, limits: BenchLimits = 'lifted'): Promise<BenchKey> {
  const db = createPrismaClient({ url: databaseUrl, applicationName: 'gatehouse-bench', maxConnections: 2 });
  try {
    const product = await db.product.findUniqueOrThrow({ where: { slug: 'demo' }, select: { id: true } });
    const plan = await db.plan.findUniqueOrThrow({
      where: { productId_name: { productId: product.id, name: 'demo-free' } },
      select: { id: true },
    });
    const tenant = await db.tenant.create({
      data: { name: limits === 'lifted' ? 'Benchmark' : 'Benchmark without limits' },
      select: { id: true },
    });
    await db.subscription.create({
      data: {
        tenantId: tenant.id,
        productId: product.id,
        planId: plan.id,
        status: 'APPROVED',
        limitOverrides: limits === 'lifted' ? BENCH_LIMIT_OVERRIDES : BENCH_NO_LIMITS,
      },
    });
    const generated = generateApiKey('live');
    await db.apiKey.create({
      data: {
        tenantId: tenant.id,
        name: 'benchmark',
        prefix: generated.prefix,
        hash: generated.hash,
        last4: generated.last4,
        mode: 'LIVE',
      },
    });
    return { tenantId: tenant.id, key: generated.key, hash: generated.hash };
  } finally {
    await db.$disconnect();
  }
}

/** Rows in usage_events: what a worker has ingested so far. */
export async function countUsageEvents(databaseUrl: string): Promise<number> {
  const db = createPrismaClient({ url: databaseUrl, applicationName: 'gatehouse-bench', maxConnections: 1 });
  try {
    return await db.usageEvent.count();
  } finally {
    await db.$disconnect();
  }
}

/** Deletes every Redis key under `prefix` (the benchmark's own, `gatehouse-bench`), and its queues' (`{gatehouse-bench}`). */
export async function clearRedisPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  for (const pattern of [`${prefix}:*`, `{${prefix}}:*`]) {
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  }
  return deleted;
}

/**
 * The local redis-server's pid (`INFO server`), so that its CPU is measured as a process of the benchmark (limit
 * scripts and BullMQ's jobs run there). Undefined when it is not a process of this machine.
 */
export async function localRedisPid(redis: Redis): Promise<number | undefined> {
  const pid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
  if (!Number.isInteger(pid) || !existsSync(`/proc/${pid}/comm`)) return undefined;
  return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('redis') ? pid : undefined;
}
