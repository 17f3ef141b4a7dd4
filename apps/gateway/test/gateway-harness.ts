import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Environment, gatewayConfigSchema, parseConfig } from '@gatehouse/config';
import { type InvalidationMessage } from '@gatehouse/contracts';
import { createPrismaClient, type DbClient } from '@gatehouse/db';
import { generateApiKey, type GeneratedApiKey } from '@gatehouse/domain';
import { RedisKeys } from '@gatehouse/redis';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@gatehouse/testing';
import { randomBytes } from 'node:crypto';
import { seedDatabase } from '../../../prisma/seed/seed-database';
import { type KeySnapshotCacheOptions } from '../src/auth/key-snapshot.cache';
import { configureGateway, gatewayFastifyOptions } from '../src/common/configure-gateway';
import { GatewayModule } from '../src/gateway.module';
import { UpstreamProvidersService } from '../src/upstream/upstream-providers.service';

export interface GatewayResponse<Body = unknown> {
  status: number;
  body: Body;
  headers: Headers;
}

export interface TestKey extends GeneratedApiKey {
  id: string;
  tenantId: string;
}

/**
 * The gateway as deployed (same module, same `configureGateway`), listening on a free port, against a
 * database and a Redis prefix of the suite's own, seeded like `npm start`. For integration tests.
 */
export class GatewayHarness {
  readonly keys: RedisKeys;

  private constructor(
    readonly url: string,
    readonly app: NestFastifyApplication,
    readonly db: DbClient,
    readonly database: TestDatabase,
    readonly redis: TestRedis,
  ) {
    this.keys = new RedisKeys(redis.prefix);
  }

  static async start(
    suiteName: string,
    options: { env?: Environment; keySnapshotCache?: Partial<KeySnapshotCacheOptions> } = {},
  ): Promise<GatewayHarness> {
    const database = await createTestDatabase(suiteName);
    const redis = await createTestRedis(suiteName);
    const db = createPrismaClient({ url: database.url, maxConnections: 4 });
    await seedDatabase(db, {
      adminEmail: 'admin@gatehouse.local',
      adminPassword: 'gatehouse-admin',
      mockProviderUrl: 'http://127.0.0.1:8090',
    });
    const config = parseConfig('gateway', gatewayConfigSchema, {
      LOG_LEVEL: 'silent',
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.prefix,
      ...options.env,
    });
    const app = await NestFactory.create<NestFastifyApplication>(
      GatewayModule.forRoot(config, { keySnapshotCache: options.keySnapshotCache }),
      new FastifyAdapter(gatewayFastifyOptions()),
      { logger: false },
    );
    configureGateway(app);
    await app.listen(0, '127.0.0.1');
    return new GatewayHarness(await app.getUrl(), app, db, database, redis);
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.db.$disconnect();
    await this.redis.cleanup();
    await this.database.drop();
  }

  async request<Body = unknown>(
    method: string,
    path: string,
    headers: Record<string, string> = {},
  ): Promise<GatewayResponse<Body>> {
    const response = await fetch(`${this.url}${path}`, { method, headers: { accept: 'application/json', ...headers } });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Body, headers: response.headers };
  }

  /** `GET path` with the key as `Authorization: Bearer`. */
  get<Body = unknown>(path: string, key: string): Promise<GatewayResponse<Body>> {
    return this.request<Body>('GET', path, { authorization: `Bearer ${key}` });
  }

  /** Publishes what admin-api would after a change, and resolves once the gateway's subscriber has it. */
  async publish(message: InvalidationMessage): Promise<void> {
    const receivers = await this.redis.redis.publish(this.keys.invalidationChannel(), JSON.stringify(message));
    if (receivers === 0) throw new Error('no gateway is subscribed to the invalidation channel');
  }

  async tenant(): Promise<string> {
    const suffix = randomBytes(4).toString('hex');
    return (await this.db.tenant.create({ data: { name: `Tenant ${suffix}` }, select: { id: true } })).id;
  }

  /** A key made directly in the database (only its hash is stored, as admin-api does). */
  async key(
    tenantId: string,
    data: { expiresAt?: Date | null; subscriptionIds?: string[]; mode?: 'live' | 'test' } = {},
  ): Promise<TestKey> {
    const generated = generateApiKey(data.mode ?? 'live');
    const created = await this.db.apiKey.create({
      data: {
        tenantId,
        name: 'test key',
        prefix: generated.prefix,
        hash: generated.hash,
        last4: generated.last4,
        mode: generated.mode === 'test' ? 'TEST' : 'LIVE',
        expiresAt: data.expiresAt ?? null,
        subscriptions: { create: (data.subscriptionIds ?? []).map((subscriptionId) => ({ subscriptionId, tenantId })) },
      },
      select: { id: true },
    });
    return { ...generated, id: created.id, tenantId };
  }

  /** An approved subscription of the tenant to the seeded `demo` product on `planName`. */
  async subscribeToDemo(
    tenantId: string,
    data: { planName?: string; status?: 'APPROVED' | 'PENDING'; limitOverrides?: object; expiresAt?: Date } = {},
  ): Promise<string> {
    const product = await this.db.product.findUniqueOrThrow({ where: { slug: 'demo' }, select: { id: true } });
    const plan = await this.db.plan.findUniqueOrThrow({
      where: { productId_name: { productId: product.id, name: data.planName ?? 'demo-free' } },
      select: { id: true },
    });
    const subscription = await this.db.subscription.create({
      data: {
        tenantId,
        productId: product.id,
        planId: plan.id,
        status: data.status ?? 'APPROVED',
        limitOverrides: data.limitOverrides,
        expiresAt: data.expiresAt,
      },
      select: { id: true },
    });
    return subscription.id;
  }

  /** Points the seeded `mock` provider at `baseUrl` (an in-process mock-provider) and reloads the upstream pools. */
  async useMockProvider(baseUrl: string): Promise<void> {
    await this.db.provider.update({ where: { name: 'mock' }, data: { baseUrl } });
    await this.app.get(UpstreamProvidersService).reload();
  }
}
