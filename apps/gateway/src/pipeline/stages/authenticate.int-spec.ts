import { keySnapshotSchema, type OpenAiErrorBody } from '@gatehouse/contracts';
import { GatewaySnapshotRepository } from '@gatehouse/db';
import { REDIS_CLIENT } from '@gatehouse/redis';
import { type Redis } from 'ioredis';
import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { PUBLIC_ROUTE } from '@gatehouse/observability';
import { GatewayHarness } from '../../../test/gateway-harness';
import { KeySnapshotCache } from '../../auth/key-snapshot.cache';
import { GatewayRoutesController } from '../gateway-routes.controller';

async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    if (await check()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`not within ${withinMs} ms`);
}

describe('gateway key authentication', () => {
  let gateway: GatewayHarness;
  let loads: jest.SpyInstance;

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gateway-auth');
  });

  beforeEach(() => {
    loads = jest.spyOn(gateway.app.get(GatewaySnapshotRepository), 'loadByKeyHash');
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await gateway?.close();
  });

  it('refuses a request without a key', async () => {
    const response = await gateway.request<OpenAiErrorBody>('GET', '/v1/models');
    expect(response.status).toBe(401);
    expect(response.body.error).toMatchObject({ code: 'invalid_api_key', type: 'invalid_request_error', param: null });
  });

  it('serves every route either as public or through the pipeline, which refuses it without a key', async () => {
    const routes: { method: string; path: string; controller: string; public: boolean }[] = [];
    for (const module of gateway.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const controller = wrapper.metatype as Type | null;
        if (!controller) continue;
        const base = (Reflect.getMetadata(PATH_METADATA, controller) as string | undefined) ?? '';
        const prototype = controller.prototype as Record<string, unknown>;
        for (const name of Object.getOwnPropertyNames(prototype)) {
          const handler = prototype[name];
          if (name === 'constructor' || typeof handler !== 'function') continue;
          const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
          if (paths === undefined) continue;
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
          const isPublic =
            Reflect.getMetadata(PUBLIC_ROUTE, handler) === true ||
            Reflect.getMetadata(PUBLIC_ROUTE, controller) === true;
          for (const path of [paths].flat()) {
            const joined = `/${[base, path].filter((part) => part !== '' && part !== '/').join('/')}`;
            routes.push({ method, path: joined.replace(/\/+/g, '/'), controller: controller.name, public: isPublic });
          }
        }
      }
    }
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes) {
      expect({ ...route, served: route.public || route.controller === GatewayRoutesController.name }).toMatchObject({
        served: true,
      });
      if (route.public) continue;
      const path = route.path.replace(':slug', 'demo').replace(':id', 'demo-chat').replace('*', 'x');
      const response = await gateway.request(route.method === 'ALL' ? 'GET' : route.method, path);
      expect({ route: `${route.method} ${route.path}`, status: response.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
      });
    }
  });

  it('refuses a malformed key before any Redis or Postgres lookup', async () => {
    const redisGet = jest.spyOn(gateway.app.get<Redis>(REDIS_CLIENT), 'get');
    const key = (await gateway.key(await gateway.tenant())).key;
    const typo = key.slice(0, 20) + (key[20] === 'a' ? 'b' : 'a') + key.slice(21);
    for (const bad of [typo, key.slice(0, -1), key.replace('gh_live_', 'sk_live_'), 'sk-proj-123']) {
      const response = await gateway.get<OpenAiErrorBody>('/v1/models', bad);
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('invalid_api_key');
    }
    expect(loads).not.toHaveBeenCalled();
    expect(redisGet).not.toHaveBeenCalled();
  });

  it('refuses an unknown key and remembers it: the second call makes no query', async () => {
    const unknown = (await import('@gatehouse/domain')).generateApiKey('live').key;
    expect((await gateway.get('/v1/models', unknown)).status).toBe(401);
    expect((await gateway.get('/v1/models', unknown)).status).toBe(401);
    expect(loads).toHaveBeenCalledTimes(1);
  });

  it('serves a warm key with zero Postgres queries, and loads a cold one once for concurrent requests', async () => {
    const key = await gateway.key(await gateway.tenant());
    const responses = await Promise.all(Array.from({ length: 10 }, () => gateway.get('/v1/models', key.key)));
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(loads).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 5; i++) expect((await gateway.get('/v1/models', key.key)).status).toBe(200);
    expect(loads).toHaveBeenCalledTimes(1);
  });

  it('accepts the key in x-api-key and api-key headers too', async () => {
    const key = await gateway.key(await gateway.tenant());
    expect((await gateway.request('GET', '/v1/models', { 'x-api-key': key.key })).status).toBe(200);
    expect((await gateway.request('GET', '/v1/models', { 'api-key': key.key })).status).toBe(200);
  });

  it('refuses an expired key', async () => {
    const key = await gateway.key(await gateway.tenant(), { expiresAt: new Date(Date.now() - 1000) });
    const response = await gateway.get<OpenAiErrorBody>('/v1/models', key.key);
    expect(response.status).toBe(401);
    expect(response.body.error.message).toMatch(/expired/);
  });

  it('stops a revoked key within one second of the invalidation message', async () => {
    const key = await gateway.key(await gateway.tenant());
    expect((await gateway.get('/v1/models', key.key)).status).toBe(200);
    await gateway.db.apiKey.update({ where: { id: key.id }, data: { status: 'REVOKED', revokedAt: new Date() } });
    await gateway.publish({ kind: 'api-key', tenantId: key.tenantId, apiKeyId: key.id, hashes: [key.hash] });
    await eventually(async () => (await gateway.get('/v1/models', key.key)).status === 401, 1000);
    const response = await gateway.get<OpenAiErrorBody>('/v1/models', key.key);
    expect(response.body.error).toMatchObject({ code: 'invalid_api_key', message: 'This API key has been revoked.' });
  });

  it("refuses a suspended tenant's keys with a 403 within one second of the message, and serves them once reactivated", async () => {
    const tenantId = await gateway.tenant();
    const key = await gateway.key(tenantId);
    expect((await gateway.get('/v1/models', key.key)).status).toBe(200);
    await gateway.db.tenant.update({ where: { id: tenantId }, data: { status: 'SUSPENDED' } });
    await gateway.publish({ kind: 'tenant', tenantId });
    await eventually(async () => (await gateway.get('/v1/models', key.key)).status === 403, 1000);
    const refused = await gateway.get<OpenAiErrorBody>('/v1/models', key.key);
    expect(refused.body.error).toMatchObject({
      code: 'tenant_suspended',
      type: 'permission_error',
      message: 'The organisation of this API key is suspended.',
    });

    await gateway.db.tenant.update({ where: { id: tenantId }, data: { status: 'ACTIVE' } });
    await gateway.publish({ kind: 'tenant', tenantId });
    await eventually(async () => (await gateway.get('/v1/models', key.key)).status === 200, 1000);
  });

  it('drops the Redis copy too, so a restarted cache does not serve a stale snapshot', async () => {
    const key = await gateway.key(await gateway.tenant());
    expect((await gateway.get('/v1/models', key.key)).status).toBe(200);
    const redisKey = gateway.keys.global('key-snapshot', key.hash);
    await eventually(async () => (await gateway.redis.redis.exists(redisKey)) === 1, 1000);
    expect(await gateway.redis.redis.sismember(gateway.keys.tenant(key.tenantId, 'key-snapshots'), key.hash)).toBe(1);
    await gateway.publish({ kind: 'tenant', tenantId: key.tenantId });
    await eventually(async () => (await gateway.redis.redis.exists(redisKey)) === 0, 1000);
  });

  it("accepts a policy document's message and keeps the tenant's keys warm (key snapshots hold no policy)", async () => {
    const key = await gateway.key(await gateway.tenant());
    expect((await gateway.get('/v1/models', key.key)).status).toBe(200);
    const handled = jest.spyOn(gateway.app.get(KeySnapshotCache), 'onInvalidation');
    const message = { kind: 'policy', name: `tenant:${key.tenantId}`, tenantId: key.tenantId } as const;
    await gateway.publish(message);
    await eventually(async () => handled.mock.calls.length > 0, 1000);
    expect(handled).toHaveBeenCalledWith(message);
    expect((await gateway.get('/v1/models', key.key)).status).toBe(200);
    expect(loads).toHaveBeenCalledTimes(1);
  });

  it('keeps the previous secret valid during a rotation grace period, then refuses it', async () => {
    const key = await gateway.key(await gateway.tenant());
    expect((await gateway.get('/v1/models', key.key)).status).toBe(200);
    const next = (await import('@gatehouse/domain')).generateApiKey('live');
    await gateway.db.apiKey.update({
      where: { id: key.id },
      data: { previousHash: key.hash, previousHashExpiresAt: new Date(Date.now() + 800), hash: next.hash },
    });
    await gateway.publish({ kind: 'api-key', tenantId: key.tenantId, apiKeyId: key.id, hashes: [key.hash, next.hash] });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await gateway.get('/v1/models', next.key)).status).toBe(200);
    expect((await gateway.get('/v1/models', key.key)).status).toBe(200);
    // The grace ends while the snapshot is cached: no message needed.
    await new Promise((resolve) => setTimeout(resolve, 800));
    const refused = await gateway.get<OpenAiErrorBody>('/v1/models', key.key);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/rotated/);
    expect((await gateway.get('/v1/models', next.key)).status).toBe(200);
  });

  it("carries what limits need in the snapshot: the tenant's zone and budget, the key's narrowing, the plan's modes", async () => {
    const tenantId = await gateway.tenant();
    await gateway.db.tenant.update({
      where: { id: tenantId },
      data: { timeZone: 'Asia/Tokyo', monthlyBudgetUsd: '75.000000' },
    });
    const product = await gateway.db.product.findUniqueOrThrow({ where: { slug: 'demo' } });
    const planName = `demo-limits-${tenantId.slice(0, 8)}`;
    await gateway.db.plan.create({
      data: { productId: product.id, name: planName, rpm: 30, limitModes: { rpm: 'MONITOR' }, quotaFailOpen: true },
    });
    await gateway.subscribeToDemo(tenantId, { planName });
    const key = await gateway.key(tenantId);
    await gateway.db.apiKey.update({
      where: { id: key.id },
      data: { limits: { rpm: 5, allowedModels: ['demo-chat'] } },
    });

    const models = await gateway.get<{ data: { id: string }[] }>('/v1/models', key.key);
    expect(models.status).toBe(200);
    // The key's allowedModels narrows its subscription's models.
    expect(models.body.data.map((model) => model.id)).toEqual(['demo-chat']);

    const redisKey = gateway.keys.global('key-snapshot', key.hash);
    await eventually(async () => (await gateway.redis.redis.exists(redisKey)) === 1, 1000);
    const cached = keySnapshotSchema.parse(JSON.parse((await gateway.redis.redis.get(redisKey)) ?? 'null'));
    expect(cached).toMatchObject({
      tenantTimeZone: 'Asia/Tokyo',
      tenantMonthlyBudgetUsd: '75',
      keyLimits: { rpm: 5, allowedModels: ['demo-chat'] },
    });
    expect(cached.subscriptions).toHaveLength(1);
    expect(cached.subscriptions[0]).toMatchObject({
      limits: { rpm: 30 },
      limitModes: { rpm: 'monitor' },
      quotaFailOpen: true,
    });

    // The admin changes the budget: the tenant message drops the snapshot, and the next load reads the new one.
    await gateway.db.tenant.update({ where: { id: tenantId }, data: { monthlyBudgetUsd: null } });
    await gateway.publish({ kind: 'tenant', tenantId });
    await eventually(async () => (await gateway.redis.redis.exists(redisKey)) === 0, 1000);
    expect((await gateway.get('/v1/models', key.key)).status).toBe(200);
    await eventually(async () => (await gateway.redis.redis.exists(redisKey)) === 1, 1000);
    const reloaded = keySnapshotSchema.parse(JSON.parse((await gateway.redis.redis.get(redisKey)) ?? 'null'));
    expect(reloaded.tenantMonthlyBudgetUsd).toBeNull();
  });

  it('answers unknown routes with a 404 in OpenAI shape, with x-request-id', async () => {
    const response = await gateway.request<OpenAiErrorBody>('GET', '/v1/nothing-here?x=1');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      error: { message: 'Invalid URL (GET /v1/nothing-here)', type: 'invalid_request_error', param: null, code: null },
    });
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9A-Z]{26}$/);
  });

  it('echoes a safe incoming x-request-id and replaces an unsafe one', async () => {
    const key = await gateway.key(await gateway.tenant());
    const echoed = await gateway.request('GET', '/v1/models', {
      authorization: `Bearer ${key.key}`,
      'x-request-id': 'client-123',
    });
    expect(echoed.headers.get('x-request-id')).toBe('client-123');
    const replaced = await gateway.request('GET', '/v1/models', { 'x-request-id': 'a b"c' });
    expect(replaced.status).toBe(401);
    expect(replaced.headers.get('x-request-id')).toMatch(/^req_/);
  });
});

describe('gateway key authentication with Postgres down', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gateway-auth-outage', {
      env: { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/gatehouse' },
    });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('answers 503 service_unavailable for a cold key, never 401 or 500', async () => {
    const key = (await import('@gatehouse/domain')).generateApiKey('live').key;
    const response = await gateway.get<OpenAiErrorBody>('/v1/models', key);
    expect(response.status).toBe(503);
    expect(response.body.error).toMatchObject({ code: 'service_unavailable', type: 'api_error' });
  });
});
