import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Environment, type GatewayConfig, gatewayConfigSchema, parseConfig } from '@gatehouse/config';
import { type InvalidationMessage } from '@gatehouse/contracts';
import { createPrismaClient, type DbClient, PolicyRepository } from '@gatehouse/db';
import { type HostResolver } from '@gatehouse/egress';
import { generateApiKey, type GeneratedApiKey } from '@gatehouse/domain';
import { RedisKeys } from '@gatehouse/redis';
import { type UsageRecordedV1 } from '@gatehouse/jobs';
import { createTestDatabase, createTestRedis, eventually, type TestDatabase, type TestRedis } from '@gatehouse/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Logger } from 'pino';
import { seedDatabase } from '../../../prisma/seed/seed-database';
import { type KeySnapshotCacheOptions } from '../src/auth/key-snapshot.cache';
import { GatewayCatalog } from '../src/catalog/gateway-catalog.service';
import { configureGateway, gatewayFastifyOptions } from '../src/common/configure-gateway';
import { GatewayModule, type GatewayModuleOptions } from '../src/gateway.module';
import { GatewayMetricsServer } from '../src/observability/observability.module';
import { UpstreamProvidersService } from '../src/upstream/upstream-providers.service';
import { UsageRecorder, type UsageRecorderOptions } from '../src/usage/usage-recorder';

export interface GatewayResponse<Body = unknown> {
  status: number;
  body: Body;
  headers: Headers;
}

/**
 * Subscription overrides that lift every limit of a demo plan, for tests about something else (demo-free allows 60
 * requests a minute, 4 at a time, and has quotas that fail closed when Redis is away).
 */
export const NO_LIMITS = {
  rpm: null,
  rpmBurst: null,
  tpm: null,
  tpmBurst: null,
  concurrency: null,
  dailyTokens: null,
  monthlyTokens: null,
  monthlyCalls: null,
  monthlyBudgetUsd: null,
} as const;

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
  private recorded: Map<string, UsageRecordedV1> | null = null;

  private constructor(
    readonly url: string,
    readonly app: NestFastifyApplication,
    readonly db: DbClient,
    readonly database: TestDatabase,
    readonly redis: TestRedis,
    readonly config: GatewayConfig,
    private readonly moduleOptions: GatewayModuleOptions,
  ) {
    this.keys = new RedisKeys(redis.prefix);
  }

  static async start(
    suiteName: string,
    options: {
      env?: Environment;
      keySnapshotCache?: Partial<KeySnapshotCacheOptions>;
      usageRecorder?: Partial<UsageRecorderOptions>;
      upstreamResolver?: HostResolver;
      requestLogger?: Logger;
      responsesStore?: GatewayModuleOptions['responsesStore'];
    } = {},
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
      GATEWAY_USAGE_SPOOL_DIR: mkdtempSync(path.join(tmpdir(), `gatehouse-${suiteName}-spool-`)),
      // Any free port: suites run side by side, and a replica beside its first instance.
      GATEWAY_METRICS_PORT: '0',
      ...options.env,
    });
    const moduleOptions = {
      keySnapshotCache: options.keySnapshotCache,
      usageRecorder: options.usageRecorder,
      upstreamResolver: options.upstreamResolver,
      requestLogger: options.requestLogger,
      responsesStore: options.responsesStore,
    };
    const app = await startGatewayApp(config, moduleOptions);
    return new GatewayHarness(await app.getUrl(), app, db, database, redis, config, moduleOptions);
  }

  /**
   * A new gateway process, as after a restart: same database, Redis prefix and configuration (so the same usage
   * spool), another port. Stops this one's app first if it still runs; close the returned harness, not this one.
   */
  async restart(): Promise<GatewayHarness> {
    await this.stop();
    const app = await startGatewayApp(this.config, this.moduleOptions);
    return new GatewayHarness(
      await app.getUrl(),
      app,
      this.db,
      this.database,
      this.redis,
      this.config,
      this.moduleOptions,
    );
  }

  /** The gateway's Prometheus endpoint, on its own listener. */
  get metricsUrl(): string {
    return `http://127.0.0.1:${this.app.get(GatewayMetricsServer).port}/metrics`;
  }

  async close(): Promise<void> {
    await this.stop();
    await this.db.$disconnect();
    await this.redis.cleanup();
    await this.database.drop();
  }

  /**
   * One more gateway instance beside this one (same database, Redis prefix and configuration but its own usage
   * spool), as behind a load balancer. Close it before this harness.
   */
  async startReplica(): Promise<{ url: string; app: NestFastifyApplication }> {
    const spoolDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-replica-spool-'));
    const app = await startGatewayApp(
      { ...this.config, usage: { ...this.config.usage, spoolDir } },
      this.moduleOptions,
    );
    return { url: await app.getUrl(), app };
  }

  /** Stops the gateway app (a graceful shutdown), keeping the database and Redis prefix for a `restart`. */
  async stop(): Promise<void> {
    if (stoppedApps.has(this.app)) return;
    stoppedApps.add(this.app);
    await this.app.close();
  }

  /**
   * The usage event the gateway records for this request id (what the pipeline hands the recorder), once its
   * response (and stream) is over. Watching starts at the first call: call `watchUsage()` in beforeAll.
   */
  async usageEventOf(requestId: string | null, timeoutMs = 5_000): Promise<UsageRecordedV1 | undefined> {
    const recorded = this.watchUsage();
    await eventually(() => requestId !== null && recorded.has(requestId), timeoutMs).catch(() => undefined);
    return requestId === null ? undefined : recorded.get(requestId);
  }

  /** From now on, every usage event the app records, by request id. */
  watchUsage(): ReadonlyMap<string, UsageRecordedV1> {
    if (this.recorded === null) {
      const recorded = new Map<string, UsageRecordedV1>();
      const recorder = this.app.get(UsageRecorder);
      const record = recorder.record.bind(recorder);
      jest.spyOn(recorder, 'record').mockImplementation((event) => {
        recorded.set(event.requestId, event);
        record(event);
      });
      this.recorded = recorded;
    }
    return this.recorded;
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

  /**
   * Saves a new version of a policy document (`global` or `tenant:<id>`) with `spec` (YAML lines under `spec:`), as
   * admin-api does, and announces it to the gateways.
   */
  async publishPolicy(name: string, spec: string, mode: 'enforce' | 'monitor' = 'enforce'): Promise<void> {
    const yaml = `apiVersion: gatehouse/v1\nkind: Policy\nmetadata: { name: "${name}" }\nmode: ${mode}\nspec:\n${spec}`;
    const tenantId = name.startsWith('tenant:') ? name.slice('tenant:'.length) : null;
    await this.db.$transaction(async (tx) => {
      const policies = new PolicyRepository(tx);
      const policy = await policies.lockOrCreate({
        name,
        scope: tenantId === null ? 'GLOBAL' : 'TENANT',
        tenantId,
        productId: null,
      });
      await policies.publish(policy, { mode: 'ENFORCE', yaml, message: null, createdById: null });
    });
    await this.publish({ kind: 'policy', name, tenantId });
  }

  async tenant(): Promise<string> {
    const suffix = randomBytes(4).toString('hex');
    return (await this.db.tenant.create({ data: { name: `Tenant ${suffix}` }, select: { id: true } })).id;
  }

  /** A key made directly in the database (only its hash is stored, as admin-api does). */
  async key(
    tenantId: string,
    data: {
      expiresAt?: Date | null;
      subscriptionIds?: string[];
      mode?: 'live' | 'test';
      metadata?: Record<string, string>;
    } = {},
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
        metadata: data.metadata ?? {},
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

  /**
   * A public model `alias` in the seeded `demo` product (so a `subscribeToDemo` subscription grants it), routed to
   * `targets`, each on a provider of its own made for it; the gateway's providers and catalog are reloaded.
   * Create it before the keys that call it: a cached key snapshot lists the models of its day.
   */
  async routeModel(alias: string, targets: TestModelTarget[]): Promise<void> {
    const product = await this.db.product.findUniqueOrThrow({ where: { slug: 'demo' }, select: { id: true } });
    const route = await this.db.modelRoute.create({ data: { alias, productId: product.id }, select: { id: true } });
    for (const target of targets) {
      const name = `test-${target.type.toLowerCase().replace('_', '-')}-${randomBytes(4).toString('hex')}`;
      const provider = await this.db.provider.create({
        data: { name, type: target.type, baseUrl: target.baseUrl, internal: target.internal ?? true },
        select: { id: true },
      });
      await this.db.modelTarget.create({
        data: {
          modelRouteId: route.id,
          providerId: provider.id,
          upstreamModel: target.upstreamModel ?? (target.type === 'ANTHROPIC' ? 'claude-mock' : 'mock-chat'),
          priority: target.priority ?? 0,
        },
      });
    }
    await this.app.get(UpstreamProvidersService).reload();
    await this.app.get(GatewayCatalog).refresh();
  }

  /** `routeModel` with one Anthropic-format target (provider type `ANTHROPIC`, e.g. an in-process mock-provider). */
  anthropicModel(alias: string, baseUrl: string): Promise<void> {
    return this.routeModel(alias, [{ type: 'ANTHROPIC', baseUrl }]);
  }
}

export interface TestModelTarget {
  /** The provider's type: which API the gateway speaks to it. */
  type: 'ANTHROPIC' | 'OPENAI' | 'OPENAI_COMPATIBLE';
  baseUrl: string;
  /** `claude-mock` for Anthropic, `mock-chat` otherwise. */
  upstreamModel?: string;
  /** Lower first; the next priority is the fallback. */
  priority?: number;
  /** Whether the provider is marked internal (the tests' upstreams are on loopback): true unless said otherwise. */
  internal?: boolean;
}

const stoppedApps = new WeakSet<NestFastifyApplication>();

async function startGatewayApp(config: GatewayConfig, options: GatewayModuleOptions): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forRoot(config, options),
    new FastifyAdapter(gatewayFastifyOptions(config)),
    { logger: false },
  );
  configureGateway(app);
  await app.listen(0, '127.0.0.1');
  return app;
}
