import { randomUUID } from 'node:crypto';
import { calendarPeriods } from '@gatehouse/domain';
import { createHotPathRedisClient } from '../redis-client.factory';
import { RedisKeys } from '../redis-keys';
import { createTestRedis, eventually, TcpProxy, type TestRedis } from '@gatehouse/testing';
import { type Redis } from 'ioredis';
import { decodeScopeState, periodNumber } from './limit-state';
import { LimitsEngine } from './limits-engine';
import { QuotaBackendUnavailableError } from './limits.errors';
import { type AdmitRequest, type Admitted, type LimitScope, type Refused } from './limits.types';

describe('LimitsEngine when Redis goes away (TCP proxy cut)', () => {
  let testRedis: TestRedis;
  let proxy: TcpProxy;
  let client: Redis;
  let engine: LimitsEngine;
  const tenantId = `tenant-${randomUUID()}`;

  const budgeted: LimitScope = { kind: 'subscription', id: randomUUID(), limits: { monthlyBudgetUsd: '1', rpm: 600 } };
  const rateOnly: LimitScope = {
    kind: 'subscription',
    id: randomUUID(),
    limits: { rpm: 60, rpmBurst: 2, concurrency: 5 },
  };
  const request = (scope: LimitScope, overrides: Partial<AdmitRequest> = {}): AdmitRequest => ({
    tenantId,
    scopes: [scope],
    reserve: { tokens: 100, costMicros: 1_000n },
    ...overrides,
  });
  const spent = async (scope: LimitScope = budgeted) => {
    const state = decodeScopeState(
      await testRedis.redis.getBuffer(engine.keys.scope(tenantId, 'subscription', scope.id)),
    );
    return state?.month === periodNumber(calendarPeriods(Date.now()).month.id) ? String(state.monthlyMicros) : null;
  };

  beforeAll(async () => {
    testRedis = await createTestRedis('limits-outage');
    const target = new URL(testRedis.url);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 6379));
    // The gateway's client: no offline queue, so that an outage fails a command at once, and nothing sent again.
    client = createHotPathRedisClient(proxy.url(testRedis.url), 'limits-outage-test');
    client.on('error', () => undefined);
    await eventually(() => client.status === 'ready', 5_000);
    engine = new LimitsEngine(client, new RedisKeys(testRedis.prefix), {
      commandTimeoutMs: 500,
      settleRetry: { initialDelayMs: 100, maxDelayMs: 200 },
    });
  });

  afterAll(async () => {
    engine?.close();
    client?.disconnect();
    await proxy?.close();
    await testRedis?.cleanup();
  });

  it('fails closed on quotas, falls back locally for rate limits, and recovers by itself', async () => {
    const before = (await engine.admit(request(budgeted))) as Admitted;
    expect(before).toMatchObject({ admitted: true, degraded: null, reservation: { backend: 'redis' } });

    proxy.cut();
    await eventually(() => client.status !== 'ready');

    // Budgets and quotas fail closed: 503 quota_backend_unavailable, quickly.
    const started = Date.now();
    await expect(engine.admit(request(budgeted))).rejects.toBeInstanceOf(QuotaBackendUnavailableError);
    await expect(engine.admit(request(budgeted))).rejects.toMatchObject({ code: 'quota_backend_unavailable' });
    expect(Date.now() - started).toBeLessThan(1_000);

    // …unless the plan fails open: admitted on the local rate limits, the budget not counted.
    const failOpen = await engine.admit(request(budgeted, { failOpen: true }));
    expect(failOpen).toMatchObject({ admitted: true, degraded: 'local-fallback', reservation: { backend: 'local' } });

    // Rate limits go on in this process: the burst of 2, then a truthful retry-after.
    const local = [];
    for (let i = 0; i < 3; i++) local.push(await engine.admit(request(rateOnly)));
    expect(local.map((decision) => decision.admitted)).toEqual([true, true, false]);
    expect(local[2]).toMatchObject({ code: 'rate_limit_exceeded', degraded: 'local-fallback' });
    expect((local[2] as Refused).retryAfterMs).toBeGreaterThan(900);
    expect(local[0]?.rateLimits.requests).toEqual({ limit: 60, remaining: 1, resetMs: 1_000 });
    for (const decision of local) {
      if (decision.admitted)
        expect(await engine.settle(decision.reservation, { tokens: 1, costMicros: 0n })).toBe('settled');
    }

    // A settlement during the outage is kept and retried.
    expect(await engine.settle(before.reservation, { tokens: 50, costMicros: 400n })).toBe('deferred');
    expect(engine.pendingSettlements).toBe(1);

    proxy.restore();
    // Same engine, same client: ioredis reconnects, the deferred settlement lands, quotas are back.
    expect(await eventually(() => engine.pendingSettlements === 0, 10_000)).toBe(true);
    expect(await spent()).toBe('400');
    const after = await engine.admit(request(budgeted));
    expect(after).toMatchObject({ admitted: true, degraded: null, reservation: { backend: 'redis' } });
    expect(await spent()).toBe('1400');
  });

  it('treats monitored quotas like absent ones during an outage', async () => {
    const monitored: LimitScope = {
      kind: 'subscription',
      id: randomUUID(),
      limits: { monthlyTokens: 10, rpm: 60 },
      modes: { monthlyTokens: 'monitor' },
    };
    proxy.cut();
    await eventually(() => client.status !== 'ready');
    try {
      expect(await engine.admit(request(monitored))).toMatchObject({ admitted: true, degraded: 'local-fallback' });
    } finally {
      proxy.restore();
    }
    expect(await eventually(() => client.status === 'ready', 10_000)).toBe(true);
  });

  it('never runs late an admit whose answer the outage lost', async () => {
    expect(await eventually(() => client.status === 'ready', 10_000)).toBe(true);
    const lost: LimitScope = { kind: 'subscription', id: randomUUID(), limits: { monthlyBudgetUsd: '1' } };
    // The admit reaches the socket while the connection still looks up; no answer comes, its deadline does.
    proxy.blackHole();
    const admitted = await engine.admit(request(lost, { failOpen: true }));
    expect(admitted).toMatchObject({ admitted: true, degraded: 'local-fallback', reservation: { backend: 'local' } });
    expect(client.status).toBe('ready');

    // The connection drops and comes back: an unanswered command sent again would reserve the budget now.
    proxy.cut();
    await eventually(() => client.status !== 'ready');
    proxy.restore();
    expect(await eventually(() => client.status === 'ready', 10_000)).toBe(true);
    // Whatever the reconnection sends again goes before this.
    expect(await client.ping()).toBe('PONG');
    expect(await spent(lost)).toBeNull();
  });
});
